"""How services apply a set of field changes: only allowed fields, and model validation turned
into the DomainError the pages and API show beside the field."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .errors import DomainError


def apply_changes(obj, changes, allowed):
    unknown = set(changes) - set(allowed)
    if unknown:
        raise DomainError(
            _("수정할 수 없는 항목입니다: %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            "field_locked",
        )
    for name, value in changes.items():
        setattr(obj, name, value)


def as_domain_error(exc):
    """The first message of a ValidationError, tied to its field."""
    field, messages = next(iter(exc.message_dict.items()))
    return DomainError(messages[0], "invalid", None if field == "__all__" else field)


def full_clean(obj, exclude=None):
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise as_domain_error(exc) from exc
