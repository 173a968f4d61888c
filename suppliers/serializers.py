"""Shapes in and out of the suppliers API. Serializers validate at the edge and never save: the
views hand `validated_data` to `suppliers.services`.

Ids in request bodies are plain integers resolved inside a queryset chosen for the requesting user
(`ScopedIdField`), so a foreign id reads exactly like a missing one: a 400 on that field, never a
hint that the row exists. Reference data (regions, KSIC divisions, technical domains) is public and
is addressed by its code.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from organizations.access import principal_for
from organizations.models import KsicDivision, Operator, Region, Role
from organizations.uploads import CheckedFileField

from . import rating
from .forms_search import rating_counts, scale_range, top_solutions
from .models import (
    MAX_WON,
    TRACK_LEVELS,
    CapabilityAssessment,
    Certification,
    CertificationKind,
    Deployment,
    ImplementationCase,
    Solution,
    SupplierProfile,
    SupplierStatus,
    TechDomain,
)

MAX_ID = 2**63 - 1


# --- fields ----------------------------------------------------------------------------------------


class NamedChoiceField(serializers.ChoiceField):
    """A choice field documented as one named enum component (`component`), wherever it appears:
    the same choice set under one name, and no collision with other apps' `status` or `kind`."""

    def __init__(self, *, choices, component, **kwargs):
        self.component = component
        super().__init__(choices=choices, **kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        values = [value for value in field.choices if value != ""]
        description = "\n".join(f"* `{value}` - {label}" for value, label in field.choices.items() if value)
        component = ResolvedComponent(
            name=field.component,
            type=ResolvedComponent.SCHEMA,
            object=field.component,
            schema={"type": "string", "enum": values, "description": description},
        )
        auto_schema.registry.register_on_missing(component)
        if getattr(field, "allow_blank", False):
            return {"oneOf": [component.ref, {"type": "string", "maxLength": 0}]}
        return component.ref


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


class ScopedIdField(serializers.IntegerField):
    """An id resolved inside `scope(user)`; answers with the row, reads back as the id.

    Reads `<source>_id` so listing rows never loads the related object."""

    default_error_messages = {"not_found": _("선택할 수 없는 번호입니다. 번호를 확인해 주십시오.")}

    def __init__(self, *, scope, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return getattr(instance, f"{self.source}_id")

    def to_internal_value(self, data):
        pk = super().to_internal_value(data)
        if not 1 <= pk <= MAX_ID:
            self.fail("not_found")
        obj = self.scope(_user(self.context)).filter(pk=pk).first()
        if obj is None:
            self.fail("not_found")
        return obj

    def to_representation(self, value):
        return getattr(value, "pk", value)


def visible_profiles(user):
    return SupplierProfile.objects.visible_to(user)


def assessing_operators(user):
    """Operators for which the user records capability assessments (their admin or staff roles)."""
    p = principal_for(user)
    if p.is_platform_admin:
        return Operator.objects.unrestricted()
    return Operator.objects.unrestricted().filter(
        pk__in=p.operator_ids_with(Role.OPERATOR_ADMIN, Role.OPERATOR_STAFF)
    )


def _levels_field(**kwargs):
    return serializers.ListField(
        child=NamedChoiceField(choices=TRACK_LEVELS, component="SupplierLevelEnum"), **kwargs
    )


# --- reference data --------------------------------------------------------------------------------


class TechDomainSerializer(serializers.ModelSerializer):
    class Meta:
        model = TechDomain
        fields = ["code", "name_ko", "name_en"]
        read_only_fields = fields


class NamedRefSerializer(serializers.Serializer):
    """A region or KSIC division: its code and names."""

    code = serializers.CharField()
    name_ko = serializers.CharField()
    name_en = serializers.CharField()


# --- the offering: solutions, certifications, cases --------------------------------------------------


class SolutionSerializer(serializers.ModelSerializer):
    """A solution the supplier offers. Prices are whole won; levels are the tracks it suits."""

    domain = serializers.PrimaryKeyRelatedField(
        queryset=TechDomain.objects.filter(is_active=True),
        help_text=_("기술 분야 코드(tech-domains의 code)"),
    )
    domain_name_ko = serializers.CharField(source="domain.name_ko", read_only=True)
    domain_name_en = serializers.CharField(source="domain.name_en", read_only=True)
    levels = _levels_field(required=False, help_text=_("적합한 수준(여러 개)"))
    deployment = NamedChoiceField(choices=Deployment.choices, component="DeploymentEnum")
    price_min = serializers.IntegerField(min_value=0, max_value=MAX_WON, required=False, allow_null=True)
    price_max = serializers.IntegerField(min_value=0, max_value=MAX_WON, required=False, allow_null=True)

    class Meta:
        model = Solution
        fields = [
            "id",
            "name",
            "domain",
            "domain_name_ko",
            "domain_name_en",
            "description",
            "levels",
            "deployment",
            "price_min",
            "price_max",
        ]
        read_only_fields = ["id"]

    def validate_levels(self, value):
        return sorted(set(value), key=[code for code, _label in TRACK_LEVELS].index)

    def validate(self, attrs):
        low = attrs.get("price_min", getattr(self.instance, "price_min", None))
        high = attrs.get("price_max", getattr(self.instance, "price_max", None))
        if low is not None and high is not None and high < low:
            raise serializers.ValidationError(
                {"price_max": [_("최고 가격은 최저 가격보다 작을 수 없습니다.")]}
            )
        return attrs


class SolutionBriefSerializer(serializers.ModelSerializer):
    domain = serializers.CharField(source="domain_id", read_only=True)
    levels = _levels_field(read_only=True)
    deployment = NamedChoiceField(choices=Deployment.choices, component="DeploymentEnum", read_only=True)

    class Meta:
        model = Solution
        fields = ["id", "name", "domain", "levels", "deployment"]
        read_only_fields = fields


class CertificationSerializer(serializers.ModelSerializer):
    """A certification. `expired` is worked out against today's date in Seoul."""

    kind = NamedChoiceField(choices=CertificationKind.choices, component="CertificationKindEnum")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    expired = serializers.SerializerMethodField()
    document = serializers.FileField(
        required=False,
        allow_null=True,
        help_text=_(
            "증빙 서류(PDF, 한글 HWP·HWPX, 워드·엑셀·파워포인트, JPG·PNG, 10MB 이하). "
            "형식은 파일 내용으로 확인합니다. multipart/form-data로 보냅니다."
        ),
    )

    class Meta:
        model = Certification
        fields = [
            "id",
            "kind",
            "kind_label",
            "name",
            "issuer",
            "number",
            "valid_until",
            "expired",
            "document",
        ]
        read_only_fields = ["id"]

    def get_expired(self, cert) -> bool:
        return cert.valid_until is not None and cert.valid_until < timezone.localdate()

    def validate_document(self, value):
        """The same check as the upload page: type by content, 10 MB, a random stored name."""
        if value is None:
            return value
        try:
            return CheckedFileField(required=False).clean(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class PublicCertificationSerializer(CertificationSerializer):
    """A certification as others see it: without the supporting document."""

    class Meta(CertificationSerializer.Meta):
        fields = [f for f in CertificationSerializer.Meta.fields if f != "document"]
        read_only_fields = fields


class ImplementationCaseSerializer(serializers.ModelSerializer):
    """A past project. Sector is a KSIC division code, region a 시·도 code, amount whole won."""

    client_sector = serializers.PrimaryKeyRelatedField(
        queryset=KsicDivision.objects.all(), required=False, allow_null=True
    )
    client_sector_name = serializers.CharField(source="client_sector.name_ko", read_only=True, default="")
    client_region = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.all(), required=False, allow_null=True
    )
    client_region_name = serializers.CharField(source="client_region.name_ko", read_only=True, default="")
    level = NamedChoiceField(
        choices=[("", ""), *TRACK_LEVELS], component="SupplierLevelEnum", required=False, allow_blank=True
    )
    amount = serializers.IntegerField(min_value=0, max_value=MAX_WON, help_text=_("사업 규모(원)"))

    class Meta:
        model = ImplementationCase
        fields = [
            "id",
            "title",
            "client_sector",
            "client_sector_name",
            "client_region",
            "client_region_name",
            "year",
            "amount",
            "level",
            "outcome",
        ]
        read_only_fields = ["id"]


# --- profiles --------------------------------------------------------------------------------------


class RatingComponentSerializer(serializers.Serializer):
    value = serializers.CharField(help_text=_("0.00–5.00 환산값"))
    weight = serializers.CharField()
    count = serializers.IntegerField(help_text=_("근거 건수"))


class RatingBasisSerializer(serializers.Serializer):
    rating = serializers.CharField(allow_null=True)
    components = serializers.DictField(
        child=RatingComponentSerializer(),
        help_text=_("assessment(역량 평가), reviews(도입기업 평가), inspections(최종점검) 중 근거가 있는 것"),
    )
    formula = serializers.CharField(help_text=_("평점 산식 설명"))


class RatingCountsSerializer(serializers.Serializer):
    assessments = serializers.IntegerField()
    sme_reviews = serializers.IntegerField()
    inspections = serializers.IntegerField()


class CompanyBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    region = NamedRefSerializer()
    employees = serializers.IntegerField()


class SupplierCardSerializer(serializers.ModelSerializer):
    """A search result: enough to choose whom to look at (and compare) more closely."""

    name = serializers.CharField(source="company.name", read_only=True)
    name_en = serializers.CharField(source="company.name_en", read_only=True)
    region = NamedRefSerializer(source="company.region", read_only=True)
    status = NamedChoiceField(choices=SupplierStatus.choices, component="SupplierStatusEnum", read_only=True)
    domains = TechDomainSerializer(many=True, read_only=True)
    top_solutions = serializers.SerializerMethodField()
    rating = serializers.DecimalField(max_digits=3, decimal_places=2, read_only=True, allow_null=True)
    rating_counts = serializers.SerializerMethodField()
    scale_min = serializers.SerializerMethodField(help_text=_("구축 사례 중 가장 작은 사업 규모(원)"))
    scale_max = serializers.SerializerMethodField(help_text=_("구축 사례 중 가장 큰 사업 규모(원)"))

    class Meta:
        model = SupplierProfile
        fields = [
            "id",
            "name",
            "name_en",
            "region",
            "status",
            "domains",
            "top_solutions",
            "rating",
            "rating_counts",
            "case_count",
            "scale_min",
            "scale_max",
        ]
        read_only_fields = fields

    @extend_schema_field(SolutionBriefSerializer(many=True))
    def get_top_solutions(self, profile):
        return SolutionBriefSerializer(top_solutions(profile), many=True).data

    @extend_schema_field(RatingCountsSerializer)
    def get_rating_counts(self, profile):
        return rating_counts(profile.rating_basis)

    def get_scale_min(self, profile) -> int | None:
        return scale_range(profile)[0]

    def get_scale_max(self, profile) -> int | None:
        return scale_range(profile)[1]


class AssessmentSummarySerializer(serializers.Serializer):
    count = serializers.IntegerField()
    latest_on = serializers.DateField(allow_null=True)
    management = serializers.IntegerField(allow_null=True)
    technology = serializers.IntegerField(allow_null=True)
    project_management = serializers.IntegerField(allow_null=True)


class SupplierDetailSerializer(SupplierCardSerializer):
    """A supplier's whole profile: offering, record, rating with its basis, contacts."""

    company = CompanyBriefSerializer(read_only=True)
    status_reason = serializers.SerializerMethodField()
    solutions = SolutionSerializer(many=True, read_only=True)
    certifications = PublicCertificationSerializer(many=True, read_only=True)
    cases = ImplementationCaseSerializer(many=True, read_only=True)
    rating_basis = serializers.SerializerMethodField()
    assessments = serializers.SerializerMethodField()

    class Meta(SupplierCardSerializer.Meta):
        fields = [
            *SupplierCardSerializer.Meta.fields,
            "company",
            "status_reason",
            "introduction_ko",
            "introduction_en",
            "contact_name",
            "contact_phone",
            "contact_email",
            "homepage",
            "registered_at",
            "solutions",
            "certifications",
            "cases",
            "rating_basis",
            "assessments",
        ]
        read_only_fields = fields

    def get_status_reason(self, profile) -> str:
        """Why the status last changed: for the supplier itself and operator staff only."""
        p = principal_for(_user(self.context))
        if p.is_platform_admin or p.is_operator_side or profile.company_id in p.company_ids:
            return profile.status_reason
        return ""

    @extend_schema_field(RatingBasisSerializer)
    def get_rating_basis(self, profile):
        basis = profile.rating_basis or {}
        return {
            "rating": basis.get("rating"),
            "components": basis.get("components", {}),
            "formula": " ".join(rating.__doc__.split()),
        }

    @extend_schema_field(AssessmentSummarySerializer)
    def get_assessments(self, profile):
        rows = list(profile.assessments.all())
        latest = rows[0] if rows else None
        return {
            "count": len(rows),
            "latest_on": latest.assessed_on if latest else None,
            "management": latest.management if latest else None,
            "technology": latest.technology if latest else None,
            "project_management": latest.project_management if latest else None,
        }


class FacetSerializer(serializers.Serializer):
    value = serializers.CharField()
    label_ko = serializers.CharField()
    label_en = serializers.CharField()
    count = serializers.IntegerField()


class FacetsSerializer(serializers.Serializer):
    domain = FacetSerializer(many=True)
    region = FacetSerializer(many=True)
    deployment = FacetSerializer(many=True)
    certification = FacetSerializer(many=True)
    level = FacetSerializer(many=True)


class SupplierSearchPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SupplierCardSerializer(many=True)
    facets = FacetsSerializer(help_text=_("필터 값별 결과 수(value, label_ko, label_en, count)"))


# --- comparison ------------------------------------------------------------------------------------


class BandCountSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class SectorCountSerializer(serializers.Serializer):
    code = serializers.CharField(allow_null=True)
    label = serializers.CharField()
    count = serializers.IntegerField()


class ComparedSupplierSerializer(SupplierDetailSerializer):
    cases_by_scale = serializers.SerializerMethodField()
    cases_by_sector = serializers.SerializerMethodField()

    class Meta(SupplierDetailSerializer.Meta):
        fields = [*SupplierDetailSerializer.Meta.fields, "cases_by_scale", "cases_by_sector"]
        read_only_fields = fields

    @extend_schema_field(BandCountSerializer(many=True))
    def get_cases_by_scale(self, profile):
        from .forms_search import cases_by_scale

        return [{"code": code, "label": str(label), "count": n} for code, label, n in cases_by_scale(profile)]

    @extend_schema_field(SectorCountSerializer(many=True))
    def get_cases_by_sector(self, profile):
        from .forms_search import cases_by_sector

        return [{"code": code, "label": label, "count": n} for code, label, n in cases_by_sector(profile)]


class CompareQuerySerializer(serializers.Serializer):
    ids = serializers.CharField(help_text=_("비교할 공급기업 번호 2–4개, 쉼표로 구분. 예: 12,34,56"))


class CompareSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField())
    suppliers = ComparedSupplierSerializer(many=True)


# --- the supplier's own profile ----------------------------------------------------------------------


class CompanyChangesSerializer(serializers.Serializer):
    """Registry data of the supplier company. A new name sends a registered supplier back to review."""

    name = serializers.CharField(max_length=120, required=False)
    name_en = serializers.CharField(max_length=160, required=False, allow_blank=True)
    representative = serializers.CharField(max_length=60, required=False)
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all(), required=False)
    postcode = serializers.CharField(max_length=5, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    address_detail = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    employees = serializers.IntegerField(min_value=0, required=False)
    annual_revenue = serializers.IntegerField(min_value=0, max_value=MAX_WON, required=False)


class OwnProfileSerializer(serializers.ModelSerializer):
    """The supplier's own profile: what it may change, and where it stands in review."""

    name = serializers.CharField(source="company.name", read_only=True)
    status = NamedChoiceField(choices=SupplierStatus.choices, component="SupplierStatusEnum", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    domains = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=TechDomain.objects.filter(is_active=True),
        required=False,
        help_text=_("기술 분야 코드 목록(전체를 바꿉니다)"),
    )
    company = CompanyChangesSerializer(
        required=False, write_only=True, help_text=_("기업 정보 변경(기업명을 바꾸면 다시 심사합니다)")
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", write_only=True, max_length=500
    )
    submit_blockers = serializers.SerializerMethodField()

    class Meta:
        model = SupplierProfile
        fields = [
            "id",
            "name",
            "status",
            "status_label",
            "status_reason",
            "introduction_ko",
            "introduction_en",
            "contact_name",
            "contact_phone",
            "contact_email",
            "homepage",
            "domains",
            "company",
            "reason",
            "rating",
            "case_count",
            "submitted_at",
            "registered_at",
            "submit_blockers",
        ]
        read_only_fields = [
            "id",
            "status_reason",
            "rating",
            "case_count",
            "submitted_at",
            "registered_at",
        ]

    def get_submit_blockers(self, profile) -> list[str]:
        """What to add before review can be requested (empty = ready)."""
        from .services import submit_blockers

        return [str(p) for p in submit_blockers(profile)]


class StatusReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=1000,
        help_text=_("보완 요청·반려·활동 정지·재개에는 사유가 필요합니다. 공급기업에 그대로 안내됩니다."),
    )


# --- capability assessments ------------------------------------------------------------------------


class CapabilityAssessmentSerializer(serializers.ModelSerializer):
    profile = ScopedIdField(
        scope=visible_profiles,
        error_messages={"not_found": _("없는 공급기업입니다. 공급기업 번호를 확인해 주십시오.")},
    )
    operator = ScopedIdField(
        scope=assessing_operators,
        required=False,
        help_text=_("평가 기관. 비우면 사용자가 관리자·담당자인 첫 기관입니다."),
        error_messages={"not_found": _("이 기관의 이름으로 평가를 기록할 권한이 없거나 없는 기관입니다.")},
    )
    management = serializers.IntegerField(min_value=0, max_value=100)
    technology = serializers.IntegerField(min_value=0, max_value=100)
    project_management = serializers.IntegerField(min_value=0, max_value=100)

    class Meta:
        model = CapabilityAssessment
        fields = [
            "id",
            "profile",
            "operator",
            "assessor",
            "assessed_on",
            "management",
            "technology",
            "project_management",
            "notes",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]

    def validate(self, attrs):
        if "operator" not in attrs:
            operator = assessing_operators(_user(self.context)).order_by("pk").first()
            if operator is None:
                raise serializers.ValidationError({"operator": [_("평가를 기록할 기관을 지정해 주십시오.")]})
            attrs["operator"] = operator
        return attrs
