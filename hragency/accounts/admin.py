from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from hragency.accounts.models import ClientAssignment, Department, User
from hragency.core.admin_audit import AuditedAdminMixin


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    list_display = [
        "username",
        "display_name",
        "kind",
        "department",
        "client",
        "is_active",
        "totp_confirmed_at",
    ]
    list_filter = ["kind", "is_active", "groups", "department"]
    search_fields = ["username", "display_name", "email"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            "机构与客户",
            {"fields": ("kind", "display_name", "department", "client", "insured_person")},
        ),
        ("动态口令", {"fields": ("totp_confirmed_at",)}),
    )
    readonly_fields = ["totp_confirmed_at"]
    raw_id_fields = ["client", "insured_person"]


@admin.register(Department)
class DepartmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "parent", "head"]


@admin.register(ClientAssignment)
class ClientAssignmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["client", "user", "department", "responsibility"]
    list_select_related = ["client", "user", "department"]
    raw_id_fields = ["client", "user"]
