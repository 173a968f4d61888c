"""API for applications: drafts (start, autosave), KPIs, the consortium, documents, submission with
an `Idempotency-Key`, withdrawal, frozen submissions, eligibility runs and overrides,
clarification threads and centre support notes.

Thin by design: every object is looked up inside `visible_to(user)` (missing and forbidden are the
same 404: an SME sees its own company's applications, a supplier or large firm those it was invited
to, operator staff the submitted ones of their calls); every write goes through
`applications.services`, which checks the role (403) before the business rules (400/409), and the
answer is the row re-read inside the user's scope.
"""

import django_filters
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, parsers, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from organizations.access import principal_for
from organizations.errors import AccessDenied, DomainError
from organizations.models import Role
from sfms.api import domain_error_response
from sfms.middleware import received_at

from . import documents as copies
from . import services
from .filters import OUTCOME_LABELS, with_list_facts, with_supplier
from .models import (
    Application,
    ApplicationDocument,
    ApplicationStatus,
    Clarification,
    ClarificationMessage,
    ConsortiumMember,
    EligibilityResult,
    EligibilityRun,
    Kpi,
    MemberStatus,
    Submission,
    SupportNote,
)
from .serializers import (
    ActionReasonSerializer,
    ApplicationDetailSerializer,
    ApplicationDocumentSerializer,
    ApplicationDocumentUploadSerializer,
    ApplicationListSerializer,
    ApplicationStartSerializer,
    ApplicationUpdateSerializer,
    BlockersSerializer,
    ClarificationAskSerializer,
    ClarificationReplySerializer,
    ClarificationSerializer,
    ConsortiumInviteSerializer,
    ConsortiumMemberSerializer,
    ConsortiumNominateSerializer,
    ConsortiumRespondSerializer,
    EligibilityOverrideSerializer,
    EligibilityResultSerializer,
    EligibilityRunSerializer,
    KpiSerializer,
    KpiUpdateSerializer,
    SubmissionDetailSerializer,
    SubmissionSerializer,
    SupportNoteSerializer,
    blockers_body,
)

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description="Any unique string per submit action (up to 64 characters). Repeating the request with "
    "the same key answers 200 with the same receipt instead of submitting twice.",
)


def get_scoped(queryset, pk):
    """The row inside the scope, or 404: used again after every write."""
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


# --- filters ---------------------------------------------------------------------------------------


class ApplicationFilter(django_filters.FilterSet):
    """The operator list's filters (applications.filters), by id and code for API clients."""

    status = django_filters.ChoiceFilter(label=_("상태"), choices=ApplicationStatus.choices)
    call = django_filters.NumberFilter(label=_("공고 ID"), field_name="call_id")
    track = django_filters.NumberFilter(label=_("지원 유형 ID"), field_name="track_id")
    region = django_filters.CharFilter(
        label=_("주관 도입기업 지역 코드(예: 48)"), field_name="lead__region_id"
    )
    eligibility = django_filters.ChoiceFilter(
        label=_("최근 자격 확인 결과"), choices=list(OUTCOME_LABELS.items()), method="filter_eligibility"
    )
    supplier = django_filters.CharFilter(
        label=_("공급기업 이름 또는 사업자등록번호"), method="filter_supplier"
    )

    class Meta:
        model = Application
        fields = ["status", "call", "track", "region", "eligibility", "supplier"]

    def filter_eligibility(self, queryset, name, value):
        return with_list_facts(queryset).filter(eligibility_outcome=value)

    def filter_supplier(self, queryset, name, value):
        return with_supplier(queryset, value)


class ApplicationPartFilter(django_filters.FilterSet):
    application = django_filters.NumberFilter(label=_("신청서 ID"), field_name="application_id")


class EligibilityRunFilter(django_filters.FilterSet):
    submission = django_filters.NumberFilter(label=_("제출본 ID"), field_name="submission_id")
    application = django_filters.NumberFilter(label=_("신청서 ID"), field_name="submission__application_id")


# --- applications -------------------------------------------------------------------------------------


def _detail_queryset(queryset):
    return queryset.select_related("call", "track", "lead", "lead__region").prefetch_related(
        "kpis",
        Prefetch("members", queryset=ConsortiumMember.objects.unrestricted().select_related("company")),
        Prefetch("documents", queryset=ApplicationDocument.objects.unrestricted().order_by("kind", "pk")),
    )


@extend_schema_view(
    list=extend_schema(description="Applications the user may see, newest change first."),
    create=extend_schema(
        request=ApplicationStartSerializer,
        responses={201: ApplicationDetailSerializer},
        description="Start (or return) the company's draft for a track.",
    ),
    partial_update=extend_schema(
        request=ApplicationUpdateSerializer,
        responses=ApplicationDetailSerializer,
        description="Autosave part of the draft; incomplete is fine, submission checks completeness.",
    ),
)
class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    model = Application
    serializer_class = ApplicationDetailSerializer
    filterset_class = ApplicationFilter
    permission_classes = [permissions.IsAuthenticated]
    ordering_fields = ["updated_at", "submitted_at", "created_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        queryset = Application.objects.visible_to(self.request.user)
        if self.action == "list":
            return queryset.select_related("call", "track", "lead")
        return _detail_queryset(queryset)

    def get_serializer_class(self):
        return ApplicationListSerializer if self.action == "list" else ApplicationDetailSerializer

    def _detail(self, pk, status_code=status.HTTP_200_OK):
        application = get_scoped(_detail_queryset(Application.objects.visible_to(self.request.user)), pk)
        return Response(ApplicationDetailSerializer(application).data, status=status_code)

    def create(self, request):
        p = principal_for(request.user)
        if not (p.is_platform_admin or p.company_ids_with(Role.SME_MEMBER)):
            raise AccessDenied(_("도입기업 담당자만 사업을 신청할 수 있습니다."))
        now = received_at(request)
        serializer = ApplicationStartSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        company = serializer.validated_data.get("company")
        if company is None:
            from organizations.models import Company

            ids = p.company_ids_with(Role.SME_MEMBER)
            if len(ids) != 1:
                raise DomainError(_("신청할 도입기업을 골라 주십시오."), "required", "company")
            company = Company.objects.unrestricted().get(pk=next(iter(ids)))
        application = services.application_start(
            request.user, track=serializer.validated_data["track"], company=company, now=now
        )
        return self._detail(application.pk, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        application = self.get_object()
        serializer = ApplicationUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.application_update(request.user, application, dict(serializer.validated_data))
        return self._detail(application.pk)

    @extend_schema(request=None, responses=BlockersSerializer)
    @action(detail=True, methods=["get"])
    def blockers(self, request, pk=None):
        """Everything that stops submission now, grouped by task-list section."""
        now = received_at(request)
        application = self.get_object()
        return Response(
            BlockersSerializer(blockers_body(services.submission_blockers(application, now))).data
        )

    @extend_schema(
        request=None,
        parameters=[IDEMPOTENCY_HEADER],
        responses={
            201: SubmissionSerializer,
            200: OpenApiResponse(SubmissionSerializer, description="A repeat: the same receipt"),
            400: OpenApiResponse(description="Not complete: every blocker by section in `errors`"),
            409: OpenApiResponse(description="The call is closed (the server clock, Asia/Seoul)"),
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit and freeze the application. The moment the request arrived decides lateness; it
        is sent back in `X-Received-At` (ISO 8601, Asia/Seoul) with every answer."""
        now = received_at(request)
        application = self.get_object()
        key = request.headers.get("Idempotency-Key", "")
        try:
            submission, created = services.application_submit(
                request.user, application, idempotency_key=key, now=now
            )
        except DomainError as error:
            response = domain_error_response(error)
        else:
            body = SubmissionSerializer(submission).data
            response = Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
        response["X-Received-At"] = timezone.localtime(now).isoformat()
        return response

    @extend_schema(request=ActionReasonSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw before the deadline; the draft opens again and a resubmission is version 2."""
        now = received_at(request)
        application = self.get_object()
        serializer = ActionReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.application_withdraw(
            request.user, application, reason=serializer.validated_data["reason"], now=now
        )
        return self._detail(application.pk)


# --- KPIs ---------------------------------------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(request=KpiSerializer, responses={201: KpiSerializer}),
    partial_update=extend_schema(request=KpiUpdateSerializer, responses=KpiSerializer),
)
class KpiViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Performance indicators of a draft: the three required ones are edited, custom ones added."""

    model = Kpi
    serializer_class = KpiSerializer
    filterset_class = ApplicationPartFilter
    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return Kpi.objects.visible_to(self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        application = data.pop("application")
        kpi = services.kpi_save(self.request.user, application, data)
        serializer.instance = get_scoped(self.get_queryset(), kpi.pk)

    def partial_update(self, request, pk=None):
        kpi = self.get_object()
        serializer = KpiUpdateSerializer(
            kpi, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        services.kpi_save(request.user, kpi.application, dict(serializer.validated_data), kpi=kpi)
        return Response(KpiSerializer(get_scoped(self.get_queryset(), kpi.pk)).data)

    def perform_destroy(self, instance):
        services.kpi_delete(self.request.user, instance)


# --- consortium -------------------------------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(
        request=ConsortiumInviteSerializer,
        responses={201: ConsortiumMemberSerializer},
        description="Invite a registered supplier (or, in a win-win call, a large firm) by company id.",
    ),
    destroy=extend_schema(description="Cancel an invitation (the lead)."),
)
class ConsortiumMemberViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Consortium members, seen by the lead and by the invited companies."""

    model = ConsortiumMember
    serializer_class = ConsortiumMemberSerializer
    filterset_class = ApplicationPartFilter
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return (
            ConsortiumMember.objects.visible_to(self.request.user)
            .exclude(status=MemberStatus.REMOVED)
            .select_related("company")
        )

    def create(self, request):
        serializer = ConsortiumInviteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        member = services.member_invite(
            request.user,
            data["application"],
            company=data["company"],
            role=data["role"],
            contract_amount=data.get("contract_amount"),
        )
        return Response(
            ConsortiumMemberSerializer(get_scoped(self.get_queryset(), member.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=ConsortiumNominateSerializer, responses={201: ConsortiumMemberSerializer})
    @action(detail=False, methods=["post"])
    def nominate(self, request):
        """Name a supplier that is not registered: business number, name, region and contact. Its
        registration goes to the operators' review; the member waits for the approval."""
        serializer = ConsortiumNominateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        application = data.pop("application")
        member = services.member_nominate(request.user, application, **data)
        return Response(
            ConsortiumMemberSerializer(get_scoped(self.get_queryset(), member.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=ConsortiumRespondSerializer, responses=ConsortiumMemberSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        """The invited company accepts or declines, in its own account."""
        member = self.get_object()
        serializer = ConsortiumRespondSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.member_respond(
            request.user,
            member,
            accept=serializer.validated_data["accept"],
            note=serializer.validated_data["note"],
        )
        return Response(ConsortiumMemberSerializer(get_scoped(self.get_queryset(), member.pk)).data)

    def perform_destroy(self, instance):
        services.member_remove(self.request.user, instance)


# --- documents -----------------------------------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(
        request={"multipart/form-data": ApplicationDocumentUploadSerializer},
        responses={201: ApplicationDocumentSerializer},
    ),
    destroy=extend_schema(description="Remove a document from the draft (kept if a submission lists it)."),
)
class ApplicationDocumentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Documents of an application. Upload as multipart/form-data; the type is checked by content."""

    model = ApplicationDocument
    serializer_class = ApplicationDocumentSerializer
    filterset_class = ApplicationPartFilter
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [parsers.MultiPartParser, parsers.FormParser, parsers.JSONParser]

    def get_queryset(self):
        return ApplicationDocument.objects.visible_to(self.request.user).filter(removed_at=None)

    def create(self, request):
        now = received_at(request)
        serializer = ApplicationDocumentUploadSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        checked = data["file"]
        document = services.document_add(
            request.user,
            data["application"],
            kind=data["kind"],
            file=checked,
            original_name=getattr(checked, "original_name", checked.name),
            clarification=data.get("clarification"),
            now=now,
        )
        return Response(
            ApplicationDocumentSerializer(get_scoped(self.get_queryset(), document.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    def perform_destroy(self, instance):
        services.document_remove(self.request.user, instance)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The file as uploaded, under its original name."""
        return copies.document_response(self.get_object())


# --- submissions and eligibility -------------------------------------------------------------------


class SubmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Frozen submissions (every version); the detail carries the snapshot."""

    model = Submission
    serializer_class = SubmissionDetailSerializer
    filterset_class = ApplicationPartFilter
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        queryset = Submission.objects.visible_to(self.request.user)
        return queryset.defer("snapshot") if self.action == "list" else queryset

    def get_serializer_class(self):
        return SubmissionSerializer if self.action == "list" else SubmissionDetailSerializer

    @extend_schema(request=ActionReasonSerializer, responses={201: EligibilityRunSerializer})
    @action(detail=True, methods=["post"], url_path="rerun-eligibility", url_name="rerun-eligibility")
    def rerun_eligibility(self, request, pk=None):
        """Operators: run the call's rules again after data changed (a reason is required)."""
        submission = self.get_object()
        serializer = ActionReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = services.eligibility_rerun(request.user, submission, reason=serializer.validated_data["reason"])
        run = get_scoped(_runs(EligibilityRun.objects.visible_to(request.user)), run.pk)
        return Response(EligibilityRunSerializer(run).data, status=status.HTTP_201_CREATED)


def _runs(queryset):
    return queryset.prefetch_related(
        Prefetch("results", queryset=EligibilityResult.objects.unrestricted().order_by("order"))
    )


class EligibilityRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Eligibility checks of submissions, each with its per-rule results and reasons."""

    model = EligibilityRun
    serializer_class = EligibilityRunSerializer
    filterset_class = EligibilityRunFilter
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return _runs(EligibilityRun.objects.visible_to(self.request.user))


class EligibilityResultViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """One rule's result; operators of the call override it with a written reason (audited)."""

    model = EligibilityResult
    serializer_class = EligibilityResultSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return EligibilityResult.objects.visible_to(self.request.user)

    @extend_schema(request=EligibilityOverrideSerializer, responses=EligibilityResultSerializer)
    @action(detail=True, methods=["post"])
    def override(self, request, pk=None):
        result = self.get_object()
        serializer = EligibilityOverrideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.eligibility_override(request.user, result, **serializer.validated_data)
        return Response(EligibilityResultSerializer(get_scoped(self.get_queryset(), result.pk)).data)


# --- clarifications and support notes --------------------------------------------------------------


def _clarifications(queryset):
    return queryset.prefetch_related(
        Prefetch("messages", queryset=ClarificationMessage.objects.unrestricted().select_related("author"))
    )


@extend_schema_view(
    create=extend_schema(request=ClarificationAskSerializer, responses={201: ClarificationSerializer})
)
class ClarificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Queries on a submitted application with a reply deadline, and their threads."""

    model = Clarification
    serializer_class = ClarificationSerializer
    filterset_class = ApplicationPartFilter
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return _clarifications(Clarification.objects.visible_to(self.request.user))

    def _read(self, pk, status_code=status.HTTP_200_OK):
        return Response(ClarificationSerializer(get_scoped(self.get_queryset(), pk)).data, status=status_code)

    def create(self, request):
        now = received_at(request)
        serializer = ClarificationAskSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        clarification = services.clarification_ask(request.user, data.pop("application"), now=now, **data)
        return self._read(clarification.pk, status.HTTP_201_CREATED)

    @extend_schema(request=ClarificationReplySerializer, responses=ClarificationSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        """Answer in the thread, with a document uploaded for it if the query asked for one."""
        now = received_at(request)
        clarification = self.get_object()
        serializer = ClarificationReplySerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        services.clarification_reply(request.user, clarification, now=now, **serializer.validated_data)
        return self._read(clarification.pk)

    @extend_schema(request=ActionReasonSerializer, responses=ClarificationSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        clarification = self.get_object()
        serializer = ActionReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.clarification_close(request.user, clarification, reason=serializer.validated_data["reason"])
        return self._read(clarification.pk)


@extend_schema_view(create=extend_schema(responses={201: SupportNoteSerializer}))
class SupportNoteViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """A regional centre's consultation notes on applications from its region (public side only)."""

    model = SupportNote
    serializer_class = SupportNoteSerializer
    filterset_class = ApplicationPartFilter
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return SupportNote.objects.visible_to(self.request.user).select_related("author")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        note = services.support_note_add(self.request.user, data.pop("application"), **data)
        serializer.instance = get_scoped(self.get_queryset(), note.pk)
