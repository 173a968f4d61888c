"""The project dossier (issue 7, point 8): one zip for auditors with everything recorded about one
project, built on request, synchronously (a few agreement PDFs and the stored files; for a very big
project this takes a while, and the request waits for it).

Who may download it: the operator side that answers to an auditor — staff (admin, staff) of the
operator running the call, staff of a regional centre covering the project's region, and platform
admins. The companies do not: they read their own records on the project pages. Every download is
audited on the project (action "dossier_download", with the zip's SHA-256 and the requester's IP).

Layout of the zip::

    manifest.csv                      every other entry: path, bytes, SHA-256 (written last)
    project.json                      the project: parties, period, money, status
    agreement/v1-협약서.pdf            every agreement version as its PDF…
    agreement/v1-terms.json           …and its frozen terms with each party's acceptance
    tranches.csv  milestones.csv  risk_flags.csv
    progress/reports.csv  progress/reports.json  progress/evidence/<id>-<name>
    visits/visits.csv  visits/photos/<id>-<name>
    audit/audit_trail.csv             audit events of the project and of every row hanging off it
    <app>/...                         what each other app contributes (below)

Contract for the other apps (inspections, outcomes, aftercare, sanctions) and for change requests
(monitoring.changes_dossier): a module `<app>.dossier` (for change requests
`monitoring.changes_dossier`) with

    def entries(project) -> list[tuple[str, bytes]]

returning (path inside the zip, content) pairs. Paths use "/" and start with the app's folder
("inspections/inspections.json"; a path without it is put under it, change requests go under
"changes/"); content is bytes (encode text as UTF-8). The function reads
with `.unrestricted()` (the caller has checked access) and must not write. A module that does not
exist is skipped; an app without one still gets its rows that point at the project dumped as JSON
(`<app>/records/<model>.json`), so nothing recorded about the project is left out.

The audit trail is found generically: events on the project, on every model with a foreign key to
the project, and on every model with a foreign key to one of those (two levels, e.g. agreement
parties through their agreement).
"""

import csv
import hashlib
import importlib
import io
import json
import tempfile
import zipfile

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.documents import safe_name, unique_names
from organizations import audit
from organizations.access import principal_for
from organizations.errors import AccessDenied
from organizations.models import AuditEvent, Role

from . import documents
from .models import (
    Agreement,
    AgreementParty,
    Milestone,
    ProgressReport,
    Project,
    RiskFlag,
    SiteVisit,
    Tranche,
)
from .querysets import CALL_STAFF_ROLES

PART_APPS = ("inspections", "outcomes", "aftercare", "sanctions")
CHANGES_MODULE = "monitoring.changes_dossier"
# Models this module writes itself; every other model pointing at the project is dumped as JSON.
OWN_MODELS = (Agreement, AgreementParty, Tranche, Milestone, ProgressReport, SiteVisit, RiskFlag)
DOWNLOAD_ACTION = "dossier_download"
CHUNK = 1024 * 1024


# --- who ------------------------------------------------------------------------------------------


# Records the regional centre may not read on the pages, so its copy of the dossier leaves them out:
# unfair-practice reports (the reporting firm and the call's staff only) and participation
# restrictions (the imposing operator and the restricted firm only).
CONFIDENTIAL_MODELS = ("aftercare.unfairpracticereport", "sanctions.restriction")
CONFIDENTIAL_PARTS = ("sanctions/restrictions.csv",)


def sees_confidential(user, project):
    """The call's operator staff and platform admins get the whole dossier."""
    p = principal_for(user)
    return p.is_platform_admin or project.call.operator_id in p.operator_ids_with(*CALL_STAFF_ROLES)


def may_download(user, project):
    """Staff of the call's operator, centre staff covering the project's region, platform admins."""
    p = principal_for(user)
    if p.is_anonymous:
        return False
    if p.is_platform_admin or project.call.operator_id in p.operator_ids_with(*CALL_STAFF_ROLES):
        return True
    centres = p.operator_ids_with(Role.CENTRE_STAFF)
    if not centres:
        return False
    from organizations.models import Operator

    return Operator.objects.filter(pk__in=centres, regions_covered=project.region_id).exists()


# --- small writers --------------------------------------------------------------------------------


def _csv(header, rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: opens in Excel as UTF-8


def _json(value):
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2, sort_keys=True).encode(
        "utf-8"
    )


def _when(moment):
    return timezone.localtime(moment).isoformat() if moment else ""


class _Zip:
    """Entries written into a spooled temporary file, each hashed for the manifest."""

    def __init__(self):
        self.spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115
        self.archive = zipfile.ZipFile(self.spool, "w", compression=zipfile.ZIP_DEFLATED)
        self.rows = []
        self.names = set()

    def _name(self, path):
        candidate, n = path, 1
        while candidate.lower() in self.names:
            n += 1
            stem, dot, ext = path.rpartition(".")
            candidate = f"{stem} ({n}).{ext}" if dot and "/" not in ext else f"{path} ({n})"
        self.names.add(candidate.lower())
        return candidate

    def add(self, path, content: bytes, note=""):
        path = self._name(path)
        self.archive.writestr(path, content)
        self.rows.append((path, len(content), hashlib.sha256(content).hexdigest(), note))

    def add_file(self, path, fieldfile, note=""):
        """Copy a stored file in chunks; a file missing from storage is listed, not fatal."""
        try:
            source = fieldfile.open("rb")
        except OSError:
            self.rows.append((path, 0, "", _("저장소에 파일이 없습니다.")))
            return
        path = self._name(path)
        digest, size = hashlib.sha256(), 0
        with source, self.archive.open(path, "w") as target:
            for chunk in iter(lambda: source.read(CHUNK), b""):
                digest.update(chunk)
                size += len(chunk)
                target.write(chunk)
        self.rows.append((path, size, digest.hexdigest(), note))

    def close(self):
        manifest = _csv(["path", "bytes", "sha256", "note"], self.rows)
        self.archive.writestr("manifest.csv", manifest)
        self.archive.close()
        self.spool.seek(0)
        return self.spool


# --- parts ----------------------------------------------------------------------------------------


def _project_json(project):
    return {
        "id": project.pk,
        "title": project.title,
        "receipt_number": project.submission.receipt_number,
        "call": {"id": project.call_id, "reference": project.call.reference, "title": project.call.title_ko},
        "operator": project.call.operator.name_ko,
        "lead": {
            "id": project.lead_id,
            "name": project.lead.name,
            "business_number": project.lead.business_number,
        },
        "region": project.region_id,
        "status": project.status,
        "starts_on": project.starts_on,
        "ends_on": project.ends_on,
        "total_cost": project.total_cost,
        "government_share": project.government_share,
        "inspection_passed_at": project.inspection_passed_at,
        "created_at": project.created_at,
        "generated_at": timezone.now(),
    }


def _agreements(z, project):
    agreements = (
        Agreement.objects.unrestricted()
        .filter(project=project)
        .select_related("project", "issued_by")
        .prefetch_related("parties__accepted_by")
        .order_by("version")
    )
    for a in agreements:
        a.project = project
        z.add(f"agreement/v{a.version}-협약서.pdf", documents.agreement_pdf(a))
        parties = [
            {
                "role": party.role,
                "name": party.name,
                "company_id": party.company_id,
                "operator_id": party.operator_id,
                "accepted_by": party.accepted_by.email if party.accepted_by else None,
                "accepted_at": party.accepted_at,
                "accepted_ip": party.accepted_ip,
            }
            for party in a.parties.all()
        ]
        z.add(
            f"agreement/v{a.version}-terms.json",
            _json(
                {
                    "version": a.version,
                    "status": a.status,
                    "reason": a.reason,
                    "issued_by": a.issued_by.email,
                    "issued_at": a.issued_at,
                    "in_force_at": a.in_force_at,
                    "terms": a.terms,
                    "parties": parties,
                }
            ),
        )


def _tables(z, project):
    tranches = Tranche.objects.unrestricted().filter(project=project).order_by("order")
    z.add(
        "tranches.csv",
        _csv(
            ["order", "kind", "amount_krw", "status", "requested_at", "approved_at", "paid_on"],
            [
                (
                    t.order,
                    t.get_kind_display(),
                    t.amount,
                    t.get_status_display(),
                    _when(t.requested_at),
                    _when(t.approved_at),
                    t.paid_on or "",
                )
                for t in tranches
            ],
        ),
    )
    milestones = (
        Milestone.objects.unrestricted().filter(project=project).order_by("order", "planned_on", "pk")
    )
    z.add(
        "milestones.csv",
        _csv(
            ["id", "order", "name", "planned_on", "done_on"],
            [(m.pk, m.order, m.name, m.planned_on, m.done_on or "") for m in milestones],
        ),
    )
    flags = RiskFlag.objects.unrestricted().filter(project=project).order_by("first_seen_at", "pk")
    z.add(
        "risk_flags.csv",
        _csv(
            [
                "id",
                "kind",
                "severity",
                "since",
                "message",
                "first_seen_at",
                "last_seen_at",
                "resolved_at",
                "reminded_at",
            ],
            [
                (
                    f.pk,
                    f.get_kind_display(),
                    f.get_severity_display(),
                    f.since,
                    f.message,
                    _when(f.first_seen_at),
                    _when(f.last_seen_at),
                    _when(f.resolved_at),
                    _when(f.reminded_at),
                )
                for f in flags
            ],
        ),
    )


def _reports(z, project):
    reports = list(
        ProgressReport.objects.unrestricted()
        .filter(project=project)
        .select_related("submitted_by")
        .order_by("period_end", "pk")
    )
    names = unique_names(safe_name(f"{r.pk}-{r.evidence_name}", f"evidence-{r.pk}") for r in reports)
    rows = []
    for r, name in zip(reports, names, strict=True):
        evidence = f"progress/evidence/{name}" if r.evidence else ""
        rows.append(
            {
                "id": r.pk,
                "reporter_role": r.reporter_role,
                "period_end": r.period_end,
                "percent_complete": r.percent_complete,
                "spent_krw": r.spent,
                "work_done": r.work_done,
                "issues": r.issues,
                "evidence": evidence,
                "evidence_name": r.evidence_name,
                "submitted_by": r.submitted_by.email,
                "submitted_at": _when(r.submitted_at),
            }
        )
        if r.evidence:
            z.add_file(evidence, r.evidence, note=r.evidence_name)
    header = list(rows[0]) if rows else ["id", "reporter_role", "period_end", "percent_complete", "spent_krw"]
    z.add("progress/reports.csv", _csv(header, [list(row.values()) for row in rows]))
    z.add("progress/reports.json", _json(rows))


def _visits(z, project):
    visits = list(
        SiteVisit.objects.unrestricted()
        .filter(project=project)
        .select_related("operator", "recorded_by")
        .order_by("visited_on", "pk")
    )
    names = unique_names(safe_name(f"{v.pk}-{v.photo_name}", f"photo-{v.pk}") for v in visits)
    rows = []
    for v, name in zip(visits, names, strict=True):
        photo = f"visits/photos/{name}" if v.photo else ""
        rows.append(
            (
                v.pk,
                v.visited_on,
                v.operator.name_ko,
                v.findings,
                v.follow_up,
                v.follow_up_due or "",
                photo,
                v.recorded_by.email,
                _when(v.recorded_at),
            )
        )
        if v.photo:
            z.add_file(photo, v.photo, note=v.photo_name)
    z.add(
        "visits/visits.csv",
        _csv(
            [
                "id",
                "visited_on",
                "operator",
                "findings",
                "follow_up",
                "follow_up_due",
                "photo",
                "recorded_by",
                "recorded_at",
            ],
            rows,
        ),
    )


# --- other apps -----------------------------------------------------------------------------------


def _project_fks(model):
    return [
        f.name
        for f in model._meta.get_fields()
        if isinstance(f, models.ForeignKey) and f.related_model is Project
    ]


def _linked_models():
    """(model, Q over it) for every model pointing at the project directly (level 1), and for every
    model pointing at one of those (level 2)."""
    level1 = [(m, fks) for m in apps.get_models() if (fks := _project_fks(m))]
    level1_models = {m for m, _fks in level1}
    level2 = []
    for m in apps.get_models():
        if m in level1_models or m is Project:
            continue
        paths = [
            f"{f.name}__{fk}"
            for f in m._meta.get_fields()
            if isinstance(f, models.ForeignKey) and f.related_model in level1_models
            for fk in _project_fks(f.related_model)
        ]
        if paths:
            level2.append((m, paths))
    return level1 + level2


def _rows_of(model, paths, project):
    q = Q()
    for path in paths:
        q |= Q(**{path: project})
    manager = model._default_manager
    qs = manager.unrestricted() if hasattr(manager, "unrestricted") else manager.all()
    return qs.filter(q).distinct()


def _provider(module_name):
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return None


def _label(model):
    return f"{model._meta.app_label}.{model._meta.model_name}"


def _app_entries(z, folder, module_name, project, linked, *, confidential=True):
    """The provider module's entries under `folder`, or else the rows of the `linked` models."""
    module = _provider(module_name)
    if module is not None:
        for path, content in module.entries(project):
            path = str(path).lstrip("/")
            path = path if path.startswith(f"{folder}/") else f"{folder}/{path}"
            if confidential or path not in CONFIDENTIAL_PARTS:
                z.add(path, content)
        return
    from django.core import serializers

    for model, paths in linked:
        if not confidential and _label(model) in CONFIDENTIAL_MODELS:
            continue
        rows = list(_rows_of(model, paths, project))
        if rows:
            z.add(
                f"{folder}/records/{model._meta.model_name}.json",
                serializers.serialize("json", rows, indent=2, ensure_ascii=False).encode("utf-8"),
            )


def _audit_trail(z, project, linked, *, confidential=True):
    q = Q(content_type=ContentType.objects.get_for_model(Project), object_id=str(project.pk))
    for model, paths in linked:
        if not confidential and _label(model) in CONFIDENTIAL_MODELS:
            continue
        ids = [str(pk) for pk in _rows_of(model, paths, project).values_list("pk", flat=True)]
        if ids:
            q |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    events = (
        AuditEvent.objects.unrestricted()
        .filter(q)
        .select_related("content_type")
        .order_by("occurred_at", "pk")
    )
    z.add(
        "audit/audit_trail.csv",
        _csv(
            [
                "occurred_at",
                "actor",
                "action",
                "object_type",
                "object_id",
                "object",
                "before",
                "after",
                "reason",
                "ip_address",
            ],
            [
                (
                    _when(e.occurred_at),
                    e.actor_label,
                    e.action,
                    f"{e.content_type.app_label}.{e.content_type.model}",
                    e.object_id,
                    e.object_repr,
                    json.dumps(e.before, ensure_ascii=False, sort_keys=True) if e.before is not None else "",
                    json.dumps(e.after, ensure_ascii=False, sort_keys=True) if e.after is not None else "",
                    e.reason,
                    e.ip_address or "",
                )
                for e in events
            ],
        ),
    )


# --- build and download ---------------------------------------------------------------------------


def build(project, *, confidential=True):
    """The dossier as a rewound temporary file (the caller closes it) and the manifest rows. Without
    `confidential`, the CONFIDENTIAL_MODELS' records and audit events are left out."""
    project = (
        Project.objects.unrestricted()
        .select_related("call__operator", "lead", "region", "submission")
        .get(pk=project.pk)
    )
    z = _Zip()
    try:
        z.add("project.json", _json(_project_json(project)))
        _agreements(z, project)
        _tables(z, project)
        _reports(z, project)
        _visits(z, project)
        linked = _linked_models()
        own = [(m, p) for m, p in linked if m._meta.app_label == "monitoring" and m not in OWN_MODELS]
        _app_entries(z, "changes", CHANGES_MODULE, project, own)
        for app_label in PART_APPS:
            if apps.is_installed(app_label):
                theirs = [(m, p) for m, p in linked if m._meta.app_label == app_label]
                _app_entries(z, app_label, f"{app_label}.dossier", project, theirs, confidential=confidential)
        _audit_trail(z, project, linked, confidential=confidential)
        rows = list(z.rows)
        return z.close(), rows
    except Exception:
        z.archive.close()
        z.spool.close()
        raise


def filename(project):
    return f"{safe_name(project.submission.receipt_number, 'project')}-과제기록.zip"


def download(actor, project, *, ip=None):
    """Check access, build the dossier and audit the download. Returns (file, filename)."""
    if not may_download(actor, project):
        raise AccessDenied(
            _(
                "과제 기록 묶음은 공고를 운영하는 기관의 담당자, 과제 소재 지역의 지역센터 담당자와 "
                "플랫폼 관리자만 내려받을 수 있습니다."
            )
        )
    spool, rows = build(project, confidential=sees_confidential(actor, project))
    digest = hashlib.sha256()
    for chunk in iter(lambda: spool.read(CHUNK), b""):
        digest.update(chunk)
    spool.seek(0)
    with transaction.atomic():
        audit.record(
            actor,
            project,
            DOWNLOAD_ACTION,
            after={"entries": len(rows) + 1, "sha256": digest.hexdigest()},
            ip_address=ip,
        )
    return spool, filename(project)
