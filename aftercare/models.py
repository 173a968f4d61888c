"""After the project: defect-repair requests in the warranty period, maintenance contracts, reports
of unfair practices, closing the project, rating the supplier and continuing to the next level.

Closing, rating and the next-level application keep no rows of their own: closing is the project's
status (audited), the rating is a `suppliers.SupplierReview` and the next step is an ordinary draft
application. The unfair-practice report is confidential: its own queryset (see querysets.py) and
its audit trail belong to the reporting company, never to the lead it may be about.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from monitoring.models import PartOfProject
from monitoring.querysets import ProjectPartQuerySet

from .querysets import UnfairPracticeReportQuerySet


def aftercare_path(instance, filename):
    """Random stored names (organizations.uploads decides them); the folder says whose it is."""
    return f"projects/{instance.project_id}/aftercare/{filename}"


class DefectStatus(models.TextChoices):
    REQUESTED = "requested", _("요청")
    RESPONDED = "responded", _("조치 완료")
    CLOSED = "closed", _("종결")


class DefectRepair(PartOfProject, models.Model):
    """The lead SME asks the supplier to repair a defect within the warranty period; the supplier
    answers with what it did; the SME closes it with its satisfaction (1–5)."""

    project = models.ForeignKey(
        "monitoring.Project", verbose_name=_("과제"), on_delete=models.CASCADE, related_name="defect_repairs"
    )
    description = models.TextField(_("하자 내용"))
    attachment = models.FileField(_("첨부 파일"), upload_to=aftercare_path, max_length=200, blank=True)
    attachment_name = models.CharField(_("첨부 파일명"), max_length=200, blank=True)
    status = models.CharField(
        _("상태"), max_length=10, choices=DefectStatus.choices, default=DefectStatus.REQUESTED, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("요청자"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("요청일시"))
    response = models.TextField(_("조치 내용"), blank=True)
    repaired_on = models.DateField(_("조치일"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("조치 기록자"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("조치 기록일시"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("만족도(1–5)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    satisfaction_comment = models.TextField(_("만족도 의견"), blank=True)
    closed_at = models.DateTimeField(_("종결일시"), null=True, blank=True)

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("하자보수 요청")
        verbose_name_plural = _("하자보수 요청")
        ordering = ["project_id", "-requested_at", "-pk"]

    def __str__(self):
        return f"{self.project} · {_('하자보수')} #{self.pk}"


class MaintenanceContract(PartOfProject, models.Model):
    """A maintenance contract the lead SME signed after the project (with the supplier or another
    provider), recorded for the programme's follow-up."""

    project = models.ForeignKey(
        "monitoring.Project",
        verbose_name=_("과제"),
        on_delete=models.CASCADE,
        related_name="maintenance_contracts",
    )
    provider_name = models.CharField(_("유지보수 업체"), max_length=160)
    with_supplier = models.BooleanField(_("과제 공급기업과의 계약"), default=False)
    starts_on = models.DateField(_("계약 시작일"))
    ends_on = models.DateField(_("계약 종료일"))
    annual_fee = models.BigIntegerField(_("연간 유지보수비(원)"), validators=[MinValueValidator(0)])
    scope = models.TextField(_("유지보수 범위"))
    document = models.FileField(_("계약서 파일"), upload_to=aftercare_path, max_length=200, blank=True)
    document_name = models.CharField(_("계약서 파일명"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("기록자"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("기록일시"))

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("유지보수 계약")
        verbose_name_plural = _("유지보수 계약")
        ordering = ["project_id", "-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="maintenance_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.project} · {self.provider_name}"


class ReportStatus(models.TextChoices):
    RECEIVED = "received", _("접수")
    UNDER_REVIEW = "under_review", _("검토 중")
    CONCLUDED = "concluded", _("처리 완료")


class ConsortiumRole(models.TextChoices):
    LEAD = "lead", _("주관 도입기업")
    SUPPLIER = "supplier", _("공급기업")
    LARGE_FIRM = "large_firm", _("대기업")


class UnfairPracticeReport(PartOfProject, models.Model):
    """A consortium party reports an unfair practice by another member to the operator running the
    call. Confidential: the reporting company and the call's staff read it, nobody else."""

    project = models.ForeignKey(
        "monitoring.Project",
        verbose_name=_("과제"),
        on_delete=models.CASCADE,
        related_name="unfair_practice_reports",
    )
    reporter_company = models.ForeignKey(
        "organizations.Company", verbose_name=_("신고 기업"), on_delete=models.PROTECT, related_name="+"
    )
    reporter_role = models.CharField(_("신고 기업의 역할"), max_length=12, choices=ConsortiumRole.choices)
    reported_company = models.ForeignKey(
        "organizations.Company", verbose_name=_("신고 대상 기업"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("신고 내용"))
    status = models.CharField(
        _("처리 상태"),
        max_length=14,
        choices=ReportStatus.choices,
        default=ReportStatus.RECEIVED,
        db_index=True,
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("신고자"), on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("신고일시"))
    review_started_at = models.DateTimeField(_("검토 시작일시"), null=True, blank=True)
    outcome = models.TextField(_("처리 결과"), blank=True)
    concluded_at = models.DateTimeField(_("처리 완료일시"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("처리 담당자"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = UnfairPracticeReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("불공정 행위 신고")
        verbose_name_plural = _("불공정 행위 신고")
        ordering = ["project_id", "-reported_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reporter_company=models.F("reported_company")), name="unfair_report_not_self"
            )
        ]

    def __str__(self):
        # Neutral on purpose: this text lands in audit events and admin lists.
        return f"{_('불공정 행위 신고')} #{self.pk}"

    @property
    def audit_company(self):
        """The reporting company, not the project's lead: the lead may be the one reported."""
        return self.reporter_company
