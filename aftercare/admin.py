"""Read-only admin: aftercare rows change only through aftercare.services (rules and audit trail).
Lists start from each model's `visible_to` (monitoring's ScopedAdmin), so a staff account without
the platform-admin role sees only what the pages show it; unfair-practice reports keep their own,
narrower rule there too."""

from django.contrib import admin

from monitoring.admin import ReadOnlyAdmin

from .models import DefectRepair, MaintenanceContract, UnfairPracticeReport


@admin.register(DefectRepair)
class DefectRepairAdmin(ReadOnlyAdmin):
    list_display = ("project", "status", "requested_at", "repaired_on", "satisfaction")
    list_filter = ("status",)
    list_select_related = ("project",)
    search_fields = ("project__title", "description")


@admin.register(MaintenanceContract)
class MaintenanceContractAdmin(ReadOnlyAdmin):
    list_display = ("project", "provider_name", "starts_on", "ends_on", "annual_fee")
    list_select_related = ("project",)
    search_fields = ("project__title", "provider_name")


@admin.register(UnfairPracticeReport)
class UnfairPracticeReportAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "project", "reporter_role", "status", "reported_at")
    list_filter = ("status",)
    list_select_related = ("project",)
