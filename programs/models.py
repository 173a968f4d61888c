"""Programmes, calls, tracks and the data behind the funding and eligibility rules.

Every amount, rate and threshold lives here as call data an operator edits; the pure rules in
`funding.py` and `eligibility.py` read it through plain specs and never hold numbers of their own.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.models import KsicDivision, Operator, Region, SmartFactoryLevel

from .querysets import (
    CallQuerySet,
    FunderQuerySet,
    FundingQuoteQuerySet,
    FundingQuoteRevisionQuerySet,
    OwnedByCallQuerySet,
    ProgrammeQuerySet,
    SelfDiagnosisQuerySet,
    UserOwnedQuerySet,
)

MAX_WON = 10**13  # 10조: no smart-factory budget line comes near it; anything above is a typo.


class ProgrammeType(models.TextChoices):
    CONSTRUCTION = "construction", _("구축·고도화")
    ROBOT = "robot", _("로봇 활용")
    AFTERCARE = "aftercare", _("사후관리")
    CAPABILITY = "capability", _("역량강화·컨설팅")
    LEVEL_VERIFICATION = "level_verification", _("수준확인")
    REGIONAL = "regional", _("지역특화")
    OTHER = "other", _("기타")


class Programme(models.Model):
    """A support programme for one fiscal year, owned by one operator (the tenant)."""

    operator = models.ForeignKey(
        Operator, verbose_name=_("운영기관"), on_delete=models.PROTECT, related_name="programmes"
    )
    name_ko = models.CharField(_("사업명(한국어)"), max_length=150)
    name_en = models.CharField(_("사업명(영어)"), max_length=200, blank=True)
    programme_type = models.CharField(_("사업 유형"), max_length=24, choices=ProgrammeType.choices)
    fiscal_year = models.PositiveSmallIntegerField(
        _("회계연도"), validators=[MinValueValidator(2014), MaxValueValidator(2100)]
    )
    budget = models.BigIntegerField(
        _("예산(원)"), validators=[MinValueValidator(0), MaxValueValidator(MAX_WON)]
    )
    description_ko = models.TextField(_("설명(한국어)"), blank=True)
    description_en = models.TextField(_("설명(영어)"), blank=True)
    created_at = models.DateTimeField(_("등록일시"), auto_now_add=True)
    updated_at = models.DateTimeField(_("수정일시"), auto_now=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("지원사업")
        verbose_name_plural = _("지원사업")
        ordering = ["-fiscal_year", "name_ko"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0), name="programme_budget_not_negative"),
        ]

    def __str__(self):
        return f"{self.fiscal_year} {self.name_ko}"


class DeliveryModel(models.TextChoices):
    STANDARD = "standard", _("일반형")
    WIN_WIN = "win_win", _("대·중소 상생형")
    LOCAL_GOVERNMENT = "local_government", _("지자체 협력형")


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("작성 중")
    PUBLISHED = "published", _("공고(접수 예정)")
    OPEN = "open", _("접수 중")
    CLOSED = "closed", _("접수 종료")
    EVALUATING = "evaluating", _("평가 중")
    CONCLUDED = "concluded", _("선정 완료")
    CANCELLED = "cancelled", _("공고 취소")


class Call(models.Model):
    """An announcement: what is funded, for whom, when applications are received."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("지원사업"), on_delete=models.PROTECT, related_name="calls"
    )
    # Denormalised from the programme so every scoped query is one indexed filter.
    operator = models.ForeignKey(
        Operator, verbose_name=_("운영기관"), on_delete=models.PROTECT, related_name="calls"
    )
    reference = models.CharField(_("공고번호"), max_length=40, unique=True)
    title_ko = models.CharField(_("공고명(한국어)"), max_length=200)
    title_en = models.CharField(_("공고명(영어)"), max_length=250, blank=True)
    body_ko = models.TextField(_("공고 내용(한국어)"))
    body_en = models.TextField(_("공고 내용(영어)"), blank=True)
    opens_at = models.DateTimeField(_("접수 시작"))
    closes_at = models.DateTimeField(_("접수 마감"))
    total_budget = models.BigIntegerField(
        _("총 지원 예산(원)"), validators=[MinValueValidator(0), MaxValueValidator(MAX_WON)]
    )
    delivery_model = models.CharField(
        _("추진 유형"), max_length=20, choices=DeliveryModel.choices, default=DeliveryModel.STANDARD
    )
    eligible_regions = models.ManyToManyField(
        Region,
        verbose_name=_("신청 가능 지역"),
        blank=True,
        related_name="+",
        help_text=_("비워 두면 전국입니다."),
    )
    eligible_sectors = models.ManyToManyField(
        KsicDivision,
        verbose_name=_("신청 가능 업종"),
        blank=True,
        related_name="+",
        help_text=_("비워 두면 제조업 전체입니다."),
    )
    rubric_reference = models.CharField(_("평가 기준"), max_length=200, blank=True)
    contact_name = models.CharField(_("문의 담당"), max_length=60, blank=True)
    contact_phone = models.CharField(_("문의 전화"), max_length=20, blank=True)
    contact_email = models.EmailField(_("문의 이메일"), blank=True)
    results_public = models.BooleanField(_("선정 결과 공개"), default=True)
    status = models.CharField(
        _("상태"), max_length=12, choices=CallStatus.choices, default=CallStatus.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("공고일시"), null=True, blank=True)
    cancel_reason = models.TextField(_("취소 사유"), blank=True)
    cloned_from = models.ForeignKey(
        "self",
        verbose_name=_("복제 원본"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("등록일시"), auto_now_add=True)
    updated_at = models.DateTimeField(_("수정일시"), auto_now=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("공고")
        verbose_name_plural = _("공고")
        ordering = ["closes_at", "pk"]
        indexes = [
            models.Index(fields=["status", "closes_at"], name="call_status_closes"),
            models.Index(fields=["operator", "status"], name="call_operator_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="call_dates_ordered"
            ),
            models.CheckConstraint(condition=Q(total_budget__gte=0), name="call_budget_not_negative"),
        ]

    def __str__(self):
        return f"[{self.reference}] {self.title_ko}"

    @property
    def is_public(self):
        return self.status != CallStatus.DRAFT


class DocumentKind(models.TextChoices):
    BUSINESS_PLAN = "business_plan", _("사업계획서")
    LEVEL_ASSESSMENT = "level_assessment", _("수준확인 결과서")
    FINANCIAL_STATEMENTS = "financial_statements", _("재무제표")
    SUPPLIER_QUOTATION = "supplier_quotation", _("공급기업 견적서")
    BUSINESS_REGISTRATION = "business_registration", _("사업자등록증")
    TAX_CLEARANCE = "tax_clearance", _("납세증명서")
    FACTORY_REGISTRATION = "factory_registration", _("공장등록증")
    OTHER = "other", _("기타")


class RequiredDocument(models.Model):
    call = models.ForeignKey(
        Call, verbose_name=_("공고"), on_delete=models.CASCADE, related_name="required_documents"
    )
    kind = models.CharField(_("서류 종류"), max_length=24, choices=DocumentKind.choices)
    name_ko = models.CharField(_("서류명(한국어)"), max_length=120, blank=True)
    name_en = models.CharField(_("서류명(영어)"), max_length=160, blank=True)
    is_mandatory = models.BooleanField(_("필수"), default=True)
    advancement_only = models.BooleanField(
        _("고도화 과제만"), default=False, help_text=_("기초 단계가 아닌 과제에만 요구합니다.")
    )
    order = models.PositiveSmallIntegerField(_("순서"), default=0)

    objects = OwnedByCallQuerySet.as_manager()

    class Meta:
        verbose_name = _("제출 서류")
        verbose_name_plural = _("제출 서류")
        ordering = ["call", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "kind", "name_ko"], name="required_document_unique"),
        ]

    def __str__(self):
        return self.name_ko or self.get_kind_display()

    @property
    def audit_operator(self):
        return self.call.operator


class Track(models.Model):
    """A funding track of a call: target level, who pays what, and who may apply."""

    call = models.ForeignKey(Call, verbose_name=_("공고"), on_delete=models.CASCADE, related_name="tracks")
    level = models.CharField(
        _("목표 수준"),
        max_length=20,
        choices=[c for c in SmartFactoryLevel.choices if c[0] != SmartFactoryLevel.NONE],
    )
    name_ko = models.CharField(
        _("유형명(한국어)"),
        max_length=80,
        blank=True,
        help_text=_("예: 기초형, 고도형. 비워 두면 목표 수준을 씁니다."),
    )
    name_en = models.CharField(_("유형명(영어)"), max_length=120, blank=True)
    minimum_current_level = models.CharField(
        _("신청 최소 현재 수준"),
        max_length=20,
        choices=SmartFactoryLevel.choices,
        default=SmartFactoryLevel.NONE,
    )
    allows_fast_track = models.BooleanField(
        _("패스트트랙 허용"),
        default=False,
        help_text=_("MES·ERP·데이터 수집을 모두 갖춘 기업은 최소 수준을 건너뛸 수 있습니다."),
    )
    max_duration_months = models.PositiveSmallIntegerField(
        _("최대 사업기간(개월)"), default=9, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    projects_planned = models.PositiveIntegerField(_("선정 예정 과제 수"), default=1)
    rounding_unit = models.PositiveIntegerField(
        _("절사 단위(원)"), default=1000, validators=[MinValueValidator(1), MaxValueValidator(10_000_000)]
    )
    bonus_regions = models.ManyToManyField(
        Region,
        verbose_name=_("우대 지역"),
        blank=True,
        related_name="+",
        help_text=_("이 지역 기업에는 출자기관의 우대 비율이 적용됩니다."),
    )
    template_version = models.PositiveIntegerField(_("분담 기준 버전"), default=1)
    order = models.PositiveSmallIntegerField(_("순서"), default=0)

    objects = OwnedByCallQuerySet.as_manager()

    class Meta:
        verbose_name = _("지원 유형")
        verbose_name_plural = _("지원 유형")
        ordering = ["call", "order", "pk"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.name_ko or self.get_level_display()

    @property
    def audit_operator(self):
        return self.call.operator


class FunderRole(models.TextChoices):
    CENTRAL_GOVERNMENT = "central_government", _("국비")
    PROVINCE = "province", _("광역 지자체(도비·시비)")
    MUNICIPALITY = "municipality", _("기초 지자체(시·군·구비)")
    LARGE_FIRM = "large_firm", _("대기업")
    OTHER = "other", _("기타 출자기관")


RATE_FIELD = dict(
    max_digits=5,
    decimal_places=4,
    validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
)


class Funder(models.Model):
    """One line of a track's cost-share template. The SME is never a line: it pays the residual."""

    track = models.ForeignKey(
        Track, verbose_name=_("지원 유형"), on_delete=models.CASCADE, related_name="funders"
    )
    role = models.CharField(_("출자 주체"), max_length=24, choices=FunderRole.choices)
    rate = models.DecimalField(_("분담 비율"), help_text=_("0.5는 50%입니다."), **RATE_FIELD)
    cap = models.BigIntegerField(
        _("한도(원)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(MAX_WON)]
    )
    bonus_rate = models.DecimalField(
        _("우대 지역 비율"), null=True, blank=True, help_text=_("우대 지역 기업에 적용합니다."), **RATE_FIELD
    )
    bonus_cap = models.BigIntegerField(
        _("우대 지역 한도(원)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_WON)],
    )
    order = models.PositiveSmallIntegerField(_("순서"), default=0)

    objects = FunderQuerySet.as_manager()

    class Meta:
        verbose_name = _("분담 기관")
        verbose_name_plural = _("분담 기관")
        ordering = ["track", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["track", "role"], name="funder_role_once_per_track"),
            models.CheckConstraint(condition=Q(rate__gte=0) & Q(rate__lte=1), name="funder_rate_0_1"),
            models.CheckConstraint(condition=Q(cap__isnull=True) | Q(cap__gt=0), name="funder_cap_positive"),
        ]

    def __str__(self):
        return f"{self.get_role_display()} {self.rate:%}"

    @property
    def audit_operator(self):
        return self.track.call.operator


class RuleKind(models.TextChoices):
    SME_SIZE = "sme_size", _("중소기업 규모")
    SECTOR = "sector", _("업종")
    REGION = "region", _("지역")
    PRODUCTION_FACILITY = "production_facility", _("생산시설 보유")
    MINIMUM_LEVEL = "minimum_level", _("현재 수준(패스트트랙)")
    REQUIRED_DOCUMENTS = "required_documents", _("제출 서류")
    SUPPLIER_APPROVED = "supplier_approved", _("공급기업 등록·승인")
    NO_DUPLICATE_SUPPORT = "no_duplicate_support", _("중복 지원 제한")
    DECLARATIONS = "declarations", _("확약 사항")


class EligibilityRule(models.Model):
    """One rule of a call's (or one track's) eligibility rule set; `params` is validated by
    `eligibility.validate_params` for its kind."""

    call = models.ForeignKey(
        Call, verbose_name=_("공고"), on_delete=models.CASCADE, related_name="eligibility_rules"
    )
    track = models.ForeignKey(
        Track,
        verbose_name=_("지원 유형"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="eligibility_rules",
        help_text=_("비워 두면 공고의 모든 유형에 적용합니다."),
    )
    kind = models.CharField(_("규칙"), max_length=24, choices=RuleKind.choices)
    params = models.JSONField(_("조건"), default=dict, blank=True)
    is_active = models.BooleanField(_("사용"), default=True)
    order = models.PositiveSmallIntegerField(_("순서"), default=0)

    objects = OwnedByCallQuerySet.as_manager()

    class Meta:
        verbose_name = _("신청 자격 규칙")
        verbose_name_plural = _("신청 자격 규칙")
        ordering = ["call", "order", "pk"]

    def __str__(self):
        return self.get_kind_display()

    @property
    def audit_operator(self):
        return self.call.operator


class FundingQuote(models.Model):
    """A stored share computation for one project cost on one track. Applications (a later
    stage) hold one each; when the track's template changes a task recomputes every quote of
    the call and keeps the old amounts as a revision."""

    track = models.ForeignKey(
        Track, verbose_name=_("지원 유형"), on_delete=models.PROTECT, related_name="quotes"
    )
    company = models.ForeignKey(
        "organizations.Company",
        verbose_name=_("기업"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="funding_quotes",
    )
    label = models.CharField(_("구분"), max_length=120, blank=True)
    total_cost = models.BigIntegerField(_("총 사업비(원)"), validators=[MinValueValidator(1)])
    region = models.ForeignKey(
        Region, verbose_name=_("소재 지역"), on_delete=models.PROTECT, related_name="+"
    )
    consortium_roles = models.JSONField(_("컨소시엄 구성"), default=list, blank=True)
    shares = models.JSONField(_("분담액"), default=list)
    sme_share = models.BigIntegerField(_("기업 부담금(원)"))
    template_version = models.PositiveIntegerField(_("분담 기준 버전"))
    computed_at = models.DateTimeField(_("계산일시"))

    objects = FundingQuoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("분담금 산정")
        verbose_name_plural = _("분담금 산정")
        ordering = ["track", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(total_cost__gt=0), name="quote_total_positive"),
            models.CheckConstraint(condition=Q(sme_share__gte=0), name="quote_sme_share_not_negative"),
        ]

    def __str__(self):
        return self.label or f"{self.track} #{self.pk}"

    @property
    def audit_operator(self):
        return self.track.call.operator

    @property
    def audit_company(self):
        return self.company


class FundingQuoteRevision(models.Model):
    """Old and new amounts of one quote after a template change: nobody loses track of a won."""

    quote = models.ForeignKey(
        FundingQuote, verbose_name=_("분담금 산정"), on_delete=models.CASCADE, related_name="revisions"
    )
    from_version = models.PositiveIntegerField(_("이전 버전"))
    to_version = models.PositiveIntegerField(_("새 버전"))
    old_shares = models.JSONField(_("이전 분담액"))
    new_shares = models.JSONField(_("새 분담액"))
    old_sme_share = models.BigIntegerField(_("이전 기업 부담금"))
    new_sme_share = models.BigIntegerField(_("새 기업 부담금"))
    recorded_at = models.DateTimeField(_("기록일시"), auto_now_add=True)

    objects = FundingQuoteRevisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("분담금 변경 이력")
        verbose_name_plural = _("분담금 변경 이력")
        ordering = ["quote", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["quote", "to_version"], name="quote_revision_once_per_version"),
        ]

    def __str__(self):
        return f"{self.quote} v{self.from_version}→v{self.to_version}"


class SelfDiagnosis(models.Model):
    """An SME's own quick questionnaire: unofficial, shown as such beside official assessments."""

    company = models.ForeignKey(
        "organizations.Company",
        verbose_name=_("기업"),
        on_delete=models.CASCADE,
        related_name="self_diagnoses",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("작성자"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    answers = models.JSONField(_("응답"))
    score = models.PositiveSmallIntegerField(_("점수"), validators=[MaxValueValidator(100)])
    estimated_level = models.CharField(_("추정 수준"), max_length=20, choices=SmartFactoryLevel.choices)
    # What the answers say the firm runs, so the estimate can open the fast track too.
    has_mes = models.BooleanField(_("MES 보유"), default=False)
    has_erp = models.BooleanField(_("ERP 보유"), default=False)
    has_data_collection = models.BooleanField(_("데이터 수집 체계 보유"), default=False)
    created_at = models.DateTimeField(_("작성일시"), auto_now_add=True)

    objects = SelfDiagnosisQuerySet.as_manager()

    class Meta:
        verbose_name = _("자가진단")
        verbose_name_plural = _("자가진단")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.company} {self.get_estimated_level_display()}"

    @property
    def audit_company(self):
        return self.company


class SavedSearch(models.Model):
    """A user's saved call search: an email when a matching call is published."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("사용자"),
        on_delete=models.CASCADE,
        related_name="saved_call_searches",
    )
    name = models.CharField(_("이름"), max_length=80)
    criteria = models.JSONField(_("검색 조건"), default=dict, blank=True)
    notify = models.BooleanField(_("새 공고 알림"), default=True)
    alerted_call_ids = models.JSONField(_("알림을 보낸 공고"), default=list, blank=True)
    created_at = models.DateTimeField(_("등록일시"), auto_now_add=True)

    objects = UserOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("저장한 검색")
        verbose_name_plural = _("저장한 검색")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.name


class CallWatch(models.Model):
    """A call a user follows: reminders before its deadline, each sent once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("사용자"),
        on_delete=models.CASCADE,
        related_name="watched_calls",
    )
    call = models.ForeignKey(Call, verbose_name=_("공고"), on_delete=models.CASCADE, related_name="watches")
    reminders_sent = models.JSONField(_("보낸 알림"), default=list, blank=True)
    created_at = models.DateTimeField(_("등록일시"), auto_now_add=True)

    objects = UserOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("관심 공고")
        verbose_name_plural = _("관심 공고")
        ordering = ["call__closes_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["user", "call"], name="call_watch_once")]

    def __str__(self):
        return f"{self.user} → {self.call}"
