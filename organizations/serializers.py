from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import AuditEvent, Company, KsicDivision, Membership, Operator, Region, User
from .rules import business_number_problem, compact_business_number
from .services import COMPANY_EDITABLE_FIELDS
from .validators import BUSINESS_NUMBER_MESSAGES


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
