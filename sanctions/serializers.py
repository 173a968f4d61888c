"""Shapes in and out of the sanctions API. Serializers check the shape of input only (types,
lengths, ids inside the user's scope) and never save: the views hand `validated_data` to
`sanctions.services`, which owns every business rule. Money is whole won (integers)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from monitoring.models import Project
from monitoring.serializers import _code, _id, _label
from organizations.models import Company

from .models import OrderStatus, ProjectAbandonment, ReasonKind, Repayment, RepaymentOrder, Restriction
from .services import operators_for

MAX_WON = 10**15


def staff_projects(user, context=None):
    return Project.objects.run_by(user)


def visible_companies(user, context=None):
    return Company.objects.visible_to(user)


def my_operators(user, context=None):
    return operators_for(user)


def my_orders(user, context=None):
    return RepaymentOrder.objects.run_by(user)


# --- restrictions --------------------------------------------------------------------------------


class RestrictionSerializer(serializers.ModelSerializer):
    """A participation restriction. `active` says whether it is in force today."""

    operator = serializers.IntegerField(source="operator_id", read_only=True)
    operator_name = serializers.CharField(source="operator.name_ko", read_only=True)
    company = serializers.IntegerField(source="company_id", read_only=True)
    company_name = serializers.CharField(source="company.name", read_only=True)
    project = serializers.IntegerField(source="project_id", read_only=True, allow_null=True)
    reason_kind = _code(ReasonKind.choices)
    reason_kind_label = _label("get_reason_kind_display")
    active = serializers.SerializerMethodField()

    class Meta:
        model = Restriction
        fields = [
            "id",
            "operator",
            "operator_name",
            "company",
            "company_name",
            "project",
            "reason_kind",
            "reason_kind_label",
            "reason",
            "starts_on",
            "ends_on",
            "active",
            "imposed_at",
            "lifted_on",
            "lift_reason",
            "lifted_at",
        ]
        read_only_fields = fields

    def get_active(self, restriction) -> bool:
        from django.utils import timezone

        return restriction.is_active_on(timezone.localdate())


class RestrictionCreateSerializer(serializers.Serializer):
    operator = _id(
        my_operators,
        _("참여 제한을 처분할 수 있는 운영기관이 아닙니다."),
        required=False,
        help_text="The imposing operator (one where the user is admin or staff); may be left out "
        "when the user has exactly one.",
    )
    company = _id(visible_companies, _("찾을 수 없는 기업입니다. 기업 번호를 확인해 주십시오."))
    project = _id(
        staff_projects,
        _("이 운영기관이 운영하는 과제가 아닙니다."),
        required=False,
        allow_null=True,
        help_text="The related project (optional; required when reason_kind is abandoned).",
    )
    reason_kind = serializers.ChoiceField(choices=ReasonKind.choices)
    reason = serializers.CharField(max_length=4000, allow_blank=True)
    starts_on = serializers.DateField(required=False, allow_null=True, help_text="Default: today.")
    ends_on = serializers.DateField(
        required=False, allow_null=True, help_text="Default: three years from the start, less a day."
    )


class LiftSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000, allow_blank=True)


# --- abandonment ---------------------------------------------------------------------------------


class AbandonmentSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id", read_only=True)
    project_title = serializers.CharField(source="project.title", read_only=True)
    recorded_by_name = serializers.CharField(source="recorded_by.full_name", read_only=True)

    class Meta:
        model = ProjectAbandonment
        fields = [
            "id",
            "project",
            "project_title",
            "reason",
            "previous_status",
            "recorded_by_name",
            "recorded_at",
        ]
        read_only_fields = fields


class AbandonmentCreateSerializer(serializers.Serializer):
    project = _id(staff_projects, _("이 운영기관이 운영하는 과제가 아닙니다."))
    reason = serializers.CharField(max_length=4000, allow_blank=True)


# --- repayment orders and repayments -------------------------------------------------------------


class RepaymentSerializer(serializers.ModelSerializer):
    order = serializers.IntegerField(source="order_id", read_only=True)

    class Meta:
        model = Repayment
        fields = ["id", "order", "amount", "paid_on", "note", "recorded_at"]
        read_only_fields = fields


class RepaymentOrderSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id", read_only=True)
    project_title = serializers.CharField(source="project.title", read_only=True)
    status = _code(OrderStatus.choices)
    status_label = _label("get_status_display")
    repaid = serializers.SerializerMethodField()
    outstanding = serializers.SerializerMethodField()
    repayments = RepaymentSerializer(many=True, read_only=True)

    class Meta:
        model = RepaymentOrder
        fields = [
            "id",
            "project",
            "project_title",
            "amount",
            "repaid",
            "outstanding",
            "due_on",
            "reason",
            "status",
            "status_label",
            "ordered_at",
            "settled_on",
            "repayments",
        ]
        read_only_fields = fields

    def get_repaid(self, order) -> int:
        return sum(r.amount for r in order.repayments.all())

    def get_outstanding(self, order) -> int:
        return order.amount - self.get_repaid(order)


class RepaymentOrderCreateSerializer(serializers.Serializer):
    project = _id(staff_projects, _("이 운영기관이 운영하는 과제가 아닙니다."))
    amount = serializers.IntegerField(min_value=1, max_value=MAX_WON, help_text="Whole won.")
    due_on = serializers.DateField()
    reason = serializers.CharField(max_length=4000, allow_blank=True)


class RepaymentCreateSerializer(serializers.Serializer):
    order = _id(my_orders, _("기록할 수 있는 환수 명령이 아닙니다."))
    amount = serializers.IntegerField(min_value=1, max_value=MAX_WON, help_text="Whole won.")
    paid_on = serializers.DateField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
