"""Read-only admin for sanctions: every change goes through sanctions.services (audited). Lists
start from each model's `visible_to`, like the pages (monitoring.admin.ReadOnlyAdmin)."""

from django.contrib import admin

from monitoring.admin import ReadOnlyAdmin

from .models import ProjectAbandonment, Repayment, RepaymentOrder, Restriction


@admin.register(Restriction)
class RestrictionAdmin(ReadOnlyAdmin):
    list_display = ("company", "operator", "reason_kind", "starts_on", "ends_on", "lifted_on")
    list_filter = ("reason_kind",)
    search_fields = ("company__name", "company__business_number")
    list_select_related = ("company", "operator")


@admin.register(ProjectAbandonment)
class ProjectAbandonmentAdmin(ReadOnlyAdmin):
    list_display = ("project", "previous_status", "recorded_by", "recorded_at")
    list_select_related = ("project", "recorded_by")


class RepaymentInline(admin.TabularInline):
    model = Repayment
    extra = 0
    can_delete = False
    fields = ("amount", "paid_on", "note", "recorded_by", "recorded_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RepaymentOrder)
class RepaymentOrderAdmin(ReadOnlyAdmin):
    list_display = ("project", "amount", "due_on", "status", "settled_on")
    list_filter = ("status",)
    list_select_related = ("project",)
    inlines = [RepaymentInline]


@admin.register(Repayment)
class RepaymentAdmin(ReadOnlyAdmin):
    list_display = ("order", "amount", "paid_on", "recorded_at")
    list_select_related = ("order__project",)
