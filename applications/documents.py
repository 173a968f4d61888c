"""Copies of a submitted application, made from the Submission's frozen snapshot only (never the live
draft): the receipt PDF (접수증), the whole application as one PDF, and a zip with that PDF,
`snapshot.json` and every document file exactly as it was uploaded and frozen.

Document files are found by the ids the snapshot lists and checked against the snapshot's sha256
while they are copied into the zip: a stored file that no longer matches stops the copy
(`FrozenFileChanged`) rather than ship a different file under the frozen name.
"""

import datetime
import hashlib
import json
import logging
import re
import tempfile
import unicodedata
import zipfile
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.http import FileResponse, HttpResponse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header

from organizations.access import principal_for
from organizations.models_roles import Role
from organizations.templatetags.sfms_format import bizno, krw
from organizations.uploads import CONTENT_TYPE, extension_of, human_size
from programs.documents import level_label
from programs.eligibility import DECLARATION_KINDS, REGION_NAMES
from programs.models import DocumentKind, FunderRole
from sfms.pdf import render_pdf

from .models import (
    ApplicationDocument,
    BudgetCategory,
    KpiCode,
    MemberRole,
    MemberStatus,
)

logger = logging.getLogger(__name__)
SEOUL = ZoneInfo("Asia/Seoul")
CHUNK = 1 << 16


class FrozenFileChanged(RuntimeError):
    """A stored document no longer matches the hash its submission froze (or is gone)."""


# --- who may take a copy --------------------------------------------------------------------------


def may_copy(user, submission):
    """Beyond `visible_to` (which the views apply first): on the company side, only the lead and the
    companies that were accepted members when this version was frozen. Operator-side staff and
    platform admins who can see the submission may copy it."""
    p = principal_for(user)
    if p.is_platform_admin or p.is_operator_side:
        return True
    application = submission.application
    if application.lead_id in p.company_ids_with(Role.SME_MEMBER):
        return True
    companies = set(p.company_ids_with(Role.SUPPLIER_MEMBER, Role.LARGE_FIRM_MEMBER, Role.SME_MEMBER))
    return any(
        (m.get("company") or {}).get("id") in companies and m.get("status") == MemberStatus.ACCEPTED
        for m in submission.snapshot.get("members") or []
    )


# --- words for the snapshot's codes ----------------------------------------------------------------


def _label(choices, value):
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def _moment(text):
    """An ISO timestamp from the snapshot as Seoul time: "2026. 12. 7. 15:20:05 (KST)"."""
    if not text:
        return ""
    try:
        moment = datetime.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return str(text)
    if timezone.is_naive(moment):
        return f"{moment.year}. {moment.month}. {moment.day}."
    local = moment.astimezone(SEOUL)
    return f"{local.year}. {local.month}. {local.day}. {local:%H:%M:%S} (KST)"


def _won(amount):
    return f"{krw(amount)}원" if isinstance(amount, int) else "—"


def _percent(rate):
    try:
        shown = (Decimal(str(rate)) * 100).quantize(Decimal("0.01")).normalize()
    except (InvalidOperation, TypeError, ValueError):
        return ""
    return f"{shown:f}%"


def _number(text):
    return "" if text in (None, "None") else str(text)


def _company(data):
    data = data or {}
    return {
        "name": data.get("name", ""),
        "business_number": bizno(data.get("business_number") or ""),
        "region": REGION_NAMES.get(data.get("region"), (data.get("region") or "",))[0],
        "address": data.get("address", ""),
    }


def _declaration_order(key):
    """The announcement's order for known declarations, then any others by name."""
    known = list(DECLARATION_KINDS)
    return (known.index(key), "") if key in known else (len(known), key)


def copy_context(submission):
    """Everything the PDFs print, from the snapshot alone (tolerant of older or partial snapshots)."""
    snap = submission.snapshot or {}
    call, track = snap.get("call") or {}, snap.get("track") or {}
    budget = snap.get("budget") or {}
    shares = snap.get("shares") or {}
    total = budget.get("total_cost")
    share_rows = [
        {
            "payer": _label(FunderRole, line.get("role")),
            "rate": _percent(line.get("rate")),
            "amount": _won(line.get("amount")),
            "capped": bool(line.get("capped")),
        }
        for line in shares.get("lines") or []
    ]
    if shares.get("sme_share") is not None:
        sme = shares["sme_share"]
        share_rows.append(
            {
                "payer": "도입기업(자부담)",
                "rate": _percent(Decimal(sme) / Decimal(total)) if total else "",
                "amount": _won(sme),
                "capped": False,
            }
        )
    lines = budget.get("lines") or {}
    members = [
        {
            **_company(m.get("company")),
            "role": _label(MemberRole, m.get("role")),
            "status": _label(MemberStatus, m.get("status")),
            "contract_amount": _won(m.get("contract_amount")) if m.get("contract_amount") is not None else "",
            "responded_at": _moment(m.get("responded_at")),
        }
        for m in snap.get("members") or []
    ]
    declarations = snap.get("declarations") or {}
    return {
        "submission": submission,
        "receipt_number": snap.get("receipt_number") or submission.receipt_number,
        "version": snap.get("version") or submission.version,
        "submitted_at": _moment(snap.get("submitted_at")) or _moment(submission.submitted_at.isoformat()),
        "call": {"reference": call.get("reference", ""), "title": call.get("title_ko", "")},
        "track": {
            "name": track.get("name_ko") or (level_label(track["level"]) if track.get("level") else ""),
            "level": track.get("level", ""),
        },
        "lead": _company(snap.get("lead")),
        "plan": snap.get("plan") or {},
        "total_cost": _won(total),
        "budget_lines": [
            {"label": str(category.label), "amount": _won(lines.get(category.value))}
            for category in BudgetCategory
            if category.value in lines
        ],
        "shares": share_rows,
        "template_version": shares.get("template_version"),
        "kpis": [
            {
                "name": k.get("name") or _label(KpiCode, k.get("code")),
                "unit": k.get("unit", ""),
                "baseline": _number(k.get("baseline")),
                "target": _number(k.get("target")),
            }
            for k in snap.get("kpis") or []
        ],
        "members": members,
        "documents": [
            {
                "kind": _label(DocumentKind, d.get("kind")),
                "name": d.get("original_name", ""),
                "size": human_size(d.get("size")),
                "sha256": d.get("sha256", ""),
                "uploaded_at": _moment(d.get("uploaded_at")),
            }
            for d in snap.get("documents") or []
        ],
        "declarations": [
            {"label": DECLARATION_KINDS.get(key, (key,))[0], "confirmed": declarations[key] is True}
            for key in sorted(declarations, key=_declaration_order)
        ],
        "generated_at": _moment(timezone.now().isoformat()),
    }


# --- PDFs ----------------------------------------------------------------------------------------------


def receipt_pdf(submission) -> bytes:
    """접수증: receipt number, call, track, lead, time of submission (Seoul), members, total cost
    and shares, documents with their sha256."""
    with translation.override("ko"):
        return render_pdf("applications/pdf/receipt.html", copy_context(submission))


def application_pdf(submission) -> bytes:
    """The whole submitted application: plan, budget, shares, KPIs, consortium, documents, declarations."""
    with translation.override("ko"):
        return render_pdf("applications/pdf/application.html", copy_context(submission))


# --- zip ------------------------------------------------------------------------------------------------

_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def safe_name(name, fallback="document"):
    """A file name that is safe inside a zip on any system: no folders, no control or reserved
    characters, no leading dots, at most 120 characters (the extension kept)."""
    name = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip().lstrip(".").strip()
    if not name or set(name) <= {"_", " "}:
        name = fallback
    if len(name) > 120:
        ext = extension_of(name)
        stem = name[: 120 - len(ext) - 1] if ext and len(ext) < 10 else name[:120]
        name = f"{stem}.{ext}" if ext and len(ext) < 10 else stem
    return name


def unique_names(names):
    """Each name made unique (case-insensitively) by " (2)", " (3)" … before the extension."""
    seen, out = set(), []
    for name in names:
        candidate, n = name, 1
        while candidate.lower() in seen:
            n += 1
            stem, dot, ext = name.rpartition(".")
            candidate = f"{stem} ({n}).{ext}" if dot and stem else f"{name} ({n})"
        seen.add(candidate.lower())
        out.append(candidate)
    return out


def frozen_documents(submission):
    """The stored rows for the documents the snapshot lists, in its order; FrozenFileChanged when one
    is missing."""
    listed = submission.snapshot.get("documents") or []
    rows = ApplicationDocument.objects.unrestricted().in_bulk([d.get("id") for d in listed])
    pairs = []
    for entry in listed:
        row = rows.get(entry.get("id"))
        if row is None or row.application_id != submission.application_id:
            raise FrozenFileChanged(f"{submission.receipt_number}: document {entry.get('id')} is missing")
        pairs.append((entry, row))
    return pairs


def _copy_verified(row, expected, target):
    digest = hashlib.sha256()
    with row.file.open("rb") as source:
        for chunk in iter(lambda: source.read(CHUNK), b""):
            digest.update(chunk)
            target.write(chunk)
    if digest.hexdigest() != expected:
        raise FrozenFileChanged(
            f"document {row.pk} ({row.file.name}): sha256 {digest.hexdigest()} does not match the frozen {expected}"
        )


def copy_zip(submission):
    """A temporary file holding the zip (rewound): application.pdf, snapshot.json and documents/…"""
    pairs = frozen_documents(submission)
    names = unique_names(
        safe_name(entry.get("original_name"), fallback=f"{entry.get('kind') or 'document'}-{row.pk}")
        for entry, row in pairs
    )
    spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 (returned open)
    try:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("application.pdf", application_pdf(submission))
            archive.writestr(
                "snapshot.json", json.dumps(submission.snapshot, ensure_ascii=False, indent=2, sort_keys=True)
            )
            for (entry, row), name in zip(pairs, names, strict=True):
                with archive.open(f"documents/{name}", "w") as target:
                    _copy_verified(row, entry.get("sha256"), target)
    except Exception:
        spool.close()
        raise
    spool.seek(0)
    return spool


# --- responses --------------------------------------------------------------------------------------


def _no_sniff(response):
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def pdf_response(pdf, filename):
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return _no_sniff(response)


def zip_response(spool, filename):
    response = FileResponse(spool, content_type="application/zip", as_attachment=True, filename=filename)
    return _no_sniff(response)


def document_response(document):
    """Stream the file as uploaded under its original name (RFC 5987 `filename*` for Korean names)."""
    name = safe_name(document.original_name, fallback=f"document-{document.pk}")
    content_type = CONTENT_TYPE.get(extension_of(document.file.name), "application/octet-stream")
    response = FileResponse(
        document.file.open("rb"), content_type=content_type, as_attachment=True, filename=name
    )
    return _no_sniff(response)


def copy_filename(submission, suffix):
    return f"{safe_name(submission.receipt_number, 'application')}-{suffix}"
