"""HTML templates rendered to PDF by weasyprint, with the Korean system font (fonts-noto-cjk).

    from sfms.pdf import render_pdf
    pdf_bytes = render_pdf("pdf/company_profile.html", {"company": company})

Templates extend `pdf/base.html`: A4, page numbers in the footer, an optional cover page
(`{% block cover %}`), the font family from settings.SFMS_PDF_FONT_FAMILY.

weasyprint does not fail when no installed font has Korean glyphs: it draws empty boxes and logs a
warning per character. `render_pdf` watches those warnings and raises `PdfFontError` when Hangul or
CJK characters could not be drawn, so a server without fonts-noto-cjk fails loudly instead of
sending unreadable documents. Other missing glyphs (an emoji in a name) are only logged.
"""

import logging
import re
import threading
import unicodedata

from django.conf import settings
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# One INFO line per rendering step is noise in worker logs.
if logging.getLogger("weasyprint.progress").level == logging.NOTSET:
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

_NOTDEF = re.compile(r'\.notdef glyph rendered for Unicode string unsupported by fonts: "(.*)"', re.S)


class PdfFontError(RuntimeError):
    """Korean text could not be drawn: no installed font has the glyphs (install fonts-noto-cjk)."""


class _MissingGlyphs(logging.Handler):
    """Collects the characters weasyprint could not draw, in the current thread only."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.thread = threading.get_ident()
        self.chars = []

    def emit(self, record):
        if record.thread != self.thread:
            return
        match = _NOTDEF.search(record.getMessage())
        if match:
            self.chars.append(match.group(1))


def _is_cjk(text):
    return any(unicodedata.name(ch, "").startswith(("HANGUL", "CJK")) for ch in text)


def render_html(template_name, context=None):
    """The HTML a PDF is made from (also handy to preview a report in the browser)."""
    return render_to_string(
        template_name, {"pdf_font_family": settings.SFMS_PDF_FONT_FAMILY, **(context or {})}
    )


def render_pdf(template_name, context=None, *, base_url=None) -> bytes:
    """Render a Django template to PDF bytes. `base_url` resolves relative URLs (images, stylesheets);
    it defaults to the project directory. Raises PdfFontError if Korean text would print as boxes."""
    from weasyprint import HTML  # imported lazily: the import takes most of a second

    html = render_html(template_name, context)
    watcher = _MissingGlyphs()
    weasy_logger = logging.getLogger("weasyprint")
    weasy_logger.addHandler(watcher)
    saved_level = weasy_logger.level
    if weasy_logger.getEffectiveLevel() > logging.WARNING:  # the glyph warnings must reach the watcher
        weasy_logger.setLevel(logging.WARNING)
    try:
        pdf = HTML(string=html, base_url=base_url or str(settings.BASE_DIR)).write_pdf()
    finally:
        weasy_logger.removeHandler(watcher)
        weasy_logger.setLevel(saved_level)
    missing = "".join(dict.fromkeys("".join(watcher.chars)))
    if missing and _is_cjk(missing):
        raise PdfFontError(
            f"{template_name}: no font for {missing[:20]!r}; install fonts-noto-cjk "
            f"(SFMS_PDF_FONT_FAMILY={settings.SFMS_PDF_FONT_FAMILY!r})"
        )
    if missing:
        logger.warning("%s: characters without a glyph in the PDF: %r", template_name, missing)
    return pdf
