"""API conventions shared by every app: pagination and one error body shape.

Error body: {"message": "<in the user's language>", "code": "<stable code>", "errors": {field: [msgs]}}
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from organizations.errors import DomainError


class StandardPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


def _as_list(value):
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def domain_error_response(exc):
    """A DomainError as the shared error body. An error that lists several problems (`blockers`:
    (field, message) pairs, as a refused submission does) names every one under its field."""
    errors = {}
    for field, message in getattr(exc, "blockers", None) or ():
        errors.setdefault(field, []).append(str(message))
    if not errors and exc.field:
        errors = {exc.field: [str(exc.message)]}
    return Response({"message": str(exc.message), "code": exc.code, "errors": errors}, status=exc.status)


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return domain_error_response(exc)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        errors = {field: _as_list(msgs) for field, msgs in detail.items()}
        body = {"message": _("입력 내용에 문제가 있습니다."), "code": "invalid", "errors": errors}
    else:
        codes = exc.get_codes() if hasattr(exc, "get_codes") else "error"
        body = {
            "message": str(exc.detail) if hasattr(exc, "detail") else str(exc),
            "code": codes if isinstance(codes, str) else "error",
            "errors": {},
        }
    response.data = body
    if response.status_code == status.HTTP_401_UNAUTHORIZED and not response.get("WWW-Authenticate"):
        response["WWW-Authenticate"] = "Token"
    return response
