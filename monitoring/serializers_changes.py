"""Shapes in and out of the change-request API (monitoring/api_changes.py). Like serializers.py:
input shape only; monitoring.changes owns every rule, so the API and the pages say the same words."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from organizations.uploads import CheckedFileField

from . import rules
from .models import ChangeKind, ChangePath, ChangeRequest, ChangeStatus
from .serializers import _code, _id, _label, visible_projects

VALUE_FIELDS = (
    "ends_on",
    "supplier",
    "replaces",
    "postcode",
    "address",
    "address_detail",
    "ceo_name",
    "bank_name",
    "account_number",
    "account_holder",
    "description",
)


class ChangeRequestSerializer(serializers.ModelSerializer):
    """One change request. `values` holds the new values of its kind (extension: ends_on; supplier:
    supplier, company_id, name, replaces, replaces_name; address: postcode, address,
    address_detail; ceo: ceo_name; bank: bank_name, account_number, account_holder; other:
    description) and `previous` what they replace; `agreement` is the version that carries it."""

    project = serializers.IntegerField(source="project_id", read_only=True)
    kind = _code(ChangeKind.choices)
    kind_label = _label("get_kind_display")
    path = _code(ChangePath.choices)
    path_label = _label("get_path_display")
    status = _code(ChangeStatus.choices)
    status_label = _label("get_status_display")
    summary = serializers.SerializerMethodField()
    requested_by_name = serializers.CharField(source="requested_by.full_name", read_only=True)
    decided_by_name = serializers.CharField(source="decided_by.full_name", read_only=True, default=None)
    agreement = serializers.IntegerField(source="agreement_id", read_only=True, allow_null=True)
    agreement_version = serializers.IntegerField(source="agreement.version", read_only=True, default=None)
    evidence_url = serializers.SerializerMethodField()

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "project",
            "kind",
            "kind_label",
            "path",
            "path_label",
            "status",
            "status_label",
            "summary",
            "values",
            "previous",
            "reason",
            "evidence_name",
            "evidence_url",
            "requested_by_name",
            "requested_at",
            "decided_by_name",
            "decided_at",
            "decision_reason",
            "agreement",
            "agreement_version",
        ]
        read_only_fields = fields

    def get_summary(self, change) -> str:
        return str(rules.change_summary(change.kind, change.values))

    def get_evidence_url(self, change) -> str | None:
        if not change.evidence:
            return None
        return reverse("change-request-evidence", args=[change.pk])


class ChangeRequestCreateSerializer(serializers.Serializer):
    """multipart/form-data or JSON. Give the fields of the kind: extension `ends_on`; supplier
    `supplier` (a registered SupplierProfile id) and, when the agreement has more than one supplier,
    `replaces` (the company id of the supplier party to replace); address `address` (and
    `postcode`, `address_detail`); ceo `ceo_name`; bank `bank_name`, `account_number` (10–16
    digits, hyphens allowed), `account_holder`; other `description`. `evidence` is checked by its
    content."""

    project = _id(visible_projects, _("없는 과제입니다."))
    kind = serializers.ChoiceField(choices=ChangeKind.choices)
    reason = serializers.CharField(max_length=2000)
    ends_on = serializers.DateField(required=False)
    supplier = serializers.IntegerField(required=False)
    replaces = serializers.IntegerField(required=False)
    postcode = serializers.CharField(max_length=5, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    address_detail = serializers.CharField(max_length=200, required=False, allow_blank=True)
    ceo_name = serializers.CharField(max_length=60, required=False, allow_blank=True)
    bank_name = serializers.CharField(max_length=40, required=False, allow_blank=True)
    account_number = serializers.CharField(max_length=30, required=False, allow_blank=True)
    account_holder = serializers.CharField(max_length=60, required=False, allow_blank=True)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    evidence = serializers.FileField(required=False, allow_null=True, default=None)

    def validate_evidence(self, value):
        if value is None:
            return None
        try:
            return CheckedFileField().clean(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class ChangeDecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="approve: an optional note; reject: required, the lead sees it.",
    )
