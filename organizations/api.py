"""API viewsets for organisations. Thin: scope through visible_to, write through services."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from . import services
from .access import principal_for
from .filters import AuditEventFilter, CompanyFilter, MembershipFilter, OperatorFilter
from .models import AuditEvent, Company, KsicDivision, Membership, Operator, Region
from .serializers import (
    AuditEventSerializer,
    CompanySerializer,
    CompanySignUpSerializer,
    KsicDivisionSerializer,
    MembershipSerializer,
    MeSerializer,
    OperatorSerializer,
    ReasonSerializer,
    RegionSerializer,
    UserSerializer,
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
