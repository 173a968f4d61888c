import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls in the same test are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests import factories
from tests.reference import ensure_reference_data

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium: Playwright cannot download its own browser here."""
    executable = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


@pytest.fixture(autouse=True)
def _reference_data(request):
    """A transactional test (live server, Celery worker) ends with a flush that also empties the
    regions and KSIC divisions migration 0002 loaded; every database test starts with them present."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker is None and not DB_FIXTURES & names:
        return
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & names
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    ensure_reference_data()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttle counters and cached pages live in Redis; each test starts without them."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _korean_first():
    """Each test starts in Korean, as a page does: an English request in one test must not leak
    its active language into the next."""
    from django.utils import translation

    translation.activate("ko")
    yield
    translation.activate("ko")


@pytest.fixture
def operator(db):
    return factories.make_operator("스마트제조혁신추진단")


@pytest.fixture
def other_operator(db):
    return factories.make_operator("다른 운영기관", region_code="26")


@pytest.fixture
def company(db):
    return factories.make_company("한빛정밀")


@pytest.fixture
def other_company(db):
    return factories.make_company("다른기업", region_code="26")


@pytest.fixture
def fresh_celery_worker(django_db_setup, tmp_path):
    """A real Celery worker of this test's own, on the test database and the test broker, with this
    process publishing there. Its own, because a flush between transactional tests can give content
    types new ids and a worker kept from an earlier test would write audit rows with the old ones."""
    import redis

    from tests.infra.conftest import TEST_BROKER_URL, celery_app_broker, spawn_worker

    broker = redis.Redis.from_url(TEST_BROKER_URL)
    broker.flushdb()
    started = spawn_worker(tmp_path / "worker")
    try:
        with celery_app_broker(TEST_BROKER_URL):
            yield started
    finally:
        started.stop()
        broker.flushdb()
        broker.close()
