"""An SME's application to a call's track: the editable draft, its consortium, KPIs and documents,
and the frozen submissions with their eligibility runs, clarifications and centre support notes.

The draft (`Application`) is the only mutable part. Each submission freezes a JSON snapshot of it in
an immutable `Submission` row (version 1, 2, … after withdrawal and resubmission); everything an
operator, evaluator or copy reads about a submitted application comes from that snapshot.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from programs.models import DocumentKind

from .querysets import (
    ApplicationPartQuerySet,
    ApplicationQuerySet,
    ClarificationPartQuerySet,
    EligibilityPartQuerySet,
    SubmissionPartQuerySet,
    SupportNoteQuerySet,
)

MAX_PROJECT_COST = 10**12  # 1조원: larger is a typo, and it keeps sums inside bigint


class PartOfApplication:
    """Audit events of a part belong where its application's do: the lead firm, and the operator
    that asked (clarifications, centre notes) or else the call's operator."""

    application_path = ("application",)

    @property
    def audited_application(self):
        obj = self
        for step in self.application_path:
            obj = getattr(obj, step)
        return obj

    @property
    def audit_operator(self):
        own = getattr(self, "operator", None)
        return own if own is not None else self.audited_application.call.operator

    @property
    def audit_company(self):
        return self.audited_application.lead


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("application status", "작성 중")
    SUBMITTED = "submitted", pgettext_lazy("application status", "제출 완료")
    WITHDRAWN = "withdrawn", pgettext_lazy("application status", "제출 철회")


class BudgetCategory(models.TextChoices):
    SOFTWARE = "software", _("소프트웨어")
    HARDWARE = "hardware", _("하드웨어")
    INTEGRATION = "integration", _("시스템 연동·구축")
    CONSULTING = "consulting", _("컨설팅")
    OTHER = "other", _("기타")


BUDGET_FIELDS = {c.value: f"budget_{c.value}" for c in BudgetCategory}


class Application(models.Model):
    """The lead SME's working copy. One per company and track: a second draft would split the work."""

    call = models.ForeignKey(
        "programs.Call", verbose_name=_("공고"), on_delete=models.PROTECT, related_name="applications"
    )
    track = models.ForeignKey(
        "programs.Track", verbose_name=_("지원 유형"), on_delete=models.PROTECT, related_name="applications"
    )
    lead = models.ForeignKey(
        "organizations.Company",
        verbose_name=_("주관 도입기업"),
        on_delete=models.PROTECT,
        related_name="led_applications",
    )
    status = models.CharField(
        _("상태"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("작성자"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("과제명"), max_length=200, blank=True)
    summary = models.TextField(_("과제 요약"), blank=True)
    existing_systems = models.TextField(_("보유 시스템"), blank=True)
    integration_plan = models.TextField(_("기존 시스템 연계 방안"), blank=True)
    data_plan = models.TextField(_("데이터 활용 계획"), blank=True)
    expected_return = models.TextField(_("기대 효과"), blank=True)
    duration_months = models.PositiveSmallIntegerField(
        _("사업 기간(개월)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(36)]
    )
    total_cost = models.BigIntegerField(
        _("총 사업비(원)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PROJECT_COST)],
    )
    budget_software = models.BigIntegerField(
        _("소프트웨어(원)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(MAX_PROJECT_COST)]
    )
    budget_hardware = models.BigIntegerField(
        _("하드웨어(원)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(MAX_PROJECT_COST)]
    )
    budget_integration = models.BigIntegerField(
        _("시스템 연동·구축(원)"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_PROJECT_COST)],
    )
    budget_consulting = models.BigIntegerField(
        _("컨설팅(원)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(MAX_PROJECT_COST)]
    )
    budget_other = models.BigIntegerField(
        _("기타(원)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(MAX_PROJECT_COST)]
    )
    declarations = models.JSONField(_("확인 사항"), default=dict, blank=True)
    completed_sections = models.JSONField(_("완료한 항목"), default=list, blank=True)
    current_version = models.PositiveIntegerField(_("제출 차수"), default=0)
    submitted_at = models.DateTimeField(_("제출일시"), null=True, blank=True)
    created_at = models.DateTimeField(_("작성일시"), auto_now_add=True)
    updated_at = models.DateTimeField(_("수정일시"), auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("사업 신청서")
        verbose_name_plural = _("사업 신청서")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["lead", "track"], name="application_one_per_lead_and_track"),
            models.CheckConstraint(
                condition=Q(total_cost__isnull=True) | Q(total_cost__gt=0),
                name="application_total_cost_positive",
            ),
        ]
        indexes = [models.Index(fields=["call", "status"])]

    def __str__(self):
        return self.title or f"{self.lead} — {self.track}"

    @property
    def audit_operator(self):
        """Audit events of an application belong to the call's operator and the lead firm."""
        return self.call.operator

    @property
    def audit_company(self):
        return self.lead

    @property
    def budget_lines(self):
        return {category: getattr(self, field) for category, field in BUDGET_FIELDS.items()}

    @property
    def budget_sum(self):
        return sum(self.budget_lines.values())


class KpiCode(models.TextChoices):
    DEFECT_RATE = "defect_rate", _("불량률")
    UTILISATION = "utilisation", _("설비 가동률")
    LEAD_TIME = "lead_time", _("리드타임")
    CUSTOM = "custom", _("기타 지표")


REQUIRED_KPIS = (
    (KpiCode.DEFECT_RATE, "%"),
    (KpiCode.UTILISATION, "%"),
    (KpiCode.LEAD_TIME, _("일")),
)


class Kpi(PartOfApplication, models.Model):
    application = models.ForeignKey(
        Application, verbose_name=_("신청서"), on_delete=models.CASCADE, related_name="kpis"
    )
    code = models.CharField(_("지표"), max_length=16, choices=KpiCode.choices)
    name = models.CharField(_("지표명"), max_length=80, blank=True)
    unit = models.CharField(_("단위"), max_length=20)
    baseline = models.DecimalField(_("현재 값"), max_digits=14, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("목표 값"), max_digits=14, decimal_places=2, null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("순서"), default=0)

    objects = ApplicationPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("성과 지표")
        verbose_name_plural = _("성과 지표")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "code"],
                condition=~Q(code="custom"),
                name="kpi_required_codes_once",
            )
        ]

    def __str__(self):
        return self.name or self.get_code_display()

    @property
    def label(self):
        return self.name if self.code == KpiCode.CUSTOM else self.get_code_display()


class MemberRole(models.TextChoices):
    SUPPLIER = "supplier", _("공급기업")
    LARGE_FIRM = "large_firm", _("대기업(상생형)")


class MemberStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", _("공급기업 등록 심사 대기")
    INVITED = "invited", _("수락 대기")
    ACCEPTED = "accepted", _("참여 수락")
    DECLINED = "declined", _("참여 거절")
    REMOVED = "removed", _("초대 취소")


class ConsortiumMember(PartOfApplication, models.Model):
    """A company the lead invited. It answers in its own account; an unregistered supplier first
    waits for its registration to be approved (`AWAITING_APPROVAL`)."""

    application = models.ForeignKey(
        Application, verbose_name=_("신청서"), on_delete=models.CASCADE, related_name="members"
    )
    company = models.ForeignKey(
        "organizations.Company",
        verbose_name=_("참여기업"),
        on_delete=models.PROTECT,
        related_name="consortium_memberships",
    )
    role = models.CharField(_("역할"), max_length=16, choices=MemberRole.choices)
    status = models.CharField(_("상태"), max_length=20, choices=MemberStatus.choices)
    contract_amount = models.BigIntegerField(
        _("공급 계약 금액(원)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_PROJECT_COST)],
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("초대한 사람"), on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField(_("초대일시"), auto_now_add=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("응답한 사람"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("응답일시"), null=True, blank=True)
    response_note = models.TextField(_("응답 메모"), blank=True)

    objects = ApplicationPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("컨소시엄 참여기업")
        verbose_name_plural = _("컨소시엄 참여기업")
        ordering = ["role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "company"],
                condition=~Q(status="removed"),
                name="consortium_member_once",
            )
        ]

    def __str__(self):
        return f"{self.company} ({self.get_role_display()})"


def document_path(instance, filename):
    """Stored under a random name chosen by the upload field; the person's file name is kept apart."""
    return f"applications/{instance.application_id}/{filename}"


class ApplicationDocument(PartOfApplication, models.Model):
    """An uploaded file. Never deleted once a submission lists it; removal from a draft only hides it."""

    application = models.ForeignKey(
        Application, verbose_name=_("신청서"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("서류 종류"), max_length=24, choices=DocumentKind.choices)
    file = models.FileField(_("파일"), upload_to=document_path, max_length=200)
    original_name = models.CharField(_("원래 파일명"), max_length=200)
    size = models.PositiveBigIntegerField(_("크기(바이트)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("올린 사람"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("올린 일시"), auto_now_add=True)
    removed_at = models.DateTimeField(_("삭제일시"), null=True, blank=True)
    clarification = models.ForeignKey(
        "Clarification",
        verbose_name=_("보완 요청"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )

    objects = ApplicationPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("신청 서류")
        verbose_name_plural = _("신청 서류")
        ordering = ["kind", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("submission status", "접수")
    WITHDRAWN = "withdrawn", pgettext_lazy("submission status", "철회")


class Submission(PartOfApplication, models.Model):
    """One frozen submission. Its snapshot never changes; withdrawal only marks it."""

    application = models.ForeignKey(
        Application, verbose_name=_("신청서"), on_delete=models.PROTECT, related_name="submissions"
    )
    version = models.PositiveIntegerField(_("제출 차수"))
    receipt_number = models.CharField(_("접수번호"), max_length=40, unique=True)
    idempotency_key = models.CharField(_("제출 요청 키"), max_length=64)
    status = models.CharField(
        _("상태"), max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.SUBMITTED
    )
    snapshot = models.JSONField(_("제출 내용"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("제출한 사람"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("제출일시"))
    withdrawn_at = models.DateTimeField(_("철회일시"), null=True, blank=True)
    withdraw_reason = models.TextField(_("철회 사유"), blank=True)

    objects = ApplicationPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("제출본")
        verbose_name_plural = _("제출본")
        ordering = ["application", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["application", "version"], name="submission_version_once"),
            models.UniqueConstraint(fields=["application", "idempotency_key"], name="submission_key_once"),
            models.UniqueConstraint(
                fields=["application"], condition=Q(status="submitted"), name="submission_one_standing"
            ),
        ]

    def __str__(self):
        return self.receipt_number


class RunStatus(models.TextChoices):
    PENDING = "pending", _("확인 대기")
    DONE = "done", _("확인 완료")
    FAILED = "failed", _("확인 실패")


class EligibilityRun(PartOfApplication, models.Model):
    """The rule set run once on a submission's snapshot; a re-run after data changes is a new row."""

    application_path = ("submission", "application")

    submission = models.ForeignKey(
        Submission, verbose_name=_("제출본"), on_delete=models.PROTECT, related_name="eligibility_runs"
    )
    status = models.CharField(_("상태"), max_length=12, choices=RunStatus.choices, default=RunStatus.PENDING)
    outcome = models.CharField(_("종합 결과"), max_length=16, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("요청한 사람"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("재확인 사유"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("시도 횟수"), default=0)
    error = models.TextField(_("오류"), blank=True)
    created_at = models.DateTimeField(_("요청일시"), auto_now_add=True)
    finished_at = models.DateTimeField(_("완료일시"), null=True, blank=True)

    objects = SubmissionPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("자격 확인")
        verbose_name_plural = _("자격 확인")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.submission} #{self.pk}"


class EligibilityResult(PartOfApplication, models.Model):
    application_path = ("run", "submission", "application")

    run = models.ForeignKey(
        EligibilityRun, verbose_name=_("자격 확인"), on_delete=models.CASCADE, related_name="results"
    )
    order = models.PositiveSmallIntegerField(_("순서"))
    kind = models.CharField(_("규칙"), max_length=24)
    outcome = models.CharField(_("결과"), max_length=16)
    reason_ko = models.TextField(_("사유(한국어)"))
    reason_en = models.TextField(_("사유(영어)"))
    override_outcome = models.CharField(_("변경 결과"), max_length=16, blank=True)
    override_reason = models.TextField(_("변경 사유"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("변경한 사람"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    overridden_at = models.DateTimeField(_("변경일시"), null=True, blank=True)

    objects = EligibilityPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("규칙별 결과")
        verbose_name_plural = _("규칙별 결과")
        ordering = ["run", "order"]
        constraints = [models.UniqueConstraint(fields=["run", "order"], name="eligibility_result_once")]

    def __str__(self):
        return f"{self.kind}: {self.effective_outcome}"

    @property
    def effective_outcome(self):
        return self.override_outcome or self.outcome


class ClarificationStatus(models.TextChoices):
    OPEN = "open", _("답변 대기")
    ANSWERED = "answered", _("답변 완료")
    CLOSED = "closed", _("종료")


class Clarification(PartOfApplication, models.Model):
    """An operator's or centre's question on a submitted application, with a reply deadline."""

    application = models.ForeignKey(
        Application, verbose_name=_("신청서"), on_delete=models.PROTECT, related_name="clarifications"
    )
    operator = models.ForeignKey(
        "organizations.Operator", verbose_name=_("요청 기관"), on_delete=models.PROTECT, related_name="+"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("요청한 사람"), on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("제목"), max_length=200)
    reply_by = models.DateTimeField(_("답변 기한"))
    requested_document = models.CharField(
        _("요청 서류"), max_length=24, choices=DocumentKind.choices, blank=True
    )
    status = models.CharField(
        _("상태"), max_length=12, choices=ClarificationStatus.choices, default=ClarificationStatus.OPEN
    )
    created_at = models.DateTimeField(_("요청일시"), auto_now_add=True)

    objects = ApplicationPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("보완 요청")
        verbose_name_plural = _("보완 요청")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.subject


class ClarificationMessage(PartOfApplication, models.Model):
    application_path = ("clarification", "application")

    clarification = models.ForeignKey(
        Clarification, verbose_name=_("보완 요청"), on_delete=models.PROTECT, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("작성자"), on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("내용"))
    document = models.ForeignKey(
        ApplicationDocument,
        verbose_name=_("첨부 서류"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("작성일시"), auto_now_add=True)

    objects = ClarificationPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("보완 요청 메시지")
        verbose_name_plural = _("보완 요청 메시지")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.body[:40]


class SupportNote(PartOfApplication, models.Model):
    """A regional centre's record of help given to an applicant (consultation notes)."""

    application = models.ForeignKey(
        Application, verbose_name=_("신청서"), on_delete=models.PROTECT, related_name="support_notes"
    )
    operator = models.ForeignKey(
        "organizations.Operator", verbose_name=_("지역센터"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("작성자"), on_delete=models.PROTECT, related_name="+"
    )
    given_on = models.DateField(_("상담일"))
    body = models.TextField(_("상담 내용"))
    created_at = models.DateTimeField(_("작성일시"), auto_now_add=True)

    objects = SupportNoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("신청 지원 기록")
        verbose_name_plural = _("신청 지원 기록")
        ordering = ["-given_on", "-pk"]

    def __str__(self):
        return f"{self.application} — {self.given_on}"
