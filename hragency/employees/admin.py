from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hragency.core.admin_audit import AuditedAdminMixin
from hragency.employees.models import (
    EmploymentProcess,
    InsuredPerson,
    PersonDocument,
    ProcessStep,
)


@admin.register(InsuredPerson)
class InsuredPersonAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "client",
        "id_number_masked",
        "gender",
        "birth_date",
        "insured_city",
        "status",
    ]
    list_filter = ["status", "insured_city"]
    search_fields = ["name", "employee_number"]
    exclude = ["id_number", "phone", "bank_account"]
    readonly_fields = ["id_number_masked", "phone_masked", "bank_account_masked"]
    list_select_related = ["client"]


@admin.register(PersonDocument)
class PersonDocumentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Read-only list: uploads go through the checked service and downloads through the scoped
    view, so the admin never links to the private file."""

    list_display = ["person", "kind", "original_name", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["kind"]
    search_fields = ["person__name", "original_name"]
    list_select_related = ["person", "uploaded_by"]
    fields = ("person", "kind", "original_name", "size", "content_type", "uploaded_by")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ProcessStepInline(admin.TabularInline):
    model = ProcessStep
    extra = 0
    fields = ["position", "title", "done_at", "done_by", "note"]
    readonly_fields = ["position", "title", "done_at", "done_by"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EmploymentProcess)
class EmploymentProcessAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["person", "kind", "started_at", "started_by", "finished_at"]
    list_filter = ["kind"]
    search_fields = ["person__name"]
    list_select_related = ["person", "started_by"]
    readonly_fields = ["person", "kind", "started_at", "started_by", "finished_at", "finished_by"]
    inlines = [ProcessStepInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
