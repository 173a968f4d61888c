"""Test run: real Postgres and Redis, fast hashing, mail kept in memory."""

from .base import *

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = mailers("django.core.mail.backends.locmem.EmailBackend")
# pytest-xdist runs the suite in workers gw0, gw1, …: each gets its own test database (pytest-django
# adds the suffix), and here its own Redis databases and media folder, since a test flushes them.
XDIST_WORKER = env("PYTEST_XDIST_WORKER", "")
_SLOT = int(XDIST_WORKER[2:]) + 1 if XDIST_WORKER.startswith("gw") else 0


def _redis_db(index):
    """Databases 1–3 for a plain run, 4–6 for worker gw0, 7–9 for gw1 (Redis has 16 by default)."""
    return REDIS_URL.rsplit("/", 1)[0] + f"/{index + 3 * _SLOT}"


# Tests clear the cache between tests, so they keep it in a Redis database of its own.
CACHES["default"]["LOCATION"] = env("SFMS_TEST_CACHE_URL", _redis_db(1))
CACHES["default"]["KEY_PREFIX"] = "sfms-test"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Parallel runs on one Postgres (helpers, CI shards) each need their own test database, and their
# own media folder: ids restart in each database, so two runs would write the same file paths.
DATABASES["default"]["TEST"] = {"NAME": env("SFMS_TEST_DB_NAME", "test_sfms")}
MEDIA_ROOT = BASE_DIR / ".run" / "test-media" / (DATABASES["default"]["TEST"]["NAME"] + XDIST_WORKER)
# Tests publish tasks to a Redis database of their own, never to the one a dev worker listens on.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", _redis_db(2))
# The real Celery worker that tests start listens on a Redis database of its own (tests/infra).
SFMS_TEST_CELERY_BROKER_URL = env("SFMS_TEST_CELERY_BROKER_URL", _redis_db(3))
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
