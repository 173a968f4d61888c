"""Celery edges of the applications app: thin wrappers that call services by id."""

from sfms.tasks import sfms_task

from . import services


@sfms_task(name="applications.run_eligibility")
def run_eligibility(*, run_id):
    run = services.eligibility_run(run_id)
    return run.outcome if run else "skipped"


@sfms_task(name="applications.sweep_pending_eligibility", max_retries=0)
def sweep_pending_eligibility():
    """Re-enqueue runs still pending after a while (a broker outage at submission time)."""
    return services.eligibility_requeue_stale()
