"""API for the risk flags the daily check keeps (under /api/v1/risk-flags/): read-only, for anyone
who may see the project (its companies, the call's staff, the regional centre of its region).
Filters: project, kind, severity, open (true: not resolved yet)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets

from .models import RiskFlag, RiskKind, RiskSeverity


def _code(choices):
    return serializers.CharField(read_only=True, help_text=", ".join(str(v) for v, _l in choices))


class RiskFlagSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id", read_only=True)
    project_title = serializers.CharField(source="project.title", read_only=True)
    kind = _code(RiskKind.choices)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    severity = _code(RiskSeverity.choices)
    severity_label = serializers.CharField(source="get_severity_display", read_only=True)
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = RiskFlag
        fields = [
            "id",
            "project",
            "project_title",
            "kind",
            "kind_label",
            "key",
            "severity",
            "severity_label",
            "since",
            "message",
            "is_open",
            "first_seen_at",
            "last_seen_at",
            "resolved_at",
            "reminded_at",
        ]
        read_only_fields = fields

    def get_is_open(self, flag) -> bool:
        return flag.resolved_at is None


class RiskFlagFilter(django_filters.FilterSet):
    project = django_filters.NumberFilter(label=_("과제 ID"), field_name="project_id")
    kind = django_filters.ChoiceFilter(label=_("위험 유형"), choices=RiskKind.choices)
    severity = django_filters.ChoiceFilter(label=_("심각도"), choices=RiskSeverity.choices)
    open = django_filters.BooleanFilter(label=_("미해소"), field_name="resolved_at", lookup_expr="isnull")


@extend_schema_view(
    list=extend_schema(
        description="Risk flags of the projects the user may see: open ones (resolved_at null) and "
        "resolved ones, kept as history. Raised by the daily risk check (milestone overdue, progress "
        "report missing, budget variance, no site visit)."
    ),
    retrieve=extend_schema(description="One risk flag."),
)
class RiskFlagViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    model = RiskFlag
    serializer_class = RiskFlagSerializer
    filterset_class = RiskFlagFilter
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return RiskFlag.objects.visible_to(self.request.user).select_related("project")
