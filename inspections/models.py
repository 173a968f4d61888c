"""Interim checks at mid-term and the final inspection of a project: appointed inspector, checklist,
result, corrective actions, and the supplier-rating input. A pass releases the balance tranche.

- InterimCheck: a regional centre covering the project's region (or the call's staff) checks the
  project at mid-term (inside the window `rules.midterm_window` gives): findings, how progress is
  judged, and follow-up actions with due dates.
- FinalInspection: the call's staff appoint a supervising inspector; the inspector works through the
  checklist and records the result (pass, conditional pass with corrective actions, fail). At most
  one inspection per project that has not failed.
- ChecklistItem: one line of the inspection's checklist (checked or not, note, evidence file).
- CorrectiveAction: what a conditional pass asks for, run plan → result → confirmation.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from monitoring.models import PartOfProject
from monitoring.querysets import ProjectPartQuerySet

from .querysets import InspectionPartQuerySet


class Progress(models.TextChoices):
    ON_TRACK = "on_track", _("정상 진행")
    DELAYED = "delayed", _("지연")
    AT_RISK = "at_risk", _("위험")


class InterimCheck(PartOfProject, models.Model):
    """The mid-term check of a project by the regional centre (or the call's staff)."""

    project = models.ForeignKey(
        "monitoring.Project", verbose_name=_("과제"), on_delete=models.CASCADE, related_name="interim_checks"
    )
    operator = models.ForeignKey(
        "organizations.Operator", verbose_name=_("점검 기관"), on_delete=models.PROTECT, related_name="+"
    )
    checked_on = models.DateField(_("점검일"))
    findings = models.TextField(_("점검 내용"))
    progress = models.CharField(_("진행 판단"), max_length=10, choices=Progress.choices)
    actions = models.JSONField(
        _("후속 조치"), default=list, blank=True, help_text=_('[{"text": "...", "due_on": "YYYY-MM-DD"}]')
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("기록자"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("기록일시"))

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("중간 점검")
        verbose_name_plural = _("중간 점검")
        ordering = ["project_id", "-checked_on", "-pk"]

    def __str__(self):
        return f"{self.project} · {self.checked_on}"


class InspectionStatus(models.TextChoices):
    APPOINTED = "appointed", _("점검 중")
    CONDITIONAL = "conditional", _("조건부 통과(시정 조치 중)")
    PASSED = "passed", _("통과")
    FAILED = "failed", _("불합격")


class InspectionResult(models.TextChoices):
    PASS = "pass", _("통과")
    CONDITIONAL = "conditional", _("조건부 통과")
    FAIL = "fail", _("불합격")


class InspectorKind(models.TextChoices):
    EVALUATOR = "evaluator", _("평가위원(전문가)")
    STAFF = "staff", _("기관 담당자")


class FinalInspection(PartOfProject, models.Model):
    project = models.ForeignKey(
        "monitoring.Project",
        verbose_name=_("과제"),
        on_delete=models.CASCADE,
        related_name="final_inspections",
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("감리 점검자"), on_delete=models.PROTECT, related_name="+"
    )
    inspector_kind = models.CharField(_("점검자 구분"), max_length=10, choices=InspectorKind.choices)
    evaluator = models.ForeignKey(
        "evaluations.Evaluator",
        verbose_name=_("평가위원"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    inspector_name = models.CharField(_("점검자 성명"), max_length=80)
    status = models.CharField(
        _("상태"),
        max_length=12,
        choices=InspectionStatus.choices,
        default=InspectionStatus.APPOINTED,
        db_index=True,
    )
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("지정자"), on_delete=models.PROTECT, related_name="+"
    )
    appointed_at = models.DateTimeField(_("지정일시"))
    result = models.CharField(_("점검 결과"), max_length=12, choices=InspectionResult.choices, blank=True)
    result_note = models.TextField(_("결과 의견·불합격 사유"), blank=True)
    result_at = models.DateTimeField(_("결과 기록일시"), null=True, blank=True)
    supplier_score = models.PositiveSmallIntegerField(
        _("공급기업 평점(1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    supplier_comment = models.TextField(_("공급기업 평가 의견"), blank=True)
    passed_at = models.DateTimeField(_("통과일시"), null=True, blank=True)

    objects = InspectionPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("최종 점검")
        verbose_name_plural = _("최종 점검")
        ordering = ["project_id", "-appointed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"], condition=~Q(status="failed"), name="one_open_final_inspection"
            )
        ]

    def __str__(self):
        return f"{self.project} · {self.inspector_name}"


class ChecklistKey(models.TextChoices):
    INSTALLED = "installed", _("시스템 설치·정상 작동")
    DATA = "data", _("데이터 수집")
    KPIS = "kpis", _("성과 지표(KPI) 측정")
    EVIDENCE = "evidence", _("증빙 자료 제출")


def evidence_path(instance, filename):
    return f"projects/{instance.project_id}/inspection/{filename}"


class ChecklistItem(PartOfProject, models.Model):
    project = models.ForeignKey(
        "monitoring.Project", verbose_name=_("과제"), on_delete=models.CASCADE, related_name="+"
    )
    inspection = models.ForeignKey(
        FinalInspection, verbose_name=_("최종 점검"), on_delete=models.CASCADE, related_name="items"
    )
    key = models.CharField(_("점검 항목"), max_length=12, choices=ChecklistKey.choices)
    checked = models.BooleanField(_("확인"), default=False)
    note = models.TextField(_("점검 의견"), blank=True)
    evidence = models.FileField(_("증빙 파일"), upload_to=evidence_path, max_length=200, blank=True)
    evidence_name = models.CharField(_("증빙 파일명"), max_length=200, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("점검자"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("점검일시"), null=True, blank=True)

    objects = InspectionPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("점검표 항목")
        verbose_name_plural = _("점검표 항목")
        ordering = ["inspection_id", "pk"]
        constraints = [models.UniqueConstraint(fields=["inspection", "key"], name="checklist_item_once")]

    def __str__(self):
        return f"{self.inspection} · {self.get_key_display()}"


class ActionStatus(models.TextChoices):
    OPEN = "open", _("계획 대기")
    PLANNED = "planned", _("조치 계획 제출")
    REPORTED = "reported", _("조치 결과 보고")
    RETURNED = "returned", _("보완 요청")
    CONFIRMED = "confirmed", _("확인 완료")


class CorrectiveAction(PartOfProject, models.Model):
    project = models.ForeignKey(
        "monitoring.Project", verbose_name=_("과제"), on_delete=models.CASCADE, related_name="+"
    )
    inspection = models.ForeignKey(
        FinalInspection, verbose_name=_("최종 점검"), on_delete=models.CASCADE, related_name="actions"
    )
    description = models.TextField(_("시정 요구 사항"))
    due_on = models.DateField(_("조치 기한"))
    status = models.CharField(
        _("상태"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    plan = models.TextField(_("조치 계획"), blank=True)
    planned_at = models.DateTimeField(_("계획 제출일시"), null=True, blank=True)
    result = models.TextField(_("조치 결과"), blank=True)
    reported_at = models.DateTimeField(_("결과 보고일시"), null=True, blank=True)
    review_note = models.TextField(_("점검자 의견"), blank=True)
    confirmed_at = models.DateTimeField(_("확인일시"), null=True, blank=True)

    objects = InspectionPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("시정 조치")
        verbose_name_plural = _("시정 조치")
        ordering = ["inspection_id", "due_on", "pk"]

    def __str__(self):
        return f"{self.inspection} · {self.description[:30]}"
