"""Evaluation and selection of submitted applications.

An operator keeps a pool of external experts (`Evaluator`) with their expertise, affiliation and
declared interests. A call's `EvaluationPlan` lists its `Stage`s; each scoring stage has a rubric
(`Criterion`, weights summing to 100), a committee (`CommitteeSeat`, with the confidentiality
pledge) and `Assignment`s made by a recorded, reproducible draw (`AssignmentDraw`) that leaves out
conflicts of interest (`Exclusion`, each with its reason). A reviewer's `Score`s on an assignment
are aggregated into a `StageResult` per application; the operator then decides (`Decision`)
within the call budget, may send `MatchingNote`s, and the applicant may lodge an `Objection`.

Everything reads the frozen `Submission` snapshot, never the live draft.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .querysets import (
    AssignmentQuerySet,
    DecisionQuerySet,
    EvaluatorQuerySet,
    ObjectionQuerySet,
    PlanPartQuerySet,
    PlanQuerySet,
    ReportQuerySet,
    SeatQuerySet,
)

POINTS_FIELD = dict(max_digits=6, decimal_places=2)


class AffiliationKind(models.TextChoices):
    COMPANY = "company", _("기업")
    SUPPLIER = "supplier", _("공급기업")
    UNIVERSITY = "university", _("대학")
    INSTITUTE = "institute", _("연구기관")


class Evaluator(models.Model):
    """An external expert in one operator's pool. Logs in as a user with the evaluator role."""

    operator = models.ForeignKey(
        "organizations.Operator",
        verbose_name=_("운영기관"),
        on_delete=models.PROTECT,
        related_name="evaluators",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("사용자"),
        on_delete=models.PROTECT,
        related_name="evaluator_profiles",
    )
    name = models.CharField(_("성명"), max_length=60)
    affiliation_kind = models.CharField(_("소속 유형"), max_length=12, choices=AffiliationKind.choices)
    affiliation_name = models.CharField(_("소속 기관명"), max_length=120)
    affiliation_company = models.ForeignKey(
        "organizations.Company",
        verbose_name=_("소속 기업"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("기업·공급기업 소속이면 등록된 기업을 고릅니다. 이해충돌 확인에 쓰입니다."),
    )
    region = models.ForeignKey(
        "organizations.Region", verbose_name=_("활동 지역"), on_delete=models.PROTECT, related_name="+"
    )
    domains = models.ManyToManyField(
        "suppliers.TechDomain", verbose_name=_("전문 분야"), related_name="evaluators", blank=True
    )
    is_active = models.BooleanField(_("활동"), default=True)
    interests_confirmed_at = models.DateTimeField(_("이해관계 확인일시"), null=True, blank=True)
    interests_valid_until = models.DateField(_("이해관계 신고 유효기한"), null=True, blank=True)
    interests_reminded_on = models.DateField(_("재확인 안내일"), null=True, blank=True)
    created_at = models.DateTimeField(_("등록일시"), auto_now_add=True)

    objects = EvaluatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("평가위원")
        verbose_name_plural = _("평가위원")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["operator", "user"], name="evaluator_one_per_operator_user"),
            models.CheckConstraint(
                condition=Q(affiliation_kind__in=["university", "institute"])
                | Q(affiliation_company__isnull=False),
                name="evaluator_company_affiliation_named",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.affiliation_name})"


class InterestKind(models.TextChoices):
    EMPLOYER = "employer", _("재직·고용")
    PROFESSIONAL = "professional", _("자문·용역 등 업무 관계")
    PERSONAL = "personal", _("개인적 관계")
    FINANCIAL = "financial", _("주식·채권 등 재산상 이해")
    FAMILY = "family", _("가족 관계")


class DeclaredInterest(models.Model):
    """A company the evaluator is related to; an application involving it is never assigned to them."""

    evaluator = models.ForeignKey(
        Evaluator, verbose_name=_("평가위원"), on_delete=models.CASCADE, related_name="interests"
    )
    kind = models.CharField(_("관계 유형"), max_length=16, choices=InterestKind.choices)
    company = models.ForeignKey(
        "organizations.Company", verbose_name=_("관련 기업"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(_("내용"), max_length=200, blank=True)
    declared_at = models.DateTimeField(_("신고일시"), auto_now_add=True)
    ended_on = models.DateField(_("관계 종료일"), null=True, blank=True)

    class Meta:
        verbose_name = _("이해관계 신고")
        verbose_name_plural = _("이해관계 신고")
        ordering = ["evaluator_id", "pk"]

    def __str__(self):
        return f"{self.evaluator} — {self.company} ({self.get_kind_display()})"

    @property
    def audit_operator(self):
        return self.evaluator.operator


class EvaluationPlan(models.Model):
    """A call's evaluation: its stages, result publication and the objection window."""

    call = models.OneToOneField(
        "programs.Call", verbose_name=_("공고"), on_delete=models.CASCADE, related_name="evaluation_plan"
    )
    objection_days = models.PositiveSmallIntegerField(
        _("이의신청 기간(일)"), default=7, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    show_comments = models.BooleanField(
        _("신청기업에 평가 의견 공개"),
        default=True,
        help_text=_("평가위원 이름은 어떤 경우에도 공개하지 않습니다."),
    )
    created_at = models.DateTimeField(_("등록일시"), auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("평가 계획")
        verbose_name_plural = _("평가 계획")

    def __str__(self):
        return str(self.call)

    @property
    def audit_operator(self):
        return self.call.operator


class PartOfPlan:
    """Audit scope of a row that hangs off a plan (through `plan` or `stage`)."""

    @property
    def audit_operator(self):
        stage = getattr(self, "stage", None)
        plan = stage.plan if stage is not None else self.plan
        return plan.call.operator


class StageKind(models.TextChoices):
    REQUIREMENT_REVIEW = "requirement_review", _("요건 검토")
    DOCUMENT_REVIEW = "document_review", _("서면 평가")
    ONSITE = "onsite", _("현장 평가")
    TECHNICAL = "technical", _("기술성 평가(평가위원회)")
    COST_REVIEW = "cost_review", _("원가 검토")
    DELIBERATION = "deliberation", _("심의위원회")


SCORED_STAGES = frozenset({StageKind.DOCUMENT_REVIEW, StageKind.ONSITE, StageKind.TECHNICAL})
SKIPPABLE_STAGES = frozenset({StageKind.DOCUMENT_REVIEW})


class Aggregation(models.TextChoices):
    MEAN = "mean", _("평균")
    TRIMMED_MEAN = "trimmed_mean", _("최고·최저 점수 제외 평균(위원 5명 이상)")


class StageStatus(models.TextChoices):
    PLANNED = "planned", _("준비")
    SCORING = "scoring", _("평가 중")
    CLOSED = "closed", _("완료")
    SKIPPED = "skipped", _("생략")


class Stage(PartOfPlan, models.Model):
    plan = models.ForeignKey(
        EvaluationPlan, verbose_name=_("평가 계획"), on_delete=models.CASCADE, related_name="stages"
    )
    kind = models.CharField(_("단계"), max_length=20, choices=StageKind.choices)
    order = models.PositiveSmallIntegerField(_("순서"))
    status = models.CharField(
        _("상태"), max_length=10, choices=StageStatus.choices, default=StageStatus.PLANNED
    )
    cutoff = models.DecimalField(
        _("과락 점수"),
        default=Decimal("60"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("100점 만점 기준. 이 점수 미만은 탈락입니다."),
        **POINTS_FIELD,
    )
    reviewers_per_application = models.PositiveSmallIntegerField(
        _("신청서당 평가위원 수"), default=3, validators=[MinValueValidator(1), MaxValueValidator(15)]
    )
    load_cap = models.PositiveSmallIntegerField(
        _("위원당 최대 배정 수"), default=15, validators=[MinValueValidator(1)]
    )
    aggregation = models.CharField(
        _("점수 집계 방식"), max_length=14, choices=Aggregation.choices, default=Aggregation.MEAN
    )
    tie_break = models.JSONField(
        _("동점 처리 순서"),
        default=list,
        blank=True,
        help_text=_(
            "평가 항목 코드 순서대로 높은 점수가 앞섭니다. 그래도 같으면 정부지원금이 적은 신청이 앞섭니다."
        ),
    )
    comment_below = models.DecimalField(
        _("의견 필수 기준(배점 대비 %)"),
        default=Decimal("60"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        **POINTS_FIELD,
    )
    scoring_deadline = models.DateTimeField(_("평가 마감"), null=True, blank=True)

    objects = PlanPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("평가 단계")
        verbose_name_plural = _("평가 단계")
        ordering = ["plan_id", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "kind"], name="stage_one_kind_per_plan")]

    def __str__(self):
        return f"{self.plan.call.reference} · {self.get_kind_display()}"

    @property
    def is_scored(self):
        return self.kind in SCORED_STAGES


class Criterion(PartOfPlan, models.Model):
    stage = models.ForeignKey(
        Stage, verbose_name=_("평가 단계"), on_delete=models.CASCADE, related_name="criteria"
    )
    code = models.SlugField(_("코드"), max_length=30)
    name_ko = models.CharField(_("평가 항목(한국어)"), max_length=80)
    name_en = models.CharField(_("평가 항목(영어)"), max_length=120, blank=True)
    max_points = models.PositiveSmallIntegerField(
        _("배점"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    weight = models.PositiveSmallIntegerField(
        _("가중치"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    order = models.PositiveSmallIntegerField(_("순서"), default=0)

    objects = PlanPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("평가 항목")
        verbose_name_plural = _("평가 항목")
        ordering = ["stage_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "code"], name="criterion_code_unique_in_stage")
        ]

    def __str__(self):
        return self.name_ko


class SeatStatus(models.TextChoices):
    INVITED = "invited", _("위촉 요청")
    ACCEPTED = "accepted", _("수락")
    DECLINED = "declined", _("거절")
    RELEASED = "released", _("해촉")


class CommitteeSeat(PartOfPlan, models.Model):
    """An evaluator's place on a stage's committee; nothing is shown before the pledge is signed."""

    stage = models.ForeignKey(
        Stage, verbose_name=_("평가 단계"), on_delete=models.CASCADE, related_name="seats"
    )
    evaluator = models.ForeignKey(
        Evaluator, verbose_name=_("평가위원"), on_delete=models.PROTECT, related_name="seats"
    )
    status = models.CharField(
        _("상태"), max_length=10, choices=SeatStatus.choices, default=SeatStatus.INVITED
    )
    is_chair = models.BooleanField(_("위원장"), default=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("위촉 요청자"), on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField(_("위촉 요청일시"), auto_now_add=True)
    responded_at = models.DateTimeField(_("응답일시"), null=True, blank=True)
    pledge_signed_at = models.DateTimeField(_("보안·공정 서약일시"), null=True, blank=True)
    pledge_text = models.TextField(_("서약 내용"), blank=True)

    objects = SeatQuerySet.as_manager()

    class Meta:
        verbose_name = _("평가위원회 위원")
        verbose_name_plural = _("평가위원회 위원")
        ordering = ["stage_id", "-is_chair", "evaluator__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "evaluator"], name="seat_one_per_stage_evaluator")
        ]

    def __str__(self):
        return f"{self.evaluator} · {self.stage}"

    @property
    def may_review(self):
        return self.status == SeatStatus.ACCEPTED and self.pledge_signed_at is not None


class AssignmentDraw(PartOfPlan, models.Model):
    """One automatic assignment: the seed and inputs, so the same draw can be run again and checked."""

    stage = models.ForeignKey(
        Stage, verbose_name=_("평가 단계"), on_delete=models.CASCADE, related_name="draws"
    )
    seed = models.CharField(_("난수 시드"), max_length=64)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("실행자"), on_delete=models.PROTECT, related_name="+"
    )
    performed_at = models.DateTimeField(_("실행일시"), auto_now_add=True)
    inputs = models.JSONField(_("입력"), default=dict)
    outcome = models.JSONField(_("결과"), default=dict)

    objects = PlanPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("자동 배정 기록")
        verbose_name_plural = _("자동 배정 기록")
        ordering = ["-performed_at", "-pk"]

    def __str__(self):
        return f"{self.stage} · {self.seed}"


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", _("배정")
    SUBMITTED = "submitted", _("평가 제출")
    RELEASED = "released", _("배정 해제")


class Assignment(PartOfPlan, models.Model):
    """One reviewer's score sheet for one submission in one stage."""

    stage = models.ForeignKey(
        Stage, verbose_name=_("평가 단계"), on_delete=models.CASCADE, related_name="assignments"
    )
    submission = models.ForeignKey(
        "applications.Submission",
        verbose_name=_("제출본"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    evaluator = models.ForeignKey(
        Evaluator, verbose_name=_("평가위원"), on_delete=models.PROTECT, related_name="assignments"
    )
    draw = models.ForeignKey(
        AssignmentDraw,
        verbose_name=_("자동 배정"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("상태"), max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.ASSIGNED
    )
    assigned_at = models.DateTimeField(_("배정일시"), auto_now_add=True)
    opened_at = models.DateTimeField(_("열람일시"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("제출일시"), null=True, blank=True)
    total = models.DecimalField(_("총점"), null=True, blank=True, **POINTS_FIELD)
    overall_comment = models.TextField(_("종합 의견"), blank=True)
    release_reason = models.CharField(_("해제 사유"), max_length=200, blank=True)
    reminded_at = models.DateTimeField(_("독촉일시"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("평가 배정")
        verbose_name_plural = _("평가 배정")
        ordering = ["stage_id", "submission_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "submission", "evaluator"],
                condition=~Q(status="released"),
                name="assignment_one_live_per_reviewer",
            )
        ]

    def __str__(self):
        return f"{self.submission} · {self.evaluator}"

    @property
    def audit_company(self):
        return self.submission.application.lead


class ExclusionReason(models.TextChoices):
    AFFILIATED_APPLICANT = "affiliated_applicant", _("신청 기업 소속")
    AFFILIATED_MEMBER = "affiliated_member", _("컨소시엄 참여 기업 소속")
    DECLARED_INTEREST = "declared_interest", _("이해관계 신고")
    SAME_GROUP = "same_group", _("같은 기업집단")
    DECLARED_ON_OPENING = "declared_on_opening", _("평가위원의 회피 신청")
    INTERESTS_UNCONFIRMED = "interests_unconfirmed", _("이해관계 신고 미확인(기한 경과)")
    NO_EXPERTISE = "no_expertise", _("전문 분야 불일치")


CONFLICT_REASONS = frozenset(
    {
        ExclusionReason.AFFILIATED_APPLICANT,
        ExclusionReason.AFFILIATED_MEMBER,
        ExclusionReason.DECLARED_INTEREST,
        ExclusionReason.SAME_GROUP,
        ExclusionReason.DECLARED_ON_OPENING,
    }
)


class Exclusion(PartOfPlan, models.Model):
    """Why a reviewer was not assigned a submission: the report the operator reads."""

    stage = models.ForeignKey(
        Stage, verbose_name=_("평가 단계"), on_delete=models.CASCADE, related_name="exclusions"
    )
    submission = models.ForeignKey(
        "applications.Submission", verbose_name=_("제출본"), on_delete=models.CASCADE, related_name="+"
    )
    evaluator = models.ForeignKey(
        Evaluator, verbose_name=_("평가위원"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("제외 사유"), max_length=24, choices=ExclusionReason.choices)
    detail = models.CharField(_("상세"), max_length=300, blank=True)
    draw = models.ForeignKey(
        AssignmentDraw,
        verbose_name=_("자동 배정"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="exclusions",
    )
    recorded_at = models.DateTimeField(_("기록일시"), auto_now_add=True)

    objects = PlanPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("배정 제외")
        verbose_name_plural = _("배정 제외")
        ordering = ["submission_id", "evaluator_id", "pk"]

    def __str__(self):
        return f"{self.evaluator} ✕ {self.submission}: {self.get_reason_display()}"


class Score(models.Model):
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("평가 배정"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("평가 항목"), on_delete=models.PROTECT, related_name="+"
    )
    points = models.DecimalField(_("점수"), validators=[MinValueValidator(Decimal("0"))], **POINTS_FIELD)
    comment = models.TextField(_("의견"), blank=True)

    class Meta:
        verbose_name = _("항목 점수")
        verbose_name_plural = _("항목 점수")
        ordering = ["assignment_id", "criterion__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="score_one_per_criterion")
        ]

    def __str__(self):
        return f"{self.criterion}: {self.points}"

    @property
    def audit_operator(self):
        return self.assignment.audit_operator


class StageResult(PartOfPlan, models.Model):
    """The aggregated result of one submission in one scored stage, with its rank in the track."""

    stage = models.ForeignKey(
        Stage, verbose_name=_("평가 단계"), on_delete=models.CASCADE, related_name="results"
    )
    submission = models.ForeignKey(
        "applications.Submission",
        verbose_name=_("제출본"),
        on_delete=models.PROTECT,
        related_name="stage_results",
    )
    track = models.ForeignKey(
        "programs.Track", verbose_name=_("지원 유형"), on_delete=models.PROTECT, related_name="+"
    )
    reviewer_count = models.PositiveSmallIntegerField(_("평가위원 수"))
    total = models.DecimalField(_("점수"), **POINTS_FIELD)
    trimmed = models.BooleanField(_("최고·최저 제외"), default=False)
    criteria = models.JSONField(_("항목별 평균"), default=dict)
    passed = models.BooleanField(_("과락 통과"))
    rank = models.PositiveIntegerField(_("순위"), null=True, blank=True)
    computed_at = models.DateTimeField(_("계산일시"))

    objects = PlanPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("평가 결과")
        verbose_name_plural = _("평가 결과")
        ordering = ["stage_id", "track_id", "rank", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "submission"], name="stage_result_one_per_submission")
        ]

    def __str__(self):
        return f"{self.submission} · {self.total}"


class CostReview(PartOfPlan, models.Model):
    """The appointed body's check of the budget lines; cuts recompute the shares."""

    stage = models.ForeignKey(
        Stage, verbose_name=_("평가 단계"), on_delete=models.CASCADE, related_name="cost_reviews"
    )
    submission = models.OneToOneField(
        "applications.Submission",
        verbose_name=_("제출본"),
        on_delete=models.PROTECT,
        related_name="cost_review",
    )
    reviewer_body = models.CharField(_("원가 검토 기관"), max_length=120)
    original_lines = models.JSONField(_("신청 예산"))
    approved_lines = models.JSONField(_("인정 예산"))
    approved_total = models.BigIntegerField(_("인정 사업비(원)"), validators=[MinValueValidator(1)])
    shares = models.JSONField(_("재산정 분담액"))
    government_share = models.BigIntegerField(_("정부지원금(원)"))
    reason = models.TextField(_("조정 사유"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("입력자"), on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("검토일시"))

    objects = PlanPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("원가 검토")
        verbose_name_plural = _("원가 검토")
        ordering = ["stage_id", "submission_id"]

    def __str__(self):
        return f"{self.submission} · {self.approved_total}"


class DecisionStatus(models.TextChoices):
    SELECTED = "selected", _("선정")
    WAITLISTED = "waitlisted", _("예비")
    REJECTED = "rejected", _("미선정")


class Decision(models.Model):
    """The operator's decision on one submission; `final` once the deliberation committee confirms."""

    plan = models.ForeignKey(
        EvaluationPlan, verbose_name=_("평가 계획"), on_delete=models.CASCADE, related_name="decisions"
    )
    submission = models.OneToOneField(
        "applications.Submission", verbose_name=_("제출본"), on_delete=models.PROTECT, related_name="decision"
    )
    track = models.ForeignKey(
        "programs.Track", verbose_name=_("지원 유형"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("결정"), max_length=10, choices=DecisionStatus.choices)
    government_share = models.BigIntegerField(_("정부지원금(원)"), validators=[MinValueValidator(0)])
    rank = models.PositiveIntegerField(_("순위"), null=True, blank=True)
    waitlist_position = models.PositiveIntegerField(_("예비 순번"), null=True, blank=True)
    reason = models.TextField(_("사유"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("결정자"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("결정일시"))
    final = models.BooleanField(_("확정"), default=False)
    finalised_at = models.DateTimeField(_("확정일시"), null=True, blank=True)
    released_at = models.DateTimeField(
        _("결과 통보일시"), null=True, blank=True, help_text=_("통보한 뒤에야 신청기업이 결과를 봅니다.")
    )

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("선정 결정")
        verbose_name_plural = _("선정 결정")
        ordering = ["plan_id", "track_id", "rank", "pk"]
        indexes = [models.Index(fields=["plan", "status"])]

    def __str__(self):
        return f"{self.submission} · {self.get_status_display()}"

    @property
    def audit_operator(self):
        return self.plan.call.operator

    @property
    def audit_company(self):
        return self.submission.application.lead


class MatchingNoteKind(models.TextChoices):
    OTHER_SUPPLIER = "other_supplier", _("다른 공급기업 권고")
    OTHER_TRACK = "other_track", _("다른 지원 유형 권고")
    BUDGET_ADJUSTMENT = "budget_adjustment", _("사업비 조정 요청")


class MatchingNoteStatus(models.TextChoices):
    OPEN = "open", _("답변 대기")
    ANSWERED = "answered", _("답변 완료")
    EXPIRED = "expired", _("기한 경과")


class MatchingNote(models.Model):
    """A matching-validation note to the applicant with a deadline to respond."""

    decision = models.ForeignKey(
        Decision, verbose_name=_("선정 결정"), on_delete=models.CASCADE, related_name="notes"
    )
    kind = models.CharField(_("유형"), max_length=20, choices=MatchingNoteKind.choices)
    body = models.TextField(_("내용"))
    respond_by = models.DateTimeField(_("답변 기한"))
    status = models.CharField(
        _("상태"), max_length=10, choices=MatchingNoteStatus.choices, default=MatchingNoteStatus.OPEN
    )
    response = models.TextField(_("답변"), blank=True)
    accepted = models.BooleanField(_("권고 수용"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("보낸 사람"), on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("보낸 일시"), auto_now_add=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("답변자"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("답변일시"), null=True, blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("매칭 검증 의견")
        verbose_name_plural = _("매칭 검증 의견")
        ordering = ["decision_id", "pk"]

    def __str__(self):
        return f"{self.decision} · {self.get_kind_display()}"

    @property
    def audit_operator(self):
        return self.decision.audit_operator

    @property
    def audit_company(self):
        return self.decision.audit_company


class ObjectionStatus(models.TextChoices):
    LODGED = "lodged", _("접수")
    UPHELD = "upheld", _("인용(재평가)")
    DISMISSED = "dismissed", _("기각")


class Objection(models.Model):
    decision = models.ForeignKey(
        Decision, verbose_name=_("선정 결정"), on_delete=models.PROTECT, related_name="objections"
    )
    body = models.TextField(_("이의 내용"))
    status = models.CharField(
        _("상태"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.LODGED
    )
    lodged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("신청인"), on_delete=models.PROTECT, related_name="+"
    )
    lodged_at = models.DateTimeField(_("신청일시"))
    outcome_reason = models.TextField(_("처리 사유"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("처리자"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("처리일시"), null=True, blank=True)

    objects = ObjectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("이의신청")
        verbose_name_plural = _("이의신청")
        ordering = ["-lodged_at", "-pk"]

    def __str__(self):
        return f"{self.decision.submission} · {self.get_status_display()}"

    @property
    def audit_operator(self):
        return self.decision.audit_operator

    @property
    def audit_company(self):
        return self.decision.audit_company


class ReportKind(models.TextChoices):
    APPLICATION_SUMMARY = "application_summary", _("신청서 평가 요약")
    COMMITTEE_REPORT = "committee_report", _("평가위원회 보고서")


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("작성 중")
    DONE = "done", _("완료")
    FAILED = "failed", _("실패")


def report_path(instance, filename):
    return f"evaluation-reports/{instance.plan_id}/{instance.kind}-{instance.pk or 'new'}.pdf"


class EvaluationReport(models.Model):
    """A PDF written by the worker; the row is the job, so a lost task is swept up again."""

    plan = models.ForeignKey(
        EvaluationPlan, verbose_name=_("평가 계획"), on_delete=models.CASCADE, related_name="reports"
    )
    kind = models.CharField(_("종류"), max_length=20, choices=ReportKind.choices)
    submission = models.ForeignKey(
        "applications.Submission",
        verbose_name=_("제출본"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("상태"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    file = models.FileField(_("파일"), upload_to=report_path, blank=True, max_length=200)
    error = models.TextField(_("오류"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("요청자"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("요청일시"), auto_now_add=True)
    finished_at = models.DateTimeField(_("완료일시"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("평가 보고서")
        verbose_name_plural = _("평가 보고서")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.plan}"

    @property
    def audit_operator(self):
        return self.plan.call.operator


class TrackExpertise(models.Model):
    """The technical domains a track's reviewers must know; none set means any reviewer fits."""

    track = models.OneToOneField(
        "programs.Track",
        verbose_name=_("지원 유형"),
        on_delete=models.CASCADE,
        related_name="evaluation_expertise",
    )
    domains = models.ManyToManyField(
        "suppliers.TechDomain", verbose_name=_("필요 전문 분야"), related_name="+"
    )

    objects = PlanPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("지원 유형별 평가 전문 분야")
        verbose_name_plural = _("지원 유형별 평가 전문 분야")

    def __str__(self):
        return str(self.track)

    @property
    def audit_operator(self):
        return self.track.call.operator
