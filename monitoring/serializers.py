"""Shapes in and out of the monitoring API. Serializers check the shape of input only (types,
lengths, ids inside the user's scope) and never save: the views hand `validated_data` to
`monitoring.services`, which owns every business rule (who may act, what state allows it, dates
inside the period), so an API client and a page get the same words. Money is whole won (integers).

Ids in request bodies are resolved inside a queryset chosen for the requesting user
(`ScopedIdField`), so a foreign id reads exactly like a missing one: a 400 on that field.

Status and kind codes are published as documented strings rather than enums: projects, agreements
and tranches all have a `status`, and competing enums of one name would clash in the schema.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from evaluations.models import Decision
from organizations.access import principal_for
from organizations.uploads import CheckedFileField
from programs.serializers import ScopedIdField

from .models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    Milestone,
    PartyRole,
    ProgressReport,
    Project,
    ProjectStatus,
    ReporterRole,
    SiteVisit,
    Tranche,
    TrancheKind,
    TrancheStatus,
)
from .querysets import CALL_STAFF_ROLES
from .services import IMAGE_KINDS, PARTY_ROLES

SMALL_INT = 32767


def _code(choices, **kwargs):
    """A read-only code with its values documented in words (see the module docstring)."""
    values = ", ".join(str(value) for value, _label in choices)
    return serializers.CharField(read_only=True, help_text=values, **kwargs)


def _label(source):
    return serializers.CharField(source=source, read_only=True)


def _id(scope, message, **kwargs):
    return ScopedIdField(scope=scope, error_messages={"not_found": message}, **kwargs)


def _principal(context):
    request = context.get("request")
    return principal_for(getattr(request, "user", None))


def _is_call_staff(context, project):
    """Staff of the operator running the project's call (or a platform admin)."""
    p = _principal(context)
    return p.is_platform_admin or project.call.operator_id in p.operator_ids_with(*CALL_STAFF_ROLES)


# --- scopes --------------------------------------------------------------------------------------


def staff_decisions(user, context=None):
    return Decision.objects.run_by(user).select_related("plan__call", "submission")


def visible_projects(user, context=None):
    return Project.objects.visible_to(user)


# --- agreements ----------------------------------------------------------------------------------


class AgreementPartySerializer(serializers.ModelSerializer):
    """A party to one agreement version and its acceptance. The IP it accepted from is shown to the
    call's staff only; `may_accept` tells the requesting user whether it can accept for this party."""

    agreement = serializers.IntegerField(source="agreement_id", read_only=True)
    role = _code(PartyRole.choices)
    role_label = _label("get_role_display")
    company = serializers.IntegerField(source="company_id", read_only=True, allow_null=True)
    operator = serializers.IntegerField(source="operator_id", read_only=True, allow_null=True)
    accepted = serializers.SerializerMethodField()
    accepted_by_name = serializers.CharField(
        source="accepted_by.full_name", read_only=True, default=None, allow_null=True
    )
    accepted_ip = serializers.SerializerMethodField()
    may_accept = serializers.SerializerMethodField()
    agreement_status = _code(AgreementStatus.choices, source="agreement.status")

    class Meta:
        model = AgreementParty
        fields = [
            "id",
            "agreement",
            "agreement_status",
            "role",
            "role_label",
            "name",
            "company",
            "operator",
            "accepted",
            "accepted_at",
            "accepted_by_name",
            "accepted_ip",
            "may_accept",
        ]
        read_only_fields = fields

    def get_accepted(self, party) -> bool:
        return party.accepted_at is not None

    def get_accepted_ip(self, party) -> str | None:
        if party.accepted_ip and _is_call_staff(self.context, party.agreement.project):
            return party.accepted_ip
        return None

    def get_may_accept(self, party) -> bool:
        if party.accepted_at is not None or party.agreement.status != AgreementStatus.AWAITING:
            return False
        p = _principal(self.context)
        if party.role == PartyRole.OPERATOR:
            return party.operator_id in p.operator_ids_with(*CALL_STAFF_ROLES)
        return party.company_id in p.company_ids_with(PARTY_ROLES[party.role])


class AgreementSerializer(serializers.ModelSerializer):
    """One version of a project's agreement: the frozen terms every party accepts, and the parties."""

    project = serializers.IntegerField(source="project_id", read_only=True)
    project_title = serializers.CharField(source="project.title", read_only=True)
    status = _code(AgreementStatus.choices)
    status_label = _label("get_status_display")
    terms = serializers.JSONField(read_only=True)
    issued_by_name = serializers.CharField(source="issued_by.full_name", read_only=True)
    parties = AgreementPartySerializer(many=True, read_only=True)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "project",
            "project_title",
            "version",
            "status",
            "status_label",
            "reason",
            "issued_by_name",
            "issued_at",
            "in_force_at",
            "terms",
            "parties",
        ]
        read_only_fields = fields


class AgreementSummarySerializer(serializers.ModelSerializer):
    status = _code(AgreementStatus.choices)
    status_label = _label("get_status_display")

    class Meta:
        model = Agreement
        fields = ["id", "version", "status", "status_label", "reason", "issued_at", "in_force_at"]
        read_only_fields = fields


class AgreementAmendSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text="Why the agreement changes (required: an amendment without a reason is refused).",
    )


# --- tranches and milestones ---------------------------------------------------------------------


class TrancheSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id", read_only=True)
    project_title = serializers.CharField(source="project.title", read_only=True)
    kind = _code(TrancheKind.choices)
    kind_label = _label("get_kind_display")
    status = _code(TrancheStatus.choices)
    status_label = _label("get_status_display")

    class Meta:
        model = Tranche
        fields = [
            "id",
            "project",
            "project_title",
            "order",
            "kind",
            "kind_label",
            "amount",
            "status",
            "status_label",
            "requested_at",
            "approved_at",
            "paid_on",
        ]
        read_only_fields = fields


class TranchePaidSerializer(serializers.Serializer):
    paid_on = serializers.DateField(help_text="The day the money was paid (today or earlier, Asia/Seoul).")


class MilestoneSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id", read_only=True)

    class Meta:
        model = Milestone
        fields = ["id", "project", "name", "planned_on", "done_on", "order"]
        read_only_fields = fields


class MilestoneUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    planned_on = serializers.DateField(required=False, help_text="Inside the project period.")
    done_on = serializers.DateField(
        required=False, allow_null=True, help_text="Today or earlier; null: not done yet."
    )
    order = serializers.IntegerField(required=False, min_value=0, max_value=SMALL_INT)


class MilestoneCreateSerializer(MilestoneUpdateSerializer):
    project = _id(visible_projects, _("없는 과제이거나 볼 수 없는 과제입니다."))
    name = serializers.CharField(max_length=120)
    planned_on = serializers.DateField(help_text="Inside the project period.")


# --- projects ------------------------------------------------------------------------------------


class ProjectSerializer(serializers.ModelSerializer):
    """A project in a list: its parties' names and where its agreement stands (latest version)."""

    call = serializers.IntegerField(source="call_id", read_only=True)
    call_reference = serializers.CharField(source="call.reference", read_only=True)
    call_title = serializers.CharField(source="call.title_ko", read_only=True)
    operator = serializers.IntegerField(source="call.operator_id", read_only=True)
    lead = serializers.IntegerField(source="lead_id", read_only=True)
    lead_name = serializers.CharField(source="lead.name", read_only=True)
    region = serializers.CharField(source="region_id", read_only=True)
    region_name = serializers.CharField(source="region.name_ko", read_only=True)
    receipt_number = serializers.CharField(source="submission.receipt_number", read_only=True)
    status = _code(ProjectStatus.choices)
    status_label = _label("get_status_display")
    agreement_version = serializers.IntegerField(read_only=True, allow_null=True)
    agreement_status = _code(AgreementStatus.choices, allow_null=True)
    open_risk_flags = serializers.IntegerField(read_only=True, help_text="Open risk flags (risk-flags).")

    class Meta:
        model = Project
        fields = [
            "id",
            "title",
            "receipt_number",
            "call",
            "call_reference",
            "call_title",
            "operator",
            "lead",
            "lead_name",
            "region",
            "region_name",
            "status",
            "status_label",
            "starts_on",
            "ends_on",
            "total_cost",
            "government_share",
            "inspection_passed_at",
            "agreement_version",
            "agreement_status",
            "open_risk_flags",
            "created_at",
        ]
        read_only_fields = fields


def current_agreement(project):
    """The version that matters now: one awaiting acceptance (an amendment in progress) before the
    one in force. Reads the prefetched `agreements` (newest first)."""
    live = [a for a in project.agreements.all() if a.status != AgreementStatus.SUPERSEDED]
    return live[0] if live else None


class ProjectDetailSerializer(ProjectSerializer):
    """One project: the current agreement with its parties and their acceptance, the earlier
    versions, the tranches and the milestones."""

    agreement = serializers.SerializerMethodField()
    agreements = AgreementSummarySerializer(many=True, read_only=True)
    tranches = TrancheSerializer(many=True, read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "agreement", "agreements", "tranches", "milestones"]
        read_only_fields = fields

    @extend_schema_field(AgreementSerializer(allow_null=True))
    def get_agreement(self, project):
        agreement = current_agreement(project)
        return AgreementSerializer(agreement, context=self.context).data if agreement else None


class ProjectCreateSerializer(serializers.Serializer):
    decision = _id(
        staff_decisions,
        _("없는 선정 결정이거나 이 공고를 운영하는 기관의 담당자가 아닙니다."),
        help_text="A final, released decision to select (evaluations: decisions).",
    )
    starts_on = serializers.DateField(
        required=False, help_text="First day of the project; defaults to today (Asia/Seoul)."
    )


# --- progress reports and site visits ------------------------------------------------------------


class ProgressReportSerializer(serializers.ModelSerializer):
    """A periodic progress report (lead SME or supplier). `evidence_url` downloads the evidence file
    under the name it was uploaded with."""

    project = serializers.IntegerField(source="project_id", read_only=True)
    reporter_role = _code(ReporterRole.choices)
    reporter_role_label = _label("get_reporter_role_display")
    submitted_by_name = serializers.CharField(source="submitted_by.full_name", read_only=True)
    evidence_url = serializers.SerializerMethodField()

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "project",
            "reporter_role",
            "reporter_role_label",
            "period_end",
            "percent_complete",
            "spent",
            "work_done",
            "issues",
            "evidence_name",
            "evidence_url",
            "submitted_by_name",
            "submitted_at",
        ]
        read_only_fields = fields

    def get_evidence_url(self, report) -> str | None:
        if not report.evidence:
            return None
        return reverse("progress-report-evidence", args=[report.pk])


class ProgressReportCreateSerializer(serializers.Serializer):
    """multipart/form-data (or JSON without a file): `evidence` is checked by its content (PDF,
    HWP/HWPX, Office, JPG/PNG), 10 MB."""

    project = _id(visible_projects, _("없는 과제입니다."))
    reporter_role = serializers.ChoiceField(choices=ReporterRole.choices)
    period_end = serializers.DateField()
    percent_complete = serializers.IntegerField(min_value=0, max_value=100)
    spent = serializers.IntegerField(min_value=0)
    work_done = serializers.CharField(max_length=4000)
    issues = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    evidence = serializers.FileField(required=False, allow_null=True, default=None)

    def validate_evidence(self, value):
        if value is None:
            return None
        try:
            return CheckedFileField().clean(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class SiteVisitSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id", read_only=True)
    operator = serializers.IntegerField(source="operator_id", read_only=True)
    operator_name = serializers.CharField(source="operator.name_ko", read_only=True)
    recorded_by_name = serializers.CharField(source="recorded_by.full_name", read_only=True)
    photo_url = serializers.SerializerMethodField()

    class Meta:
        model = SiteVisit
        fields = [
            "id",
            "project",
            "operator",
            "operator_name",
            "visited_on",
            "findings",
            "follow_up",
            "follow_up_due",
            "photo_name",
            "photo_url",
            "recorded_by_name",
            "recorded_at",
        ]
        read_only_fields = fields

    def get_photo_url(self, visit) -> str | None:
        if not visit.photo:
            return None
        return reverse("site-visit-photo", args=[visit.pk])


class SiteVisitCreateSerializer(serializers.Serializer):
    """multipart/form-data (or JSON without a photo): `photo` is a JPG or PNG checked by content."""

    project = _id(visible_projects, _("없는 과제입니다."))
    visited_on = serializers.DateField()
    findings = serializers.CharField(max_length=4000)
    follow_up = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    follow_up_due = serializers.DateField(required=False, allow_null=True, default=None)
    photo = serializers.FileField(required=False, allow_null=True, default=None)

    def validate_photo(self, value):
        if value is None:
            return None
        try:
            return CheckedFileField(kinds=IMAGE_KINDS).clean(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
