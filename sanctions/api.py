"""API for sanctions and clawback (under /api/v1/).

- restrictions: an operator's admin/staff impose a participation restriction on a company and may
  lift it early (`lift`); read by the imposing operator's staff and the company's own members.
- project-abandonments: staff of the call mark a project abandoned, with the reason.
- repayment-orders / repayments: staff of the call order part or all of the paid grant back and
  record what was repaid; read by the project's lead company and the call's staff.

Thin by design: every object is looked up inside `visible_to(user)` (missing and foreign are the
same 404); every write goes through `sanctions.services` (403 for the wrong role, 400/409 for the
business rules), and the answer is the row read again inside the user's scope.
"""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action

from monitoring.api import AUTH, READ_CREATE, REFUSED, ReadMixin, _valid
from sfms.middleware import received_at

from . import services
from .models import ProjectAbandonment, Repayment, RepaymentOrder, Restriction
from .serializers import (
    AbandonmentCreateSerializer,
    AbandonmentSerializer,
    LiftSerializer,
    RepaymentCreateSerializer,
    RepaymentOrderCreateSerializer,
    RepaymentOrderSerializer,
    RepaymentSerializer,
    RestrictionCreateSerializer,
    RestrictionSerializer,
)


class _Base(ReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = AUTH
    http_method_names = READ_CREATE


@extend_schema_view(
    list=extend_schema(
        description="Restrictions the user may read: imposed by its operator, or on its own company."
    ),
    create=extend_schema(
        request=RestrictionCreateSerializer,
        responses={201: RestrictionSerializer, **REFUSED},
        description="An operator's admin or staff bar a company (SME or supplier) from every call, "
        "by default for three years from today. The company's members are notified.",
    ),
)
class RestrictionViewSet(_Base):
    model = Restriction
    serializer_class = RestrictionSerializer

    def get_queryset(self):
        return Restriction.objects.visible_to(self.request.user).select_related("operator", "company")

    def create(self, request):
        data = _valid(RestrictionCreateSerializer, request)
        restriction = services.restriction_impose(
            request.user,
            operator=data.get("operator"),
            company=data["company"],
            project=data.get("project"),
            reason_kind=data["reason_kind"],
            reason=data["reason"],
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
            now=received_at(request),
        )
        return self._read(restriction.pk, status.HTTP_201_CREATED)

    @extend_schema(request=LiftSerializer, responses={200: RestrictionSerializer, **REFUSED})
    @action(detail=True, methods=["post"])
    def lift(self, request, pk=None):
        """The imposing operator lifts the restriction early, with the reason: from today it no
        longer applies."""
        restriction = self.get_object()
        data = _valid(LiftSerializer, request)
        services.restriction_lift(request.user, restriction, reason=data["reason"], now=received_at(request))
        return self._read(restriction.pk)


@extend_schema_view(
    list=extend_schema(description="Abandonment records of the projects the user may see."),
    create=extend_schema(
        request=AbandonmentCreateSerializer,
        responses={201: AbandonmentSerializer, **REFUSED},
        description="Staff of the call mark a project abandoned (not when already closed or "
        "abandoned), with the reason. The lead company is notified.",
    ),
)
class AbandonmentViewSet(_Base):
    model = ProjectAbandonment
    serializer_class = AbandonmentSerializer

    def get_queryset(self):
        return ProjectAbandonment.objects.visible_to(self.request.user).select_related(
            "project", "recorded_by"
        )

    def create(self, request):
        data = _valid(AbandonmentCreateSerializer, request)
        record = services.project_abandon(
            request.user, data["project"], reason=data["reason"], now=received_at(request)
        )
        return self._read(record.pk, status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        description="Repayment orders of the projects the user leads or whose call its operator runs."
    ),
    create=extend_schema(
        request=RepaymentOrderCreateSerializer,
        responses={201: RepaymentOrderSerializer, **REFUSED},
        description="Staff of the call order part or all of the government share paid so far "
        "(tranches paid, less earlier orders) back by a due date. The lead company is notified.",
    ),
)
class RepaymentOrderViewSet(_Base):
    model = RepaymentOrder
    serializer_class = RepaymentOrderSerializer

    def get_queryset(self):
        return (
            RepaymentOrder.objects.visible_to(self.request.user)
            .select_related("project")
            .prefetch_related(Prefetch("repayments", queryset=Repayment.objects.unrestricted()))
        )

    def create(self, request):
        data = _valid(RepaymentOrderCreateSerializer, request)
        order = services.repayment_order_create(
            request.user,
            data["project"],
            amount=data["amount"],
            due_on=data["due_on"],
            reason=data["reason"],
            now=received_at(request),
        )
        return self._read(order.pk, status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(description="Repayments recorded against the orders the user may see."),
    create=extend_schema(
        request=RepaymentCreateSerializer,
        responses={201: RepaymentSerializer, **REFUSED},
        description="Staff of the call record money repaid (not in the future, not before the "
        "order); the total never exceeds the order, which is settled when fully repaid.",
    ),
)
class RepaymentViewSet(_Base):
    model = Repayment
    serializer_class = RepaymentSerializer

    def get_queryset(self):
        return Repayment.objects.visible_to(self.request.user)

    def create(self, request):
        data = _valid(RepaymentCreateSerializer, request)
        repayment = services.repayment_record(
            request.user,
            data["order"],
            amount=data["amount"],
            paid_on=data["paid_on"],
            note=data.get("note", ""),
            now=received_at(request),
        )
        return self._read(repayment.pk, status.HTTP_201_CREATED)
