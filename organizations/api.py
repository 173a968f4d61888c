"""API viewsets for organisations. Thin: scope through visible_to, write through services."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, parsers, permissions, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from . import services
from .access import principal_for
from .filters import AuditEventFilter, CompanyFilter, LevelAssessmentFilter, MembershipFilter, OperatorFilter
from .models import AuditEvent, Company, KsicDivision, LevelAssessment, Membership, Operator, Region, Role
from .pages import file_response
from .serializers import (
    AuditEventSerializer,
    CompanySerializer,
    CompanySignUpSerializer,
    KsicDivisionSerializer,
    LevelAssessmentSerializer,
    MembershipSerializer,
    MeSerializer,
    OperatorSerializer,
    ReasonSerializer,
    RegionSerializer,
    UserSerializer,
    WithdrawalSerializer,
)


class ScopedViewSetMixin:
    """Every object lookup resolves inside `visible_to(user)`: missing and forbidden are the same 404."""

    model = None

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """Reference data, the same for everyone."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None


class KsicDivisionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = KsicDivision.objects.all()
    serializer_class = KsicDivisionSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None


class OperatorViewSet(ScopedViewSetMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    model = Operator
    serializer_class = OperatorSerializer
    filterset_class = OperatorFilter
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().select_related("region")

    def perform_update(self, serializer):
        serializer.instance = services.operator_update(
            self.request.user, serializer.instance, dict(serializer.validated_data)
        )


class CompanyViewSet(ScopedViewSetMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    model = Company
    serializer_class = CompanySerializer
    filterset_class = CompanyFilter
    ordering_fields = ["name", "created_at", "employees", "annual_revenue"]
    http_method_names = ["get", "patch", "head", "options"]

    def perform_update(self, serializer):
        serializer.instance = services.company_update(
            self.request.user, serializer.instance, dict(serializer.validated_data)
        )


class MembershipViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    model = Membership
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter

    def get_queryset(self):
        return super().get_queryset().select_related("user")

    @extend_schema(request=ReasonSerializer, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        membership = get_object_or_404(self.get_queryset(), pk=pk)
        reason = ReasonSerializer(data=request.data)
        reason.is_valid(raise_exception=True)
        membership = services.membership_revoke(
            request.user, membership, reason=reason.validated_data["reason"]
        )
        return Response(MembershipSerializer(membership).data)


class AuditEventViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Read-only by construction: there is no way to change an audit record through the app."""

    model = AuditEvent
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter

    def get_queryset(self):
        return super().get_queryset().select_related("content_type")


class LevelAssessorWrites(permissions.BasePermission):
    """Recording or withdrawing is for national-agency admins and staff, centre staff and platform
    admins: anyone else is refused (403) before the body is read. The service then checks the
    company (a centre records only for the regions it covers)."""

    message = _("수준확인 결과는 전담기관의 관리자·담당자와 지역센터 담당자만 기록할 수 있습니다.")
    code = "forbidden"

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        p = principal_for(request.user)
        return p.is_platform_admin or bool(
            p.operator_ids_with(Role.OPERATOR_ADMIN, Role.OPERATOR_STAFF, Role.CENTRE_STAFF)
        )


@extend_schema_view(create=extend_schema(responses={201: LevelAssessmentSerializer}))
class LevelAssessmentViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Official smart-factory level assessments, latest first: a company's members see their own,
    operator-side staff see all. Recording one (multipart/form-data with the report PDF) sets the
    company's level to its latest assessment by date; `in_force` marks that one."""

    model = LevelAssessment
    serializer_class = LevelAssessmentSerializer
    filterset_class = LevelAssessmentFilter
    ordering_fields = ["assessed_on", "created_at"]
    permission_classes = [permissions.IsAuthenticated, LevelAssessorWrites]
    parser_classes = [parsers.MultiPartParser, parsers.FormParser, parsers.JSONParser]

    def get_queryset(self):
        return super().get_queryset().select_related("company").with_in_force().latest_first()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        company, report = data.pop("company"), data.pop("report")
        assessment = services.level_assessment_record(self.request.user, company, data, report)
        serializer.instance = get_object_or_404(self.get_queryset(), pk=assessment.pk)

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description=_("결과서 PDF"))
        }
    )
    @action(detail=True, methods=["get"])
    def report(self, request, pk=None):
        """The assessment's report PDF (for whoever may see the assessment)."""
        assessment = self.get_object()
        return file_response(assessment.report, assessment.report_name or "report.pdf")

    @extend_schema(request=WithdrawalSerializer, responses=LevelAssessmentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw a wrongly recorded assessment with a reason; the company's level is worked out
        again from the rest. 409 when it is already withdrawn."""
        assessment = self.get_object()
        body = WithdrawalSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.level_assessment_withdraw(request.user, assessment, reason=body.validated_data["reason"])
        return Response(self.get_serializer(get_object_or_404(self.get_queryset(), pk=assessment.pk)).data)


class MeView(APIView):
    """Who am I, and with which roles and scopes."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        p = principal_for(request.user)
        data = {
            "user": UserSerializer(request.user).data,
            "roles": sorted(p.roles),
            "company_ids": sorted(p.company_ids),
            "operator_ids": sorted(p.operator_ids),
        }
        return Response(MeSerializer(data).data)


class SignUpThrottle(AnonRateThrottle):
    rate = "30/hour"


class CompanySignUpView(APIView):
    """Register a firm and its first member; answers with the new company and an API token."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_classes = [SignUpThrottle]

    @extend_schema(request=CompanySignUpSerializer, responses={201: CompanySerializer})
    def post(self, request):
        serializer = CompanySignUpSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        user_fields = {
            k: data.pop(k) for k in ["email", "password", "full_name", "phone", "preferred_language"]
        }
        _user, company = services.company_sign_up(**user_fields, company_fields=data)
        return Response(CompanySerializer(company).data, status=status.HTTP_201_CREATED)


class TokenView(ObtainAuthToken):
    """Exchange e-mail and password for an API token (send it as `Authorization: Token <key>`)."""
