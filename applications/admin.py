"""Django admin for applications. Everything a submission froze is read-only here (snapshots,
eligibility results, clarification threads); drafts are edited by their applicants, not in the
admin, so the admin reads and corrects only what services do not own. Saves are audited."""

from django.contrib import admin

from organizations.admin import AuditedModelAdmin

from .models import (
    Application,
    ApplicationDocument,
    Clarification,
    ClarificationMessage,
    ConsortiumMember,
    EligibilityResult,
    EligibilityRun,
    Kpi,
    Submission,
    SupportNote,
)


class ReadOnlyAdmin(AuditedModelAdmin):
    """A record that is evidence: shown, never changed or deleted through the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class KpiInline(admin.TabularInline):
    model = Kpi
    extra = 0
    can_delete = False


class MemberInline(admin.TabularInline):
    model = ConsortiumMember
    extra = 0
    can_delete = False
    readonly_fields = ["status", "responded_by", "responded_at"]
    raw_id_fields = ["company", "invited_by"]


@admin.register(Application)
class ApplicationAdmin(AuditedModelAdmin):
    list_display = ["__str__", "lead", "call", "track", "status", "current_version", "submitted_at"]
    list_filter = ["status", "call__operator"]
    search_fields = ["title", "lead__name", "lead__business_number", "call__reference"]
    readonly_fields = ["status", "current_version", "submitted_at", "completed_sections", "created_by"]
    raw_id_fields = ["call", "track", "lead"]
    list_select_related = ["lead", "call", "track"]
    inlines = [KpiInline, MemberInline]


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["receipt_number", "application", "version", "status", "submitted_at"]
    list_filter = ["status"]
    search_fields = ["receipt_number", "application__lead__name"]
    list_select_related = ["application"]


@admin.register(EligibilityRun)
class EligibilityRunAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "status", "outcome", "attempts", "created_at", "finished_at"]
    list_filter = ["status", "outcome"]


@admin.register(EligibilityResult)
class EligibilityResultAdmin(ReadOnlyAdmin):
    list_display = ["run", "order", "kind", "outcome", "override_outcome"]
    list_filter = ["kind", "outcome"]


@admin.register(ClarificationMessage)
class ClarificationMessageAdmin(ReadOnlyAdmin):
    list_display = ["clarification", "author", "created_at"]


for model, fields in [
    (ApplicationDocument, ["original_name", "application", "kind", "size", "uploaded_at", "removed_at"]),
    (ConsortiumMember, ["company", "application", "role", "status"]),
    (Clarification, ["subject", "application", "status", "reply_by"]),
    (SupportNote, ["application", "operator", "given_on"]),
]:
    admin.site.register(model, type(f"{model.__name__}Admin", (AuditedModelAdmin,), {"list_display": fields}))
