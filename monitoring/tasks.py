"""Celery edges of the monitoring app: thin wrappers that call the services."""

import datetime

from sfms.tasks import sfms_task

from . import risk_check


@sfms_task(name="monitoring.check_risks", max_retries=2)
def check_risks(*, today: str | None = None):
    """The daily risk check (monitoring/risk_check.py): open, refresh and resolve risk flags and
    send each new flag's reminder once. `today` (ISO date) is for tests; it defaults to today in
    Asia/Seoul. Safe to run twice."""
    day = datetime.date.fromisoformat(today) if today else None
    return risk_check.check_risks(today=day)
