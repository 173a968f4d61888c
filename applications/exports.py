"""The operators' application list as rows: for the page (money and suppliers from the frozen
snapshot) and for CSV and Excel downloads of the same filtered list.

Money is whole won as integers; times are Asia/Seoul. Column headers follow the UI language. The CSV
starts with a UTF-8 byte-order mark so Excel in Korea opens the Hangul correctly.
"""

import csv
import io
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.rules import format_business_number
from organizations.templatetags.sfms_format import lname

from .filters import outcome_label
from .models import ApplicationStatus, MemberRole, MemberStatus, Submission

GOVERNMENT_ROLES = frozenset({"central_government", "province", "municipality"})
BATCH = 1000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class SubmissionFacts:
    total_cost: int | None
    sme_share: int | None
    government_share: int | None
    suppliers: tuple


def _facts(total_cost, shares, members):
    shares = shares or {}
    lines = shares.get("lines") or []
    government = sum(int(line.get("amount") or 0) for line in lines if line.get("role") in GOVERNMENT_ROLES)
    suppliers = tuple(
        m["company"]["name"]
        for m in members or []
        if m.get("role") == MemberRole.SUPPLIER and m.get("status") == MemberStatus.ACCEPTED
    )
    return SubmissionFacts(
        total_cost=int(total_cost) if total_cost is not None else None,
        sme_share=shares.get("sme_share"),
        government_share=government if lines else None,
        suppliers=suppliers,
    )


def submission_facts(submission_ids):
    """{submission id: SubmissionFacts} read from the frozen snapshots, one query per thousand."""
    ids = [pk for pk in submission_ids if pk]
    found = {}
    for start in range(0, len(ids), BATCH):
        rows = (
            Submission.objects.unrestricted()
            .filter(pk__in=ids[start : start + BATCH])
            .order_by()
            .values_list("pk", "snapshot__budget__total_cost", "snapshot__shares", "snapshot__members")
        )
        for pk, total_cost, shares, members in rows:
            found[pk] = _facts(total_cost, shares, members)
    return found


EMPTY = SubmissionFacts(None, None, None, ())


def attach_facts(applications):
    """Set `facts` (SubmissionFacts of the latest submission) on each annotated application."""
    facts = submission_facts([a.latest_submission_id for a in applications])
    for application in applications:
        application.facts = facts.get(application.latest_submission_id, EMPTY)
        application.outcome_label = outcome_label(application.eligibility_outcome)
    return applications


def track_name(track):
    return lname(track) if getattr(track, "name_ko", "") else track.get_level_display()


def headers():
    return [
        _("접수번호"),
        _("주관 도입기업"),
        _("사업자등록번호"),
        _("지역"),
        _("공고번호"),
        _("지원 유형"),
        _("신청 상태"),
        _("제출 차수"),
        _("제출일시(한국 시간)"),
        _("총 사업비(원)"),
        _("기업 부담금(원)"),
        _("정부 지원금(원)"),
        _("공급기업"),
        _("자격 확인 결과"),
    ]


def rows(queryset):
    """Each application of the (filtered, annotated) queryset as a list of cell values: integers for
    money and the version, a naive Asia/Seoul datetime for the submission time."""
    applications = list(queryset.select_related("lead__region", "track__call"))
    for start in range(0, len(applications), BATCH):
        chunk = attach_facts(applications[start : start + BATCH])
        for a in chunk:
            submitted = (
                timezone.localtime(a.submitted_at).replace(tzinfo=None, microsecond=0)
                if a.submitted_at
                else None
            )
            yield [
                a.receipt_number or "",
                a.lead.name,
                format_business_number(a.lead.business_number),
                lname(a.lead.region),
                a.track.call.reference,
                track_name(a.track),
                str(ApplicationStatus(a.status).label),
                a.current_version,
                submitted,
                a.facts.total_cost,
                a.facts.sme_share,
                a.facts.government_share,
                ", ".join(a.facts.suppliers),
                str(a.outcome_label),
            ]


def _filename(ext):
    return f"applications-{timezone.localtime():%Y%m%d-%H%M}.{ext}"


def csv_response(queryset):
    buffer = io.StringIO()
    buffer.write("\ufeff")  # UTF-8 BOM: Excel (Korean Windows) reads the file as UTF-8
    writer = csv.writer(buffer)
    writer.writerow(headers())
    for row in rows(queryset):
        writer.writerow(
            [
                "" if v is None else (v.strftime("%Y-%m-%d %H:%M:%S") if hasattr(v, "strftime") else v)
                for v in row
            ]
        )
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def xlsx_response(queryset):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("신청 목록"))
    sheet.freeze_panes = "A2"
    for column, width in zip(
        "ABCDEFGHIJKLMN", (22, 24, 14, 12, 12, 16, 10, 8, 20, 16, 16, 16, 30, 12), strict=True
    ):
        sheet.column_dimensions[column].width = width
    bold = Font(bold=True)
    header_cells = []
    for title in headers():
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows(queryset):
        cells = []
        for index, value in enumerate(row):
            cell = WriteOnlyCell(sheet, value=value)
            if index == 8 and value is not None:
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            elif index in (9, 10, 11) and value is not None:
                cell.number_format = "#,##0"
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response
