"""axe-core gate for browser tests: zero serious or critical violations (ui.md section 5).

Usage in a Playwright test::

    from tests.browser.axe import check_page
    check_page(page, "landing")        # runs axe, fails on serious/critical, saves a screenshot

Screenshots go to $SFMS_SCREENSHOTS (e.g. /tmp/sfms-shots) when that variable is set.
"""

import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
BLOCKING = {"serious", "critical"}

_axe = Axe()


def run_axe(page, context=None):
    """The raw axe results for the page (or a CSS selector inside it)."""
    return _axe.run(page, context=context, options=OPTIONS)


def blocking_violations(results):
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING]


def screenshot(page, name):
    folder = os.environ.get("SFMS_SCREENSHOTS")
    if not folder:
        return None
    path = Path(folder) / f"{re.sub(r'[^a-zA-Z0-9_-]+', '-', name)}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


def check_page(page, name, context=None):
    """Run axe on the current page; fail the test on any serious or critical violation."""
    screenshot(page, name)
    results = run_axe(page, context)
    blocking = blocking_violations(results)
    others = [v for v in results.response["violations"] if v not in blocking]
    for v in others:
        print(f"[axe {name}] {v.get('impact')}: {v['id']} ({len(v['nodes'])} nodes)")
    if blocking:
        report = results.generate_report()
        pytest.fail(
            f"axe found {len(blocking)} serious/critical violation(s) on {name} ({page.url}):\n{report}"
        )
    return results
