"""Reads: the documents a draft still needs, live funding shares, the frozen snapshot and the facts
the eligibility rules run on. No writes here."""

from dataclasses import dataclass, replace

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import get_language

from organizations.models import AuditEvent
from programs import eligibility, funding
from programs.services import quote

from .models import (
    Application,
    ApplicationDocument,
    Clarification,
    ClarificationMessage,
    ConsortiumMember,
    EligibilityResult,
    EligibilityRun,
    MemberRole,
    MemberStatus,
    Submission,
    SupportNote,
)

ADVANCEMENT_FROM = eligibility.LEVEL_ORDER.index("basic")


@dataclass(frozen=True)
class DocumentNeed:
    kind: str
    label: str
    required: bool
    present: bool
    documents: tuple


def _is_advancement(track):
    return eligibility.LEVEL_ORDER.index(track.level) > ADVANCEMENT_FROM


def document_status(application, documents=None):
    """The call's documents for this track (advancement-only ones only above Basic), each with the
    files uploaded for it; then any other kinds the applicant added."""
    english = (get_language() or "ko").startswith("en")
    if documents is None:
        documents = list(
            ApplicationDocument.objects.unrestricted().filter(application=application, removed_at=None)
        )
    by_kind = {}
    for document in documents:
        by_kind.setdefault(document.kind, []).append(document)
    needs, seen = [], set()
    for required in application.call.required_documents.all():
        if required.advancement_only and not _is_advancement(application.track):
            continue
        label = (required.name_en if english else required.name_ko) or required.get_kind_display()
        files = tuple(by_kind.get(required.kind, ()))
        needs.append(DocumentNeed(required.kind, str(label), required.is_mandatory, bool(files), files))
        seen.add(required.kind)
    for kind, files in by_kind.items():
        if kind not in seen:
            needs.append(DocumentNeed(kind, str(files[0].get_kind_display()), False, True, tuple(files)))
    return needs


def consortium_roles(members):
    return frozenset(
        "large_firm" for m in members if m.role == MemberRole.LARGE_FIRM and m.status == MemberStatus.ACCEPTED
    )


def live_shares(application, members=None):
    """The calculator's shares for the draft's total cost, or (None, message) when it cannot say yet."""
    if not application.total_cost:
        return None, None
    members = members if members is not None else list(application.members.all())
    try:
        return (
            quote(
                application.track,
                application.total_cost,
                region_code=application.lead.region_id,
                consortium_roles=consortium_roles(members),
            ),
            None,
        )
    except funding.FundingInputError as exc:
        return None, str(exc.message)


def _company(company):
    return {
        "id": company.pk,
        "name": company.name,
        "business_number": company.business_number,
        "region": company.region_id,
        "ksic_division": company.ksic_division_id,
        "employees": company.employees,
        "annual_revenue": company.annual_revenue,
        "has_production_facility": company.has_production_facility,
        "smart_factory_level": company.smart_factory_level,
        "has_mes": company.has_mes,
        "has_erp": company.has_erp,
        "has_data_collection": company.has_data_collection,
        "address": " ".join(x for x in (company.address, company.address_detail) if x),
    }


def build_snapshot(application, *, version, receipt_number, submitted_at):
    """Everything the submission says, as plain JSON: what evaluators, copies and exports read."""
    call, track = application.call, application.track
    members = list(
        application.members.exclude(status=MemberStatus.REMOVED)
        .select_related("company")
        .order_by("role", "pk")
    )
    shares, _ = live_shares(application, members)
    documents = ApplicationDocument.objects.unrestricted().filter(application=application, removed_at=None)
    return {
        "receipt_number": receipt_number,
        "version": version,
        "submitted_at": timezone.localtime(submitted_at).isoformat(),
        "call": {
            "id": call.pk,
            "reference": call.reference,
            "title_ko": call.title_ko,
            "title_en": call.title_en,
        },
        "track": {"id": track.pk, "level": track.level, "name_ko": track.name_ko, "name_en": track.name_en},
        "lead": _company(application.lead),
        "plan": {
            name: getattr(application, name)
            for name in (
                "title",
                "summary",
                "existing_systems",
                "integration_plan",
                "data_plan",
                "expected_return",
                "duration_months",
            )
        },
        "budget": {"total_cost": application.total_cost, "lines": application.budget_lines},
        "shares": {
            "lines": shares.as_json() if shares else [],
            "sme_share": shares.sme_share if shares else None,
            "template_version": track.template_version,
        },
        "kpis": [
            {
                "code": k.code,
                "name": str(k.label),
                "unit": k.unit,
                "baseline": str(k.baseline),
                "target": str(k.target),
            }
            for k in application.kpis.all()
        ],
        "members": [
            {
                "company": _company(m.company),
                "role": m.role,
                "status": m.status,
                "contract_amount": m.contract_amount,
                "responded_at": m.responded_at.isoformat() if m.responded_at else None,
            }
            for m in members
        ],
        "documents": [
            {
                "id": d.pk,
                "kind": d.kind,
                "original_name": d.original_name,
                "size": d.size,
                "sha256": d.sha256,
                "uploaded_at": d.uploaded_at.isoformat(),
            }
            for d in documents
        ],
        "declarations": dict(application.declarations or {}),
    }


def application_facts(application, submission):
    """The facts the call's rules run on: the company as it is now (a re-run sees corrected data),
    the frozen documents and declarations, and each named supplier's registration status now."""
    from programs.selectors import applicant_facts
    from sanctions.selectors import restriction_facts
    from suppliers.models import SupplierProfile

    snapshot = submission.snapshot
    supplier_ids = [m["company"]["id"] for m in snapshot["members"] if m["role"] == MemberRole.SUPPLIER]
    statuses = dict(
        SupplierProfile.objects.unrestricted()
        .filter(company_id__in=supplier_ids)
        .values_list("company_id", "status")
    )
    base = applicant_facts(
        application.lead, application.track, today=timezone.localdate(submission.submitted_at)
    )
    return replace(
        base,
        documents=frozenset(d["kind"] for d in snapshot["documents"]),
        suppliers=tuple(
            eligibility.SupplierFact(
                name=m["company"]["name"], status=statuses.get(m["company"]["id"], "unregistered")
            )
            for m in snapshot["members"]
            if m["role"] == MemberRole.SUPPLIER
        ),
        # What the applicant declared (agreed projects will add the record once monitoring exists);
        # an application frozen without the answer leaves it unknown, for the operator to check.
        prior_supports=_prior_supports(snapshot["declarations"].get("prior_supports")),
        declarations=snapshot["declarations"],
        restrictions=restriction_facts(
            [
                (application.lead_id, snapshot["lead"]["name"], "lead"),
                *((m["company"]["id"], m["company"]["name"], m["role"]) for m in snapshot["members"]),
            ],
            base.today,
        ),
    )


def _prior_supports(declared):
    from .rules import clean_prior_supports

    cleaned = clean_prior_supports(declared)
    if cleaned is None:
        return None
    return tuple(
        eligibility.PriorSupport(level=s["level"], year=s["year"], programme=s["programme"]) for s in cleaned
    )


def audit_trail(application, submissions):
    """The application's trail: itself, its submissions, eligibility runs and results, consortium,
    documents, clarifications and notes. The application was resolved inside the user's scope, so
    the events about it are read without the tenant filter (they carry no operator of their own)."""
    ct = ContentType.objects.get_for_models
    types = ct(
        Application,
        Submission,
        EligibilityRun,
        EligibilityResult,
        ConsortiumMember,
        ApplicationDocument,
        Clarification,
        ClarificationMessage,
        SupportNote,
    )
    sub_ids = [s.pk for s in submissions]
    ids = {
        Application: [application.pk],
        Submission: sub_ids,
        EligibilityRun: EligibilityRun.objects.unrestricted().filter(submission_id__in=sub_ids).values("pk"),
        EligibilityResult: EligibilityResult.objects.unrestricted()
        .filter(run__submission_id__in=sub_ids)
        .values("pk"),
        ConsortiumMember: ConsortiumMember.objects.unrestricted()
        .filter(application=application)
        .values("pk"),
        ApplicationDocument: ApplicationDocument.objects.unrestricted()
        .filter(application=application)
        .values("pk"),
        Clarification: Clarification.objects.unrestricted().filter(application=application).values("pk"),
        ClarificationMessage: ClarificationMessage.objects.unrestricted()
        .filter(clarification__application=application)
        .values("pk"),
    }
    match = Q(pk__in=[])
    for model, values in ids.items():
        if isinstance(values, list):
            match |= Q(content_type=types[model], object_id__in=[str(v) for v in values])
        else:  # object_id is text: compare with the ids cast to text inside the database
            text_ids = values.annotate(text_id=Cast("pk", TextField())).values("text_id")
            match |= Q(content_type=types[model], object_id__in=text_ids)
    return (
        AuditEvent.objects.unrestricted()
        .filter(match)
        .select_related("actor", "content_type")
        .order_by("-occurred_at", "-pk")
    )


def consortium_roles_of_snapshot(snapshot):
    """The consortium roles a frozen submission had, for recomputing its shares (cost review)."""
    return frozenset(
        "large_firm"
        for m in snapshot.get("members", [])
        if m.get("role") == MemberRole.LARGE_FIRM and m.get("status") == MemberStatus.ACCEPTED
    )
