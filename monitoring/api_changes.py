"""Change requests API (under /api/v1/change-requests/): the lead SME files a change (a company's
own record is applied at once), the call's staff approve or reject those that need approval, the
lead withdraws one still waiting. Every object is looked up inside `visible_to(user)`; every write
goes through monitoring.changes (403 for the wrong role, 400/409 for the rules)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action

from organizations.pages import file_response
from sfms.middleware import received_at

from . import changes
from .api import FILE_RESPONSE, REFUSED, UPLOAD_PARSERS, ReadMixin, _valid
from .filters import ProjectPartFilter
from .models import ChangeKind, ChangePath, ChangeRequest, ChangeStatus
from .serializers_changes import (
    VALUE_FIELDS,
    ChangeDecisionSerializer,
    ChangeRequestCreateSerializer,
    ChangeRequestSerializer,
)


class ChangeRequestFilter(ProjectPartFilter):
    kind = django_filters.ChoiceFilter(label=_("변경 유형"), choices=ChangeKind.choices)
    status = django_filters.ChoiceFilter(label=_("상태"), choices=ChangeStatus.choices)
    path = django_filters.ChoiceFilter(label=_("처리 경로"), choices=ChangePath.choices)


@extend_schema_view(
    list=extend_schema(description="Change requests of the projects the user may see."),
    create=extend_schema(
        request={
            "multipart/form-data": ChangeRequestCreateSerializer,
            "application/json": ChangeRequestCreateSerializer,
        },
        responses={201: ChangeRequestSerializer, **REFUSED},
        description="The lead SME files a change to a project in progress. A supplier change, a "
        "factory address change, an extension over one calendar month or another change waits for "
        "the call's staff (status submitted); a new CEO, a bank account or an extension of at most "
        "one month is recorded and applied at once (status recorded), with a new agreement version "
        "in force at once.",
    ),
)
class ChangeRequestViewSet(
    ReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    model = ChangeRequest
    serializer_class = ChangeRequestSerializer
    filterset_class = ChangeRequestFilter
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = UPLOAD_PARSERS
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return (
            ChangeRequest.objects.visible_to(self.request.user)
            .select_related("requested_by", "decided_by", "agreement")
            .defer("agreement__terms")
        )

    def create(self, request):
        data = dict(_valid(ChangeRequestCreateSerializer, request))
        values = {k: data[k] for k in VALUE_FIELDS if k in data}
        change = changes.change_request_submit(
            request.user,
            data["project"],
            kind=data["kind"],
            values=values,
            reason=data["reason"],
            evidence=data.get("evidence"),
            now=received_at(request),
        )
        return self._read(change.pk, status.HTTP_201_CREATED)

    @extend_schema(request=ChangeDecisionSerializer, responses={200: ChangeRequestSerializer, **REFUSED})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Staff of the call approve a waiting request: the change is applied and a new agreement
        version is issued for every party to accept again."""
        change = self.get_object()
        data = _valid(ChangeDecisionSerializer, request)
        changes.change_request_approve(request.user, change, reason=data["reason"], now=received_at(request))
        return self._read(change.pk)

    @extend_schema(request=ChangeDecisionSerializer, responses={200: ChangeRequestSerializer, **REFUSED})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Staff of the call reject a waiting request, with the reason (required)."""
        change = self.get_object()
        data = _valid(ChangeDecisionSerializer, request)
        changes.change_request_reject(request.user, change, reason=data["reason"], now=received_at(request))
        return self._read(change.pk)

    @extend_schema(request=None, responses={200: ChangeRequestSerializer, **REFUSED})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The lead SME withdraws a request still waiting for approval."""
        change = self.get_object()
        changes.change_request_withdraw(request.user, change, now=received_at(request))
        return self._read(change.pk)

    @extend_schema(responses=FILE_RESPONSE)
    @action(detail=True, methods=["get"])
    def evidence(self, request, pk=None):
        """The evidence file as uploaded, under its original name."""
        change = self.get_object()
        return file_response(change.evidence, change.evidence_name)
