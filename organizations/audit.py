"""The one way to write an audit record. Services call `record` inside their transaction,
so the audit row commits or rolls back with the change it describes."""

import datetime
import decimal
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile

from .models import AuditEvent, Company, Operator

EXCLUDED_FIELDS = {"password", "last_login"}


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):  # `.url` raises on an empty file, so no hasattr probing
        return value.name or None
    return value


def snapshot(obj, fields=None) -> dict:
    """The concrete field values of a row, as JSON-safe plain data (foreign keys by id)."""
    data = {}
    for f in obj._meta.concrete_fields:
        if f.name in EXCLUDED_FIELDS or (fields is not None and f.name not in fields):
            continue
        if getattr(f, "auto_now", False):  # "updated_at" says when, which the event already records
            continue
        data[f.attname if f.is_relation else f.name] = _plain(getattr(obj, f.attname))
    return data


def _scope_of(obj):
    """The tenant (operator) and company an audited record belongs to, found by convention."""
    if isinstance(obj, Operator):
        return obj, None
    if isinstance(obj, Company):
        return None, obj
    operator = getattr(obj, "audit_operator", None) or getattr(obj, "operator", None)
    company = getattr(obj, "audit_company", None) or getattr(obj, "company", None)
    operator = operator if isinstance(operator, Operator) else None
    company = company if isinstance(company, Company) else None
    return operator, company


def record(actor, obj, action, *, before=None, after=None, reason="", ip_address=None):
    """Append one audit event. `actor` may be None for the system (tasks, commands)."""
    operator, company = _scope_of(obj)
    actor_label = "system"
    if actor is not None and getattr(actor, "is_authenticated", False):
        actor_label = getattr(actor, "email", "") or str(actor)
    else:
        actor = None
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=actor_label,
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        operator=operator,
        company=company,
        before=before,
        after=after,
        reason=reason or "",
        ip_address=ip_address,
    )


def record_create(actor, obj, *, reason=""):
    return record(actor, obj, AuditEvent.Action.CREATE, after=snapshot(obj), reason=reason)


def record_update(actor, obj, before: dict, *, reason=""):
    after = snapshot(obj, fields=None)
    changed_before = {k: v for k, v in before.items() if after.get(k) != v}
    changed_after = {k: after.get(k) for k in changed_before}
    if not changed_before:
        return None
    return record(
        actor, obj, AuditEvent.Action.UPDATE, before=changed_before, after=changed_after, reason=reason
    )


def record_delete(actor, obj, *, reason=""):
    return record(actor, obj, AuditEvent.Action.DELETE, before=snapshot(obj), reason=reason)


def record_transition(actor, obj, field, from_state, to_state, *, reason=""):
    return record(
        actor,
        obj,
        AuditEvent.Action.TRANSITION,
        before={field: from_state},
        after={field: to_state},
        reason=reason,
    )
