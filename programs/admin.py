"""Django admin for the programs app. Saves are audited; a call's status is read-only here
because only `services.call_set_state` may move it."""

from django.contrib import admin

from organizations.admin import AuditedModelAdmin

from .models import (
    Call,
    CallWatch,
    EligibilityRule,
    Funder,
    FundingQuote,
    FundingQuoteRevision,
    Programme,
    RequiredDocument,
    SavedSearch,
    SelfDiagnosis,
    Track,
)


@admin.register(Programme)
class ProgrammeAdmin(AuditedModelAdmin):
    list_display = ["name_ko", "fiscal_year", "programme_type", "operator", "budget"]
    list_filter = ["fiscal_year", "programme_type"]
    search_fields = ["name_ko", "name_en"]
    list_select_related = ["operator"]


class TrackInline(admin.StackedInline):
    model = Track
    extra = 0
    filter_horizontal = ["bonus_regions"]
    show_change_link = True


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0


@admin.register(Call)
class CallAdmin(AuditedModelAdmin):
    list_display = ["reference", "title_ko", "status", "opens_at", "closes_at", "operator"]
    list_filter = ["status", "delivery_model"]
    search_fields = ["reference", "title_ko", "title_en"]
    readonly_fields = ["status", "published_at", "cancel_reason", "cloned_from"]
    filter_horizontal = ["eligible_regions", "eligible_sectors"]
    list_select_related = ["operator"]
    inlines = [TrackInline, RequiredDocumentInline]


class FunderInline(admin.TabularInline):
    model = Funder
    extra = 0


@admin.register(Track)
class TrackAdmin(AuditedModelAdmin):
    list_display = ["__str__", "call", "level", "template_version", "rounding_unit"]
    list_filter = ["level"]
    readonly_fields = ["template_version"]
    filter_horizontal = ["bonus_regions"]
    list_select_related = ["call"]
    inlines = [FunderInline]


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(AuditedModelAdmin):
    list_display = ["kind", "call", "track", "is_active", "order"]
    list_filter = ["kind", "is_active"]
    list_select_related = ["call", "track"]


@admin.register(FundingQuote)
class FundingQuoteAdmin(AuditedModelAdmin):
    list_display = ["__str__", "track", "company", "total_cost", "sme_share", "template_version"]
    readonly_fields = ["shares", "sme_share", "template_version", "computed_at"]
    list_select_related = ["track", "company"]


@admin.register(FundingQuoteRevision)
class FundingQuoteRevisionAdmin(admin.ModelAdmin):
    """Revisions are history: read-only."""

    list_display = ["quote", "from_version", "to_version", "old_sme_share", "new_sme_share", "recorded_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SelfDiagnosis)
class SelfDiagnosisAdmin(AuditedModelAdmin):
    list_display = ["company", "score", "estimated_level", "created_at"]
    list_select_related = ["company"]


@admin.register(SavedSearch)
class SavedSearchAdmin(AuditedModelAdmin):
    list_display = ["name", "user", "notify", "created_at"]
    list_select_related = ["user"]


@admin.register(CallWatch)
class CallWatchAdmin(AuditedModelAdmin):
    list_display = ["user", "call", "created_at"]
    list_select_related = ["user", "call"]
