"""API for interim checks and final inspections (under /api/v1/).

- Regional centre staff covering the project's region (or the call's staff): record interim checks.
- The call's staff: appoint the supervising inspector (POST /inspections/).
- The inspector: checks the checklist items, records the result with the supplier rating, confirms
  or returns corrective actions.
- The lead SME: plans corrective actions and reports their results.

Thin: every object is looked up inside `visible_to(user)` (the inspector also sees what they are
appointed to); every write goes through `inspections.services` (403 role, 400/409 rules)."""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, parsers, permissions, status, viewsets
from rest_framework.decorators import action

from monitoring.api import ReadMixin, _valid
from organizations.pages import file_response
from sfms.middleware import received_at

from . import services
from .models import ChecklistItem, CorrectiveAction, FinalInspection, InterimCheck
from .serializers import (
    ActionPlanSerializer,
    ActionReportSerializer,
    ActionReviewSerializer,
    ChecklistItemSerializer,
    ChecklistItemUpdateSerializer,
    CorrectiveActionSerializer,
    FinalInspectionSerializer,
    InspectionAppointSerializer,
    InspectionResultSerializer,
    InterimCheckCreateSerializer,
    InterimCheckSerializer,
)

AUTH = [permissions.IsAuthenticated]
READ_CREATE = ["get", "post", "head", "options"]
READ_WRITE = ["get", "post", "patch", "head", "options"]
REFUSED = {
    403: OpenApiResponse(description="Not this user's to do (message names who may)"),
    409: OpenApiResponse(description="The state does not allow it (message says why)"),
}
UPLOAD_PARSERS = [parsers.MultiPartParser, parsers.FormParser, parsers.JSONParser]


def _actions(data):
    return [(a["text"], a["due_on"]) for a in data.get("actions") or ()]


@extend_schema_view(
    list=extend_schema(description="Interim checks of the projects the user may see."),
    create=extend_schema(
        request=InterimCheckCreateSerializer,
        responses={201: InterimCheckSerializer, **REFUSED},
        description="A regional centre covering the project's region (or the call's staff) records "
        "the mid-term check of a project in progress: dated inside the period, not in the future, "
        "between 30% and 70% of the period; delayed or at risk needs follow-up actions with due dates.",
    ),
)
class InterimCheckViewSet(
    ReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    model = InterimCheck
    serializer_class = InterimCheckSerializer
    permission_classes = AUTH
    http_method_names = READ_CREATE

    def get_queryset(self):
        return InterimCheck.objects.visible_to(self.request.user).select_related("operator", "recorded_by")

    def create(self, request):
        data = _valid(InterimCheckCreateSerializer, request)
        check = services.interim_check_record(
            request.user,
            data["project"],
            checked_on=data["checked_on"],
            findings=data["findings"],
            progress=data["progress"],
            actions=_actions(data),
            now=received_at(request),
        )
        return self._read(check.pk, status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        description="Final inspections of the projects the user may see, and those the user is "
        "appointed to inspect, with the checklist and corrective actions."
    ),
    create=extend_schema(
        request=InspectionAppointSerializer,
        responses={201: FinalInspectionSerializer, **REFUSED},
        description="Staff of the call appoint the supervising inspector of a project in progress "
        "(an evaluator of the operator's pool or a staff member; nobody affiliated with the lead "
        "or the supplier). The project moves to 'inspection'.",
    ),
)
class FinalInspectionViewSet(
    ReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    model = FinalInspection
    serializer_class = FinalInspectionSerializer
    permission_classes = AUTH
    http_method_names = READ_CREATE

    def get_queryset(self):
        return FinalInspection.objects.visible_to(self.request.user).prefetch_related(
            Prefetch("items", queryset=ChecklistItem.objects.unrestricted().order_by("pk")),
            Prefetch("actions", queryset=CorrectiveAction.objects.unrestricted().order_by("due_on", "pk")),
        )

    def create(self, request):
        data = _valid(InspectionAppointSerializer, request)
        inspection = services.inspection_appoint(
            request.user, data["project"], inspector=data["inspector"], now=received_at(request)
        )
        return self._read(inspection.pk, status.HTTP_201_CREATED)

    @extend_schema(request=InspectionResultSerializer, responses={200: FinalInspectionSerializer, **REFUSED})
    @action(detail=True, methods=["post"])
    def result(self, request, pk=None):
        """The inspector records the result and the supplier rating. A pass lets the balance
        tranche be requested; a conditional pass opens the corrective actions."""
        inspection = self.get_object()
        data = _valid(InspectionResultSerializer, request)
        services.inspection_result_record(
            request.user,
            inspection,
            result=data["result"],
            note=data["note"],
            actions=_actions(data),
            supplier_score=data.get("supplier_score"),
            supplier_comment=data["supplier_comment"],
            now=received_at(request),
        )
        return self._read(inspection.pk)


@extend_schema_view(
    partial_update=extend_schema(
        request={
            "multipart/form-data": ChecklistItemUpdateSerializer,
            "application/json": ChecklistItemUpdateSerializer,
        },
        responses={200: ChecklistItemSerializer, **REFUSED},
        description="The inspector checks the item (or not, with the reason in `note`) and may "
        "attach an evidence file checked by its content, until the result is recorded.",
    ),
)
class ChecklistItemViewSet(
    ReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    model = ChecklistItem
    serializer_class = ChecklistItemSerializer
    permission_classes = AUTH
    parser_classes = UPLOAD_PARSERS
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return ChecklistItem.objects.visible_to(self.request.user)

    def partial_update(self, request, pk=None):
        item = self.get_object()
        data = _valid(ChecklistItemUpdateSerializer, request)
        services.checklist_item_save(
            request.user,
            item,
            checked=data["checked"],
            note=data["note"],
            evidence=data["evidence"],
            now=received_at(request),
        )
        return self._read(item.pk)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def evidence(self, request, pk=None):
        """The evidence file as uploaded, under its original name."""
        item = self.get_object()
        return file_response(item.evidence, item.evidence_name)


class CorrectiveActionViewSet(
    ReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Corrective actions of a conditional pass: plan (lead) → result (lead) → confirmation
    (inspector, or returned with a note). When all are confirmed the inspection passes."""

    model = CorrectiveAction
    serializer_class = CorrectiveActionSerializer
    permission_classes = AUTH

    def get_queryset(self):
        return CorrectiveAction.objects.visible_to(self.request.user)

    @extend_schema(request=ActionPlanSerializer, responses={200: CorrectiveActionSerializer, **REFUSED})
    @action(detail=True, methods=["post"])
    def plan(self, request, pk=None):
        """The lead SME writes (or, after a return, rewrites) its plan."""
        obj = self.get_object()
        data = _valid(ActionPlanSerializer, request)
        services.action_plan(request.user, obj, plan=data["plan"], now=received_at(request))
        return self._read(obj.pk)

    @extend_schema(request=ActionReportSerializer, responses={200: CorrectiveActionSerializer, **REFUSED})
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        """The lead SME reports the result of a planned action."""
        obj = self.get_object()
        data = _valid(ActionReportSerializer, request)
        services.action_report(request.user, obj, result=data["result"], now=received_at(request))
        return self._read(obj.pk)

    @extend_schema(request=ActionReviewSerializer, responses={200: CorrectiveActionSerializer, **REFUSED})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """The inspector confirms a reported action."""
        obj = self.get_object()
        data = _valid(ActionReviewSerializer, request)
        services.action_review(request.user, obj, confirm=True, note=data["note"], now=received_at(request))
        return self._read(obj.pk)

    @extend_schema(request=ActionReviewSerializer, responses={200: CorrectiveActionSerializer, **REFUSED})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def send_back(self, request, pk=None):
        """The inspector returns a reported action with what to improve (`note` required)."""
        obj = self.get_object()
        data = _valid(ActionReviewSerializer, request)
        services.action_review(request.user, obj, confirm=False, note=data["note"], now=received_at(request))
        return self._read(obj.pk)
