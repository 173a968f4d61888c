"""Shapes in and out of the outcomes API. Serializers check the shape of input only; the values are
judged by `outcomes.services.values_enter` (through `monitoring.outcomes`), so an API client and the
page get the same words. Values and rates are Decimal strings (two places for values, one for
rates, in percent)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from monitoring.models import Project
from programs.serializers import ScopedIdField

from . import services
from .models import Direction, Moment, OutcomeIndicator, OutcomeSurvey, Source


def _value():
    return serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, allow_null=True)


def _rate():
    return serializers.DecimalField(max_digits=8, decimal_places=1, read_only=True, allow_null=True)


def visible_projects(user, context=None):
    return Project.objects.visible_to(user)


class MeasurementSerializer(serializers.Serializer):
    value = _value()
    note = serializers.CharField(read_only=True)
    entered_by_name = serializers.SerializerMethodField()
    entered_at = serializers.DateTimeField(read_only=True)

    def get_entered_by_name(self, row) -> str | None:
        return row.entered_by.full_name if row.entered_by_id else None


class IndicatorSerializer(serializers.ModelSerializer):
    """One indicator with its values at each moment and the rates computed from them. `source`:
    kpi (agreed in the application, counts in the overall score by `weight`), standard (the
    programme's outcome indicators, tracked with weight 0). `direction`: higher or lower (is better)."""

    project = serializers.IntegerField(source="project_id", read_only=True)
    source = serializers.CharField(read_only=True, help_text=", ".join(Source.values))
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    direction = serializers.CharField(read_only=True, help_text=", ".join(Direction.values))
    direction_label = serializers.CharField(source="get_direction_display", read_only=True)
    target = _value()
    baseline = serializers.SerializerMethodField()
    completion = serializers.SerializerMethodField()
    one_year = serializers.SerializerMethodField()
    achievement_completion = serializers.SerializerMethodField()
    achievement_one_year = serializers.SerializerMethodField()
    improvement_completion = serializers.SerializerMethodField()
    improvement_one_year = serializers.SerializerMethodField()

    class Meta:
        model = OutcomeIndicator
        fields = [
            "id",
            "project",
            "code",
            "source",
            "source_label",
            "name",
            "unit",
            "direction",
            "direction_label",
            "target",
            "weight",
            "order",
            "baseline",
            "completion",
            "one_year",
            "achievement_completion",
            "achievement_one_year",
            "improvement_completion",
            "improvement_one_year",
        ]
        read_only_fields = fields

    def _row(self, indicator):
        cache = self.context.setdefault("_rows", {})
        if indicator.pk not in cache:
            cache[indicator.pk] = services.outcome_rows([indicator])[0]
        return cache[indicator.pk]

    def _measurement(self, indicator, moment):
        row = self._row(indicator).values.get(moment)
        return None if row is None else MeasurementSerializer(row).data

    def _rate(self, indicator, name):
        rate = getattr(self._row(indicator), name)
        return None if rate is None else str(rate)

    def get_baseline(self, indicator) -> MeasurementSerializer(allow_null=True):
        return self._measurement(indicator, Moment.BASELINE)

    def get_completion(self, indicator) -> MeasurementSerializer(allow_null=True):
        return self._measurement(indicator, Moment.COMPLETION)

    def get_one_year(self, indicator) -> MeasurementSerializer(allow_null=True):
        return self._measurement(indicator, Moment.ONE_YEAR)

    def get_achievement_completion(self, indicator) -> str | None:
        return self._rate(indicator, "achievement_completion")

    def get_achievement_one_year(self, indicator) -> str | None:
        return self._rate(indicator, "achievement_one_year")

    def get_improvement_completion(self, indicator) -> str | None:
        return self._rate(indicator, "improvement_completion")

    def get_improvement_one_year(self, indicator) -> str | None:
        return self._rate(indicator, "improvement_one_year")


class OverallSerializer(serializers.Serializer):
    completion = _rate()
    one_year = _rate()


class OverviewSerializer(serializers.Serializer):
    """A project's indicators and its overall achievement score (the KPIs' achievement rates, each
    held to 0-100, weighted) at completion and one year later."""

    project = serializers.IntegerField()
    overall = OverallSerializer()
    indicators = IndicatorSerializer(many=True)


class ProjectInputSerializer(serializers.Serializer):
    project = ScopedIdField(scope=visible_projects, error_messages={"not_found": _("없는 과제입니다.")})


class ValuesInputSerializer(ProjectInputSerializer):
    """`values`: {indicator id: value} — a number or a string as people write it ("1,200,000"); blank
    or null means not measured this time. Staff corrections need a `reason`."""

    moment = serializers.ChoiceField(choices=Moment.choices)
    values = serializers.DictField(
        child=serializers.CharField(allow_blank=True, allow_null=True, max_length=40), allow_empty=False
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class SurveySerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id", read_only=True)
    project_title = serializers.CharField(source="project.title", read_only=True)

    class Meta:
        model = OutcomeSurvey
        fields = [
            "id",
            "project",
            "project_title",
            "due_on",
            "requested_at",
            "first_reminder_at",
            "second_reminder_at",
            "answered_at",
        ]
        read_only_fields = fields
