"""Celery tasks of the programs app. Thin: take ids, call the service, safe to run twice."""

from sfms.tasks import sfms_task

from . import services


@sfms_task(name="programs.advance_calls_by_clock", max_retries=0)
def advance_calls_by_clock():
    """Beat, every minute on the minute: open and close calls at their announced times."""
    opened, closed = services.calls_advance_by_clock()
    return {"opened": opened, "closed": closed}


@sfms_task(name="programs.recompute_call_quotes")
def recompute_call_quotes(*, call_id):
    """After a cost-share template change: bring every stored quote of the call up to date."""
    return services.recompute_call_quotes(call_id)


@sfms_task(name="programs.alert_saved_searches")
def alert_saved_searches(*, call_id):
    """After a call is published: e-mail users whose saved search matches it (once each)."""
    return services.alert_saved_searches(call_id)


@sfms_task(name="programs.send_deadline_reminders", max_retries=0)
def send_deadline_reminders():
    """Beat, every 15 minutes: reminders 7 days and 1 day before a watched call closes."""
    return services.send_deadline_reminders()
