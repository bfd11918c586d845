"""Admin of recruitment: read-only (every change goes through the services: deadlines, stages,
scoping)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hragency.core.admin_audit import AuditedAdminMixin
from hragency.recruitment.models import Application, Candidate, Requisition


class ReadOnlyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Requisition)
class RequisitionAdmin(ReadOnlyAdmin):
    list_display = ["number", "client", "position", "headcount", "recruiter", "stage", "status"]
    list_filter = ["status", "stage"]
    search_fields = ["number", "client__name", "position"]


@admin.register(Candidate)
class CandidateAdmin(ReadOnlyAdmin):
    list_display = ["name", "client", "source", "created_at"]
    exclude = ["phone"]
    search_fields = ["name"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["candidate", "requisition", "stage", "hire_date"]
    list_filter = ["stage"]
