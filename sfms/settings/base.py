"""Settings shared by every environment; values come from environment variables with safe defaults."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = env("DJANGO_SECRET_KEY", "dev-insecure-key-change-me-in-production-0123456789")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "organizations",
    "programs",
    "suppliers",
    "applications",
    "evaluations",
    "monitoring",
    "inspections",
    "outcomes",
    "aftercare",
    "sanctions",
]

MIDDLEWARE = [
    "sfms.middleware.received_at_middleware",  # first: the arrival time deadlines are judged by
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sfms.middleware.KoreanFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "sfms.urls"
WSGI_APPLICATION = "sfms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "organizations.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"postgres://postgres@127.0.0.1:{env('SFMS_PGPORT', '55432')}/sfms"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

AUTH_USER_MODEL = "organizations.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Korean first, English second; Asia/Seoul everywhere.
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("한국어")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["sfms.formats"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "sfms_language"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / ".run" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("SFMS_MEDIA_ROOT", str(BASE_DIR / ".run" / "media")))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", f"redis://127.0.0.1:{env('SFMS_REDIS_PORT', '56379')}/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "sfms",
    }
}

# Celery: the database row is the source of truth, tasks are enqueued on commit, acknowledged late.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", REDIS_URL)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TRACK_STARTED = True
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_BEAT_SCHEDULE = {}


def mailers(default_backend):
    """Django 6.1 MAILERS from DJANGO_EMAIL_BACKEND / DJANGO_EMAIL_FILE_PATH / SMTP variables."""
    backend = env("DJANGO_EMAIL_BACKEND", default_backend)
    options = {}
    if backend.endswith("filebased.EmailBackend"):
        options["file_path"] = env("DJANGO_EMAIL_FILE_PATH", str(BASE_DIR / ".run" / "mail"))
    if backend.endswith("smtp.EmailBackend"):
        options.update(
            host=env("DJANGO_EMAIL_HOST", "localhost"),
            port=int(env("DJANGO_EMAIL_PORT", "25")),
            username=env("DJANGO_EMAIL_USER", ""),
            password=env("DJANGO_EMAIL_PASSWORD", ""),
            use_tls=env_bool("DJANGO_EMAIL_USE_TLS", False),
            timeout=int(env("DJANGO_EMAIL_TIMEOUT", "30")),  # a hung server must not hold the outbox row
        )
    return {"default": {"BACKEND": backend, "OPTIONS": options}}


MAILERS = mailers("django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "SFMS <no-reply@sfms.example.kr>")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "sfms.api.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "sfms.api.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "SFMS API",
    "DESCRIPTION": "Smart Factory Management System REST API (v1).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CompanyKindEnum": "organizations.models.Company.Kind",
        "OperatorKindEnum": "organizations.models.Operator.Kind",
        "SmartFactoryLevelEnum": "organizations.models.SmartFactoryLevel",
        "FunderRoleEnum": "programs.models.FunderRole",
        "RuleKindEnum": "programs.models.RuleKind",
        "DocumentKindEnum": "programs.models.DocumentKind",
        "CallStatusEnum": "programs.models.CallStatus",
        "DeliveryModelEnum": "programs.models.DeliveryModel",
        "ProgrammeTypeEnum": "programs.models.ProgrammeType",
    },
}

# Content Security Policy: everything is served from our own origin (no CDN).
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "frame-ancestors": [CSP.SELF],
}

# Where weasyprint looks for the Korean font (Debian's fonts-noto-cjk).
SFMS_PDF_FONT_FAMILY = env("SFMS_PDF_FONT_FAMILY", "Noto Sans CJK KR")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Help desk shown on every page and on error pages; each deployment sets its own.
SFMS_HELP_CONTACT = {
    "phone": env("SFMS_HELP_PHONE", "1588-0000"),
    "email": env("SFMS_HELP_EMAIL", "help@sfms.example.kr"),
}

# Virus scanning of uploads: a dotted path to a callable scan(path_or_file) that raises
# organizations.uploads.InfectedFile to refuse a file (any other error refuses it as "not checked").
# Called by organizations.uploads.check_upload before a file is accepted; the default accepts all.
SFMS_UPLOAD_SCANNER = env("SFMS_UPLOAD_SCANNER", "organizations.uploads.no_scan")
