"""Domain errors with stable codes. Services raise them; the web and API edges turn them into
messages in the user's language (403 for AccessDenied, 409 for conflicts, 400 for the rest)."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 400
    default_code = "invalid"
    default_message = _("요청을 처리할 수 없습니다.")

    def __init__(self, message=None, code=None, field=None):
        self.message = message or self.default_message
        self.code = code or self.default_code
        self.field = field
        super().__init__(str(self.message))


class AccessDenied(DomainError):
    status = 403
    default_code = "forbidden"
    default_message = _("이 작업을 할 권한이 없습니다.")


class Conflict(DomainError):
    status = 409
    default_code = "conflict"
    default_message = _("다른 사용자가 먼저 변경했습니다. 새로 고친 뒤 다시 시도해 주십시오.")
