"""PDFs carry a real Korean font: checked with poppler's pdffonts and pdftotext, because weasyprint
prints empty boxes rather than failing when no Korean font is installed."""

import datetime
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from organizations.documents import company_profile_pdf, korean_date, won
from sfms.pdf import render_pdf
from tests import factories

REPO = Path(__file__).resolve().parents[2]
KOREAN_FONT_MARKERS = ("Noto-Sans-CJK-KR", "NotoSansCJKkr", "NotoSansCJK", "Nanum")


def pdf_fonts(path):
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in out.splitlines()[2:] if line.strip()]


def korean_fonts(path):
    return [name for name in pdf_fonts(path) if any(marker in name for marker in KOREAN_FONT_MARKERS)]


def pdf_text(path):
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def korean_company(db):
    return factories.make_company(
        "한빛정밀",
        business_number="1248100998",
        representative="홍길동",
        employees=1234,
        annual_revenue=12_300_000_000,
        smart_factory_level="intermediate_1",
        has_mes=True,
        has_erp=True,
    )


def test_company_profile_pdf_embeds_the_korean_font_and_text(korean_company, tmp_path):
    now = datetime.datetime(2026, 3, 6, 16, 30, tzinfo=datetime.UTC)  # 2026-03-07 01:30 in Seoul
    pdf = company_profile_pdf(korean_company, now=now)
    assert pdf.startswith(b"%PDF-")
    path = tmp_path / "profile.pdf"
    path.write_bytes(pdf)

    assert korean_fonts(path), f"no Korean font embedded: {pdf_fonts(path)}"
    text = pdf_text(path)
    for expected in (
        "기업 정보 확인서",
        korean_company.name,
        "124-81-00998",
        "홍길동",
        "경기도",
        "C29",
        "1,234명",
        "12,300,000,000원",
        "중간1",
        "MES, ERP",
        "2026. 3. 7.",
    ):
        assert expected in text, f"{expected!r} missing from the PDF text:\n{text}"
    assert re.search(r"\b1\s*/\s*1\s*$", text.strip()), "page number missing from the footer"


def test_cover_page_has_no_footer_and_page_numbers_count_it(tmp_path):
    from django.template import engines

    template = engines["django"].from_string(
        '{% extends "pdf/base.html" %}'
        '{% block cover %}<section class="cover"><div class="title">표지 제목</div></section>{% endblock %}'
        "{% block content %}<h1>본문 제목</h1><p>내용</p>{% endblock %}"
    )
    from weasyprint import HTML

    html = template.render({"pdf_font_family": "Noto Sans CJK KR"})
    path = tmp_path / "cover.pdf"
    path.write_bytes(HTML(string=html).write_pdf())
    pages = pdf_text(path).split("\f")
    assert "표지 제목" in pages[0]
    assert not re.search(r"\d\s*/\s*2", pages[0])  # no footer on the cover
    assert "본문 제목" in pages[1]
    assert re.search(r"2\s*/\s*2", pages[1])  # the cover counts as page 1


def test_render_pdf_uses_the_configured_font_family(settings, tmp_path, korean_company):
    settings.SFMS_PDF_FONT_FAMILY = "Noto Serif CJK KR"
    path = tmp_path / "serif.pdf"
    path.write_bytes(render_pdf("pdf/company_profile.html", {"company": korean_company, "systems": []}))
    assert any("Serif" in name for name in pdf_fonts(path)), pdf_fonts(path)


def test_helpers_format_the_korean_way():
    seoul = ZoneInfo("Asia/Seoul")
    assert korean_date(datetime.date(2026, 3, 7)) == "2026. 3. 7."
    assert korean_date(datetime.datetime(2026, 12, 31, 15, 0, tzinfo=datetime.UTC)) == "2027. 1. 1."
    assert korean_date(datetime.datetime(2026, 1, 5, 23, 59, tzinfo=seoul)) == "2026. 1. 5."
    assert won(0) == "0"
    assert won(1_500_000) == "1,500,000"


NO_KOREAN_FONT_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>{cache}</cachedir></fontconfig>
"""


def test_negative_control_without_a_korean_font(tmp_path):
    """On a machine without fonts-noto-cjk weasyprint would draw boxes: render_pdf refuses, and the
    pdffonts check above would catch such a PDF (pdftotext alone would not: boxes still map to text)."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(NO_KOREAN_FONT_CONF.format(cache=tmp_path / "cache"))
    out = tmp_path / "tofu.pdf"
    script = textwrap.dedent(
        f"""
        import django
        django.setup()
        from weasyprint import HTML
        from sfms.pdf import PdfFontError
        html = '<html lang="ko"><body style="font-family: Noto Sans CJK KR"><h1>기업 정보 확인서</h1></body></html>'
        open({str(out)!r}, "wb").write(HTML(string=html).write_pdf())  # weasyprint alone: silent boxes
        try:
            from organizations.models import Company, Region
            from organizations.documents import company_profile_pdf
            company_profile_pdf(Company(name="한빛정밀", business_number="1248100998", representative="홍길동",
                                        region=Region(code="41", name_ko="경기도"), kind="manufacturer"))
        except PdfFontError as exc:
            print("REFUSED", exc)
        """
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "DJANGO_LOG_LEVEL": "ERROR"}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "REFUSED" in result.stdout, result.stdout + result.stderr
    assert korean_fonts(out) == [], pdf_fonts(out)  # the check that guards the real test fails here
    assert "기업 정보 확인서" in pdf_text(out)  # ...while the text check alone would still pass
