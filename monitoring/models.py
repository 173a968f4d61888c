"""Projects after selection: the agreement every party accepts, the disbursement schedule and the
milestones. (Progress reports, site visits, change requests, inspections and outcomes follow.)

A project is made from a final, released selection; its agreement is generated from the frozen
submission (and the cost review, when there was one) and versioned: an amendment is a new version,
the old one stays as it was accepted.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .querysets import ProjectPartQuerySet, ProjectQuerySet


class ProjectStatus(models.TextChoices):
    AGREEMENT = "agreement", _("협약 중")
    IN_PROGRESS = "in_progress", _("수행 중")
    INSPECTION = "inspection", _("최종 점검")
    CLOSED = "closed", _("종료")
    ABANDONED = "abandoned", _("중도 포기")


class Project(models.Model):
    """A selected application being carried out. One per selected submission."""

    submission = models.OneToOneField(
        "applications.Submission", verbose_name=_("제출본"), on_delete=models.PROTECT, related_name="project"
    )
    call = models.ForeignKey(
        "programs.Call", verbose_name=_("공고"), on_delete=models.PROTECT, related_name="+"
    )
    lead = models.ForeignKey(
        "organizations.Company",
        verbose_name=_("주관 도입기업"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    region = models.ForeignKey(
        "organizations.Region", verbose_name=_("소재 지역"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("과제명"), max_length=200)
    status = models.CharField(
        _("상태"),
        max_length=12,
        choices=ProjectStatus.choices,
        default=ProjectStatus.AGREEMENT,
        db_index=True,
    )
    starts_on = models.DateField(_("수행 시작일"))
    ends_on = models.DateField(_("수행 종료일"))
    total_cost = models.BigIntegerField(_("총 사업비(원)"), validators=[MinValueValidator(1)])
    government_share = models.BigIntegerField(_("정부지원금(원)"), validators=[MinValueValidator(0)])
    inspection_passed_at = models.DateTimeField(
        _("최종 점검 통과일시"),
        null=True,
        blank=True,
        help_text=_("잔금은 이 일시가 기록된 뒤에만 승인됩니다."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("등록자"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("등록일시"), auto_now_add=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("과제")
        verbose_name_plural = _("과제")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="project_ends_after_start"
            )
        ]

    def __str__(self):
        return self.title

    @property
    def audit_operator(self):
        return self.call.operator

    @property
    def audit_company(self):
        return self.lead


class PartOfProject:
    @property
    def audit_operator(self):
        return self.project.call.operator

    @property
    def audit_company(self):
        return self.project.lead


class AgreementStatus(models.TextChoices):
    AWAITING = "awaiting", _("서명 대기")
    IN_FORCE = "in_force", _("효력 발생")
    SUPERSEDED = "superseded", _("변경 전 협약")


class Agreement(PartOfProject, models.Model):
    """One version of the project's agreement. `terms` is what every party accepted, frozen."""

    project = models.ForeignKey(
        Project, verbose_name=_("과제"), on_delete=models.CASCADE, related_name="agreements"
    )
    version = models.PositiveIntegerField(_("차수"))
    status = models.CharField(
        _("상태"), max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.AWAITING
    )
    terms = models.JSONField(_("협약 내용"))
    reason = models.TextField(_("변경 사유"), blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("발급자"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("발급일시"))
    in_force_at = models.DateTimeField(_("효력 발생일시"), null=True, blank=True)

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("협약")
        verbose_name_plural = _("협약")
        ordering = ["project_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["project", "version"], name="agreement_version_unique"),
            models.UniqueConstraint(
                fields=["project"], condition=Q(status="in_force"), name="agreement_one_in_force"
            ),
        ]

    def __str__(self):
        return f"{self.project} v{self.version}"


class PartyRole(models.TextChoices):
    OPERATOR = "operator", _("운영기관")
    LEAD = "lead", _("주관 도입기업")
    SUPPLIER = "supplier", _("공급기업")
    LARGE_FIRM = "large_firm", _("대기업")


class AgreementParty(models.Model):
    """A party to one agreement version and its acceptance, in its own account (who, when, from where)."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("협약"), on_delete=models.CASCADE, related_name="parties"
    )
    role = models.CharField(_("당사자"), max_length=12, choices=PartyRole.choices)
    company = models.ForeignKey(
        "organizations.Company",
        verbose_name=_("기업"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    operator = models.ForeignKey(
        "organizations.Operator",
        verbose_name=_("운영기관"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("당사자명"), max_length=160)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("동의자"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("동의일시"), null=True, blank=True)
    accepted_ip = models.GenericIPAddressField(_("동의 IP"), null=True, blank=True)

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("협약 당사자")
        verbose_name_plural = _("협약 당사자")
        ordering = ["agreement_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(role="operator", operator__isnull=False, company__isnull=True))
                | (~Q(role="operator") & Q(company__isnull=False, operator__isnull=True)),
                name="party_is_operator_or_company",
            )
        ]

    def __str__(self):
        return f"{self.agreement} · {self.name}"

    @property
    def audit_operator(self):
        return self.agreement.project.call.operator

    @property
    def audit_company(self):
        return self.agreement.project.lead


class TrancheKind(models.TextChoices):
    ADVANCE = "advance", _("선급금(협약 체결 시)")
    INTERIM = "interim", _("중도금")
    BALANCE = "balance", _("잔금(최종 점검 통과 후)")


class TrancheStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("예정")
    REQUESTED = "requested", _("지급 요청")
    APPROVED = "approved", _("지급 승인")
    PAID = "paid", _("지급 완료")


class Tranche(PartOfProject, models.Model):
    """One disbursement of the government share: a record only, no payment system behind it."""

    project = models.ForeignKey(
        Project, verbose_name=_("과제"), on_delete=models.CASCADE, related_name="tranches"
    )
    order = models.PositiveSmallIntegerField(_("차수"))
    kind = models.CharField(_("구분"), max_length=10, choices=TrancheKind.choices)
    amount = models.BigIntegerField(_("금액(원)"), validators=[MinValueValidator(0)])
    status = models.CharField(
        _("상태"), max_length=10, choices=TrancheStatus.choices, default=TrancheStatus.SCHEDULED
    )
    requested_at = models.DateTimeField(_("요청일시"), null=True, blank=True)
    approved_at = models.DateTimeField(_("승인일시"), null=True, blank=True)
    paid_on = models.DateField(_("지급일"), null=True, blank=True)

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("지급 차수")
        verbose_name_plural = _("지급 차수")
        ordering = ["project_id", "order"]
        constraints = [models.UniqueConstraint(fields=["project", "order"], name="tranche_order_unique")]

    def __str__(self):
        return f"{self.project} · {self.get_kind_display()} {self.amount:,}"


class Milestone(PartOfProject, models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("과제"), on_delete=models.CASCADE, related_name="milestones"
    )
    name = models.CharField(_("마일스톤"), max_length=120)
    planned_on = models.DateField(_("예정일"))
    done_on = models.DateField(_("완료일"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("순서"), default=0)

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("마일스톤")
        verbose_name_plural = _("마일스톤")
        ordering = ["project_id", "order", "planned_on", "pk"]

    def __str__(self):
        return self.name


def evidence_path(instance, filename):
    """Random stored names (organizations.uploads decides them); the folder says whose it is."""
    return f"projects/{instance.project_id}/evidence/{filename}"


class ReporterRole(models.TextChoices):
    LEAD = "lead", _("주관 도입기업")
    SUPPLIER = "supplier", _("공급기업")


class ProgressReport(PartOfProject, models.Model):
    """A periodic progress report by the lead SME or the supplier, for the period ending `period_end`."""

    project = models.ForeignKey(
        Project, verbose_name=_("과제"), on_delete=models.CASCADE, related_name="progress_reports"
    )
    reporter_role = models.CharField(_("보고 주체"), max_length=10, choices=ReporterRole.choices)
    period_end = models.DateField(_("보고 기간 종료일"))
    percent_complete = models.PositiveSmallIntegerField(
        _("진척률(%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    spent = models.BigIntegerField(_("누적 집행액(원)"), validators=[MinValueValidator(0)])
    work_done = models.TextField(_("수행 내용"))
    issues = models.TextField(_("문제점·지원 요청"), blank=True)
    evidence = models.FileField(_("증빙 파일"), upload_to=evidence_path, max_length=200, blank=True)
    evidence_name = models.CharField(_("증빙 파일명"), max_length=200, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("제출자"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("제출일시"))

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("진척 보고서")
        verbose_name_plural = _("진척 보고서")
        ordering = ["project_id", "-period_end", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "reporter_role", "period_end"], name="progress_report_one_per_period"
            )
        ]

    def __str__(self):
        return f"{self.project} · {self.period_end} · {self.percent_complete}%"


class SiteVisit(PartOfProject, models.Model):
    """A regional centre's (or the operator's) visit to the factory, with findings and follow-up."""

    project = models.ForeignKey(
        Project, verbose_name=_("과제"), on_delete=models.CASCADE, related_name="site_visits"
    )
    operator = models.ForeignKey(
        "organizations.Operator", verbose_name=_("방문 기관"), on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField(_("방문일"))
    findings = models.TextField(_("확인 내용"))
    follow_up = models.TextField(_("후속 조치"), blank=True)
    follow_up_due = models.DateField(_("후속 조치 기한"), null=True, blank=True)
    photo = models.FileField(_("현장 사진"), upload_to=evidence_path, max_length=200, blank=True)
    photo_name = models.CharField(_("사진 파일명"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("기록자"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("기록일시"), auto_now_add=True)

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("현장 방문")
        verbose_name_plural = _("현장 방문")
        ordering = ["project_id", "-visited_on", "-pk"]

    def __str__(self):
        return f"{self.project} · {self.visited_on}"


class RiskKind(models.TextChoices):
    MILESTONE_OVERDUE = "milestone_overdue", _("마일스톤 지연")
    REPORT_MISSING = "report_missing", _("진척 보고 누락")
    BUDGET_VARIANCE = "budget_variance", _("예산 집행 편차")
    NO_SITE_VISIT = "no_site_visit", _("현장 방문 없음")


class RiskSeverity(models.TextChoices):
    WARNING = "warning", _("주의")
    CRITICAL = "critical", _("심각")


class RiskFlag(PartOfProject, models.Model):
    """A risk the scheduled check found on a project in progress (monitoring/risks.py decides).

    One open row per project and `key` (kind and subject, e.g. "milestone_overdue:3"): each run
    refreshes it, closes it when the risk is gone, and the reminder e-mail goes once per flag."""

    project = models.ForeignKey(
        Project, verbose_name=_("과제"), on_delete=models.CASCADE, related_name="risk_flags"
    )
    kind = models.CharField(_("위험 유형"), max_length=20, choices=RiskKind.choices, db_index=True)
    key = models.CharField(_("식별 키"), max_length=80)
    severity = models.CharField(_("심각도"), max_length=10, choices=RiskSeverity.choices)
    since = models.DateField(_("발생일"))
    message = models.TextField(_("내용"))
    first_seen_at = models.DateTimeField(_("최초 확인일시"))
    last_seen_at = models.DateTimeField(_("최근 확인일시"))
    resolved_at = models.DateTimeField(_("해소일시"), null=True, blank=True, db_index=True)
    reminded_at = models.DateTimeField(_("알림 발송일시"), null=True, blank=True)

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("위험 신호")
        verbose_name_plural = _("위험 신호")
        ordering = ["project_id", "resolved_at", "kind", "since", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "key"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_risk_flag_per_key",
            )
        ]

    def __str__(self):
        return f"{self.project} · {self.get_kind_display()}"


class ChangeKind(models.TextChoices):
    SUPPLIER = "supplier", _("공급기업 변경")
    ADDRESS = "address", _("공장 주소 변경")
    EXTENSION = "extension", _("수행 기간 연장")
    CEO = "ceo", _("대표자 변경")
    BANK = "bank", _("지원금 입금 계좌 변경")
    OTHER = "other", _("기타 협약 변경")


class ChangePath(models.TextChoices):
    APPROVAL = "approval", _("운영기관 승인")
    COMPANY = "company", _("기업 자체 기록")


class ChangeStatus(models.TextChoices):
    SUBMITTED = "submitted", _("승인 대기")
    APPROVED = "approved", _("승인")
    REJECTED = "rejected", _("반려")
    WITHDRAWN = "withdrawn", _("철회")
    RECORDED = "recorded", _("기록(즉시 반영)")


class ChangeRequest(PartOfProject, models.Model):
    """A change to a project in progress, filed by the lead SME. The kind (and for an extension, its
    length) decides the path (monitoring.rules.change_path): the operator approves it, or the
    company records it and it takes effect at once. Either way the change is applied to the project
    and a new agreement version is issued naming this request; `agreement` is that version."""

    project = models.ForeignKey(
        Project, verbose_name=_("과제"), on_delete=models.CASCADE, related_name="change_requests"
    )
    kind = models.CharField(_("변경 유형"), max_length=12, choices=ChangeKind.choices)
    path = models.CharField(_("처리 경로"), max_length=10, choices=ChangePath.choices)
    status = models.CharField(_("상태"), max_length=10, choices=ChangeStatus.choices, db_index=True)
    values = models.JSONField(_("변경 내용"), default=dict)
    previous = models.JSONField(_("변경 전 내용"), default=dict, blank=True)
    reason = models.TextField(_("변경 사유"))
    evidence = models.FileField(_("증빙 파일"), upload_to=evidence_path, max_length=200, blank=True)
    evidence_name = models.CharField(_("증빙 파일명"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("신청자"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("신청일시"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("처리자"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("처리일시"), null=True, blank=True)
    decision_reason = models.TextField(_("처리 사유"), blank=True)
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("반영한 협약 차수"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("변경 신청")
        verbose_name_plural = _("변경 신청")
        ordering = ["project_id", "-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(path="approval") & ~Q(status="recorded")) | Q(path="company", status="recorded"),
                name="change_status_fits_path",
            )
        ]

    def __str__(self):
        return f"{self.project} · {self.get_kind_display()} #{self.pk}"

    @property
    def applied(self):
        return self.status in (ChangeStatus.APPROVED, ChangeStatus.RECORDED)
