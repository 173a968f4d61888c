"""Shapes in and out of the aftercare API. Input serializers check shape only (types, lengths, ids
inside the user's scope); `aftercare.services` owns every rule, so the API and the pages say the
same words. Money is whole won (integers)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from monitoring.models import Project
from monitoring.serializers import _code, _id, _label
from organizations.models import Company
from organizations.uploads import CheckedFileField
from programs.models import Track
from suppliers.models import SupplierProfile, SupplierReview

from .models import (
    ConsortiumRole,
    DefectRepair,
    DefectStatus,
    MaintenanceContract,
    ReportStatus,
    UnfairPracticeReport,
)


def visible_projects(user, context=None):
    return Project.objects.visible_to(user)


def any_company(user, context=None):
    # Whether the company may be named is the service's rule (a party to the project's agreement);
    # an id outside the project reads the same as a missing one there.
    return Company.objects.unrestricted()


def any_track(user, context=None):
    return Track.objects.unrestricted()


def any_supplier(user, context=None):
    return SupplierProfile.objects.unrestricted()


def _checked_file(value):
    if value is None:
        return None
    try:
        return CheckedFileField().clean(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages) from exc


class DefectRepairSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id", read_only=True)
    status = _code(DefectStatus.choices)
    status_label = _label("get_status_display")
    requested_by_name = serializers.CharField(source="requested_by.full_name", read_only=True)
    attachment_url = serializers.SerializerMethodField()

    class Meta:
        model = DefectRepair
        fields = [
            "id",
            "project",
            "status",
            "status_label",
            "description",
            "attachment_name",
            "attachment_url",
            "requested_by_name",
            "requested_at",
            "response",
            "repaired_on",
            "responded_at",
            "satisfaction",
            "satisfaction_comment",
            "closed_at",
        ]
        read_only_fields = fields

    def get_attachment_url(self, defect) -> str | None:
        return reverse("defect-repair-attachment", args=[defect.pk]) if defect.attachment else None


class DefectRepairCreateSerializer(serializers.Serializer):
    """multipart/form-data (or JSON without a file); the attachment is checked by its content."""

    project = _id(visible_projects, _("없는 과제입니다."))
    description = serializers.CharField(max_length=4000)
    attachment = serializers.FileField(required=False, allow_null=True, default=None)

    def validate_attachment(self, value):
        return _checked_file(value)


class DefectRespondSerializer(serializers.Serializer):
    response = serializers.CharField(max_length=4000)
    repaired_on = serializers.DateField()


class DefectSatisfactionSerializer(serializers.Serializer):
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class MaintenanceContractSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id", read_only=True)
    document_url = serializers.SerializerMethodField()

    class Meta:
        model = MaintenanceContract
        fields = [
            "id",
            "project",
            "provider_name",
            "with_supplier",
            "starts_on",
            "ends_on",
            "annual_fee",
            "scope",
            "document_name",
            "document_url",
            "recorded_at",
        ]
        read_only_fields = fields

    def get_document_url(self, contract) -> str | None:
        return reverse("maintenance-contract-document", args=[contract.pk]) if contract.document else None


class MaintenanceContractCreateSerializer(serializers.Serializer):
    project = _id(visible_projects, _("없는 과제입니다."))
    provider_name = serializers.CharField(max_length=160)
    with_supplier = serializers.BooleanField(required=False, default=False)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    annual_fee = serializers.IntegerField(min_value=0, help_text="Whole won a year")
    scope = serializers.CharField(max_length=4000)
    document = serializers.FileField(required=False, allow_null=True, default=None)

    def validate_document(self, value):
        return _checked_file(value)


class UnfairPracticeReportSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id", read_only=True)
    reporter_company = serializers.IntegerField(source="reporter_company_id", read_only=True)
    reporter_company_name = serializers.CharField(source="reporter_company.name", read_only=True)
    reporter_role = _code(ConsortiumRole.choices)
    reported_company = serializers.IntegerField(source="reported_company_id", read_only=True)
    reported_company_name = serializers.CharField(source="reported_company.name", read_only=True)
    status = _code(ReportStatus.choices)
    status_label = _label("get_status_display")

    class Meta:
        model = UnfairPracticeReport
        fields = [
            "id",
            "project",
            "reporter_company",
            "reporter_company_name",
            "reporter_role",
            "reported_company",
            "reported_company_name",
            "description",
            "status",
            "status_label",
            "reported_at",
            "review_started_at",
            "outcome",
            "concluded_at",
        ]
        read_only_fields = fields


class UnfairPracticeReportCreateSerializer(serializers.Serializer):
    project = _id(visible_projects, _("없는 과제입니다."))
    reported_company = _id(any_company, _("이 과제 협약의 다른 당사자 중에서 골라 주십시오."))
    reporter_company = _id(
        any_company,
        _("소속 기업을 골라 주십시오."),
        required=False,
        allow_null=True,
        default=None,
        help_text="Needed only when the user belongs to more than one party",
    )
    description = serializers.CharField(max_length=4000)


class UnfairConcludeSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=4000)


class ProjectClosingSerializer(serializers.Serializer):
    project = _id(visible_projects, _("없는 과제입니다."))
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ProjectClosedSerializer(serializers.ModelSerializer):
    status = _code(Project._meta.get_field("status").choices)
    status_label = _label("get_status_display")

    class Meta:
        model = Project
        fields = ["id", "title", "status", "status_label", "inspection_passed_at"]
        read_only_fields = fields


class SupplierRatingSerializer(serializers.Serializer):
    project = _id(visible_projects, _("없는 과제입니다."))
    supplier = _id(
        any_supplier,
        _("이 과제 협약의 공급기업 중에서 골라 주십시오."),
        required=False,
        allow_null=True,
        default=None,
        help_text="Supplier profile id; needed only when the project had more than one supplier",
    )
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class SupplierReviewOutSerializer(serializers.ModelSerializer):
    supplier = serializers.IntegerField(source="profile_id", read_only=True)

    class Meta:
        model = SupplierReview
        fields = ["id", "supplier", "project_reference", "score", "comment", "created_at"]
        read_only_fields = fields


class NextLevelSerializer(serializers.Serializer):
    project = _id(visible_projects, _("없는 과제입니다."))
    track = _id(any_track, _("접수 중인 공고 가운데 이 과제보다 높은 수준의 지원 유형을 골라 주십시오."))


class NextLevelOutSerializer(serializers.Serializer):
    application = serializers.IntegerField(source="pk")
    track = serializers.IntegerField(source="track_id")
    title = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, application) -> str:
        return reverse("applications:task-list", args=[application.pk])
