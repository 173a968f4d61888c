"""Aftercare API (under /api/v1/): defect repairs in the warranty period, maintenance contracts,
confidential unfair-practice reports and their handling, closing a project, the SME's rating of its
supplier and the next-level application.

Thin like monitoring's API: every object is read inside `visible_to(user)` (foreign = 404), every
write goes through `aftercare.services` (403 for the wrong role, 409/400 for the state or input, with
the service's words), and the answer is the row read again inside the user's scope.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from applications.models import Application
from monitoring.api import AUTH, FILE_RESPONSE, READ_CREATE, REFUSED, UPLOAD_PARSERS, ReadMixin, _valid
from organizations.pages import file_response
from sfms.middleware import received_at

from . import services
from .models import DefectRepair, MaintenanceContract, UnfairPracticeReport
from .serializers import (
    DefectRepairCreateSerializer,
    DefectRepairSerializer,
    DefectRespondSerializer,
    DefectSatisfactionSerializer,
    MaintenanceContractCreateSerializer,
    MaintenanceContractSerializer,
    NextLevelOutSerializer,
    NextLevelSerializer,
    ProjectClosedSerializer,
    ProjectClosingSerializer,
    SupplierRatingSerializer,
    SupplierReviewOutSerializer,
    UnfairConcludeSerializer,
    UnfairPracticeReportCreateSerializer,
    UnfairPracticeReportSerializer,
)


def _project_filter(queryset, request):
    project = request.query_params.get("project")
    if project is not None:
        queryset = queryset.filter(project_id=project) if project.isdigit() else queryset.none()
    return queryset


@extend_schema_view(
    list=extend_schema(description="Defect-repair requests of the projects the user may see (?project=id)."),
    create=extend_schema(
        request={
            "multipart/form-data": DefectRepairCreateSerializer,
            "application/json": DefectRepairCreateSerializer,
        },
        responses={201: DefectRepairSerializer, **REFUSED},
        description="The lead SME asks the supplier to repair a defect, only within the warranty "
        "period (12 months from the day the final inspection was passed); outside it the 409 says "
        "when it ended. The attachment is checked by its content. Supplier members are notified.",
    ),
)
class DefectRepairViewSet(
    ReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    model = DefectRepair
    serializer_class = DefectRepairSerializer
    permission_classes = AUTH
    parser_classes = UPLOAD_PARSERS
    http_method_names = READ_CREATE

    def get_queryset(self):
        qs = DefectRepair.objects.visible_to(self.request.user).select_related("requested_by")
        return _project_filter(qs, self.request)

    def create(self, request):
        data = dict(_valid(DefectRepairCreateSerializer, request))
        project = data.pop("project")
        defect = services.defect_request(request.user, project, now=received_at(request), **data)
        return self._read(defect.pk, status.HTTP_201_CREATED)

    @extend_schema(request=DefectRespondSerializer, responses={200: DefectRepairSerializer, **REFUSED})
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        """A supplier party to the agreement records what it repaired and on which day."""
        defect = self.get_object()
        data = _valid(DefectRespondSerializer, request)
        services.defect_respond(request.user, defect, now=received_at(request), **data)
        return self._read(defect.pk)

    @extend_schema(request=DefectSatisfactionSerializer, responses={200: DefectRepairSerializer, **REFUSED})
    @action(detail=True, methods=["post"])
    def satisfaction(self, request, pk=None):
        """The lead SME closes an answered request with its satisfaction (1–5) and a comment."""
        defect = self.get_object()
        data = _valid(DefectSatisfactionSerializer, request)
        services.defect_satisfaction(
            request.user, defect, score=data["score"], comment=data["comment"], now=received_at(request)
        )
        return self._read(defect.pk)

    @extend_schema(responses=FILE_RESPONSE)
    @action(detail=True, methods=["get"])
    def attachment(self, request, pk=None):
        """The attached file as uploaded, under its original name."""
        defect = self.get_object()
        return file_response(defect.attachment, defect.attachment_name)


@extend_schema_view(
    list=extend_schema(description="Maintenance contracts of the projects the user may see (?project=id)."),
    create=extend_schema(
        request={
            "multipart/form-data": MaintenanceContractCreateSerializer,
            "application/json": MaintenanceContractCreateSerializer,
        },
        responses={201: MaintenanceContractSerializer, **REFUSED},
        description="The lead SME records a maintenance contract: provider (the supplier or another "
        "firm), period (end after start), annual fee in whole won, scope, optional contract file.",
    ),
)
class MaintenanceContractViewSet(
    ReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    model = MaintenanceContract
    serializer_class = MaintenanceContractSerializer
    permission_classes = AUTH
    parser_classes = UPLOAD_PARSERS
    http_method_names = READ_CREATE

    def get_queryset(self):
        return _project_filter(MaintenanceContract.objects.visible_to(self.request.user), self.request)

    def create(self, request):
        data = dict(_valid(MaintenanceContractCreateSerializer, request))
        project = data.pop("project")
        contract = services.maintenance_record(request.user, project, now=received_at(request), **data)
        return self._read(contract.pk, status.HTTP_201_CREATED)

    @extend_schema(responses=FILE_RESPONSE)
    @action(detail=True, methods=["get"])
    def document(self, request, pk=None):
        """The contract file as uploaded, under its original name."""
        contract = self.get_object()
        return file_response(contract.document, contract.document_name)


@extend_schema_view(
    list=extend_schema(
        description="Unfair-practice reports the user may read: those its company made, or, for the "
        "call's staff, those about the calls its operator runs. Never the reported company's, never "
        "a regional centre's."
    ),
    create=extend_schema(
        request=UnfairPracticeReportCreateSerializer,
        responses={201: UnfairPracticeReportSerializer, **REFUSED},
        description="A party to the project's agreement (lead SME, supplier, large firm) reports an "
        "unfair practice by another party. The call's staff are notified; the reported company is not.",
    ),
)
class UnfairPracticeReportViewSet(
    ReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    model = UnfairPracticeReport
    serializer_class = UnfairPracticeReportSerializer
    permission_classes = AUTH
    http_method_names = READ_CREATE

    def get_queryset(self):
        qs = UnfairPracticeReport.objects.visible_to(self.request.user).select_related(
            "reporter_company", "reported_company"
        )
        return _project_filter(qs, self.request)

    def create(self, request):
        data = dict(_valid(UnfairPracticeReportCreateSerializer, request))
        project = data.pop("project")
        report = services.unfair_report(request.user, project, now=received_at(request), **data)
        return self._read(report.pk, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: UnfairPracticeReportSerializer, **REFUSED})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """The call's staff start reviewing a received report."""
        report = self.get_object()
        services.unfair_review(request.user, report, now=received_at(request))
        return self._read(report.pk)

    @extend_schema(
        request=UnfairConcludeSerializer, responses={200: UnfairPracticeReportSerializer, **REFUSED}
    )
    @action(detail=True, methods=["post"])
    def conclude(self, request, pk=None):
        """The call's staff record the outcome of a report under review."""
        report = self.get_object()
        data = _valid(UnfairConcludeSerializer, request)
        services.unfair_conclude(request.user, report, outcome=data["outcome"], now=received_at(request))
        return self._read(report.pk)


class ProjectClosingViewSet(viewsets.GenericViewSet):
    """Staff of the call close a project: only after the final inspection was passed and every
    tranche is paid (the 409 names what is missing)."""

    permission_classes = AUTH
    serializer_class = ProjectClosingSerializer

    @extend_schema(request=ProjectClosingSerializer, responses={200: ProjectClosedSerializer, **REFUSED})
    def create(self, request):
        data = _valid(ProjectClosingSerializer, request)
        project = services.project_close(
            request.user, data["project"], reason=data["reason"], now=received_at(request)
        )
        return Response(ProjectClosedSerializer(project).data)


class SupplierRatingViewSet(viewsets.GenericViewSet):
    """The lead SME rates its supplier (1–5 and a comment) once per project, after it is closed."""

    permission_classes = AUTH
    serializer_class = SupplierRatingSerializer

    @extend_schema(request=SupplierRatingSerializer, responses={201: SupplierReviewOutSerializer, **REFUSED})
    def create(self, request):
        data = dict(_valid(SupplierRatingSerializer, request))
        project = data.pop("project")
        review = services.supplier_rate(request.user, project, **data)
        return Response(SupplierReviewOutSerializer(review).data, status=status.HTTP_201_CREATED)


class NextLevelApplicationViewSet(viewsets.GenericViewSet):
    """After closing, the lead SME starts a draft application for a higher-level track of an open
    call, pre-filled from the project (plan texts) with the same supplier invited. Asking again for
    the same track returns the existing draft."""

    permission_classes = AUTH
    serializer_class = NextLevelSerializer

    @extend_schema(request=NextLevelSerializer, responses={201: NextLevelOutSerializer, **REFUSED})
    def create(self, request):
        data = _valid(NextLevelSerializer, request)
        application = services.next_level_application(
            request.user, data["project"], track=data["track"], now=received_at(request)
        )
        application = Application.objects.visible_to(request.user).get(pk=application.pk)
        return Response(NextLevelOutSerializer(application).data, status=status.HTTP_201_CREATED)
