"""Celery edges of the evaluations app: thin wrappers that call services by id."""

from sfms.tasks import sfms_task

from . import services


@sfms_task(name="evaluations.build_report")
def build_report(*, report_id):
    """Write a requested evaluation report's PDF; a report already done (or gone) is skipped."""
    report = services.report_build(report_id)
    return report.status if report else "skipped"


@sfms_task(name="evaluations.sweep_pending_reports", max_retries=0)
def sweep_pending_reports():
    """Re-enqueue reports still pending after a while (a broker outage when they were requested)."""
    return services.reports_requeue_stale()


@sfms_task(name="evaluations.daily_upkeep", max_retries=2)
def daily_upkeep():
    """Remind experts whose declared interests lapse soon, and close matching notes past their
    deadline. Each row is marked as it is handled, so a second run the same day does nothing."""
    return {
        "interest_reminders": services.interests_remind_due(),
        "notes_expired": services.matching_notes_expire(),
    }
