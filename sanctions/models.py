"""Sanctions and clawback (issue 7, point 7): participation restrictions (a company — an SME or a
supplier — barred from every tenant's calls for a period, e.g. three years), projects marked
abandoned, and repayment orders for part or all of the grant with the repayments recorded.

Eligibility checks of every call and the supplier search honour restrictions (see
applications/selectors.py and suppliers/querysets.py); who reads what is in sanctions/querysets.py.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from monitoring.models import PartOfProject

from .querysets import AbandonmentQuerySet, RepaymentOrderQuerySet, RepaymentQuerySet, RestrictionQuerySet


class ReasonKind(models.TextChoices):
    FALSE_REPORT = "false_report", _("허위 보고")
    ABANDONED = "abandoned", _("과제 중도 포기")
    OTHER = "other", _("기타")


class Restriction(models.Model):
    """A company barred from applying to any call (as lead, supplier or consortium member) from
    `starts_on` to `ends_on`, both included, unless lifted earlier (`lifted_on` and after it is free).

    `reason` is for the imposing operator and the company only; other tenants see only the effect."""

    operator = models.ForeignKey(
        "organizations.Operator", verbose_name=_("처분 기관"), on_delete=models.PROTECT, related_name="+"
    )
    company = models.ForeignKey(
        "organizations.Company",
        verbose_name=_("제한 대상 기업"),
        on_delete=models.PROTECT,
        related_name="restrictions",
    )
    project = models.ForeignKey(
        "monitoring.Project",
        verbose_name=_("관련 과제"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason_kind = models.CharField(_("제한 사유 구분"), max_length=16, choices=ReasonKind.choices)
    reason = models.TextField(_("제한 사유"))
    starts_on = models.DateField(_("제한 시작일"))
    ends_on = models.DateField(_("제한 종료일"))
    imposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("처분자"), on_delete=models.PROTECT, related_name="+"
    )
    imposed_at = models.DateTimeField(_("처분일시"))
    lifted_on = models.DateField(_("해제일"), null=True, blank=True)
    lift_reason = models.TextField(_("해제 사유"), blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("해제자"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lifted_at = models.DateTimeField(_("해제일시"), null=True, blank=True)

    objects = RestrictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("참여 제한")
        verbose_name_plural = _("참여 제한")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="restriction_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.company} · {self.starts_on}~{self.ends_on}"

    @property
    def audit_operator(self):
        return self.operator

    @property
    def audit_company(self):
        return self.company

    def is_active_on(self, day):
        from .rules import restriction_in_force

        return restriction_in_force(self.starts_on, self.ends_on, self.lifted_on, day)


class ProjectAbandonment(PartOfProject, models.Model):
    """The record that the call's staff marked a project abandoned: who, when and why."""

    project = models.OneToOneField(
        "monitoring.Project", verbose_name=_("과제"), on_delete=models.PROTECT, related_name="abandonment"
    )
    reason = models.TextField(_("중도 포기 사유"))
    previous_status = models.CharField(_("이전 상태"), max_length=12)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("처리자"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("처리일시"))

    objects = AbandonmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("과제 중도 포기")
        verbose_name_plural = _("과제 중도 포기")
        ordering = ["-recorded_at", "-pk"]

    def __str__(self):
        return f"{self.project} · {self.recorded_at:%Y-%m-%d}"


class OrderStatus(models.TextChoices):
    OPEN = "open", _("환수 진행")
    SETTLED = "settled", _("환수 완료")


class RepaymentOrder(PartOfProject, models.Model):
    """An order to repay part or all of the government share paid for a project (whole won)."""

    project = models.ForeignKey(
        "monitoring.Project",
        verbose_name=_("과제"),
        on_delete=models.PROTECT,
        related_name="repayment_orders",
    )
    amount = models.BigIntegerField(_("환수 금액(원)"), validators=[MinValueValidator(1)])
    due_on = models.DateField(_("납부 기한"))
    reason = models.TextField(_("환수 사유"))
    status = models.CharField(
        _("상태"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.OPEN, db_index=True
    )
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("명령자"), on_delete=models.PROTECT, related_name="+"
    )
    ordered_at = models.DateTimeField(_("명령일시"))
    settled_on = models.DateField(_("환수 완료일"), null=True, blank=True)

    objects = RepaymentOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("환수 명령")
        verbose_name_plural = _("환수 명령")
        ordering = ["-ordered_at", "-pk"]

    def __str__(self):
        return f"{self.project} · {self.amount:,}"


class Repayment(models.Model):
    """Money repaid against an order, recorded by the call's staff (a record, no payment system)."""

    order = models.ForeignKey(
        RepaymentOrder, verbose_name=_("환수 명령"), on_delete=models.PROTECT, related_name="repayments"
    )
    amount = models.BigIntegerField(_("납부액(원)"), validators=[MinValueValidator(1)])
    paid_on = models.DateField(_("납부일"))
    note = models.CharField(_("비고"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("기록자"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("기록일시"))

    objects = RepaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("환수금 납부")
        verbose_name_plural = _("환수금 납부")
        ordering = ["order_id", "paid_on", "pk"]

    def __str__(self):
        return f"{self.order} · {self.paid_on} {self.amount:,}"

    @property
    def audit_operator(self):
        return self.order.project.call.operator

    @property
    def audit_company(self):
        return self.order.project.lead
