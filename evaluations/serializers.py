"""Shapes in and out of the evaluations API. Serializers check the shape of input only (types,
lengths, ids inside the user's scope) and never save: the views hand `validated_data` to
`evaluations.services`, which owns every business rule, so an API client and a page get the same
words. Money is whole won (integers); points are decimal strings.

Ids in request bodies are resolved inside a queryset chosen for the requesting user
(`ScopedIdField`), so a foreign id reads exactly like a missing one: a 400 on that field.

Applicants never learn who reviewed them: their shapes (`Applicant…`) carry no reviewer field.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from applications.models import Submission
from organizations.access import principal_for
from organizations.models import Company, Region, Role
from organizations.rules import compact_business_number
from programs.serializers import ScopedIdField, editable_calls, editable_operators, editable_tracks
from suppliers.models import TechDomain

from .models import (
    AffiliationKind,
    Aggregation,
    Assignment,
    AssignmentDraw,
    CommitteeSeat,
    CostReview,
    Criterion,
    Decision,
    DecisionStatus,
    DeclaredInterest,
    EvaluationPlan,
    EvaluationReport,
    Evaluator,
    Exclusion,
    InterestKind,
    MatchingNote,
    MatchingNoteKind,
    Objection,
    ReportKind,
    Stage,
    StageKind,
    TrackExpertise,
)

MAX_WON = 10**12
POINTS = dict(max_digits=6, decimal_places=2)
BATCH_ACTIONS = [
    ("assign", _("배정")),
    ("reassign", _("재배정")),
    ("remind", _("독촉")),
    ("release_results", _("결과 통보")),
]


def _code(choices, **kwargs):
    """A read-only code with its values documented in words: several models share field names
    (`status`, `kind`), so they are not published as competing enums."""
    values = ", ".join(str(value) for value, _label in choices)
    return serializers.CharField(read_only=True, help_text=values, **kwargs)


def _label(source):
    return serializers.CharField(source=source, read_only=True)


def _reason(**kwargs):
    return serializers.CharField(required=False, allow_blank=True, default="", max_length=2000, **kwargs)


@extend_schema_field(OpenApiTypes.DECIMAL)
class PointsField(serializers.CharField):
    """A score as given (number or decimal string); the service checks range and precision per
    criterion and names each problem under its code."""

    def __init__(self, **kwargs):
        super().__init__(allow_null=True, allow_blank=True, max_length=12, **kwargs)


# --- scopes --------------------------------------------------------------------------------------


def staff_evaluators(user, context=None):
    return Evaluator.objects.run_by(user)


def visible_evaluators(user, context=None):
    return Evaluator.objects.visible_to(user)


def registry_companies(user, context=None):
    return Company.objects.visible_to(user)


def staff_plans(user, context=None):
    return EvaluationPlan.objects.run_by(user).select_related("call")


def staff_stages(user, context=None):
    return Stage.objects.run_by(user).select_related("plan__call")


def staff_decisions(user, context=None):
    return Decision.objects.run_by(user)


def visible_submissions(user, context=None):
    return Submission.objects.visible_to(user).select_related("application__track")


def lead_decisions(user, context=None):
    """Released decisions on applications the user's SME company leads."""
    p = principal_for(user)
    return Decision.objects.visible_to(user).filter(
        submission__application__lead_id__in=p.company_ids_with(Role.SME_MEMBER), released_at__isnull=False
    )


def _id(scope, message, **kwargs):
    return ScopedIdField(scope=scope, error_messages={"not_found": message}, **kwargs)


def _domains(**kwargs):
    return serializers.SlugRelatedField(
        many=True,
        slug_field="code",
        queryset=TechDomain.objects.filter(is_active=True),
        help_text="Technical domain codes (tech-domains).",
        **kwargs,
    )


# --- the pool ------------------------------------------------------------------------------------


class EvaluatorSerializer(serializers.ModelSerializer):
    operator = serializers.IntegerField(source="operator_id", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    affiliation_kind = _code(AffiliationKind.choices)
    affiliation_company = serializers.IntegerField(source="affiliation_company_id", read_only=True)
    region = serializers.CharField(source="region_id", read_only=True)
    domains = serializers.SerializerMethodField()
    interests_current = serializers.SerializerMethodField()

    class Meta:
        model = Evaluator
        fields = [
            "id",
            "operator",
            "name",
            "email",
            "affiliation_kind",
            "affiliation_name",
            "affiliation_company",
            "region",
            "domains",
            "is_active",
            "interests_confirmed_at",
            "interests_valid_until",
            "interests_current",
            "created_at",
        ]
        read_only_fields = fields

    def get_domains(self, evaluator) -> list[str]:
        return [d.code for d in evaluator.domains.all()]

    def get_interests_current(self, evaluator) -> bool:
        until = evaluator.interests_valid_until
        return bool(until and until >= timezone.localdate())


class EvaluatorCreateSerializer(serializers.Serializer):
    operator = _id(editable_operators, _("이 운영기관의 담당자가 아니거나 없는 운영기관입니다."))
    email = serializers.EmailField(max_length=254)
    full_name = serializers.CharField(max_length=60)
    affiliation_kind = serializers.ChoiceField(choices=AffiliationKind.choices)
    affiliation_name = serializers.CharField(max_length=120)
    affiliation_company = _id(
        registry_companies,
        _("없는 기업입니다. 기업 번호를 확인해 주십시오."),
        required=False,
        allow_null=True,
        default=None,
    )
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    domains = _domains(required=False, default=list)
    language = serializers.CharField(
        max_length=2, default="ko", source="preferred_language", help_text="Notification language: ko, en"
    )

    def validate_language(self, value):
        if value not in ("ko", "en"):
            raise serializers.ValidationError(_("ko 또는 en 중에서 골라 주십시오."))
        return value


class EvaluatorUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60, required=False)
    affiliation_kind = serializers.ChoiceField(choices=AffiliationKind.choices, required=False)
    affiliation_name = serializers.CharField(max_length=120, required=False)
    affiliation_company = _id(
        registry_companies,
        _("없는 기업입니다. 기업 번호를 확인해 주십시오."),
        required=False,
        allow_null=True,
    )
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all(), required=False)
    is_active = serializers.BooleanField(required=False)
    domains = _domains(required=False)
    reason = _reason()


class InterestSerializer(serializers.ModelSerializer):
    evaluator = serializers.IntegerField(source="evaluator_id", read_only=True)
    kind = _code(InterestKind.choices)
    kind_label = _label("get_kind_display")
    company = serializers.IntegerField(source="company_id", read_only=True)
    company_name = serializers.CharField(source="company.name", read_only=True)
    current = serializers.SerializerMethodField()

    class Meta:
        model = DeclaredInterest
        fields = [
            "id",
            "evaluator",
            "kind",
            "kind_label",
            "company",
            "company_name",
            "description",
            "declared_at",
            "ended_on",
            "current",
        ]
        read_only_fields = fields

    def get_current(self, interest) -> bool:
        return interest.ended_on is None or interest.ended_on >= timezone.localdate()


class InterestDeclareSerializer(serializers.Serializer):
    """The related company by registry id (operator staff) or by its business registration number."""

    evaluator = _id(visible_evaluators, _("없는 평가위원이거나 볼 수 없는 평가위원입니다."))
    interest_kind = serializers.ChoiceField(choices=InterestKind.choices, source="kind")
    company = _id(
        registry_companies,
        _("없는 기업입니다. 기업 번호를 확인해 주십시오."),
        required=False,
        allow_null=True,
        default=None,
    )
    business_number = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        number = compact_business_number(attrs.pop("business_number", "") or "")
        if attrs.get("company") is None:
            if not number:
                raise serializers.ValidationError(
                    {"company": [_("관련 기업의 번호나 사업자등록번호를 입력해 주십시오.")]}
                )
            company = Company.objects.unrestricted().filter(business_number=number).first()
            if company is None:
                raise serializers.ValidationError(
                    {"business_number": [_("등록된 기업 중 이 사업자등록번호를 가진 기업이 없습니다.")]}
                )
            attrs["company"] = company
        return attrs


class InterestEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField(required=False, help_text="Defaults to today (Asia/Seoul).")
    reason = _reason()


# --- plan, stages, rubric ------------------------------------------------------------------------


class CriterionSerializer(serializers.ModelSerializer):
    stage = serializers.IntegerField(source="stage_id", read_only=True)

    class Meta:
        model = Criterion
        fields = ["id", "stage", "code", "name_ko", "name_en", "max_points", "weight", "order"]
        read_only_fields = fields


class CriterionCreateSerializer(serializers.Serializer):
    stage = _id(staff_stages, _("없는 평가 단계이거나 이 공고의 담당자가 아닙니다."))
    code = serializers.SlugField(max_length=30)
    name_ko = serializers.CharField(max_length=80)
    name_en = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    max_points = serializers.IntegerField(min_value=1, max_value=100)
    weight = serializers.IntegerField(min_value=1, max_value=100)
    order = serializers.IntegerField(min_value=0, max_value=1000, required=False, default=0)


class CriterionUpdateSerializer(serializers.Serializer):
    code = serializers.SlugField(max_length=30, required=False)
    name_ko = serializers.CharField(max_length=80, required=False)
    name_en = serializers.CharField(max_length=120, required=False, allow_blank=True)
    max_points = serializers.IntegerField(min_value=1, max_value=100, required=False)
    weight = serializers.IntegerField(min_value=1, max_value=100, required=False)
    order = serializers.IntegerField(min_value=0, max_value=1000, required=False)


class StageBriefSerializer(serializers.ModelSerializer):
    kind = _code(StageKind.choices)
    kind_label = _label("get_kind_display")
    status = _code(Stage._meta.get_field("status").choices)

    class Meta:
        model = Stage
        fields = ["id", "kind", "kind_label", "order", "status"]
        read_only_fields = fields


class StageSerializer(StageBriefSerializer):
    plan = serializers.IntegerField(source="plan_id", read_only=True)
    aggregation = _code(Aggregation.choices)
    tie_break = serializers.ListField(child=serializers.CharField(), read_only=True)
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta(StageBriefSerializer.Meta):
        fields = [
            "id",
            "plan",
            "kind",
            "kind_label",
            "order",
            "status",
            "cutoff",
            "reviewers_per_application",
            "load_cap",
            "aggregation",
            "tie_break",
            "comment_below",
            "scoring_deadline",
            "criteria",
        ]
        read_only_fields = fields


class StageUpdateSerializer(serializers.Serializer):
    cutoff = serializers.DecimalField(min_value=0, max_value=100, required=False, **POINTS)
    reviewers_per_application = serializers.IntegerField(min_value=1, max_value=15, required=False)
    load_cap = serializers.IntegerField(min_value=1, max_value=1000, required=False)
    aggregation = serializers.ChoiceField(choices=Aggregation.choices, required=False)
    tie_break = serializers.ListField(
        child=serializers.SlugField(max_length=30), required=False, max_length=20
    )
    comment_below = serializers.DecimalField(min_value=0, max_value=100, required=False, **POINTS)
    scoring_deadline = serializers.DateTimeField(required=False, allow_null=True)


class PlanSerializer(serializers.ModelSerializer):
    call = serializers.IntegerField(source="call_id", read_only=True)
    call_reference = serializers.CharField(source="call.reference", read_only=True)
    call_title = serializers.CharField(source="call.title_ko", read_only=True)
    stages = StageBriefSerializer(many=True, read_only=True)

    class Meta:
        model = EvaluationPlan
        fields = [
            "id",
            "call",
            "call_reference",
            "call_title",
            "objection_days",
            "show_comments",
            "created_at",
            "stages",
        ]
        read_only_fields = fields


class PlanCreateSerializer(serializers.Serializer):
    call = _id(editable_calls, _("이 공고의 담당자가 아니거나 없는 공고입니다."))
    stages = serializers.ListField(
        child=serializers.ChoiceField(choices=StageKind.choices), min_length=1, max_length=len(StageKind)
    )
    objection_days = serializers.IntegerField(min_value=1, max_value=60, required=False, default=7)
    show_comments = serializers.BooleanField(required=False, default=True)


class PlanUpdateSerializer(serializers.Serializer):
    objection_days = serializers.IntegerField(min_value=1, max_value=60, required=False)
    show_comments = serializers.BooleanField(required=False)


class StageSkipSerializer(serializers.Serializer):
    reason = _reason()


class TrackExpertiseSerializer(serializers.ModelSerializer):
    track = serializers.IntegerField(source="track_id", read_only=True)
    track_name = serializers.CharField(source="track.display_name", read_only=True)
    call = serializers.IntegerField(source="track.call_id", read_only=True)
    domains = serializers.SerializerMethodField()

    class Meta:
        model = TrackExpertise
        fields = ["id", "track", "track_name", "call", "domains"]
        read_only_fields = fields

    def get_domains(self, expertise) -> list[str]:
        return [d.code for d in expertise.domains.all()]


class TrackExpertiseSetSerializer(serializers.Serializer):
    track = _id(editable_tracks, _("이 공고의 담당자가 아니거나 없는 지원 유형입니다."))
    domains = _domains(allow_empty=True)


# --- committee -----------------------------------------------------------------------------------


class SeatSerializer(serializers.ModelSerializer):
    stage = serializers.IntegerField(source="stage_id", read_only=True)
    stage_kind = serializers.CharField(source="stage.kind", read_only=True)
    stage_label = _label("stage.get_kind_display")
    call = serializers.IntegerField(source="stage.plan.call_id", read_only=True)
    call_title = serializers.CharField(source="stage.plan.call.title_ko", read_only=True)
    evaluator = serializers.IntegerField(source="evaluator_id", read_only=True)
    evaluator_name = serializers.CharField(source="evaluator.name", read_only=True)
    status = _code(CommitteeSeat._meta.get_field("status").choices)
    may_review = serializers.BooleanField(read_only=True)
    pledge = serializers.SerializerMethodField(help_text="The pledge signed, or the one to sign.")

    class Meta:
        model = CommitteeSeat
        fields = [
            "id",
            "stage",
            "stage_kind",
            "stage_label",
            "call",
            "call_title",
            "evaluator",
            "evaluator_name",
            "status",
            "is_chair",
            "invited_at",
            "responded_at",
            "pledge_signed_at",
            "pledge",
            "may_review",
        ]
        read_only_fields = fields

    def get_pledge(self, seat) -> str:
        from .services import PLEDGE_TEXT

        return seat.pledge_text or str(PLEDGE_TEXT)


class SeatInviteSerializer(serializers.Serializer):
    stage = _id(staff_stages, _("없는 평가 단계이거나 이 공고의 담당자가 아닙니다."))
    evaluator = _id(staff_evaluators, _("없는 평가위원이거나 이 기관의 평가위원 풀에 없습니다."))
    is_chair = serializers.BooleanField(required=False, default=False)


class SeatRespondSerializer(serializers.Serializer):
    accept = serializers.BooleanField()


class PledgeSerializer(serializers.Serializer):
    agree = serializers.BooleanField()


class EvaluationReasonSerializer(serializers.Serializer):
    reason = _reason()


# --- assignment ----------------------------------------------------------------------------------


class AssignmentSerializer(serializers.ModelSerializer):
    """An operator's row: who reviews what, and where the sheet stands."""

    stage = serializers.IntegerField(source="stage_id", read_only=True)
    submission = serializers.IntegerField(source="submission_id", read_only=True)
    receipt_number = serializers.CharField(source="submission.receipt_number", read_only=True)
    lead_name = serializers.CharField(source="submission.application.lead.name", read_only=True)
    evaluator = serializers.IntegerField(source="evaluator_id", read_only=True)
    evaluator_name = serializers.CharField(source="evaluator.name", read_only=True)
    draw = serializers.IntegerField(source="draw_id", read_only=True)
    status = _code(Assignment._meta.get_field("status").choices)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "stage",
            "submission",
            "receipt_number",
            "lead_name",
            "evaluator",
            "evaluator_name",
            "draw",
            "status",
            "assigned_at",
            "opened_at",
            "submitted_at",
            "reminded_at",
            "total",
            "release_reason",
        ]
        read_only_fields = fields


class AssignmentSwapSerializer(serializers.Serializer):
    evaluator = _id(staff_evaluators, _("없는 평가위원이거나 이 기관의 평가위원 풀에 없습니다."))
    reason = _reason()


class DrawSerializer(serializers.ModelSerializer):
    stage = serializers.IntegerField(source="stage_id", read_only=True)
    performed_by = serializers.CharField(source="performed_by.full_name", read_only=True)
    pairs = serializers.SerializerMethodField(help_text="[submission id, evaluator id] in the order drawn")
    shortfalls = serializers.SerializerMethodField(help_text="submission id → reviewers still missing")

    class Meta:
        model = AssignmentDraw
        fields = ["id", "stage", "seed", "performed_by", "performed_at", "pairs", "shortfalls"]
        read_only_fields = fields

    def get_pairs(self, draw) -> list[list[int]]:
        return (draw.outcome or {}).get("pairs", [])

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "integer"}})
    def get_shortfalls(self, draw):
        return (draw.outcome or {}).get("shortfalls", {})


class DrawRequestSerializer(serializers.Serializer):
    seed = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="Repeat a recorded draw with its seed; left out, a random seed is chosen and recorded.",
    )


class BatchSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=BATCH_ACTIONS)
    submission_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=1000
    )
    reason = _reason()


class BatchResultSerializer(serializers.Serializer):
    action = serializers.CharField()
    count = serializers.IntegerField(help_text="Assignments made, reminded, or decisions released")
    draw = DrawSerializer(allow_null=True)


class ExclusionSerializer(serializers.ModelSerializer):
    stage = serializers.IntegerField(source="stage_id", read_only=True)
    submission = serializers.IntegerField(source="submission_id", read_only=True)
    receipt_number = serializers.CharField(source="submission.receipt_number", read_only=True)
    evaluator = serializers.IntegerField(source="evaluator_id", read_only=True)
    evaluator_name = serializers.CharField(source="evaluator.name", read_only=True)
    reason = _code(Exclusion._meta.get_field("reason").choices)
    reason_label = _label("get_reason_display")
    draw = serializers.IntegerField(source="draw_id", read_only=True)

    class Meta:
        model = Exclusion
        fields = [
            "id",
            "stage",
            "submission",
            "receipt_number",
            "evaluator",
            "evaluator_name",
            "reason",
            "reason_label",
            "detail",
            "draw",
            "recorded_at",
        ]
        read_only_fields = fields


# --- the reviewer's sheet ------------------------------------------------------------------------


class ReviewerAssignmentSerializer(serializers.ModelSerializer):
    stage = serializers.IntegerField(source="stage_id", read_only=True)
    stage_label = _label("stage.get_kind_display")
    call_reference = serializers.CharField(source="stage.plan.call.reference", read_only=True)
    call_title = serializers.CharField(source="stage.plan.call.title_ko", read_only=True)
    scoring_deadline = serializers.DateTimeField(source="stage.scoring_deadline", read_only=True)
    submission = serializers.IntegerField(source="submission_id", read_only=True)
    receipt_number = serializers.CharField(source="submission.receipt_number", read_only=True)
    title = serializers.SerializerMethodField()
    status = _code(Assignment._meta.get_field("status").choices)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "stage",
            "stage_label",
            "call_reference",
            "call_title",
            "scoring_deadline",
            "submission",
            "receipt_number",
            "title",
            "status",
            "assigned_at",
            "opened_at",
            "submitted_at",
            "total",
        ]
        read_only_fields = fields

    def get_title(self, assignment) -> str:
        return (assignment.submission.snapshot.get("plan") or {}).get("title", "")


class ScoreOutSerializer(serializers.Serializer):
    code = serializers.CharField()
    points = serializers.DecimalField(allow_null=True, **POINTS)
    comment = serializers.CharField()


class PanelAssessmentSerializer(serializers.Serializer):
    assessed_on = serializers.DateField()
    assessor = serializers.CharField()
    management = serializers.IntegerField()
    technology = serializers.IntegerField()
    project_management = serializers.IntegerField()
    notes = serializers.CharField()


class PanelCaseSerializer(serializers.Serializer):
    title = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    amount = serializers.IntegerField()
    sector = serializers.CharField(source="client_sector", allow_null=True)
    level = serializers.CharField()


class PanelSectorCountSerializer(serializers.Serializer):
    sector = serializers.CharField()
    count = serializers.IntegerField()


class SupplierPanelSerializer(serializers.Serializer):
    company = serializers.IntegerField(source="profile.company_id")
    name = serializers.CharField(source="profile.company.name")
    status = serializers.CharField(source="profile.status")
    status_label = serializers.CharField(source="status")
    registered = serializers.BooleanField()
    rating = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True)
    rating_basis = serializers.JSONField()
    assessment = PanelAssessmentSerializer(allow_null=True)
    case_count = serializers.IntegerField()
    by_sector = serializers.SerializerMethodField()
    by_scale = serializers.DictField(child=serializers.IntegerField())
    recent_cases = PanelCaseSerializer(many=True)

    @extend_schema_field(PanelSectorCountSerializer(many=True))
    def get_by_sector(self, panel):
        return [{"sector": sector, "count": n} for sector, n in panel["by_sector"]]


class ReviewerSheetSerializer(ReviewerAssignmentSerializer):
    """What a reviewer reads and fills in: the frozen submission, the rubric, their saved scores and
    the suppliers' data beside it."""

    submission_detail = serializers.SerializerMethodField()
    criteria = serializers.SerializerMethodField()
    comment_below = serializers.DecimalField(source="stage.comment_below", read_only=True, **POINTS)
    scores = serializers.SerializerMethodField()
    suppliers = serializers.SerializerMethodField()

    class Meta(ReviewerAssignmentSerializer.Meta):
        fields = [
            *ReviewerAssignmentSerializer.Meta.fields,
            "overall_comment",
            "comment_below",
            "criteria",
            "scores",
            "submission_detail",
            "suppliers",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "description": "The frozen snapshot: call, track, lead, plan, budget, shares, kpis, members, "
            "documents.",
        }
    )
    def get_submission_detail(self, assignment):
        snapshot = assignment.submission.snapshot
        keys = ("call", "track", "lead", "plan", "budget", "shares", "kpis", "members", "documents")
        return {key: snapshot.get(key) for key in keys}

    @extend_schema_field(CriterionSerializer(many=True))
    def get_criteria(self, assignment):
        return CriterionSerializer(assignment.stage.criteria.all(), many=True).data

    @extend_schema_field(ScoreOutSerializer(many=True))
    def get_scores(self, assignment):
        return ScoreOutSerializer(
            [
                {"code": s.criterion.code, "points": s.points, "comment": s.comment}
                for s in assignment.scores.all()
            ],
            many=True,
        ).data

    @extend_schema_field(SupplierPanelSerializer(many=True))
    def get_suppliers(self, assignment):
        from .selectors import supplier_panel

        return SupplierPanelSerializer(supplier_panel(assignment.submission.snapshot), many=True).data


class ScoresSerializer(serializers.Serializer):
    points = serializers.DictField(
        child=PointsField(), help_text="criterion code → points (empty or null clears a draft score)"
    )
    comments = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=4000), required=False, default=dict
    )
    overall_comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=8000)


# --- results -------------------------------------------------------------------------------------


class DecisionBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="selected, waitlisted, rejected")
    final = serializers.BooleanField()
    released_at = serializers.DateTimeField(allow_null=True)


class RankingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(source="result.rank", allow_null=True)
    submission = serializers.IntegerField(source="submission.pk")
    receipt_number = serializers.CharField(source="submission.receipt_number")
    lead_name = serializers.CharField(source="submission.application.lead.name")
    title = serializers.SerializerMethodField()
    total = serializers.DecimalField(source="result.total", **POINTS)
    passed = serializers.BooleanField(source="result.passed")
    reviewer_count = serializers.IntegerField(source="result.reviewer_count")
    trimmed = serializers.BooleanField(source="result.trimmed")
    criteria = serializers.DictField(source="result.criteria", child=serializers.CharField())
    government_share = serializers.IntegerField()
    decision = DecisionBriefSerializer(allow_null=True)

    def get_title(self, row) -> str:
        return (row.submission.snapshot.get("plan") or {}).get("title", "")


class RankingTrackSerializer(serializers.Serializer):
    track = serializers.IntegerField(source="track.pk")
    track_name = serializers.CharField(source="track.display_name")
    projects_planned = serializers.IntegerField(source="track.projects_planned")
    rows = RankingRowSerializer(many=True)


class BudgetPositionSerializer(serializers.Serializer):
    budget = serializers.IntegerField()
    committed = serializers.IntegerField()
    left = serializers.IntegerField()


class RankingSerializer(serializers.Serializer):
    stage = serializers.IntegerField(allow_null=True)
    tracks = RankingTrackSerializer(many=True)
    budget = BudgetPositionSerializer()


class SheetCriterionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    max_points = serializers.IntegerField()
    weight = serializers.IntegerField()
    points = serializers.DecimalField(allow_null=True, **POINTS)


class ApplicantCommentSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="Reviewer 1, 2, … in this sheet (never a name)")
    lines = serializers.ListField(child=serializers.CharField())


class CommentSerializer(ApplicantCommentSerializer):
    reviewer = serializers.CharField()


class ApplicantSheetStageSerializer(serializers.Serializer):
    stage = serializers.IntegerField(source="stage.pk")
    kind = serializers.CharField(source="stage.kind")
    kind_label = serializers.CharField(source="stage.get_kind_display")
    total = serializers.DecimalField(source="result.total", **POINTS)
    cutoff = serializers.DecimalField(source="stage.cutoff", **POINTS)
    passed = serializers.BooleanField(source="result.passed")
    rank = serializers.IntegerField(source="result.rank", allow_null=True)
    reviewer_count = serializers.IntegerField(source="result.reviewer_count")
    trimmed = serializers.BooleanField(source="result.trimmed")
    criteria = serializers.SerializerMethodField()
    comments = ApplicantCommentSerializer(many=True)

    @extend_schema_field(SheetCriterionSerializer(many=True))
    def get_criteria(self, row):
        return SheetCriterionSerializer(
            [
                {
                    "code": c.code,
                    "name": c.name_ko,
                    "max_points": c.max_points,
                    "weight": c.weight,
                    "points": points,
                }
                for c, points in row["criteria"]
            ],
            many=True,
        ).data


class SheetStageSerializer(ApplicantSheetStageSerializer):
    comments = CommentSerializer(many=True)


# --- cost review and selection ------------------------------------------------------------------


class CostReviewSerializer(serializers.ModelSerializer):
    stage = serializers.IntegerField(source="stage_id", read_only=True)
    submission = serializers.IntegerField(source="submission_id", read_only=True)
    receipt_number = serializers.CharField(source="submission.receipt_number", read_only=True)
    original_lines = serializers.DictField(child=serializers.IntegerField(), read_only=True)
    approved_lines = serializers.DictField(child=serializers.IntegerField(), read_only=True)
    shares = serializers.JSONField(read_only=True)

    class Meta:
        model = CostReview
        fields = [
            "id",
            "stage",
            "submission",
            "receipt_number",
            "reviewer_body",
            "original_lines",
            "approved_lines",
            "approved_total",
            "shares",
            "government_share",
            "reason",
            "reviewed_at",
        ]
        read_only_fields = fields


class CostReviewRecordSerializer(serializers.Serializer):
    stage = _id(staff_stages, _("없는 평가 단계이거나 이 공고의 담당자가 아닙니다."))
    submission = _id(visible_submissions, _("없는 제출본이거나 볼 수 없는 제출본입니다."))
    reviewer_body = serializers.CharField(max_length=120)
    approved_lines = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=MAX_WON),
        help_text="budget line → approved whole won (lines left out stay as applied)",
    )
    reason = _reason()


class DecisionSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="plan_id", read_only=True)
    submission = serializers.IntegerField(source="submission_id", read_only=True)
    receipt_number = serializers.CharField(source="submission.receipt_number", read_only=True)
    lead_name = serializers.CharField(source="submission.application.lead.name", read_only=True)
    track = serializers.IntegerField(source="track_id", read_only=True)
    track_name = serializers.CharField(source="track.display_name", read_only=True)
    status = _code(DecisionStatus.choices)
    status_label = _label("get_status_display")

    class Meta:
        model = Decision
        fields = [
            "id",
            "plan",
            "submission",
            "receipt_number",
            "lead_name",
            "track",
            "track_name",
            "status",
            "status_label",
            "government_share",
            "rank",
            "waitlist_position",
            "reason",
            "decided_at",
            "final",
            "finalised_at",
            "released_at",
        ]
        read_only_fields = fields


class DecideSerializer(serializers.Serializer):
    plan = _id(staff_plans, _("없는 평가 계획이거나 이 공고의 담당자가 아닙니다."))
    submission = _id(visible_submissions, _("없는 제출본이거나 볼 수 없는 제출본입니다."))
    decision = serializers.ChoiceField(
        choices=DecisionStatus.choices, source="status", help_text="selected, waitlisted or rejected"
    )
    reason = _reason()

    def validate(self, attrs):
        if attrs["submission"].application.call_id != attrs["plan"].call_id:
            raise serializers.ValidationError(
                {"submission": [_("이 평가 계획의 공고에 낸 신청서가 아닙니다.")]}
            )
        return attrs


class ApplicantDecisionSerializer(serializers.ModelSerializer):
    """What the applicant sees of a released decision: no reviewer and no staff member named."""

    submission = serializers.IntegerField(source="submission_id", read_only=True)
    receipt_number = serializers.CharField(source="submission.receipt_number", read_only=True)
    call_title = serializers.CharField(source="plan.call.title_ko", read_only=True)
    track_name = serializers.CharField(source="track.display_name", read_only=True)
    status = _code(DecisionStatus.choices)
    status_label = _label("get_status_display")
    objection_until = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = [
            "id",
            "submission",
            "receipt_number",
            "call_title",
            "track_name",
            "status",
            "status_label",
            "government_share",
            "rank",
            "waitlist_position",
            "released_at",
            "objection_until",
        ]
        read_only_fields = fields

    def get_objection_until(self, decision) -> str | None:
        from datetime import timedelta

        if decision.released_at is None:
            return None
        end = decision.released_at + timedelta(days=decision.plan.objection_days)
        return timezone.localtime(end).isoformat()


class ApplicantResultSerializer(serializers.Serializer):
    decision = ApplicantDecisionSerializer()
    stages = ApplicantSheetStageSerializer(many=True)


class MatchingNoteSerializer(serializers.ModelSerializer):
    decision = serializers.IntegerField(source="decision_id", read_only=True)
    receipt_number = serializers.CharField(source="decision.submission.receipt_number", read_only=True)
    kind = _code(MatchingNoteKind.choices)
    kind_label = _label("get_kind_display")
    status = _code(MatchingNote._meta.get_field("status").choices)

    class Meta:
        model = MatchingNote
        fields = [
            "id",
            "decision",
            "receipt_number",
            "kind",
            "kind_label",
            "body",
            "respond_by",
            "status",
            "response",
            "accepted",
            "sent_at",
            "responded_at",
        ]
        read_only_fields = fields


class MatchingNoteSendSerializer(serializers.Serializer):
    decision = _id(staff_decisions, _("없는 결정이거나 이 공고의 담당자가 아닙니다."))
    note_kind = serializers.ChoiceField(choices=MatchingNoteKind.choices, source="kind")
    body = serializers.CharField(max_length=8000)
    respond_by = serializers.DateTimeField()


class MatchingNoteRespondSerializer(serializers.Serializer):
    accepted = serializers.BooleanField()
    response = serializers.CharField(allow_blank=True, max_length=8000)


class ObjectionSerializer(serializers.ModelSerializer):
    decision = serializers.IntegerField(source="decision_id", read_only=True)
    receipt_number = serializers.CharField(source="decision.submission.receipt_number", read_only=True)
    status = _code(Objection._meta.get_field("status").choices)
    status_label = _label("get_status_display")

    class Meta:
        model = Objection
        fields = [
            "id",
            "decision",
            "receipt_number",
            "body",
            "status",
            "status_label",
            "lodged_at",
            "outcome_reason",
            "reviewed_at",
        ]
        read_only_fields = fields


class ObjectionLodgeSerializer(serializers.Serializer):
    decision = _id(lead_decisions, _("없는 결정이거나 통보받지 않은 결과입니다."))
    body = serializers.CharField(allow_blank=True, max_length=8000)


class ObjectionDecideSerializer(serializers.Serializer):
    upheld = serializers.BooleanField(help_text="true: re-evaluation; false: dismissed with reasons")
    reason = _reason()


class ReportSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="plan_id", read_only=True)
    kind = _code(ReportKind.choices)
    submission = serializers.IntegerField(source="submission_id", read_only=True)
    status = _code(EvaluationReport._meta.get_field("status").choices)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = EvaluationReport
        fields = [
            "id",
            "plan",
            "kind",
            "submission",
            "status",
            "error",
            "requested_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, report) -> str | None:
        if report.status != "done":
            return None
        return reverse("evaluation-report-download", args=[report.pk])


class ReportRequestSerializer(serializers.Serializer):
    plan = _id(staff_plans, _("없는 평가 계획이거나 이 공고의 담당자가 아닙니다."))
    report_kind = serializers.ChoiceField(choices=ReportKind.choices, source="kind")
    submission = _id(
        visible_submissions,
        _("없는 제출본이거나 볼 수 없는 제출본입니다."),
        required=False,
        allow_null=True,
        default=None,
    )

    def validate(self, attrs):
        if attrs["kind"] == ReportKind.APPLICATION_SUMMARY and attrs.get("submission") is None:
            raise serializers.ValidationError({"submission": [_("요약을 만들 신청서를 골라 주십시오.")]})
        return attrs
