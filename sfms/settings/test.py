"""Test run: real Postgres and Redis, fast hashing, mail kept in memory."""

from .base import *

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = mailers("django.core.mail.backends.locmem.EmailBackend")
# Tests clear the cache between tests, so they keep it in a Redis database of its own.
CACHES["default"]["LOCATION"] = env("SFMS_TEST_CACHE_URL", REDIS_URL.rsplit("/", 1)[0] + "/1")
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
MEDIA_ROOT = BASE_DIR / ".run" / "test-media" / DATABASES["default"]["TEST"]["NAME"]
# Tests publish tasks to a Redis database of their own, never to the one a dev worker listens on.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL.rsplit("/", 1)[0] + "/2")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
