"""PDF documents about organisations (rendered by sfms.pdf with the Korean font)."""

from zoneinfo import ZoneInfo

from django.utils import timezone, translation

from sfms.pdf import render_pdf

from .rules import format_business_number

SEOUL = ZoneInfo("Asia/Seoul")


def korean_date(moment) -> str:
    """The Korean way of writing a date: "2026. 3. 7." (Asia/Seoul for datetimes)."""
    if hasattr(moment, "hour"):
        moment = timezone.localtime(moment, SEOUL)
    return f"{moment.year}. {moment.month}. {moment.day}."


def won(amount) -> str:
    """Whole won with thousands separators: 12300000000 -> "12,300,000,000"."""
    return f"{int(amount):,}"


def company_systems(company) -> list[str]:
    held = [
        ("MES", company.has_mes),
        ("ERP", company.has_erp),
        ("데이터 수집 체계", company.has_data_collection),
    ]
    return [label for label, has in held if has]


def company_profile_pdf(company, *, now=None) -> bytes:
    """기업 정보 확인서: the company's registry record as a one-page Korean PDF."""
    address = " ".join(part for part in (company.address, company.address_detail) if part)
    with translation.override("ko"):
        return render_pdf(
            "pdf/company_profile.html",
            {
                "company": company,
                "business_number": format_business_number(company.business_number),
                "address": address,
                "employees": won(company.employees),
                "revenue": won(company.annual_revenue),
                "systems": company_systems(company),
                "generated_on": korean_date(now or timezone.now()),
            },
        )
