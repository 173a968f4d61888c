import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls in the same test are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests import factories

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


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttle counters and cached pages live in Redis; each test starts without them."""
    from django.core.cache import cache

    cache.clear()
    yield


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
