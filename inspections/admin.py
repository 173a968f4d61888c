"""Django admin for interim checks and final inspections: read-only. They change only through
`inspections.services`, which check the rules and write the audit trail. Lists start from each
model's `visible_to` queryset, like the pages."""

from django.contrib import admin

from monitoring.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import ChecklistItem, CorrectiveAction, FinalInspection, InterimCheck


@admin.register(InterimCheck)
class InterimCheckAdmin(ReadOnlyAdmin):
    list_display = ["project", "checked_on", "operator", "progress"]
    list_filter = ["progress"]
    list_select_related = ["project", "operator"]
    search_fields = ["project__title", "findings"]


class ChecklistItemInline(ReadOnlyInline):
    model = ChecklistItem
    fields = ["key", "checked", "note", "evidence_name", "checked_at"]
    readonly_fields = fields


class CorrectiveActionInline(ReadOnlyInline):
    model = CorrectiveAction
    fields = ["description", "due_on", "status", "plan", "result", "review_note", "confirmed_at"]
    readonly_fields = fields


@admin.register(FinalInspection)
class FinalInspectionAdmin(ReadOnlyAdmin):
    list_display = ["project", "inspector_name", "inspector_kind", "status", "result", "passed_at"]
    list_filter = ["status", "result", "inspector_kind"]
    list_select_related = ["project"]
    search_fields = ["project__title", "inspector_name"]
    inlines = [ChecklistItemInline, CorrectiveActionInline]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(ReadOnlyAdmin):
    list_display = ["inspection", "key", "checked", "checked_at"]
    list_select_related = ["inspection__project"]


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(ReadOnlyAdmin):
    list_display = ["inspection", "description", "due_on", "status"]
    list_filter = ["status"]
    list_select_related = ["inspection__project"]
