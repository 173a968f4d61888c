"""The inspections part of a project's dossier (the zip for auditors): the interim checks and every
final inspection (appointment, checklist, result, supplier rating, corrective actions) as JSON, and
the checklist evidence files as uploaded."""

import json

from django.db.models import Prefetch

from .models import ChecklistItem, CorrectiveAction, FinalInspection, InterimCheck


def _at(value):
    return value.isoformat() if value else None


def _interim(check):
    return {
        "checked_on": _at(check.checked_on),
        "operator": check.operator.name_ko,
        "progress": check.progress,
        "findings": check.findings,
        "actions": check.actions,
        "recorded_by": check.recorded_by.full_name,
        "recorded_at": _at(check.recorded_at),
    }


def _evidence_path(inspection, item):
    return f"inspections/evidence/{inspection.pk}-{item.key}-{item.evidence_name}"


def _inspection(inspection):
    return {
        "id": inspection.pk,
        "inspector": inspection.inspector_name,
        "inspector_kind": inspection.inspector_kind,
        "appointed_by": inspection.appointed_by.full_name,
        "appointed_at": _at(inspection.appointed_at),
        "status": inspection.status,
        "result": inspection.result,
        "result_note": inspection.result_note,
        "result_at": _at(inspection.result_at),
        "supplier_score": inspection.supplier_score,
        "supplier_comment": inspection.supplier_comment,
        "passed_at": _at(inspection.passed_at),
        "checklist": [
            {
                "key": item.key,
                "label": str(item.get_key_display()),
                "checked": item.checked,
                "note": item.note,
                "evidence": _evidence_path(inspection, item) if item.evidence else None,
                "evidence_name": item.evidence_name,
                "checked_at": _at(item.checked_at),
            }
            for item in inspection.items.all()
        ],
        "corrective_actions": [
            {
                "description": a.description,
                "due_on": _at(a.due_on),
                "status": a.status,
                "plan": a.plan,
                "planned_at": _at(a.planned_at),
                "result": a.result,
                "reported_at": _at(a.reported_at),
                "review_note": a.review_note,
                "confirmed_at": _at(a.confirmed_at),
            }
            for a in inspection.actions.all()
        ],
    }


def entries(project) -> list[tuple[str, bytes]]:
    """[("inspections/inspections.json", bytes), ("inspections/evidence/…", bytes), …]."""
    checks = (
        InterimCheck.objects.unrestricted().filter(project=project).select_related("operator", "recorded_by")
    )
    inspections = list(
        FinalInspection.objects.unrestricted()
        .filter(project=project)
        .select_related("appointed_by")
        .order_by("appointed_at", "pk")
        .prefetch_related(
            Prefetch("items", queryset=ChecklistItem.objects.unrestricted().order_by("pk")),
            Prefetch("actions", queryset=CorrectiveAction.objects.unrestricted().order_by("due_on", "pk")),
        )
    )
    data = {
        "project": project.submission.receipt_number,
        "inspection_passed_at": _at(project.inspection_passed_at),
        "interim_checks": [_interim(c) for c in checks.order_by("checked_on", "pk")],
        "final_inspections": [_inspection(i) for i in inspections],
    }
    out = [("inspections/inspections.json", json.dumps(data, ensure_ascii=False, indent=2).encode())]
    for inspection in inspections:
        for item in inspection.items.all():
            if item.evidence:
                try:
                    with item.evidence.open("rb") as fh:
                        out.append((_evidence_path(inspection, item), fh.read()))
                except OSError:  # missing from storage: the JSON still names it; not fatal
                    continue
    return out
