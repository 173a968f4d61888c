"""Outcomes API (under /api/v1/): a project's outcome indicators with their values and rates, the
values of one moment entered together, and the one-year surveys (read-only).

- `GET outcome-indicators/?project=<id>`: indicators of the projects the user may see.
- `POST outcome-indicators/prepare/` {project}: make the project's indicators from its frozen
  submission once its agreement is in force (idempotent); answers with the overview.
- `GET outcome-indicators/overview/?project=<id>`: indicators and the overall achievement score.
- `POST outcome-indicators/values/` {project, moment, values: {indicator id: value}, note, reason}:
  the lead enters values; the call's staff correct them with a reason. Any wrong value refuses them
  all: 400 with one message per field under `errors` ("values.<indicator id>", "reason").

Every object is read inside `visible_to(user)`; every write goes through `outcomes.services`.
"""

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from monitoring.filters import ProjectPartFilter
from monitoring.models import Project
from organizations.errors import AccessDenied
from sfms.middleware import received_at

from . import services
from .models import OutcomeIndicator, OutcomeSurvey, OutcomeValue
from .serializers import (
    IndicatorSerializer,
    OverviewSerializer,
    ProjectInputSerializer,
    SurveySerializer,
    ValuesInputSerializer,
)

AUTH = [permissions.IsAuthenticated]
REFUSED = {
    400: OpenApiResponse(description="Values refused: one message per field under `errors`"),
    403: OpenApiResponse(description="Not this user's to do (message names who may)"),
    409: OpenApiResponse(description="The moment is not open yet (message says from when)"),
}


def indicators_of(queryset):
    values = OutcomeValue.objects.unrestricted().select_related("entered_by")
    return queryset.prefetch_related(Prefetch("values", queryset=values))


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@extend_schema_view(
    list=extend_schema(
        description="Outcome indicators of the projects the user may see, with values and rates."
    ),
    retrieve=extend_schema(description="One outcome indicator with its values and rates."),
)
class OutcomeIndicatorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    model = OutcomeIndicator
    serializer_class = IndicatorSerializer
    filterset_class = ProjectPartFilter
    permission_classes = AUTH

    def get_queryset(self):
        return indicators_of(OutcomeIndicator.objects.visible_to(self.request.user))

    def _overview(self, project, status_code=status.HTTP_200_OK):
        indicators = list(
            indicators_of(OutcomeIndicator.objects.visible_to(self.request.user)).filter(project=project)
        )
        rows = services.outcome_rows(indicators)
        context = self.get_serializer_context()
        context["_rows"] = {r.indicator.pk: r for r in rows}
        body = {"project": project.pk, "overall": services.overall_scores(rows), "indicators": indicators}
        return Response(OverviewSerializer(body, context=context).data, status=status_code)

    @extend_schema(
        parameters=[OpenApiParameter("project", OpenApiTypes.INT, required=True)],
        responses={200: OverviewSerializer},
    )
    @action(detail=False, methods=["get"])
    def overview(self, request):
        """A project's indicators and its overall achievement score at completion and one year later."""
        raw = request.query_params.get("project", "")
        if not raw.isdigit():
            raise Http404
        project = Project.objects.visible_to(request.user).filter(pk=int(raw)).first()
        if project is None:
            raise Http404
        return self._overview(project)

    @extend_schema(request=ProjectInputSerializer, responses={200: OverviewSerializer, **REFUSED})
    @action(detail=False, methods=["post"])
    def prepare(self, request):
        """The project's indicators from its frozen submission, once its agreement is in force."""
        project = _valid(ProjectInputSerializer, request)["project"]
        if not (services.is_lead(request.user, project) or services.is_staff(request.user, project)):
            raise AccessDenied(
                _("성과 지표는 주관 도입기업 담당자나 공고를 운영하는 기관의 담당자가 만듭니다.")
            )
        services.indicators_prepare(request.user, project, now=received_at(request))
        return self._overview(project)

    @extend_schema(request=ValuesInputSerializer, responses={200: OverviewSerializer, **REFUSED})
    @action(detail=False, methods=["post"])
    def values(self, request):
        """Enter the values of one moment (baseline, completion, one_year) together."""
        data = _valid(ValuesInputSerializer, request)
        now = received_at(request)
        services.values_enter(
            request.user,
            data["project"],
            data["moment"],
            data["values"],
            note=data["note"],
            reason=data["reason"],
            today=timezone.localdate(now),
            now=now,
        )
        return self._overview(data["project"])


@extend_schema_view(
    list=extend_schema(description="One-year outcome surveys of the projects the user may see."),
)
class OutcomeSurveyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    model = OutcomeSurvey
    serializer_class = SurveySerializer
    filterset_class = ProjectPartFilter
    permission_classes = AUTH

    def get_queryset(self):
        return OutcomeSurvey.objects.visible_to(self.request.user).select_related("project")
