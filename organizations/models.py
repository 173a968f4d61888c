"""Regions, sectors, operators (the tenants), companies (the national registry), users, memberships, audit."""

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models_roles import COMPANY_ROLES, OPERATOR_ROLES, Role
from .querysets import (
    AuditEventQuerySet,
    CompanyQuerySet,
    LevelAssessmentQuerySet,
    MembershipQuerySet,
    OperatorQuerySet,
)
from .rules import format_business_number
from .validators import validate_business_number


class Region(models.Model):
    """A first-level administrative region (시·도), keyed by its current standard code."""

    code = models.CharField(_("코드"), max_length=2, primary_key=True)
    name_ko = models.CharField(_("이름(한국어)"), max_length=40)
    name_en = models.CharField(_("이름(영어)"), max_length=60)

    class Meta:
        ordering = ["code"]
        verbose_name = _("지역")
        verbose_name_plural = _("지역")

    def __str__(self):
        return self.name_ko


class KsicDivision(models.Model):
    """A KSIC manufacturing division (C10–C34): the sector a company's main industry belongs to."""

    code = models.CharField(_("코드"), max_length=3, primary_key=True)
    name_ko = models.CharField(_("이름(한국어)"), max_length=80)
    name_en = models.CharField(_("이름(영어)"), max_length=120)

    class Meta:
        ordering = ["code"]
        verbose_name = _("업종(KSIC 중분류)")
        verbose_name_plural = _("업종(KSIC 중분류)")

    def __str__(self):
        return f"{self.code} {self.name_ko}"


class Operator(models.Model):
    """A tenant: the body that runs programmes and owns everything hanging off them."""

    class Kind(models.TextChoices):
        NATIONAL_AGENCY = "national_agency", _("전담기관")
        REGIONAL_CENTRE = "regional_centre", _("지역 제조혁신센터")
        PROVINCE = "province", _("광역자치단체")
        MUNICIPALITY = "municipality", _("기초자치단체")

    code = models.SlugField(_("기관 코드"), max_length=40, unique=True)
    kind = models.CharField(_("기관 유형"), max_length=20, choices=Kind.choices)
    name_ko = models.CharField(_("기관명(한국어)"), max_length=100)
    name_en = models.CharField(_("기관명(영어)"), max_length=150, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("소재 지역"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    regions_covered = models.ManyToManyField(
        Region,
        verbose_name=_("담당 지역"),
        blank=True,
        related_name="covering_operators",
        help_text=_("지역 센터가 모니터링하는 지역입니다."),
    )
    email = models.EmailField(_("대표 이메일"), blank=True)
    phone = models.CharField(_("대표 전화"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("등록일시"), auto_now_add=True)

    objects = OperatorQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name_ko"]
        verbose_name = _("운영기관")
        verbose_name_plural = _("운영기관")

    def __str__(self):
        return self.name_ko


class SmartFactoryLevel(models.TextChoices):
    NONE = "none", _("미구축")
    BASIC = "basic", _("기초")
    INTERMEDIATE_1 = "intermediate_1", _("중간1")
    INTERMEDIATE_2 = "intermediate_2", _("중간2")
    ADVANCED = "advanced", _("고도")


class Company(models.Model):
    """A firm in the national registry: a manufacturing SME, a technology supplier or a large firm."""

    class Kind(models.TextChoices):
        MANUFACTURER = "manufacturer", _("제조기업(도입기업)")
        SUPPLIER = "supplier", _("공급기업")
        LARGE_FIRM = "large_firm", _("대기업(상생 협력)")

    kind = models.CharField(_("기업 유형"), max_length=20, choices=Kind.choices)
    business_number = models.CharField(
        _("사업자등록번호"),
        max_length=10,
        unique=True,
        validators=[validate_business_number],
        help_text=_("숫자 10자리, 예: 123-45-67890"),
    )
    name = models.CharField(_("기업명"), max_length=120)
    name_en = models.CharField(_("영문 기업명"), max_length=160, blank=True)
    representative = models.CharField(_("대표자명"), max_length=60)
    ksic_division = models.ForeignKey(
        KsicDivision,
        verbose_name=_("주업종"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("소재 지역"), on_delete=models.PROTECT, related_name="+"
    )
    postcode = models.CharField(_("우편번호"), max_length=5, blank=True)
    address = models.CharField(_("주소"), max_length=200, blank=True)
    address_detail = models.CharField(_("상세주소"), max_length=200, blank=True)
    phone = models.CharField(_("대표 전화"), max_length=20, blank=True)
    employees = models.PositiveIntegerField(_("상시 근로자 수"), default=0)
    annual_revenue = models.BigIntegerField(
        _("연 매출액(원)"),
        default=0,
        validators=[MinValueValidator(0, message=_("매출액은 0원 이상의 정수로 입력해 주십시오."))],
    )
    has_production_facility = models.BooleanField(_("생산시설 보유"), default=False)
    business_group = models.CharField(
        _("기업집단"),
        max_length=80,
        blank=True,
        help_text=_("공정거래위원회 지정 기업집단명(예: 삼성). 평가위원 이해충돌 확인에 쓰입니다."),
    )
    smart_factory_level = models.CharField(
        _("스마트공장 수준"), max_length=20, choices=SmartFactoryLevel.choices, default=SmartFactoryLevel.NONE
    )
    has_mes = models.BooleanField(_("MES 보유"), default=False)
    has_erp = models.BooleanField(_("ERP 보유"), default=False)
    has_data_collection = models.BooleanField(_("데이터 수집 체계 보유"), default=False)
    created_at = models.DateTimeField(_("등록일시"), auto_now_add=True)
    updated_at = models.DateTimeField(_("수정일시"), auto_now=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("기업")
        verbose_name_plural = _("기업")
        constraints = [
            models.CheckConstraint(condition=Q(annual_revenue__gte=0), name="company_revenue_not_negative"),
        ]

    def __str__(self):
        return self.name

    @property
    def business_number_display(self):
        return format_business_number(self.business_number)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in with an e-mail address; what they may do comes from their memberships."""

    username = None
    email = models.EmailField(_("이메일"), unique=True)
    full_name = models.CharField(_("이름"), max_length=60)
    phone = models.CharField(_("연락처"), max_length=20, blank=True)
    preferred_language = models.CharField(
        _("사용 언어"), max_length=5, choices=[("ko", "한국어"), ("en", "English")], default="ko"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]
    objects = UserManager()

    class Meta:
        verbose_name = _("사용자")
        verbose_name_plural = _("사용자")

    def __str__(self):
        return f"{self.full_name} <{self.email}>" if self.full_name else self.email


COMPANY_KIND_FOR_ROLE = {
    Role.SME_MEMBER: Company.Kind.MANUFACTURER,
    Role.SUPPLIER_MEMBER: Company.Kind.SUPPLIER,
    Role.LARGE_FIRM_MEMBER: Company.Kind.LARGE_FIRM,
}


class Membership(models.Model):
    """A user's role in a company or an operator. Roles never come from anywhere else."""

    user = models.ForeignKey(
        User, verbose_name=_("사용자"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("역할"), max_length=20, choices=Role.choices)
    company = models.ForeignKey(
        Company,
        verbose_name=_("기업"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
    )
    operator = models.ForeignKey(
        Operator,
        verbose_name=_("운영기관"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
    )
    is_active = models.BooleanField(_("활성"), default=True)
    created_at = models.DateTimeField(_("등록일시"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user_id", "role"]
        verbose_name = _("소속·역할")
        verbose_name_plural = _("소속·역할")
        constraints = [
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    Q(
                        role__in=sorted(r.value for r in COMPANY_ROLES),
                        company__isnull=False,
                        operator__isnull=True,
                    )
                    | Q(
                        role__in=sorted(r.value for r in OPERATOR_ROLES),
                        operator__isnull=False,
                        company__isnull=True,
                    )
                    | Q(role=Role.EVALUATOR, company__isnull=True)
                    | Q(role=Role.PLATFORM_ADMIN, company__isnull=True, operator__isnull=True)
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "company", "operator"],
                name="membership_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self):
        scope = self.company or self.operator or ""
        return f"{self.user} · {self.get_role_display()} {scope}".strip()


class AuditEvent(models.Model):
    """One state change of a domain record: who, when, what, from, to, why. Written only by audit.record."""

    class Action(models.TextChoices):
        # "audit action": what happened ("Updated"), where the bare words are buttons ("Edit").
        CREATE = "create", pgettext_lazy("audit action", "생성")
        UPDATE = "update", pgettext_lazy("audit action", "수정")
        DELETE = "delete", pgettext_lazy("audit action", "삭제")
        TRANSITION = "transition", pgettext_lazy("audit action", "상태 변경")

    occurred_at = models.DateTimeField(_("일시"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User, verbose_name=_("행위자"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("행위자 표시"), max_length=200, blank=True)
    action = models.CharField(_("작업"), max_length=20, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, verbose_name=_("대상 종류"), on_delete=models.PROTECT)
    object_id = models.CharField(_("대상 ID"), max_length=64)
    object_repr = models.CharField(_("대상"), max_length=200)
    operator = models.ForeignKey(
        Operator,
        verbose_name=_("운영기관"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    company = models.ForeignKey(
        Company, verbose_name=_("기업"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    before = models.JSONField(_("변경 전"), null=True, blank=True)
    after = models.JSONField(_("변경 후"), null=True, blank=True)
    reason = models.TextField(_("사유"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP 주소"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("감사 기록")
        verbose_name_plural = _("감사 기록")
        indexes = [
            models.Index(fields=["content_type", "object_id", "-occurred_at"], name="audit_object_idx")
        ]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")

    @property
    def changed_fields(self):
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class Notification(models.Model):
    """An e-mail in the outbox. The row is written in the caller's transaction; a Celery task sends it
    after commit and a periodic sweep re-enqueues rows left pending, so nothing is lost when Redis is down."""

    class Status(models.TextChoices):
        PENDING = "pending", _("발송 대기")
        SENT = "sent", _("발송 완료")
        FAILED = "failed", _("발송 실패")

    recipient = models.ForeignKey(
        User,
        verbose_name=_("수신자"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    email = models.EmailField(_("수신 이메일"))
    subject = models.CharField(_("제목"), max_length=200)
    body = models.TextField(_("본문"))
    status = models.CharField(_("상태"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("발송 시도 횟수"), default=0)
    last_error = models.TextField(_("마지막 오류"), blank=True)
    created_at = models.DateTimeField(_("생성일시"), auto_now_add=True)
    queued_at = models.DateTimeField(_("재등록일시"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("마지막 시도일시"), null=True, blank=True)
    sent_at = models.DateTimeField(_("발송일시"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("알림")
        verbose_name_plural = _("알림")
        indexes = [
            models.Index(
                fields=["created_at"], name="notification_pending_idx", condition=Q(status="pending")
            ),
        ]

    def __str__(self):
        return f"{self.email} · {self.subject}"


ASSESSED_LEVELS = [
    (value, label) for value, label in SmartFactoryLevel.choices if value != SmartFactoryLevel.NONE
]
ASSESSED_LEVEL_VALUES = [value for value, _label in ASSESSED_LEVELS]


def _score_field(label):
    """An area score: a whole number 0–100, as the assessment report prints it."""
    return models.PositiveSmallIntegerField(label, validators=[MaxValueValidator(100)])


class LevelAssessment(models.Model):
    """An official smart-factory level assessment (수준확인) of a company, with its report.

    Entered by the national agency's staff or by a regional centre covering the company's region
    (organizations.services.level_assessment_record). The company's `smart_factory_level` follows the
    latest assessment in force, by `assessed_on` and then by id. A wrong record is withdrawn, never
    deleted or edited: it stays on file, marked, and the level is worked out again without it.

    Area scores are whole numbers from 0 to 100 (PositiveSmallIntegerField), as the assessment
    reports print them; a decimal would claim a precision the reports do not have.
    """

    company = models.ForeignKey(
        Company, verbose_name=_("기업"), on_delete=models.CASCADE, related_name="level_assessments"
    )
    assessing_body = models.CharField(
        _("평가 기관"), max_length=100, help_text=_("수준확인을 한 기관, 예: 스마트제조혁신추진단")
    )
    assessed_on = models.DateField(_("평가일"))
    level = models.CharField(_("확인 수준"), max_length=20, choices=ASSESSED_LEVELS)
    data_collection_score = _score_field(_("데이터 수집 점수"))
    analysis_score = _score_field(_("분석 점수"))
    control_score = _score_field(_("자율 제어 점수"))
    report = models.FileField(
        _("수준확인 결과서"), upload_to="organizations/level-reports/%Y/", max_length=200
    )
    report_name = models.CharField(_("결과서 원래 파일명"), max_length=200)
    note = models.TextField(_("메모"), blank=True)
    level_before = models.CharField(
        _("기록 전 수준"),
        max_length=20,
        choices=SmartFactoryLevel.choices,
        default=SmartFactoryLevel.NONE,
        help_text=_(
            "이 평가를 기록하기 직전의 기업 수준. 평가가 모두 철회되면 첫 평가 전의 수준으로 돌아갑니다."
        ),
    )
    recorded_by = models.ForeignKey(
        User, verbose_name=_("기록자"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by_operator = models.ForeignKey(
        Operator,
        verbose_name=_("기록 기관"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("플랫폼 관리자가 기록하면 비어 있습니다."),
    )
    created_at = models.DateTimeField(_("기록일시"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("철회일시"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        User,
        verbose_name=_("철회한 사람"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawal_reason = models.TextField(_("철회 사유"), blank=True)

    objects = LevelAssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("스마트공장 수준확인")
        verbose_name_plural = _("스마트공장 수준확인")
        indexes = [
            models.Index(fields=["company", "-assessed_on", "-id"], name="level_assessment_latest_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=ASSESSED_LEVEL_VALUES), name="level_assessment_level_assessed"
            ),
            models.CheckConstraint(
                condition=Q(data_collection_score__lte=100, analysis_score__lte=100, control_score__lte=100),
                name="level_assessment_scores_upto_100",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawal_reason=""),
                name="level_assessment_withdrawal_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.company} {self.get_level_display()} ({self.assessed_on:%Y-%m-%d})"

    @property
    def is_withdrawn(self):
        return self.withdrawn_at is not None

    @property
    def audit_company(self):
        return self.company
