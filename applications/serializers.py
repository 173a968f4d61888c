"""Shapes in and out of the applications API. Serializers validate at the edge and never save: the
views hand `validated_data` to `applications.services`.

Ids in request bodies are resolved inside a queryset chosen for the requesting user
(`ScopedIdField`), so a foreign id reads exactly like a missing one: a 400 on that field. Checks that
belong to the business (who may do it, what is complete, what is late) stay in the services, so an
API client and a page get the same words.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from organizations.models import Company, Region
from organizations.uploads import CheckedFileField
from programs.models import DocumentKind
from programs.serializers import ScopedIdField, sme_companies, visible_tracks

from . import rules
from .models import (
    Application,
    ApplicationDocument,
    Clarification,
    ClarificationMessage,
    ConsortiumMember,
    EligibilityResult,
    EligibilityRun,
    Kpi,
    MemberRole,
    Submission,
    SupportNote,
)
from .services import EDITABLE_FIELDS

MAX_WON = 10**12


def _status_field(choices, **kwargs):
    """A read-only code with its values documented; the codes of several models share the name
    `status`, so they are described in words rather than as competing enums."""
    values = ", ".join(value for value, _label in choices)
    return serializers.CharField(read_only=True, help_text=f"{values}", **kwargs)


# --- scopes --------------------------------------------------------------------------------------


def visible_applications(user, context=None):
    return Application.objects.visible_to(user).select_related("call", "track", "lead")


def visible_clarifications(user, context=None):
    return Clarification.objects.visible_to(user)


def visible_documents(user, context=None):
    return ApplicationDocument.objects.visible_to(user).filter(removed_at=None)


def invitable_companies(user, context=None):
    """Registered suppliers and large firms: the companies the supplier search and the win-win
    partner list show. Anything else reads as a missing id."""
    from suppliers.models import SupplierStatus

    return Company.objects.unrestricted().filter(
        Q(kind=Company.Kind.SUPPLIER, supplier_profile__status=SupplierStatus.REGISTERED)
        | Q(kind=Company.Kind.LARGE_FIRM)
    )


def application_id_field(**kwargs):
    return ScopedIdField(
        scope=visible_applications,
        error_messages={"not_found": _("없는 신청서이거나 볼 수 없는 신청서입니다.")},
        **kwargs,
    )


# --- applications --------------------------------------------------------------------------------


class ApplicationListSerializer(serializers.ModelSerializer):
    call = serializers.IntegerField(source="call_id", read_only=True)
    track = serializers.IntegerField(source="track_id", read_only=True)
    lead = serializers.IntegerField(source="lead_id", read_only=True)
    call_reference = serializers.CharField(source="call.reference", read_only=True)
    track_name = serializers.CharField(source="track.display_name", read_only=True)
    lead_name = serializers.CharField(source="lead.name", read_only=True)
    status = _status_field(Application._meta.get_field("status").choices)

    class Meta:
        model = Application
        fields = [
            "id",
            "call",
            "call_reference",
            "track",
            "track_name",
            "lead",
            "lead_name",
            "status",
            "title",
            "total_cost",
            "current_version",
            "submitted_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ApplicationStartSerializer(serializers.Serializer):
    track = ScopedIdField(
        scope=visible_tracks,
        error_messages={"not_found": _("없는 지원 유형이거나 볼 수 없는 공고입니다.")},
    )
    company = ScopedIdField(
        scope=sme_companies,
        required=False,
        help_text="The lead SME; may be left out when the user belongs to exactly one SME.",
        error_messages={"not_found": _("이 기업의 도입기업 담당자가 아닙니다.")},
    )


class KpiSerializer(serializers.ModelSerializer):
    application = application_id_field()
    code = serializers.CharField(read_only=True, help_text="defect_rate, utilisation, lead_time, custom")
    label = serializers.CharField(read_only=True)

    class Meta:
        model = Kpi
        fields = ["id", "application", "code", "label", "name", "unit", "baseline", "target", "order"]
        read_only_fields = ["id", "order"]
        extra_kwargs = {"unit": {"required": False}, "name": {"required": False}}


class KpiUpdateSerializer(KpiSerializer):
    class Meta(KpiSerializer.Meta):
        read_only_fields = ["id", "order", "application"]


class ConsortiumMemberSerializer(serializers.ModelSerializer):
    application = serializers.IntegerField(source="application_id", read_only=True)
    company = serializers.IntegerField(source="company_id", read_only=True)
    company_name = serializers.CharField(source="company.name", read_only=True)
    role = serializers.CharField(read_only=True, help_text="supplier, large_firm")
    status = _status_field(ConsortiumMember._meta.get_field("status").choices)

    class Meta:
        model = ConsortiumMember
        fields = [
            "id",
            "application",
            "company",
            "company_name",
            "role",
            "status",
            "contract_amount",
            "invited_at",
            "responded_at",
            "response_note",
        ]
        read_only_fields = fields


class ConsortiumInviteSerializer(serializers.Serializer):
    application = application_id_field()
    company = ScopedIdField(
        scope=invitable_companies,
        error_messages={
            "not_found": _(
                "등록 승인된 공급기업이나 대기업이 아닙니다. 등록되지 않은 공급기업이면 미등록 공급기업으로 지정해 주십시오."
            )
        },
    )
    role = serializers.ChoiceField(choices=MemberRole.choices, default=MemberRole.SUPPLIER)
    contract_amount = serializers.IntegerField(
        min_value=0, max_value=MAX_WON, required=False, allow_null=True
    )


class ConsortiumNominateSerializer(serializers.Serializer):
    application = application_id_field()
    business_number = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=100)
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    contact_name = serializers.CharField(max_length=60)
    contact_email = serializers.EmailField()
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")


class ConsortiumRespondSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ActionReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ApplicationDocumentSerializer(serializers.ModelSerializer):
    application = serializers.IntegerField(source="application_id", read_only=True)
    clarification = serializers.IntegerField(source="clarification_id", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ApplicationDocument
        fields = [
            "id",
            "application",
            "kind",
            "original_name",
            "size",
            "sha256",
            "uploaded_at",
            "clarification",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, document) -> str:
        return reverse("applications:document-download", args=[document.pk])


class ApplicationDocumentUploadSerializer(serializers.Serializer):
    """multipart/form-data: `file` is checked by its content (PDF, HWP/HWPX, Office, JPG/PNG), 10 MB."""

    application = application_id_field()
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    file = serializers.FileField()
    clarification = ScopedIdField(
        scope=visible_clarifications,
        required=False,
        allow_null=True,
        error_messages={"not_found": _("없는 보완 요청입니다.")},
    )

    def validate_file(self, value):
        try:
            return CheckedFileField().clean(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class ApplicationDetailSerializer(ApplicationListSerializer):
    budget_lines = serializers.DictField(child=serializers.IntegerField(), read_only=True)
    budget_sum = serializers.IntegerField(read_only=True)
    kpis = KpiSerializer(many=True, read_only=True)
    members = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    shares = serializers.SerializerMethodField()

    class Meta(ApplicationListSerializer.Meta):
        fields = [
            *ApplicationListSerializer.Meta.fields,
            "summary",
            "existing_systems",
            "integration_plan",
            "data_plan",
            "expected_return",
            "duration_months",
            "budget_software",
            "budget_hardware",
            "budget_integration",
            "budget_consulting",
            "budget_other",
            "budget_lines",
            "budget_sum",
            "declarations",
            "completed_sections",
            "kpis",
            "members",
            "documents",
            "shares",
        ]
        read_only_fields = fields

    @extend_schema_field(ConsortiumMemberSerializer(many=True))
    def get_members(self, application):
        members = [m for m in application.members.all() if m.status != "removed"]
        return ConsortiumMemberSerializer(members, many=True).data

    @extend_schema_field(ApplicationDocumentSerializer(many=True))
    def get_documents(self, application):
        documents = [d for d in application.documents.all() if d.removed_at is None]
        return ApplicationDocumentSerializer(documents, many=True).data

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "lines": {"type": "array", "items": {"type": "object"}},
                "sme_share": {"type": "integer", "nullable": True},
                "problem": {"type": "string", "nullable": True},
            },
        }
    )
    def get_shares(self, application):
        from .selectors import live_shares

        members = [m for m in application.members.all() if m.status != "removed"]
        shares, problem = live_shares(application, members)
        return {
            "lines": shares.as_json() if shares else [],
            "sme_share": shares.sme_share if shares else None,
            "problem": problem,
        }


class ApplicationUpdateSerializer(serializers.ModelSerializer):
    """Autosave: any subset of the plan, the budget and the declarations; incomplete is fine."""

    declarations = serializers.DictField(child=serializers.BooleanField(), required=False)

    class Meta:
        model = Application
        fields = list(EDITABLE_FIELDS)
        extra_kwargs = {name: {"required": False} for name in EDITABLE_FIELDS}


class BlockerSectionSerializer(serializers.Serializer):
    section = serializers.CharField()
    label = serializers.CharField()
    messages = serializers.ListField(child=serializers.CharField())


class BlockersSerializer(serializers.Serializer):
    can_submit = serializers.BooleanField()
    sections = BlockerSectionSerializer(many=True)


def blockers_body(blockers):
    sections = {}
    for section, message in blockers:
        sections.setdefault(section, []).append(str(message))
    labels = {**rules.SECTION_LABELS, "call": _("접수 기간")}
    return {
        "can_submit": not blockers,
        "sections": [
            {"section": s, "label": str(labels.get(s, s)), "messages": messages}
            for s, messages in sections.items()
        ],
    }


# --- submissions and eligibility ---------------------------------------------------------------------


class SubmissionSerializer(serializers.ModelSerializer):
    application = serializers.IntegerField(source="application_id", read_only=True)
    status = _status_field(Submission._meta.get_field("status").choices)
    receipt_pdf_url = serializers.SerializerMethodField()
    copy_pdf_url = serializers.SerializerMethodField()
    copy_zip_url = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = [
            "id",
            "application",
            "version",
            "receipt_number",
            "status",
            "submitted_at",
            "withdrawn_at",
            "withdraw_reason",
            "receipt_pdf_url",
            "copy_pdf_url",
            "copy_zip_url",
        ]
        read_only_fields = fields

    def get_receipt_pdf_url(self, submission) -> str:
        return reverse("applications:receipt-pdf", args=[submission.pk])

    def get_copy_pdf_url(self, submission) -> str:
        return reverse("applications:copy-pdf", args=[submission.pk])

    def get_copy_zip_url(self, submission) -> str:
        return reverse("applications:copy-zip", args=[submission.pk])


class SubmissionDetailSerializer(SubmissionSerializer):
    snapshot = serializers.JSONField(read_only=True)

    class Meta(SubmissionSerializer.Meta):
        fields = [*SubmissionSerializer.Meta.fields, "snapshot"]
        read_only_fields = fields


class EligibilityResultSerializer(serializers.ModelSerializer):
    run = serializers.IntegerField(source="run_id", read_only=True)
    effective_outcome = serializers.CharField(read_only=True, help_text="pass, fail, needs_review")

    class Meta:
        model = EligibilityResult
        fields = [
            "id",
            "run",
            "order",
            "kind",
            "outcome",
            "effective_outcome",
            "reason_ko",
            "reason_en",
            "override_outcome",
            "override_reason",
            "overridden_at",
        ]
        read_only_fields = fields


class EligibilityRunSerializer(serializers.ModelSerializer):
    submission = serializers.IntegerField(source="submission_id", read_only=True)
    status = _status_field(EligibilityRun._meta.get_field("status").choices)
    results = EligibilityResultSerializer(many=True, read_only=True)

    class Meta:
        model = EligibilityRun
        fields = ["id", "submission", "status", "outcome", "reason", "created_at", "finished_at", "results"]
        read_only_fields = fields


class EligibilityOverrideSerializer(serializers.Serializer):
    """The service checks the role first, then the outcome and the reason (so a wrong role hears 403)."""

    outcome = serializers.CharField(max_length=16, allow_blank=True, help_text="pass, fail, needs_review")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


# --- clarifications and support notes -------------------------------------------------------------


class ClarificationMessageSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.full_name", read_only=True)
    document = serializers.IntegerField(source="document_id", read_only=True)

    class Meta:
        model = ClarificationMessage
        fields = ["id", "author_name", "body", "document", "created_at"]
        read_only_fields = fields


class ClarificationSerializer(serializers.ModelSerializer):
    application = serializers.IntegerField(source="application_id", read_only=True)
    operator = serializers.IntegerField(source="operator_id", read_only=True)
    status = _status_field(Clarification._meta.get_field("status").choices)
    messages = ClarificationMessageSerializer(many=True, read_only=True)

    class Meta:
        model = Clarification
        fields = [
            "id",
            "application",
            "operator",
            "subject",
            "reply_by",
            "requested_document",
            "status",
            "created_at",
            "messages",
        ]
        read_only_fields = fields


class ClarificationAskSerializer(serializers.Serializer):
    application = application_id_field()
    subject = serializers.CharField(max_length=200, allow_blank=True)
    body = serializers.CharField(allow_blank=True, max_length=10000)
    reply_by = serializers.DateTimeField()
    requested_document = serializers.ChoiceField(
        choices=DocumentKind.choices, required=False, allow_blank=True, default=""
    )


class ClarificationReplySerializer(serializers.Serializer):
    body = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)
    document = ScopedIdField(
        scope=visible_documents,
        required=False,
        allow_null=True,
        default=None,
        error_messages={"not_found": _("없는 서류입니다. 먼저 서류를 올려 주십시오.")},
    )


class SupportNoteSerializer(serializers.ModelSerializer):
    application = application_id_field()
    operator = serializers.IntegerField(source="operator_id", read_only=True)
    author_name = serializers.CharField(source="author.full_name", read_only=True)

    class Meta:
        model = SupportNote
        fields = ["id", "application", "operator", "author_name", "given_on", "body", "created_at"]
        read_only_fields = ["id", "operator", "author_name", "created_at"]
