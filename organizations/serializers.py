from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .access import principal_for
from .models import (
    ASSESSED_LEVELS,
    AuditEvent,
    Company,
    KsicDivision,
    LevelAssessment,
    Membership,
    Operator,
    Region,
    User,
)
from .rules import business_number_problem, compact_business_number
from .services import COMPANY_EDITABLE_FIELDS
from .uploads import PdfFileField
from .validators import BUSINESS_NUMBER_MESSAGES

MAX_ID = 2**63 - 1


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name_ko", "name_en"]


class KsicDivisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = KsicDivision
        fields = ["code", "name_ko", "name_en"]


class OperatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Operator
        fields = ["id", "code", "kind", "name_ko", "name_en", "region", "email", "phone"]
        read_only_fields = ["id", "code", "kind", "region"]


class CompanySerializer(serializers.ModelSerializer):
    business_number_display = serializers.CharField(read_only=True)

    class Meta:
        model = Company
        read_only_fields = [
            "id",
            "kind",
            "business_number",
            "smart_factory_level",
            "created_at",
            "updated_at",
        ]
        fields = [*read_only_fields, "business_number_display", *COMPANY_EDITABLE_FIELDS]


class CompanySignUpSerializer(serializers.Serializer):
    """A new user registering their firm through the API (the same service as the sign-up page)."""

    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, style={"input_type": "password"})
    full_name = serializers.CharField(max_length=60)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    preferred_language = serializers.ChoiceField(choices=["ko", "en"], default="ko")
    kind = serializers.ChoiceField(choices=Company.Kind.choices)
    business_number = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=120)
    name_en = serializers.CharField(max_length=160, required=False, allow_blank=True, default="")
    representative = serializers.CharField(max_length=60)
    ksic_division = serializers.PrimaryKeyRelatedField(
        queryset=KsicDivision.objects.all(), required=False, allow_null=True, default=None
    )
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    postcode = serializers.CharField(max_length=5, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    address_detail = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    employees = serializers.IntegerField(min_value=0)
    annual_revenue = serializers.IntegerField(min_value=0)
    has_production_facility = serializers.BooleanField(default=False)
    has_mes = serializers.BooleanField(default=False)
    has_erp = serializers.BooleanField(default=False)
    has_data_collection = serializers.BooleanField(default=False)

    def validate_business_number(self, value):
        problem = business_number_problem(value)
        if problem:
            raise serializers.ValidationError(BUSINESS_NUMBER_MESSAGES[problem])
        return compact_business_number(value)

    def validate(self, attrs):
        if attrs["kind"] == Company.Kind.MANUFACTURER and not attrs.get("ksic_division"):
            raise serializers.ValidationError({"ksic_division": [_("제조기업은 주업종을 선택해 주십시오.")]})
        return attrs


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name", "preferred_language"]
        read_only_fields = ["id", "email"]


class MembershipSerializer(serializers.ModelSerializer):
    user = UserSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "company", "operator", "is_active", "created_at"]
        read_only_fields = fields


class MeSerializer(serializers.Serializer):
    user = UserSerializer()
    roles = serializers.ListField(child=serializers.CharField())
    company_ids = serializers.ListField(child=serializers.IntegerField())
    operator_ids = serializers.ListField(child=serializers.IntegerField())


class AuditEventSerializer(serializers.ModelSerializer):
    object_type = serializers.CharField(source="content_type.model", read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "occurred_at",
            "actor",
            "actor_label",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "operator",
            "company",
            "before",
            "after",
            "reason",
        ]
        read_only_fields = fields


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class VisibleCompanyField(serializers.IntegerField):
    """A company id resolved inside `Company.objects.visible_to(user)`: a company the user cannot see
    answers exactly like one that does not exist."""

    default_error_messages = {"not_found": _("없는 기업입니다. 기업 번호를 확인해 주십시오.")}

    def get_attribute(self, instance):
        return instance.company_id  # listing rows never loads the company for its id

    def to_internal_value(self, data):
        pk = super().to_internal_value(data)
        request = self.context.get("request")
        company = None
        if 1 <= pk <= MAX_ID:
            company = Company.objects.visible_to(getattr(request, "user", None)).filter(pk=pk).first()
        if company is None:
            self.fail("not_found")
        return company

    def to_representation(self, value):
        return getattr(value, "pk", value)


class LevelAssessmentSerializer(serializers.ModelSerializer):
    """An official level assessment. Create with multipart/form-data: the fields and `report`, the
    assessment report as a PDF (checked by content, 10 MB at most). Scores are whole numbers 0–100."""

    company = VisibleCompanyField()
    company_name = serializers.CharField(source="company.name", read_only=True)
    level = serializers.ChoiceField(choices=ASSESSED_LEVELS)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    data_collection_score = serializers.IntegerField(min_value=0, max_value=100)
    analysis_score = serializers.IntegerField(min_value=0, max_value=100)
    control_score = serializers.IntegerField(min_value=0, max_value=100)
    report = serializers.FileField(
        write_only=True, help_text=_("수준확인 결과서(PDF, 10MB 이하). multipart/form-data로 보냅니다.")
    )
    report_url = serializers.SerializerMethodField()
    recorded_by_operator = serializers.SerializerMethodField()
    in_force = serializers.SerializerMethodField()

    class Meta:
        model = LevelAssessment
        fields = [
            "id",
            "company",
            "company_name",
            "assessing_body",
            "assessed_on",
            "level",
            "level_label",
            "data_collection_score",
            "analysis_score",
            "control_score",
            "report",
            "report_name",
            "report_url",
            "note",
            "recorded_by_operator",
            "created_at",
            "withdrawn_at",
            "withdrawal_reason",
            "in_force",
        ]
        read_only_fields = [
            "id",
            "report_name",
            "created_at",
            "withdrawn_at",
            "withdrawal_reason",
        ]

    def get_report_url(self, obj) -> str:
        url = reverse("level-assessment-report", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url

    def get_recorded_by_operator(self, obj) -> int | None:
        """The recording operator's id, for its own staff (and platform admins) only: operators are
        tenants, and one tenant's staff do not learn another's records. `assessing_body` names the
        body that assessed."""
        request = self.context.get("request")
        p = principal_for(getattr(request, "user", None))
        if p.is_platform_admin or obj.recorded_by_operator_id in p.operator_ids:
            return obj.recorded_by_operator_id
        return None

    def get_in_force(self, obj) -> bool:
        """Whether the company's current level comes from this assessment (`with_in_force()`)."""
        return getattr(obj, "in_force_id", None) == obj.pk

    def validate_assessed_on(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError(_("평가일은 오늘 이후일 수 없습니다."))
        return value

    def validate_report(self, value):
        """The same check as the page: PDF by content, 10 MB, virus scan, a random stored name."""
        try:
            return PdfFileField().clean(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class WithdrawalSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000,
        error_messages={
            "blank": _("철회 사유를 입력해 주십시오."),
            "required": _("철회 사유를 입력해 주십시오."),
        },
    )
