"""The agreement as people read it: the frozen `terms` of one version with labels in the active
language (one code path for the project page and the PDF), and the agreement PDF (협약서), rendered
synchronously like the application copies (a few pages)."""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.documents import pdf_response, safe_name
from applications.models import BudgetCategory, KpiCode
from programs.funding import ROLE_LABELS
from sfms.pdf import render_pdf

from .models import PartyRole, TrancheKind

SCOPE_LABELS = (
    ("title", gettext_lazy("과제명")),
    ("summary", gettext_lazy("과제 요약")),
    ("integration_plan", gettext_lazy("기존 시스템 연계 방안")),
    ("data_plan", gettext_lazy("데이터 활용 계획")),
)


def _label(choices, value):
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def _percent(rate):
    try:
        shown = (Decimal(str(rate)) * 100).normalize()
    except (InvalidOperation, TypeError, ValueError):
        return ""
    return f"{shown:f}%"


def _int(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _date(text):
    try:
        return datetime.date.fromisoformat(str(text))
    except (TypeError, ValueError):
        return None


def terms_view(terms):
    """The terms of one agreement version, ready for a template; tolerant of partial terms."""
    terms = terms or {}
    budget = terms.get("budget") or {}
    lines = budget.get("lines") or {}
    shares = terms.get("shares") or {}
    total = _int(budget.get("total_cost"))
    share_rows = [
        {
            "label": str(ROLE_LABELS.get(line.get("role"), line.get("role") or "")),
            "rate": _percent(line.get("rate")) if line.get("rate") not in (None, "") else "",
            "amount": _int(line.get("amount")),
            "capped": bool(line.get("capped")),
        }
        for line in shares.get("lines") or []
    ]
    sme = _int(shares.get("sme_share"))
    if sme is not None:
        share_rows.append(
            {
                "label": _("도입기업 부담금"),
                "rate": _percent(Decimal(sme) / Decimal(total)) if total else "",
                "amount": sme,
                "capped": False,
            }
        )
    scope = terms.get("scope") or {}
    period = terms.get("period") or {}
    return {
        "receipt_number": terms.get("receipt_number", ""),
        "call": terms.get("call") or {},
        "parties": [
            {"role": _label(PartyRole, p.get("role")), "name": p.get("name", "")}
            for p in terms.get("parties") or []
        ],
        "scope": [(str(label), scope.get(key) or "") for key, label in SCOPE_LABELS if scope.get(key)],
        "starts_on": _date(period.get("starts_on")),
        "ends_on": _date(period.get("ends_on")),
        "total_cost": total,
        "budget_lines": [
            {"label": str(c.label), "amount": _int(lines.get(c.value))}
            for c in BudgetCategory
            if c.value in lines
        ],
        "shares": share_rows,
        "government_share": _int(terms.get("government_share")),
        "tranches": [
            {
                "order": t.get("order"),
                "kind": _label(TrancheKind, t.get("kind")),
                "amount": _int(t.get("amount")),
            }
            for t in terms.get("tranches") or []
        ],
        "obligations": list(terms.get("obligations") or []),
        "kpis": [
            {
                "name": k.get("name") or _label(KpiCode, k.get("code")),
                "unit": k.get("unit", ""),
                "baseline": "" if k.get("baseline") in (None, "None") else k.get("baseline"),
                "target": "" if k.get("target") in (None, "None") else k.get("target"),
            }
            for k in terms.get("kpis") or []
        ],
    }


def _moment(value):
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{local.year}. {local.month}. {local.day}. {local:%H:%M}"


def agreement_context(agreement):
    project = agreement.project
    parties = [
        {
            "name": p.name,
            "role": p.get_role_display(),
            "accepted_by": p.accepted_by.full_name if p.accepted_by_id and p.accepted_by else "",
            "accepted_at": _moment(p.accepted_at),
        }
        for p in agreement.parties.select_related("accepted_by").order_by("pk")
    ]
    view = terms_view(agreement.terms)
    return {
        "agreement": agreement,
        "project": project,
        "terms": view,
        "party_rows": parties,
        "status": agreement.get_status_display(),
        "issued_at": _moment(agreement.issued_at),
        "in_force_at": _moment(agreement.in_force_at),
        "generated_at": _moment(timezone.now()),
    }


def agreement_pdf(agreement) -> bytes:
    """협약서: parties and their acceptances, scope, period, budget, shares, tranches, obligations, KPIs."""
    with translation.override("ko"):
        return render_pdf("pdf/agreement.html", agreement_context(agreement))


def agreement_filename(agreement):
    receipt = (agreement.terms or {}).get("receipt_number") or f"project-{agreement.project_id}"
    return f"{safe_name(receipt, 'project')}-협약서-{agreement.version}차.pdf"


def agreement_response(agreement):
    return pdf_response(agreement_pdf(agreement), agreement_filename(agreement))
