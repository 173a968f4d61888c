"""Django admin for the supplier registry. Saves are audited; status is read-only here because
only `services.supplier_set_status` may move it."""

from django.contrib import admin

from organizations.admin import AuditedModelAdmin

from .models import (
    CapabilityAssessment,
    Certification,
    ImplementationCase,
    Solution,
    SupplierDocument,
    SupplierProfile,
    SupplierReview,
    TechDomain,
)


@admin.register(TechDomain)
class TechDomainAdmin(AuditedModelAdmin):
    list_display = ["code", "name_ko", "name_en", "order", "is_active"]
    list_editable = ["order", "is_active"]


class SolutionInline(admin.TabularInline):
    model = Solution
    extra = 0


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0


@admin.register(SupplierProfile)
class SupplierProfileAdmin(AuditedModelAdmin):
    list_display = ["company", "status", "rating", "case_count", "registered_at"]
    list_filter = ["status", "domains"]
    search_fields = ["company__name", "company__business_number"]
    readonly_fields = [
        "status",
        "status_reason",
        "submitted_at",
        "registered_at",
        "rating",
        "rating_basis",
        "case_count",
    ]
    filter_horizontal = ["domains"]
    list_select_related = ["company"]
    inlines = [SolutionInline, CertificationInline]


for model, fields in [
    (Solution, ["name", "profile", "domain", "deployment"]),
    (Certification, ["__str__", "profile", "valid_until"]),
    (ImplementationCase, ["title", "profile", "year", "amount", "level"]),
    (SupplierDocument, ["original_name", "profile", "kind", "uploaded_at"]),
    (
        CapabilityAssessment,
        ["profile", "operator", "assessed_on", "management", "technology", "project_management"],
    ),
    (SupplierReview, ["profile", "source", "project_reference", "score"]),
]:
    admin.site.register(model, type(f"{model.__name__}Admin", (AuditedModelAdmin,), {"list_display": fields}))
