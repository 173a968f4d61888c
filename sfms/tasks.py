"""Conventions every Celery task in SFMS follows.

- The database row is the source of truth. A service writes the row, then schedules the task with
  `enqueue_on_commit(task, some_id=...)`, so the task never runs before the row exists and never runs
  for a transaction that rolled back.
- Tasks are thin: an explicit, stable `name`, keyword-only ids, reload the row (log and return if it is
  gone), call a service. They must be safe to run twice (a retry, a redelivery after a worker crash and
  a periodic sweep can all run the same job again).
- Acknowledged late and rejected (requeued) when the worker dies mid-task.
- Only recoverable errors (database or broker connection trouble, timeouts) are retried, with
  exponential backoff, full jitter and a cap. Everything else fails at once.

Usage::

    from sfms.tasks import enqueue_on_commit, sfms_task

    @sfms_task(name="programs.recalculate_call_funding")
    def recalculate_call_funding(*, call_id):
        ...

    enqueue_on_commit(recalculate_call_funding, call_id=call.pk)
"""

import inspect
import logging

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError, transaction
from kombu.exceptions import OperationalError as BrokerOperationalError

logger = logging.getLogger(__name__)

#: Errors that may go away on their own; a task raising one of these is retried with backoff.
RECOVERABLE_ERRORS = (
    OperationalError,  # database restarted, connection dropped, serialization failure, lock timeout
    InterfaceError,  # connection already closed
    BrokerOperationalError,  # Redis unavailable while the task enqueues follow-up work
    ConnectionError,  # includes ConnectionRefusedError / ConnectionResetError (SMTP, HTTP, Redis)
    TimeoutError,
)


class SfmsTask(Task):
    """Base class for every SFMS task (use the `sfms_task` decorator rather than this directly)."""

    acks_late = True
    reject_on_worker_lost = True
    autoretry_for = RECOVERABLE_ERRORS
    max_retries = 6
    retry_backoff = 10  # seconds: 10, 20, 40, 80, 160, 320 ... (randomised by the jitter)
    retry_backoff_max = 600
    retry_jitter = True
    typing = True  # apply_async checks the arguments against the signature at enqueue time


def _check_keyword_only(fun, *, bind):
    params = list(inspect.signature(fun).parameters.values())
    if bind:
        params = params[1:]
    positional = [
        p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
    ]
    if positional:
        raise TypeError(
            f"Task {fun.__module__}.{fun.__qualname__} must take keyword-only arguments "
            f"(put a * before {', '.join(positional)})."
        )


def sfms_task(*, name, bind=False, **options):
    """Register a task with the SFMS conventions. `name` is required and must never change once deployed
    (queued messages refer to it); other Celery task options (`max_retries`, `autoretry_for`,
    `queue`, ...) may be passed to override the defaults."""
    if not name or "." not in name:
        raise ValueError(
            "Give every task an explicit dotted name, e.g. 'organizations.deliver_notification'."
        )

    def decorator(fun):
        _check_keyword_only(fun, bind=bind)
        return shared_task(name=name, base=SfmsTask, bind=bind, **options)(fun)

    return decorator


def _publish(task, kwargs):
    try:
        task.apply_async(kwargs=kwargs)
    except Exception:
        # The transaction has committed: the row is there and a periodic sweep will enqueue it again.
        # Failing here would turn a successful request into an error page for a broker hiccup.
        logger.exception("Could not enqueue %s(%s); the periodic sweep will retry", task.name, kwargs)


def enqueue_on_commit(task, /, **kwargs):
    """Enqueue `task` with keyword arguments once the current transaction commits.

    Outside a transaction (autocommit) it enqueues immediately; if the transaction rolls back it never
    enqueues. Pass ids, never model instances: `enqueue_on_commit(deliver_notification, notification_id=n.pk)`.
    """
    frozen = dict(kwargs)
    transaction.on_commit(lambda: _publish(task, frozen))
