"""Django admin for every model. Admin edits are audited like any other change; audit rows are read-only."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from . import audit
from .models import (
    AuditEvent,
    Company,
    KsicDivision,
    LevelAssessment,
    Membership,
    Notification,
    Operator,
    Region,
    User,
)


class AuditedModelAdmin(admin.ModelAdmin):
    """Records every save and delete made through the admin, with the admin user as actor."""

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = audit.snapshot(type(obj)._base_manager.get(pk=obj.pk)) if change else None
            super().save_model(request, obj, form, change)
            if change:
                audit.record_update(request.user, obj, before, reason="admin")
            else:
                audit.record_create(request.user, obj, reason="admin")

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit.record_delete(request.user, obj, reason="admin")
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                audit.record_delete(request.user, obj, reason="admin")
            super().delete_queryset(request, queryset)


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    list_display = ["code", "name_ko", "name_en"]
    search_fields = ["code", "name_ko", "name_en"]


@admin.register(KsicDivision)
class KsicDivisionAdmin(AuditedModelAdmin):
    list_display = ["code", "name_ko", "name_en"]
    search_fields = ["code", "name_ko", "name_en"]


@admin.register(Operator)
class OperatorAdmin(AuditedModelAdmin):
    list_display = ["name_ko", "kind", "region", "code"]
    list_filter = ["kind", "region"]
    search_fields = ["name_ko", "name_en", "code"]
    filter_horizontal = ["regions_covered"]


@admin.register(Company)
class CompanyAdmin(AuditedModelAdmin):
    list_display = [
        "name",
        "business_number_display",
        "kind",
        "region",
        "ksic_division",
        "smart_factory_level",
    ]
    list_filter = ["kind", "region", "smart_factory_level", "has_production_facility"]
    search_fields = ["name", "name_en", "business_number"]
    list_select_related = ["region", "ksic_division"]


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "last_login"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("개인 정보"), {"fields": ("full_name", "phone", "preferred_language")}),
        (_("권한"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("기록"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    list_display = ["user", "role", "company", "operator", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__email", "company__name", "operator__name_ko"]
    autocomplete_fields = ["user", "company", "operator"]
    list_select_related = ["user", "company", "operator"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: audit records cannot be added, changed or deleted through the app."""

    list_display = ["occurred_at", "actor_label", "action", "content_type", "object_repr", "reason"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "actor_label", "object_id", "reason"]
    date_hierarchy = "occurred_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, read-only: rows are written by notify() and changed only by the delivery task."""

    list_display = ["created_at", "email", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status"]
    search_fields = ["email", "subject"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LevelAssessment)
class LevelAssessmentAdmin(admin.ModelAdmin):
    """Read-only: an assessment is recorded and withdrawn through the company page or the API
    (organizations.services), so the company's level always follows its latest assessment."""

    list_display = [
        "company",
        "assessed_on",
        "level",
        "assessing_body",
        "recorded_by_operator",
        "withdrawn_at",
        "created_at",
    ]
    list_filter = ["level", "assessed_on"]
    search_fields = ["company__name", "company__business_number", "assessing_body"]
    list_select_related = ["company", "recorded_by_operator"]
    date_hierarchy = "assessed_on"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
