"""Reading rendered pages in tests the way a person reads them: visible text, headings, errors."""

import re
from html import unescape


def text(response):
    """The page's visible text: scripts and styles dropped, tags removed, entities decoded,
    whitespace collapsed."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def h1(response):
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    assert match, "page has no h1"
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match.group(1))).strip())


def title(response):
    return unescape(re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip())


def _summary_block(response):
    return re.search(r'<div class="error-summary".*?</ul>', response.content.decode(), re.S)


def summary(response):
    """The error summary's messages, in order (empty when the page has none)."""
    block = _summary_block(response)
    if not block:
        return []
    return [unescape(m.strip()) for m in re.findall(r'<a href="#[^"]*">(.*?)</a>', block.group(0), re.S)]


def summary_anchors(response):
    """Where each error-summary link points, in order."""
    block = _summary_block(response)
    return re.findall(r'<a href="#([^"]*)">', block.group(0)) if block else []
