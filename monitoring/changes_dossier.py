"""The change-request part of a project's dossier (monitoring/dossier.py calls `entries`): a CSV
(UTF-8 with BOM, so Excel opens Korean text) and a JSON of every request with its new and previous
values and decision, and each evidence file as uploaded. The dossier builder has checked access;
this reads without the tenant filter and writes nothing."""

import csv
import io
import json

from django.core.serializers.json import DjangoJSONEncoder

from applications.documents import safe_name, unique_names

from . import rules
from .models import ChangeRequest


def _csv(header, rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _when(value):
    return value.isoformat() if value else ""


def entries(project) -> list[tuple[str, bytes]]:
    rows = list(
        ChangeRequest.objects.unrestricted()
        .filter(project_id=project.pk)
        .select_related("requested_by", "decided_by", "agreement")
        .order_by("requested_at", "pk")
    )
    if not rows:
        return []
    names = unique_names(safe_name(f"{c.pk}-{c.evidence_name}", f"evidence-{c.pk}") for c in rows)
    files, records = [], []
    for change, name in zip(rows, names, strict=True):
        evidence = f"changes/evidence/{name}" if change.evidence else ""
        records.append(
            {
                "id": change.pk,
                "kind": change.kind,
                "kind_label": str(change.get_kind_display()),
                "path": change.path,
                "status": change.status,
                "summary": str(rules.change_summary(change.kind, change.values)),
                "values": change.values,
                "previous": change.previous,
                "reason": change.reason,
                "evidence": evidence,
                "evidence_name": change.evidence_name,
                "requested_by": change.requested_by.full_name,
                "requested_at": change.requested_at,
                "decided_by": change.decided_by.full_name if change.decided_by else "",
                "decided_at": change.decided_at,
                "decision_reason": change.decision_reason,
                "agreement_version": change.agreement.version if change.agreement else None,
            }
        )
        if change.evidence:
            try:
                with change.evidence.open("rb") as handle:
                    files.append((evidence, handle.read()))
            except OSError:  # missing from storage: the JSON still names it; not fatal
                pass
    header = [
        "번호",
        "변경 유형",
        "처리 경로",
        "상태",
        "변경 내용",
        "변경 사유",
        "신청자",
        "신청일시",
        "처리자",
        "처리일시",
        "처리 사유",
        "반영 협약 차수",
        "증빙",
    ]
    table = [
        [
            r["id"],
            r["kind_label"],
            r["path"],
            r["status"],
            r["summary"],
            r["reason"],
            r["requested_by"],
            _when(r["requested_at"]),
            r["decided_by"],
            _when(r["decided_at"]),
            r["decision_reason"],
            r["agreement_version"] or "",
            r["evidence"],
        ]
        for r in records
    ]
    return [
        ("changes/change_requests.csv", _csv(header, table)),
        (
            "changes/change_requests.json",
            json.dumps(records, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode("utf-8"),
        ),
        *files,
    ]
