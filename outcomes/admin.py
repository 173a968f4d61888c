"""Django admin for outcomes, read-only: indicators, measured values and the one-year surveys
change only through `outcomes.services`, which check every value and write the audit trail.
Lists start from `visible_to`, like the pages."""

from django.contrib import admin

from monitoring.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import OutcomeIndicator, OutcomeSurvey, OutcomeValue


class ValueInline(ReadOnlyInline):
    model = OutcomeValue
    fields = ["moment", "value", "note", "entered_by", "entered_at"]
    readonly_fields = fields


@admin.register(OutcomeIndicator)
class OutcomeIndicatorAdmin(ReadOnlyAdmin):
    list_display = ["project", "name", "source", "unit", "direction", "target", "weight", "order"]
    list_filter = ["source", "direction", "code"]
    search_fields = ["name", "project__title", "project__submission__receipt_number"]
    list_select_related = ["project"]
    inlines = [ValueInline]


@admin.register(OutcomeValue)
class OutcomeValueAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "moment", "value", "entered_by", "entered_at"]
    list_filter = ["moment"]
    search_fields = ["indicator__name", "project__title", "note"]
    list_select_related = ["indicator__project", "entered_by"]


@admin.register(OutcomeSurvey)
class OutcomeSurveyAdmin(ReadOnlyAdmin):
    list_display = [
        "project",
        "due_on",
        "requested_at",
        "first_reminder_at",
        "second_reminder_at",
        "answered_at",
    ]
    search_fields = ["project__title", "project__submission__receipt_number"]
    list_select_related = ["project"]
