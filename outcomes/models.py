"""Outcome tracking of a project's KPIs and the standard indicators: values at baseline, completion
and one year later, achievement and improvement rates, and the one-year survey.

The rules (units, plausible ranges, rates, the overall score) live in `monitoring.outcomes`; these
rows hold what a project agreed and what was measured:

- `OutcomeIndicator`: one per KPI of the frozen submission (source "kpi", weight 1) and one per
  standard outcome indicator the agreement has no KPI for (source "standard", weight 0: tracked
  and compared, not part of the overall score). Direction, unit, target and weight are fixed here.
- `OutcomeValue`: a measured value at one moment (baseline, completion, one year after completion),
  with who entered it and when and an evidence note. The baseline of an agreement KPI is its
  agreed current value, recorded when the indicators are prepared.
- `OutcomeSurvey`: the one-year survey of a project, each request and reminder sent once.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from monitoring.models import PartOfProject
from monitoring.querysets import ProjectPartQuerySet


class Source(models.TextChoices):
    KPI = "kpi", _("협약 성과지표")
    STANDARD = "standard", _("표준 성과지표")


class Direction(models.TextChoices):
    HIGHER = "higher", _("높을수록 좋음")
    LOWER = "lower", _("낮을수록 좋음")


class Moment(models.TextChoices):
    BASELINE = "baseline", _("도입 전(기준값)")
    COMPLETION = "completion", _("완료 시점")
    ONE_YEAR = "one_year", _("완료 1년 후")


VALUE_DIGITS = 16  # sales up to 10^13 won, two places


class OutcomeIndicator(PartOfProject, models.Model):
    project = models.ForeignKey(
        "monitoring.Project",
        verbose_name=_("과제"),
        on_delete=models.CASCADE,
        related_name="outcome_indicators",
    )
    code = models.CharField(_("지표 코드"), max_length=20)
    source = models.CharField(_("구분"), max_length=10, choices=Source.choices)
    name = models.CharField(_("지표명"), max_length=80)
    unit = models.CharField(_("단위"), max_length=20, blank=True)
    direction = models.CharField(_("방향"), max_length=6, choices=Direction.choices)
    target = models.DecimalField(
        _("목표값"), max_digits=VALUE_DIGITS, decimal_places=2, null=True, blank=True
    )
    weight = models.PositiveSmallIntegerField(_("가중치"), default=1, validators=[MaxValueValidator(100)])
    order = models.PositiveSmallIntegerField(_("순서"), default=0)
    created_at = models.DateTimeField(_("등록일시"), auto_now_add=True)

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("성과 지표")
        verbose_name_plural = _("성과 지표")
        ordering = ["project_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "order"], name="outcome_indicator_order_unique")
        ]

    def __str__(self):
        return f"{self.project} · {self.name}"


class OutcomeValue(PartOfProject, models.Model):
    project = models.ForeignKey(
        "monitoring.Project", verbose_name=_("과제"), on_delete=models.CASCADE, related_name="+"
    )
    indicator = models.ForeignKey(
        OutcomeIndicator, verbose_name=_("성과 지표"), on_delete=models.CASCADE, related_name="values"
    )
    moment = models.CharField(_("측정 시점"), max_length=10, choices=Moment.choices)
    value = models.DecimalField(_("값"), max_digits=VALUE_DIGITS, decimal_places=2)
    note = models.TextField(_("증빙 메모"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("입력자"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("입력일시"))

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("성과 측정값")
        verbose_name_plural = _("성과 측정값")
        ordering = ["indicator_id", "moment"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "moment"], name="outcome_value_once_per_moment")
        ]

    def __str__(self):
        return f"{self.indicator.name} · {self.get_moment_display()} · {self.value}"


class OutcomeSurvey(PartOfProject, models.Model):
    """The one-year survey: requested when completion is a year old, reminded after 14 and 28 days
    until the one-year values of every agreement KPI are entered. Each step is sent once."""

    project = models.OneToOneField(
        "monitoring.Project", verbose_name=_("과제"), on_delete=models.CASCADE, related_name="outcome_survey"
    )
    due_on = models.DateField(_("조사 기준일"))
    requested_at = models.DateTimeField(_("조사 요청일시"), null=True, blank=True)
    first_reminder_at = models.DateTimeField(_("1차 독촉일시"), null=True, blank=True)
    second_reminder_at = models.DateTimeField(_("2차 독촉일시"), null=True, blank=True)
    answered_at = models.DateTimeField(_("응답 완료일시"), null=True, blank=True)

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("1년 후 성과 조사")
        verbose_name_plural = _("1년 후 성과 조사")
        ordering = ["due_on", "pk"]

    def __str__(self):
        return f"{self.project} · {self.due_on}"
