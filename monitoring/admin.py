"""Django admin for projects. A project's title and region and its milestones can be corrected here
(saves are audited); the agreement versions, each party's acceptance and the tranches are read-only,
because they change only through `monitoring.services`, which check the rules and write the audit
trail. A project's status, money, period and inspection date are read-only for the same reason.

Every list starts from the model's `visible_to` queryset, like the pages: the admin is for platform
admins, and staff accounts without that role see only the projects they may see."""

from django.contrib import admin

from organizations.access import principal_for
from organizations.admin import AuditedModelAdmin

from .models import (
    Agreement,
    AgreementParty,
    Milestone,
    ProgressReport,
    Project,
    RiskFlag,
    SiteVisit,
    Tranche,
)


class ScopedAdmin(AuditedModelAdmin):
    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if principal_for(request.user).is_platform_admin:
            return qs
        return qs.filter(pk__in=self.model.objects.visible_to(request.user).values("pk"))


class ReadOnlyAdmin(ScopedAdmin):
    """Evidence of the agreement and the disbursements: shown, never added, changed or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TrancheInline(ReadOnlyInline):
    model = Tranche
    fields = ["order", "kind", "amount", "status", "requested_at", "approved_at", "paid_on"]
    readonly_fields = fields


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["name", "planned_on", "done_on", "order"]


@admin.register(Project)
class ProjectAdmin(ScopedAdmin):
    list_display = [
        "title",
        "lead",
        "call",
        "region",
        "status",
        "starts_on",
        "ends_on",
        "government_share",
        "inspection_passed_at",
    ]
    list_filter = ["status", "region", "call__operator"]
    search_fields = [
        "title",
        "lead__name",
        "lead__business_number",
        "submission__receipt_number",
        "call__reference",
    ]
    readonly_fields = [
        "submission",
        "call",
        "lead",
        "status",
        "starts_on",
        "ends_on",
        "total_cost",
        "government_share",
        "inspection_passed_at",
        "created_by",
        "created_at",
    ]
    list_select_related = ["lead", "call", "region"]
    inlines = [TrancheInline, MilestoneInline]

    def has_add_permission(self, request):
        return False  # a project is made from a confirmed selection (services.project_create)

    def has_delete_permission(self, request, obj=None):
        return False


class PartyInline(ReadOnlyInline):
    model = AgreementParty
    fields = ["role", "name", "accepted_by", "accepted_at", "accepted_ip"]
    readonly_fields = fields


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ["project", "version", "status", "issued_by", "issued_at", "in_force_at"]
    list_filter = ["status", "project__call__operator"]
    search_fields = ["project__title", "project__submission__receipt_number", "reason"]
    list_select_related = ["project", "issued_by"]
    inlines = [PartyInline]


@admin.register(AgreementParty)
class AgreementPartyAdmin(ReadOnlyAdmin):
    list_display = ["agreement", "role", "name", "accepted_by", "accepted_at", "accepted_ip"]
    list_filter = ["role"]
    search_fields = ["name", "agreement__project__title", "agreement__project__submission__receipt_number"]
    list_select_related = ["agreement__project", "accepted_by"]


@admin.register(Tranche)
class TrancheAdmin(ReadOnlyAdmin):
    list_display = ["project", "order", "kind", "amount", "status", "requested_at", "approved_at", "paid_on"]
    list_filter = ["kind", "status"]
    search_fields = ["project__title", "project__submission__receipt_number"]
    list_select_related = ["project"]


@admin.register(Milestone)
class MilestoneAdmin(ScopedAdmin):
    list_display = ["name", "project", "planned_on", "done_on", "order"]
    search_fields = ["name", "project__title", "project__submission__receipt_number"]
    raw_id_fields = ["project"]
    list_select_related = ["project"]


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    """Submitted through `services.progress_report_submit` only (rules, audit, notifications)."""

    list_display = ["project", "reporter_role", "period_end", "percent_complete", "spent", "submitted_at"]
    list_filter = ["reporter_role", "project__call__operator"]
    search_fields = ["project__title", "project__submission__receipt_number", "work_done"]
    list_select_related = ["project"]


@admin.register(SiteVisit)
class SiteVisitAdmin(ReadOnlyAdmin):
    """Recorded through `services.site_visit_record` only."""

    list_display = ["project", "operator", "visited_on", "follow_up_due", "recorded_by", "recorded_at"]
    list_filter = ["operator"]
    search_fields = ["project__title", "project__submission__receipt_number", "findings"]
    list_select_related = ["project", "operator", "recorded_by"]


@admin.register(RiskFlag)
class RiskFlagAdmin(ReadOnlyAdmin):
    """Kept by the daily risk check (monitoring/risk_check.py) only: shown, never edited here."""

    list_display = ["project", "kind", "severity", "since", "first_seen_at", "resolved_at", "reminded_at"]
    list_filter = ["kind", "severity", ("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["project__title", "project__submission__receipt_number", "message"]
    list_select_related = ["project"]


from .models import ChangeRequest  # noqa: E402 (appended with the change requests)


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyAdmin):
    """Filed, approved, rejected and withdrawn through `monitoring.changes` only (paths, the
    agreement version it issues, audit, notifications)."""

    list_display = ["project", "kind", "path", "status", "requested_by", "requested_at", "decided_at"]
    list_filter = ["kind", "path", "status", "project__call__operator"]
    search_fields = ["project__title", "project__submission__receipt_number", "reason"]
    list_select_related = ["project", "requested_by"]
