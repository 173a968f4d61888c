"""API for projects after selection (under /api/v1/): projects made from a final, released decision,
their versioned agreements and the parties' acceptances, the disbursement tranches and the
milestones.

- Operator staff of the call: create a project from a decision, amend its agreement (a new version
  with a reason), accept for the operator, approve tranches and record payment.
- The lead SME: accepts for its company, requests tranches, plans and completes milestones.
- Supplier and large-firm members: accept for their company; read their projects.
- Regional centre staff: read every project located in their centre's regions.

Thin by design: every object is looked up inside `visible_to(user)` (missing and forbidden are the
same 404); every write goes through `monitoring.services`, which checks the role (403) before the
business rules (400/409), and the answer is the row read again inside the user's scope.
"""

import ipaddress

from django.db.models import OuterRef, Prefetch, Subquery
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, parsers, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from applications.documents import zip_response
from organizations.pages import file_response
from sfms.middleware import received_at

from . import dossier, services
from .dashboard import open_flag_count
from .filters import (
    AgreementFilter,
    AgreementPartyFilter,
    MilestoneFilter,
    ProgressReportFilter,
    ProjectFilter,
    SiteVisitFilter,
    TrancheFilter,
)
from .models import Agreement, AgreementParty, Milestone, ProgressReport, Project, SiteVisit, Tranche
from .serializers import (
    AgreementAmendSerializer,
    AgreementPartySerializer,
    AgreementSerializer,
    MilestoneCreateSerializer,
    MilestoneSerializer,
    MilestoneUpdateSerializer,
    ProgressReportCreateSerializer,
    ProgressReportSerializer,
    ProjectCreateSerializer,
    ProjectDetailSerializer,
    ProjectSerializer,
    SiteVisitCreateSerializer,
    SiteVisitSerializer,
    TranchePaidSerializer,
    TrancheSerializer,
)

AUTH = [permissions.IsAuthenticated]
READ_WRITE = ["get", "post", "patch", "head", "options"]
READ_CREATE = ["get", "post", "head", "options"]

REFUSED = {
    403: OpenApiResponse(description="Not this user's to do (message names who may)"),
    409: OpenApiResponse(description="The state does not allow it (message says why)"),
}


def get_scoped(queryset, pk):
    """The row inside the scope, or 404: used again after every write."""
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def _valid(serializer_class, request, **kwargs):
    serializer = serializer_class(data=request.data, context={"request": request}, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def client_ip(request):
    """The address the request came from (REMOTE_ADDR, as the deployment's proxy sets it), or None
    when it is not an IP address."""
    try:
        return str(ipaddress.ip_address((request.META.get("REMOTE_ADDR") or "").strip()))
    except ValueError:
        return None


class ReadMixin:
    """`_read(pk)`: the row read again inside the user's scope, in the view's serializer."""

    def _read(self, pk, status_code=status.HTTP_200_OK):
        return Response(self.get_serializer(get_scoped(self.get_queryset(), pk)).data, status=status_code)


# --- projects ------------------------------------------------------------------------------------


def _latest_agreement(field):
    rows = Agreement.objects.unrestricted().filter(project=OuterRef("pk")).order_by("-version")
    return Subquery(rows.values(field)[:1])


def _projects(queryset):
    return (
        queryset.select_related("call", "lead", "region", "submission")
        .defer("submission__snapshot")
        .annotate(
            agreement_version=_latest_agreement("version"),
            agreement_status=_latest_agreement("status"),
            open_risk_flags=open_flag_count(),
        )
    )


def _parties():
    return AgreementParty.objects.unrestricted().select_related("accepted_by")


def _project_detail(queryset):
    agreements = (
        Agreement.objects.unrestricted()
        .order_by("-version")
        .select_related("issued_by")
        .prefetch_related(Prefetch("parties", queryset=_parties()))
    )
    return _projects(queryset).prefetch_related(
        Prefetch("agreements", queryset=agreements),
        Prefetch("tranches", queryset=Tranche.objects.unrestricted().order_by("order")),
        Prefetch("milestones", queryset=Milestone.objects.unrestricted()),
    )


@extend_schema_view(
    list=extend_schema(
        description="Projects the user may see: its company's (lead, supplier, large firm), the "
        "calls its operator runs, or those located in its regional centre's regions."
    ),
    retrieve=extend_schema(
        description="One project with its current agreement (parties and their acceptance), the "
        "earlier versions, the tranches and the milestones."
    ),
    create=extend_schema(
        request=ProjectCreateSerializer,
        responses={201: ProjectDetailSerializer, **REFUSED},
        description="Staff of the call: a final, released selection becomes a project, with its "
        "first agreement (awaiting every party) and its tranches.",
    ),
)
class ProjectViewSet(ReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    model = Project
    filterset_class = ProjectFilter
    permission_classes = AUTH
    http_method_names = READ_CREATE

    def get_queryset(self):
        visible = Project.objects.visible_to(self.request.user)
        return _projects(visible) if self.action == "list" else _project_detail(visible)

    def get_serializer_class(self):
        return ProjectSerializer if self.action == "list" else ProjectDetailSerializer

    def create(self, request):
        data = _valid(ProjectCreateSerializer, request)
        project = services.project_create(
            request.user, data["decision"], starts_on=data.get("starts_on"), now=received_at(request)
        )
        return self._read(project.pk, status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY, **REFUSED})
    @action(detail=True, methods=["get"])
    def dossier(self, request, pk=None):
        """The project dossier for auditors: a zip with every agreement version (PDF), progress
        reports and evidence, site visits and photos, tranches, milestones, risk flags, the other
        apps' records and the audit trail, with a SHA-256 manifest. Staff of the call, the regional
        centre of the project's region and platform admins; built synchronously; audited."""
        spool, name = dossier.download(request.user, self.get_object(), ip=client_ip(request))
        return zip_response(spool, name)


# --- agreements ----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(description="Agreement versions of the projects the user may see."),
)
class AgreementViewSet(ReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Every version of every visible project's agreement, with the frozen terms and the parties."""

    model = Agreement
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilter
    permission_classes = AUTH

    def get_queryset(self):
        return (
            Agreement.objects.visible_to(self.request.user)
            .select_related("project__call", "issued_by")
            .prefetch_related(Prefetch("parties", queryset=_parties()))
        )

    @extend_schema(request=AgreementAmendSerializer, responses={201: AgreementSerializer, **REFUSED})
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        """Staff of the call: issue a new version of the project's agreement, with the reason. Every
        party accepts it again; the version in force stays until the new one is accepted by all."""
        agreement = self.get_object()
        data = _valid(AgreementAmendSerializer, request)
        issued = services.agreement_issue(
            request.user, agreement.project, reason=data["reason"], now=received_at(request)
        )
        return self._read(issued.pk, status.HTTP_201_CREATED)


class AgreementPartyViewSet(
    ReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The parties to each agreement version and their acceptance (time, user; the IP to the
    call's staff)."""

    model = AgreementParty
    serializer_class = AgreementPartySerializer
    filterset_class = AgreementPartyFilter
    permission_classes = AUTH

    def get_queryset(self):
        return (
            AgreementParty.objects.visible_to(self.request.user)
            .select_related("agreement__project__call", "accepted_by")
            .defer("agreement__terms")
        )

    @extend_schema(request=None, responses={200: AgreementPartySerializer, **REFUSED})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept the agreement for this party, in its own account: the time the request arrived,
        the user and the IP are recorded. When the last party accepts, the version comes into
        force (see `agreement_status`)."""
        party = self.get_object()
        services.agreement_accept(request.user, party, ip=client_ip(request), now=received_at(request))
        return self._read(party.pk)


# --- tranches ------------------------------------------------------------------------------------


class TrancheViewSet(ReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Disbursement records per tranche (requested → approved → paid); no payment system behind
    them. The balance waits for a passed final inspection."""

    model = Tranche
    serializer_class = TrancheSerializer
    filterset_class = TrancheFilter
    permission_classes = AUTH

    def get_queryset(self):
        return Tranche.objects.visible_to(self.request.user).select_related("project")

    @extend_schema(request=None, responses={200: TrancheSerializer, **REFUSED})
    @action(detail=True, methods=["post"], url_path="request", url_name="request")
    def request_payment(self, request, pk=None):
        """The lead SME asks for this tranche (once the agreement is in force)."""
        tranche = self.get_object()
        services.tranche_request(request.user, tranche, now=received_at(request))
        return self._read(tranche.pk)

    @extend_schema(request=None, responses={200: TrancheSerializer, **REFUSED})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Staff of the call approve a requested tranche."""
        tranche = self.get_object()
        services.tranche_approve(request.user, tranche, now=received_at(request))
        return self._read(tranche.pk)

    @extend_schema(request=TranchePaidSerializer, responses={200: TrancheSerializer, **REFUSED})
    @action(detail=True, methods=["post"], url_path="paid", url_name="paid")
    def mark_paid(self, request, pk=None):
        """Staff of the call record the day an approved tranche was paid."""
        tranche = self.get_object()
        data = _valid(TranchePaidSerializer, request)
        services.tranche_mark_paid(request.user, tranche, paid_on=data["paid_on"])
        return self._read(tranche.pk)


# --- milestones ----------------------------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(
        request=MilestoneCreateSerializer,
        responses={201: MilestoneSerializer, **REFUSED},
        description="The lead SME (or staff of the call) plans a milestone inside the project period.",
    ),
    partial_update=extend_schema(
        request=MilestoneUpdateSerializer,
        responses={200: MilestoneSerializer, **REFUSED},
        description="Change a milestone or record the day it was done (today or earlier).",
    ),
)
class MilestoneViewSet(ReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    model = Milestone
    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilter
    permission_classes = AUTH
    http_method_names = READ_WRITE

    def get_queryset(self):
        return Milestone.objects.visible_to(self.request.user)

    def create(self, request):
        data = dict(_valid(MilestoneCreateSerializer, request))
        project = data.pop("project")
        milestone = services.milestone_save(request.user, project, data)
        return self._read(milestone.pk, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        milestone = self.get_object()
        data = dict(_valid(MilestoneUpdateSerializer, request, partial=True))
        services.milestone_save(request.user, milestone.project, data, milestone=milestone)
        return self._read(milestone.pk)


# --- progress reports and site visits ------------------------------------------------------------

UPLOAD_PARSERS = [parsers.MultiPartParser, parsers.FormParser, parsers.JSONParser]
FILE_RESPONSE = {(200, "application/octet-stream"): OpenApiTypes.BINARY}


@extend_schema_view(
    list=extend_schema(description="Progress reports of the projects the user may see."),
    create=extend_schema(
        request={
            "multipart/form-data": ProgressReportCreateSerializer,
            "application/json": ProgressReportCreateSerializer,
        },
        responses={201: ProgressReportSerializer, **REFUSED},
        description="The lead SME (reporter_role=lead) or a supplier party to the agreement "
        "(reporter_role=supplier) reports progress while the project is in progress: one report per "
        "role and period end, inside the period and not in the future; the percentage never goes "
        "down; spending is cumulative whole won, at most the total cost. The evidence file is "
        "checked by its content.",
    ),
)
class ProgressReportViewSet(
    ReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    model = ProgressReport
    serializer_class = ProgressReportSerializer
    filterset_class = ProgressReportFilter
    permission_classes = AUTH
    parser_classes = UPLOAD_PARSERS
    http_method_names = READ_CREATE

    def get_queryset(self):
        return ProgressReport.objects.visible_to(self.request.user).select_related("submitted_by")

    def create(self, request):
        data = dict(_valid(ProgressReportCreateSerializer, request))
        project = data.pop("project")
        report = services.progress_report_submit(request.user, project, now=received_at(request), **data)
        return self._read(report.pk, status.HTTP_201_CREATED)

    @extend_schema(responses=FILE_RESPONSE)
    @action(detail=True, methods=["get"])
    def evidence(self, request, pk=None):
        """The evidence file as uploaded, under its original name."""
        report = self.get_object()
        return file_response(report.evidence, report.evidence_name)


@extend_schema_view(
    list=extend_schema(description="Site visits to the projects the user may see."),
    create=extend_schema(
        request={
            "multipart/form-data": SiteVisitCreateSerializer,
            "application/json": SiteVisitCreateSerializer,
        },
        responses={201: SiteVisitSerializer, **REFUSED},
        description="Staff of a regional centre covering the project's region (recorded for the "
        "centre) or the call's staff (recorded for the call's operator) record a visit inside the "
        "project period, not in the future; a follow-up needs a due date on or after the visit. "
        "The photo is a JPG or PNG checked by its content. The lead SME is notified.",
    ),
)
class SiteVisitViewSet(ReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    model = SiteVisit
    serializer_class = SiteVisitSerializer
    filterset_class = SiteVisitFilter
    permission_classes = AUTH
    parser_classes = UPLOAD_PARSERS
    http_method_names = READ_CREATE

    def get_queryset(self):
        return SiteVisit.objects.visible_to(self.request.user).select_related("operator", "recorded_by")

    def create(self, request):
        data = dict(_valid(SiteVisitCreateSerializer, request))
        project = data.pop("project")
        visit = services.site_visit_record(request.user, project, **data)
        return self._read(visit.pk, status.HTTP_201_CREATED)

    @extend_schema(responses=FILE_RESPONSE)
    @action(detail=True, methods=["get"])
    def photo(self, request, pk=None):
        """The photo as uploaded, under its original name."""
        visit = self.get_object()
        return file_response(visit.photo, visit.photo_name)
