"""Korean first: pages follow the language the person chose (cookie set by the switcher or at log-in),
otherwise Korean, whatever the browser says. The API follows Accept-Language, as API clients expect."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import timezone, translation


class KoreanFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def received_at_middleware(get_response):
    """Stamp the moment a request reached Django, before sessions, auth or any query: a submission
    is judged against its deadline by this moment, not by when it got through a busy server."""

    def middleware(request):
        request.received_at = timezone.now()
        return get_response(request)

    return middleware


def received_at(request):
    """When the request arrived (see received_at_middleware); now, for a request built without it."""
    return getattr(request, "received_at", None) or timezone.now()
