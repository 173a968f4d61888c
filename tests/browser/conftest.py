import pytest


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A person in Korea: Korean browser, Seoul time, a laptop-sized window."""
    return {
        **browser_context_args,
        "locale": "ko-KR",
        "timezone_id": "Asia/Seoul",
        "viewport": {"width": 1280, "height": 900},
    }
