"""Shapes in and out of the programs API. Serializers validate at the edge and never save:
the views hand `validated_data` to `programs.services`.

Ids in request bodies are plain integers resolved inside a queryset chosen for the requesting
user (`ScopedIdField`), so a foreign id reads exactly like a missing one: a 400 on that field,
never a hint that the row exists. Reference data (regions, KSIC divisions) is public and is
addressed by its code.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from organizations.access import principal_for
from organizations.models import Company, KsicDivision, Operator, Region, Role, SmartFactoryLevel

from . import diagnosis, eligibility
from .models import (
    MAX_WON,
    Call,
    CallStatus,
    EligibilityRule,
    FunderRole,
    FundingQuote,
    FundingQuoteRevision,
    Programme,
    RequiredDocument,
    RuleKind,
    SavedSearch,
    SelfDiagnosis,
    Track,
)
from .querysets import editor_operator_ids
from .services import CALL_FIELDS, SEARCH_KEYS

MAX_ID = 2**63 - 1
RATE = dict(max_digits=5, decimal_places=4, min_value=Decimal("0"), max_value=Decimal("1"))
CONSORTIUM_ROLES = [
    ("sme", _("도입기업")),
    ("supplier", _("공급기업")),
    ("large_firm", _("대기업")),
]


# --- scopes for ids in request bodies ----------------------------------------------------------


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


def editable_operators(user, context=None):
    p = principal_for(user)
    return (
        Operator.objects.all()
        if p.is_platform_admin
        else Operator.objects.filter(pk__in=editor_operator_ids(user))
    )


def editable_programmes(user, context=None):
    return Programme.objects.editable_by(user)


def editable_calls(user, context=None):
    return Call.objects.editable_by(user)


def editable_tracks(user, context=None):
    return Track.objects.editable_by(user).select_related("call")


def visible_tracks(user, context=None):
    return Track.objects.visible_to(user).select_related("call")


def member_companies(user, context=None):
    """Companies the user belongs to (any company role); platform admins act for any company."""
    p = principal_for(user)
    return Company.objects.all() if p.is_platform_admin else Company.objects.filter(pk__in=p.company_ids)


def sme_companies(user, context=None):
    p = principal_for(user)
    if p.is_platform_admin:
        return Company.objects.all()
    return Company.objects.filter(pk__in=p.company_ids_with(Role.SME_MEMBER))


# Levels are one choice set across the API: point at the component the company schema already
# names, instead of minting a second enum with the same values under another name.
@extend_schema_field({"$ref": "#/components/schemas/SmartFactoryLevelEnum"})
class LevelField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=SmartFactoryLevel.choices, **kwargs)


class ScopedIdField(serializers.IntegerField):
    """An id resolved inside `scope(user, context)`; answers with the row, reads back as the id.

    Reads `<source>_id` so listing rows never loads the related object."""

    default_error_messages = {"not_found": _("선택할 수 없는 번호입니다. 번호를 확인해 주십시오.")}

    def __init__(self, *, scope, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)  # no min/max: those validators would run on the resolved row

    def get_attribute(self, instance):
        return getattr(instance, f"{self.source}_id")

    def to_internal_value(self, data):
        pk = super().to_internal_value(data)
        if not 1 <= pk <= MAX_ID:
            self.fail("not_found")
        obj = self.scope(_user(self.context), self.context).filter(pk=pk).first()
        if obj is None:
            self.fail("not_found")
        return obj

    def to_representation(self, value):
        return getattr(value, "pk", value)


def _unchanged(serializer, attrs, name, message):
    """A parent (operator, programme, call) is fixed once the row exists."""
    instance = serializer.instance
    if instance is not None and name in attrs:
        if attrs[name].pk != getattr(instance, f"{name}_id"):
            raise serializers.ValidationError({name: [message]})
        attrs.pop(name)
    return attrs


# --- programmes ------------------------------------------------------------------------------------


class ProgrammeSerializer(serializers.ModelSerializer):
    operator = ScopedIdField(
        scope=editable_operators,
        error_messages={"not_found": _("이 운영기관의 지원사업을 만들 권한이 없거나 없는 운영기관입니다.")},
    )
    operator_name = serializers.CharField(source="operator.name_ko", read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "operator",
            "operator_name",
            "name_ko",
            "name_en",
            "programme_type",
            "fiscal_year",
            "budget",
            "description_ko",
            "description_en",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    def validate(self, attrs):
        return _unchanged(self, attrs, "operator", _("지원사업의 운영기관은 바꿀 수 없습니다."))


# --- tracks and their parts --------------------------------------------------------------------------


class FunderSerializer(serializers.Serializer):
    """One line of a cost-share template. Rates are decimal strings ("0.5000"), amounts whole won."""

    role = serializers.ChoiceField(choices=FunderRole.choices)
    rate = serializers.DecimalField(**RATE)
    cap = serializers.IntegerField(
        min_value=1, max_value=MAX_WON, required=False, allow_null=True, default=None
    )
    bonus_rate = serializers.DecimalField(**RATE, required=False, allow_null=True, default=None)
    bonus_cap = serializers.IntegerField(
        min_value=1, max_value=MAX_WON, required=False, allow_null=True, default=None
    )


class TrackSerializer(serializers.ModelSerializer):
    call = ScopedIdField(
        scope=editable_calls,
        error_messages={"not_found": _("이 공고에 지원 유형을 추가할 권한이 없거나 없는 공고입니다.")},
    )
    display_name = serializers.CharField(read_only=True)
    bonus_regions = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Region.objects.all(), required=False
    )
    funders = FunderSerializer(many=True, required=False)
    minimum_current_level = LevelField(required=False)

    class Meta:
        model = Track
        fields = [
            "id",
            "call",
            "level",
            "name_ko",
            "name_en",
            "display_name",
            "minimum_current_level",
            "allows_fast_track",
            "max_duration_months",
            "projects_planned",
            "rounding_unit",
            "bonus_regions",
            "template_version",
            "order",
            "funders",
        ]
        read_only_fields = ["id", "template_version"]

    def validate(self, attrs):
        attrs = _unchanged(self, attrs, "call", _("지원 유형이 속한 공고는 바꿀 수 없습니다."))
        if self.instance is not None and "funders" in attrs:
            raise serializers.ValidationError(
                {"funders": [_("분담 기준은 지원 유형의 분담 기준 변경(funders)으로 바꿔 주십시오.")]}
            )
        return attrs


class TrackFundersSerializer(serializers.Serializer):
    """A whole cost-share template replacing the old one (a template is only meaningful complete)."""

    funders = FunderSerializer(many=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class RequiredDocumentSerializer(serializers.ModelSerializer):
    call = ScopedIdField(
        scope=editable_calls,
        error_messages={"not_found": _("이 공고의 제출 서류를 바꿀 권한이 없거나 없는 공고입니다.")},
    )

    class Meta:
        model = RequiredDocument
        fields = ["id", "call", "kind", "name_ko", "name_en", "is_mandatory", "advancement_only", "order"]
        read_only_fields = ["id"]
        validators = []  # the service refuses duplicates with its own message


class EligibilityRuleSerializer(serializers.ModelSerializer):
    call = ScopedIdField(
        scope=editable_calls,
        error_messages={"not_found": _("이 공고의 신청 자격 규칙을 바꿀 권한이 없거나 없는 공고입니다.")},
    )
    track = ScopedIdField(
        scope=editable_tracks,
        required=False,
        allow_null=True,
        error_messages={"not_found": _("이 공고의 지원 유형이 아닙니다. 지원 유형 번호를 확인해 주십시오.")},
    )
    kind = serializers.ChoiceField(choices=RuleKind.choices)
    params = serializers.JSONField(
        required=False, help_text=_("규칙 종류별 조건. 빠진 항목은 기본값으로 채웁니다.")
    )
    kind_label_ko = serializers.SerializerMethodField()
    kind_label_en = serializers.SerializerMethodField()

    class Meta:
        model = EligibilityRule
        fields = [
            "id",
            "call",
            "track",
            "kind",
            "kind_label_ko",
            "kind_label_en",
            "params",
            "is_active",
            "order",
        ]
        read_only_fields = ["id", "order"]

    def get_kind_label_ko(self, rule) -> str:
        return eligibility.RULE_LABELS.get(rule.kind, (rule.kind, rule.kind))[0]

    def get_kind_label_en(self, rule) -> str:
        return eligibility.RULE_LABELS.get(rule.kind, (rule.kind, rule.kind))[1]

    def validate(self, attrs):
        attrs = _unchanged(self, attrs, "call", _("규칙이 속한 공고는 바꿀 수 없습니다."))
        call_id = attrs["call"].pk if "call" in attrs else getattr(self.instance, "call_id", None)
        track = attrs.get("track")
        if track is not None and track.call_id != call_id:
            raise serializers.ValidationError(
                {"track": [_("이 공고의 지원 유형이 아닙니다. 지원 유형 번호를 확인해 주십시오.")]}
            )
        return attrs


# --- calls -------------------------------------------------------------------------------------------


class CallSerializer(serializers.ModelSerializer):
    """A row of the call list: terms, dates and tracks (with their cost-share templates)."""

    programme = serializers.IntegerField(source="programme_id", read_only=True)
    operator = serializers.IntegerField(source="operator_id", read_only=True)
    operator_name = serializers.CharField(source="operator.name_ko", read_only=True)
    programme_name = serializers.CharField(source="programme.name_ko", read_only=True)
    eligible_regions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    eligible_sectors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    tracks = TrackSerializer(many=True, read_only=True)

    class Meta:
        model = Call
        fields = [
            "id",
            "reference",
            "programme",
            "programme_name",
            "operator",
            "operator_name",
            "title_ko",
            "title_en",
            "opens_at",
            "closes_at",
            "total_budget",
            "delivery_model",
            "status",
            "published_at",
            "eligible_regions",
            "eligible_sectors",
            "tracks",
        ]
        read_only_fields = fields


class CallDetailSerializer(CallSerializer):
    required_documents = RequiredDocumentSerializer(many=True, read_only=True)
    eligibility_rules = EligibilityRuleSerializer(many=True, read_only=True)
    cloned_from = serializers.IntegerField(source="cloned_from_id", read_only=True, allow_null=True)

    class Meta(CallSerializer.Meta):
        fields = [
            *CallSerializer.Meta.fields,
            "body_ko",
            "body_en",
            "rubric_reference",
            "contact_name",
            "contact_phone",
            "contact_email",
            "results_public",
            "cancel_reason",
            "cloned_from",
            "required_documents",
            "eligibility_rules",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CallWriteSerializer(serializers.ModelSerializer):
    """Create or change a call. Regions and sectors by code; empty lists mean nationwide / all
    manufacturing. `reason` is needed when a published call's deadline moves."""

    programme = ScopedIdField(
        scope=editable_programmes,
        error_messages={"not_found": _("이 지원사업에 공고를 만들 권한이 없거나 없는 지원사업입니다.")},
    )
    eligible_regions = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Region.objects.all(), required=False
    )
    eligible_sectors = serializers.PrimaryKeyRelatedField(
        many=True, queryset=KsicDivision.objects.all(), required=False
    )
    reason = serializers.CharField(
        write_only=True, required=False, allow_blank=True, default="", max_length=500
    )

    class Meta:
        model = Call
        fields = ["programme", *CALL_FIELDS, "eligible_regions", "eligible_sectors", "reason"]

    def validate(self, attrs):
        return _unchanged(
            self, attrs, "programme", _("공고의 지원사업은 바꿀 수 없습니다. 공고 복제를 이용해 주십시오.")
        )


class CallCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=1000,
        error_messages={
            "required": _("공고를 취소하는 사유를 입력해 주십시오. 신청자에게 안내됩니다."),
            "blank": _("공고를 취소하는 사유를 입력해 주십시오. 신청자에게 안내됩니다."),
        },
    )


class CallStateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CallStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class CallCloneSerializer(serializers.Serializer):
    programme = ScopedIdField(
        scope=editable_programmes,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("비워 두면 원본 공고의 지원사업에 복제합니다."),
        error_messages={"not_found": _("이 지원사업에 공고를 만들 권한이 없거나 없는 지원사업입니다.")},
    )


class CallWatchSerializer(serializers.Serializer):
    call = serializers.IntegerField()
    watching = serializers.BooleanField()


# --- funding quotes ----------------------------------------------------------------------------------


class QuoteInputSerializer(serializers.Serializer):
    """A live quote on one track of the call in the URL; nothing is stored."""

    track = serializers.IntegerField(max_value=MAX_ID)
    total_cost = serializers.IntegerField(help_text=_("총 사업비(원, 정수)"))
    region = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("기업 소재 시·도 코드(우대 지역 비율 적용)"),
    )
    consortium_roles = serializers.ListField(
        child=serializers.ChoiceField(choices=CONSORTIUM_ROLES), required=False, default=list
    )

    def validate_track(self, value):
        track = next((t for t in self.context["call"].tracks.all() if t.pk == value), None)
        if track is None:
            raise serializers.ValidationError(
                _("이 공고의 지원 유형이 아닙니다. 지원 유형 번호를 확인해 주십시오.")
            )
        return track


class ShareLineSerializer(serializers.Serializer):
    # A plain string: one enum per choice set keeps the schema's names stable (see Funder.role).
    role = serializers.CharField(help_text=_("출자 주체 코드(분담 기관의 role과 같음)"))
    rate = serializers.CharField(help_text=_("적용된 비율(소수 문자열)"))
    cap = serializers.IntegerField(allow_null=True)
    amount = serializers.IntegerField()
    capped = serializers.BooleanField()
    bonus = serializers.BooleanField()


class QuoteSerializer(serializers.Serializer):
    call = serializers.IntegerField()
    track = serializers.IntegerField()
    template_version = serializers.IntegerField()
    total_cost = serializers.IntegerField()
    region = serializers.CharField(allow_null=True)
    rounding_unit = serializers.IntegerField()
    shares = ShareLineSerializer(many=True)
    funders_total = serializers.IntegerField()
    sme_share = serializers.IntegerField()


class FundingQuoteRevisionSerializer(serializers.ModelSerializer):
    old_shares = ShareLineSerializer(many=True, read_only=True)
    new_shares = ShareLineSerializer(many=True, read_only=True)

    class Meta:
        model = FundingQuoteRevision
        fields = [
            "id",
            "from_version",
            "to_version",
            "old_shares",
            "new_shares",
            "old_sme_share",
            "new_sme_share",
            "recorded_at",
        ]
        read_only_fields = fields


class FundingQuoteSerializer(serializers.ModelSerializer):
    track = ScopedIdField(
        scope=visible_tracks,
        error_messages={"not_found": _("없는 지원 유형입니다. 지원 유형 번호를 확인해 주십시오.")},
    )
    company = ScopedIdField(
        scope=member_companies,
        error_messages={"not_found": _("소속 기업이 아닙니다. 기업 번호를 확인해 주십시오.")},
    )
    call = serializers.IntegerField(source="track.call_id", read_only=True)
    region = serializers.CharField(source="region_id", read_only=True)
    consortium_roles = serializers.ListField(
        child=serializers.ChoiceField(choices=CONSORTIUM_ROLES), required=False, default=list
    )
    shares = ShareLineSerializer(many=True, read_only=True)
    revisions = FundingQuoteRevisionSerializer(many=True, read_only=True)

    class Meta:
        model = FundingQuote
        fields = [
            "id",
            "call",
            "track",
            "company",
            "label",
            "total_cost",
            "region",
            "consortium_roles",
            "shares",
            "sme_share",
            "template_version",
            "computed_at",
            "revisions",
        ]
        read_only_fields = ["id", "sme_share", "template_version", "computed_at"]
        extra_kwargs = {"total_cost": {"validators": []}}  # the calculator explains a bad amount itself


# --- saved searches, self-diagnosis, recommendations ---------------------------------------------------


class SavedSearchSerializer(serializers.ModelSerializer):
    criteria = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        default=dict,
        help_text=_(
            "공고 목록과 같은 검색 조건: q, region, sector, level, delivery_model, closes_before, status"
        ),
    )

    class Meta:
        model = SavedSearch
        fields = ["id", "name", "criteria", "notify", "created_at"]
        read_only_fields = ["id", "created_at"]

    def validate_criteria(self, value):
        from .filters import CallFilter

        unknown = sorted(set(value) - set(SEARCH_KEYS))
        if unknown:
            raise serializers.ValidationError(
                _("알 수 없는 검색 조건입니다: %(keys)s") % {"keys": ", ".join(unknown)}
            )
        filterset = CallFilter(data=value, queryset=Call.objects.none())
        if not filterset.is_valid():
            raise serializers.ValidationError(
                [
                    f"{field}: {message}"
                    for field, messages in filterset.errors.items()
                    for message in messages
                ]
            )
        return value


class SelfDiagnosisSerializer(serializers.ModelSerializer):
    company = ScopedIdField(
        scope=sme_companies,
        error_messages={
            "not_found": _("자가진단을 할 수 있는 소속 기업이 아닙니다. 기업 번호를 확인해 주십시오.")
        },
    )
    answers = serializers.DictField(child=serializers.CharField(), help_text=_("문항 코드 → 고른 보기의 값"))
    area_scores = serializers.SerializerMethodField()
    estimated_level = LevelField(read_only=True)

    class Meta:
        model = SelfDiagnosis
        fields = ["id", "company", "answers", "score", "estimated_level", "area_scores", "created_at"]
        read_only_fields = ["id", "score", "estimated_level", "created_at"]

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField(), allow_null=True))
    def get_area_scores(self, record):
        """Recomputed from the stored answers (pure and cheap); None if the questionnaire changed since."""
        try:
            return diagnosis.diagnose(record.answers).area_scores
        except diagnosis.DiagnosisError:
            return None


class QuestionChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    points = serializers.IntegerField()


class QuestionSerializer(serializers.Serializer):
    code = serializers.CharField()
    area = serializers.CharField()
    text = serializers.CharField()
    help = serializers.CharField()
    choices = QuestionChoiceSerializer(many=True)


class QuestionAreaSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class QuestionnaireSerializer(serializers.Serializer):
    areas = QuestionAreaSerializer(many=True)
    questions = QuestionSerializer(many=True)


class RecommendationQuerySerializer(serializers.Serializer):
    company = ScopedIdField(
        scope=member_companies,
        error_messages={"not_found": _("소속 기업이 아닙니다. 기업 번호를 확인해 주십시오.")},
    )


class FitReasonSerializer(serializers.Serializer):
    text_ko = serializers.CharField()
    text_en = serializers.CharField()
    points = serializers.IntegerField()


class RuleResultSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=_("규칙 종류 코드(신청 자격 규칙의 kind와 같음)"))
    outcome = serializers.ChoiceField(choices=[(o.value, o.value) for o in eligibility.Outcome])
    reason_ko = serializers.CharField()
    reason_en = serializers.CharField()


class RecommendationSerializer(serializers.Serializer):
    call = CallSerializer()
    track = serializers.IntegerField(allow_null=True, help_text=_("가장 잘 맞는 지원 유형"))
    fit_score = serializers.IntegerField()
    eligible = serializers.BooleanField(help_text=_("수준·지역·업종이 맞고 실패한 자격 규칙이 없음"))
    reasons = FitReasonSerializer(many=True)
    eligibility = RuleResultSerializer(many=True)


class RecommendationListSerializer(serializers.Serializer):
    company = serializers.IntegerField()
    level = serializers.CharField()
    level_is_estimate = serializers.BooleanField()
    self_diagnosis = serializers.IntegerField(allow_null=True, help_text=_("추정에 쓴 자가진단"))
    results = RecommendationSerializer(many=True)
