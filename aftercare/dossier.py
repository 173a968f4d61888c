"""The aftercare part of the project dossier (issue 7, point 8): `entries(project)` returns
(file name, bytes) pairs for the zip another module builds: a CSV of the defect-repair requests, a
CSV of the maintenance contracts and the files attached to them.

Unfair-practice reports are left out on purpose: they are confidential to the reporting company and
the call's staff, and a dossier travels further than that."""

import csv
import io

from django.utils import timezone

from .models import DefectRepair, MaintenanceContract

FOLDER = "aftercare"


def _csv(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens Korean text correctly


def _when(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _file(field, name, prefix):
    if not field:
        return None
    try:
        with field.open("rb") as handle:
            return (f"{FOLDER}/{prefix}-{name or field.name.rsplit('/', 1)[-1]}", handle.read())
    except (FileNotFoundError, OSError):
        return None


def entries(project):
    defects = list(DefectRepair.objects.unrestricted().filter(project=project).order_by("requested_at", "pk"))
    contracts = list(
        MaintenanceContract.objects.unrestricted().filter(project=project).order_by("starts_on", "pk")
    )
    out = [
        (
            f"{FOLDER}/하자보수.csv",
            _csv(
                ["번호", "요청일시", "하자 내용", "상태", "조치 내용", "조치일", "만족도", "만족도 의견"],
                [
                    [
                        d.pk,
                        _when(d.requested_at),
                        d.description,
                        d.get_status_display(),
                        d.response,
                        d.repaired_on.isoformat() if d.repaired_on else "",
                        d.satisfaction or "",
                        d.satisfaction_comment,
                    ]
                    for d in defects
                ],
            ),
        ),
        (
            f"{FOLDER}/유지보수계약.csv",
            _csv(
                ["번호", "유지보수 업체", "과제 공급기업", "시작일", "종료일", "연간 유지보수비(원)", "범위"],
                [
                    [
                        c.pk,
                        c.provider_name,
                        "예" if c.with_supplier else "아니오",
                        c.starts_on.isoformat(),
                        c.ends_on.isoformat(),
                        c.annual_fee,
                        c.scope,
                    ]
                    for c in contracts
                ],
            ),
        ),
    ]
    for d in defects:
        out.append(_file(d.attachment, d.attachment_name, f"하자보수{d.pk}"))
    for c in contracts:
        out.append(_file(c.document, c.document_name, f"유지보수계약{c.pk}"))
    return [entry for entry in out if entry is not None]
