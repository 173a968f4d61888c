"""The national registry of technology suppliers SMEs choose from.

A supplier is an `organizations.Company` of kind supplier; its `SupplierProfile` holds what it
offers (domains, solutions, certifications, past cases, documents), its place in the approval
workflow, its rating and the search document that makes it findable.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from organizations.models import Company, KsicDivision, Operator, Region, SmartFactoryLevel

from .querysets import (
    OwnedByProfileQuerySet,
    PrivateToSupplierQuerySet,
    SupplierProfileQuerySet,
    TechDomainQuerySet,
)

MAX_WON = 10**13
TRACK_LEVELS = [c for c in SmartFactoryLevel.choices if c[0] != SmartFactoryLevel.NONE]


class TechDomain(models.Model):
    """The maintained taxonomy of technical domains (MES, ERP, …); operators keep it in the admin."""

    code = models.SlugField(_("코드"), max_length=40, primary_key=True)
    name_ko = models.CharField(_("이름(한국어)"), max_length=60)
    name_en = models.CharField(_("이름(영어)"), max_length=80)
    order = models.PositiveSmallIntegerField(_("순서"), default=0)
    is_active = models.BooleanField(_("사용"), default=True)

    objects = TechDomainQuerySet.as_manager()

    class Meta:
        verbose_name = _("기술 분야")
        verbose_name_plural = _("기술 분야")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name_ko


class SupplierStatus(models.TextChoices):
    # "supplier status": the same Korean words are also the reviewer's buttons ("보완 요청"), which
    # English says differently ("Returned for changes" / "Return for changes").
    DRAFT = "draft", pgettext_lazy("supplier status", "작성 중")
    SUBMITTED = "submitted", pgettext_lazy("supplier status", "심사 요청")
    UNDER_REVIEW = "under_review", pgettext_lazy("supplier status", "심사 중")
    REGISTERED = "registered", pgettext_lazy("supplier status", "등록")
    RETURNED = "returned", pgettext_lazy("supplier status", "보완 요청")
    REJECTED = "rejected", pgettext_lazy("supplier status", "반려")
    SUSPENDED = "suspended", pgettext_lazy("supplier status", "활동 정지")


class SupplierProfile(models.Model):
    company = models.OneToOneField(
        Company, verbose_name=_("기업"), on_delete=models.CASCADE, related_name="supplier_profile"
    )
    status = models.CharField(
        _("상태"), max_length=16, choices=SupplierStatus.choices, default=SupplierStatus.DRAFT, db_index=True
    )
    introduction_ko = models.TextField(_("기업 소개(한국어)"), blank=True)
    introduction_en = models.TextField(_("기업 소개(영어)"), blank=True)
    contact_name = models.CharField(_("담당자"), max_length=60, blank=True)
    contact_phone = models.CharField(_("담당자 전화"), max_length=20, blank=True)
    contact_email = models.EmailField(_("담당자 이메일"), blank=True)
    homepage = models.URLField(_("홈페이지"), blank=True)
    domains = models.ManyToManyField(
        TechDomain, verbose_name=_("기술 분야"), blank=True, related_name="suppliers"
    )
    reviewed_by = models.ForeignKey(
        Operator,
        verbose_name=_("심사 기관"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status_reason = models.TextField(_("상태 사유"), blank=True)
    submitted_at = models.DateTimeField(_("심사 요청일시"), null=True, blank=True)
    registered_at = models.DateTimeField(_("등록일시"), null=True, blank=True)
    # Cached from assessments, SME reviews and inspections by services.supplier_rate (rating.py).
    rating = models.DecimalField(_("평점"), max_digits=3, decimal_places=2, null=True, blank=True)
    rating_basis = models.JSONField(_("평점 근거"), default=dict, blank=True)
    case_count = models.PositiveIntegerField(_("구축 사례 수"), default=0)
    # Character unigrams and bigrams of names, solutions and cases: Korean keywords of one or
    # two syllables are found through the GIN index (see search.py).
    search_document = SearchVectorField(_("검색 문서"), null=True, editable=False)
    created_at = models.DateTimeField(_("등록일시"), auto_now_add=True)
    updated_at = models.DateTimeField(_("수정일시"), auto_now=True)

    objects = SupplierProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("공급기업")
        verbose_name_plural = _("공급기업")
        ordering = ["company__name", "pk"]
        indexes = [
            GinIndex(fields=["search_document"], name="supplier_search_gin"),
            models.Index(fields=["status", "rating"], name="supplier_status_rating"),
        ]

    def __str__(self):
        return self.company.name

    @property
    def audit_company(self):
        return self.company


class Deployment(models.TextChoices):
    CLOUD = "cloud", _("클라우드(SaaS)")
    ON_PREMISE = "on_premise", _("구축형(온프레미스)")
    HYBRID = "hybrid", _("혼합형")


class Solution(models.Model):
    profile = models.ForeignKey(
        SupplierProfile, verbose_name=_("공급기업"), on_delete=models.CASCADE, related_name="solutions"
    )
    name = models.CharField(_("솔루션명"), max_length=120)
    domain = models.ForeignKey(
        TechDomain, verbose_name=_("기술 분야"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("설명"), blank=True)
    levels = ArrayField(
        models.CharField(max_length=20, choices=TRACK_LEVELS),
        verbose_name=_("적합 수준"),
        default=list,
        blank=True,
    )
    deployment = models.CharField(_("구축 방식"), max_length=12, choices=Deployment.choices)
    price_min = models.BigIntegerField(
        _("최저 가격(원)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_WON)],
    )
    price_max = models.BigIntegerField(
        _("최고 가격(원)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_WON)],
    )

    objects = OwnedByProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("솔루션")
        verbose_name_plural = _("솔루션")
        ordering = ["profile", "name", "pk"]
        indexes = [GinIndex(fields=["levels"], name="solution_levels_gin")]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_min__isnull=True)
                | Q(price_max__isnull=True)
                | Q(price_max__gte=models.F("price_min")),
                name="solution_price_range_ordered",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def audit_company(self):
        return self.profile.company


class CertificationKind(models.TextChoices):
    VENTURE = "venture", _("벤처기업 확인")
    INNOBIZ = "innobiz", _("이노비즈(기술혁신형 중소기업)")
    MAINBIZ = "mainbiz", _("메인비즈(경영혁신형 중소기업)")
    RESEARCH_INSTITUTE = "research_institute", _("기업부설연구소")
    ISO9001 = "iso9001", _("ISO 9001")
    ISO27001 = "iso27001", _("ISO/IEC 27001")
    GS = "gs", _("GS 인증")
    SMART_MANUFACTURING_EXPERT = "smart_expert", _("스마트제조 전문기업")
    OTHER = "other", _("기타")


class Certification(models.Model):
    profile = models.ForeignKey(
        SupplierProfile, verbose_name=_("공급기업"), on_delete=models.CASCADE, related_name="certifications"
    )
    kind = models.CharField(_("인증 종류"), max_length=24, choices=CertificationKind.choices)
    name = models.CharField(_("인증명"), max_length=120, blank=True)
    issuer = models.CharField(_("발급 기관"), max_length=120)
    number = models.CharField(_("인증 번호"), max_length=60)
    valid_until = models.DateField(_("유효기간 만료일"), null=True, blank=True)
    document = models.FileField(_("증빙 서류"), upload_to="suppliers/certifications/%Y/", blank=True)
    expiry_flagged_at = models.DateTimeField(_("만료 예정 알림일시"), null=True, blank=True)

    objects = OwnedByProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("인증")
        verbose_name_plural = _("인증")
        ordering = ["profile", "valid_until", "pk"]
        indexes = [models.Index(fields=["kind", "valid_until"], name="certification_kind_valid")]

    def __str__(self):
        return self.name or self.get_kind_display()

    @property
    def audit_company(self):
        return self.profile.company


class ImplementationCase(models.Model):
    """A past smart-factory project the supplier delivered."""

    # The two composite indexes below lead with these keys, so their own indexes would be spares.
    profile = models.ForeignKey(
        SupplierProfile,
        verbose_name=_("공급기업"),
        on_delete=models.CASCADE,
        related_name="cases",
        db_index=False,
    )
    title = models.CharField(_("사례명"), max_length=150)
    client_sector = models.ForeignKey(
        KsicDivision,
        verbose_name=_("고객 업종"),
        db_index=False,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    client_region = models.ForeignKey(
        Region, verbose_name=_("고객 지역"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(
        _("구축 연도"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    amount = models.BigIntegerField(
        _("사업 규모(원)"), validators=[MinValueValidator(0), MaxValueValidator(MAX_WON)]
    )
    level = models.CharField(_("구축 수준"), max_length=20, choices=TRACK_LEVELS, blank=True)
    outcome = models.TextField(_("성과 요약"), blank=True)

    objects = OwnedByProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("구축 사례")
        verbose_name_plural = _("구축 사례")
        ordering = ["profile", "-year", "pk"]
        indexes = [
            models.Index(fields=["profile", "amount"], name="case_profile_amount"),
            models.Index(fields=["client_sector", "profile"], name="case_sector_profile"),
        ]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="case_amount_not_negative")]

    def __str__(self):
        return self.title

    @property
    def audit_company(self):
        return self.profile.company


class SupplierDocumentKind(models.TextChoices):
    BUSINESS_REGISTRATION = "business_registration", _("사업자등록증")
    COMPANY_BROCHURE = "brochure", _("회사 소개서")
    FINANCIAL_STATEMENTS = "financial_statements", _("재무제표")
    TECHNICAL_STAFF = "technical_staff", _("기술 인력 현황")
    OTHER = "other", _("기타")


class SupplierDocument(models.Model):
    profile = models.ForeignKey(
        SupplierProfile, verbose_name=_("공급기업"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("서류 종류"), max_length=24, choices=SupplierDocumentKind.choices)
    file = models.FileField(_("파일"), upload_to="suppliers/documents/%Y/")
    original_name = models.CharField(_("원래 파일명"), max_length=200)
    uploaded_at = models.DateTimeField(_("등록일시"), auto_now_add=True)

    objects = PrivateToSupplierQuerySet.as_manager()

    class Meta:
        verbose_name = _("공급기업 서류")
        verbose_name_plural = _("공급기업 서류")
        ordering = ["profile", "kind", "pk"]

    def __str__(self):
        return self.original_name

    @property
    def audit_company(self):
        return self.profile.company


class CapabilityAssessment(models.Model):
    """An operator's assessment of a supplier's capability, by area (0–100 each)."""

    profile = models.ForeignKey(
        SupplierProfile, verbose_name=_("공급기업"), on_delete=models.CASCADE, related_name="assessments"
    )
    operator = models.ForeignKey(
        Operator, verbose_name=_("평가 기관"), on_delete=models.PROTECT, related_name="+"
    )
    assessor = models.CharField(_("평가자"), max_length=60)
    assessed_on = models.DateField(_("평가일"))
    management = models.PositiveSmallIntegerField(_("경영 역량"), validators=[MaxValueValidator(100)])
    technology = models.PositiveSmallIntegerField(_("기술 역량"), validators=[MaxValueValidator(100)])
    project_management = models.PositiveSmallIntegerField(
        _("사업 관리 역량"), validators=[MaxValueValidator(100)]
    )
    notes = models.TextField(_("의견"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("기록자"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("기록일시"), auto_now_add=True)

    objects = OwnedByProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("역량 평가")
        verbose_name_plural = _("역량 평가")
        ordering = ["profile", "-assessed_on", "-pk"]

    def __str__(self):
        return f"{self.profile} {self.assessed_on}"

    @property
    def audit_operator(self):
        return self.operator

    @property
    def audit_company(self):
        return self.profile.company


class SupplierReview(models.Model):
    """An SME's rating of its supplier after a completed project (1–5), or an inspection result
    recorded for the rating. Projects (a later stage) record these through services."""

    class Source(models.TextChoices):
        SME = "sme", _("도입기업 평가")
        INSPECTION = "inspection", _("최종점검 결과")

    profile = models.ForeignKey(
        SupplierProfile, verbose_name=_("공급기업"), on_delete=models.CASCADE, related_name="reviews"
    )
    source = models.CharField(_("구분"), max_length=12, choices=Source.choices, default=Source.SME)
    reviewer_company = models.ForeignKey(
        Company,
        verbose_name=_("평가 기업"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    project_reference = models.CharField(_("과제 번호"), max_length=60)
    score = models.PositiveSmallIntegerField(
        _("점수(1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("의견"), blank=True)
    created_at = models.DateTimeField(_("등록일시"), auto_now_add=True)

    objects = OwnedByProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("공급기업 평가")
        verbose_name_plural = _("공급기업 평가")
        ordering = ["profile", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "source", "project_reference"], name="review_once_per_project"
            ),
        ]

    def __str__(self):
        return f"{self.profile} {self.score}"

    @property
    def audit_company(self):
        return self.profile.company
