"""Shapes in and out of the inspections API. Serializers check the shape of input only; the views
hand `validated_data` to `inspections.services`, which owns every rule (who may act, what state
allows it, dates), so an API client and a page get the same words. Codes are documented strings."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from monitoring.serializers import visible_projects
from organizations.models import User
from organizations.uploads import CheckedFileField
from programs.serializers import ScopedIdField

from .models import (
    ActionStatus,
    ChecklistItem,
    ChecklistKey,
    CorrectiveAction,
    FinalInspection,
    InspectionResult,
    InspectionStatus,
    InspectorKind,
    InterimCheck,
    Progress,
)


def _code(choices):
    return serializers.CharField(read_only=True, help_text=", ".join(str(v) for v, _l in choices))


class DueActionSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=4000)
    due_on = serializers.DateField()


class InterimCheckSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id", read_only=True)
    operator = serializers.IntegerField(source="operator_id", read_only=True)
    operator_name = serializers.CharField(source="operator.name_ko", read_only=True)
    progress = _code(Progress.choices)
    progress_label = serializers.CharField(source="get_progress_display", read_only=True)
    actions = DueActionSerializer(many=True, read_only=True)
    recorded_by_name = serializers.CharField(source="recorded_by.full_name", read_only=True)

    class Meta:
        model = InterimCheck
        fields = [
            "id",
            "project",
            "operator",
            "operator_name",
            "checked_on",
            "findings",
            "progress",
            "progress_label",
            "actions",
            "recorded_by_name",
            "recorded_at",
        ]
        read_only_fields = fields


class InterimCheckCreateSerializer(serializers.Serializer):
    """The check date must lie inside the project period and its mid-term window (30–70%)."""

    project = ScopedIdField(scope=visible_projects, error_messages={"not_found": _("없는 과제입니다.")})
    checked_on = serializers.DateField()
    findings = serializers.CharField(max_length=4000)
    progress = serializers.ChoiceField(choices=Progress.choices)
    actions = DueActionSerializer(many=True, required=False, default=list)


class ChecklistItemSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id", read_only=True)
    inspection = serializers.IntegerField(source="inspection_id", read_only=True)
    key = _code(ChecklistKey.choices)
    key_label = serializers.CharField(source="get_key_display", read_only=True)
    evidence_url = serializers.SerializerMethodField()

    class Meta:
        model = ChecklistItem
        fields = [
            "id",
            "project",
            "inspection",
            "key",
            "key_label",
            "checked",
            "note",
            "evidence_name",
            "evidence_url",
            "checked_at",
        ]
        read_only_fields = fields

    def get_evidence_url(self, item) -> str | None:
        return reverse("checklist-item-evidence", args=[item.pk]) if item.evidence else None


class ChecklistItemUpdateSerializer(serializers.Serializer):
    """multipart/form-data (or JSON without a file); `evidence` is checked by its content."""

    checked = serializers.BooleanField()
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    evidence = serializers.FileField(required=False, allow_null=True, default=None)

    def validate_evidence(self, value):
        if value is None:
            return None
        try:
            return CheckedFileField().clean(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class CorrectiveActionSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id", read_only=True)
    inspection = serializers.IntegerField(source="inspection_id", read_only=True)
    status = _code(ActionStatus.choices)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = CorrectiveAction
        fields = [
            "id",
            "project",
            "inspection",
            "description",
            "due_on",
            "status",
            "status_label",
            "plan",
            "planned_at",
            "result",
            "reported_at",
            "review_note",
            "confirmed_at",
        ]
        read_only_fields = fields


class FinalInspectionSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id", read_only=True)
    inspector = serializers.IntegerField(source="inspector_id", read_only=True)
    inspector_kind = _code(InspectorKind.choices)
    status = _code(InspectionStatus.choices)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    result = _code(InspectionResult.choices)
    items = ChecklistItemSerializer(many=True, read_only=True)
    actions = CorrectiveActionSerializer(many=True, read_only=True)

    class Meta:
        model = FinalInspection
        fields = [
            "id",
            "project",
            "inspector",
            "inspector_name",
            "inspector_kind",
            "status",
            "status_label",
            "appointed_at",
            "result",
            "result_note",
            "result_at",
            "supplier_score",
            "supplier_comment",
            "passed_at",
            "items",
            "actions",
        ]
        read_only_fields = fields


class InspectorField(serializers.IntegerField):
    def to_internal_value(self, data):
        pk = super().to_internal_value(data)
        user = User.objects.filter(pk=pk, is_active=True).first() if 0 < pk < 2**63 else None
        if user is None:
            raise serializers.ValidationError(_("감리 점검자로 지정할 수 없는 사용자입니다."))
        return user


class InspectionAppointSerializer(serializers.Serializer):
    """Staff of the call: an evaluator of the operator's pool or a staff member, not affiliated with
    the lead or the supplier."""

    project = ScopedIdField(scope=visible_projects, error_messages={"not_found": _("없는 과제입니다.")})
    inspector = InspectorField(help_text="User id of the inspector")


class InspectionResultSerializer(serializers.Serializer):
    """pass (every item checked), conditional (corrective actions with due dates), fail (reasons
    in `note`); the supplier rating 1–5 is required when the project has a supplier."""

    result = serializers.ChoiceField(choices=InspectionResult.choices)
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    actions = DueActionSerializer(many=True, required=False, default=list)
    supplier_score = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    supplier_comment = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class ActionPlanSerializer(serializers.Serializer):
    plan = serializers.CharField(max_length=4000)


class ActionReportSerializer(serializers.Serializer):
    result = serializers.CharField(max_length=4000)


class ActionReviewSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
