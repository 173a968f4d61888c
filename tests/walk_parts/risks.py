"""Tenant B's risk flag, for the access walk: its message must never show to a tenant-A user
(project list badges, project page, risk-flags API, admin)."""

import datetime

from django.utils import timezone


def register(foreign, member_b, project):
    from monitoring.models import RiskFlag

    now = timezone.now()
    foreign[RiskFlag] = RiskFlag.objects.create(
        project=project,
        kind="milestone_overdue",
        key="milestone_overdue:leak",
        severity="critical",
        since=datetime.date(2027, 3, 2),
        message="외부위험LEAK",
        first_seen_at=now,
        last_seen_at=now,
    )


def markers(foreign):
    from monitoring.models import RiskFlag

    return [(foreign[RiskFlag], "외부위험LEAK")]
