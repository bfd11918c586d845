"""Admin of reports: jobs and service reports are read-only here (they are written by the
job runner and the services; publishing is on /reports/service/)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hragency.core.admin_audit import AuditedAdminMixin
from hragency.reports.models import Job, ServiceReport


class ReadOnlyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "status", "done", "total", "created_by", "created_at"]
    list_filter = ["status", "kind"]
    exclude = ["file"]


@admin.register(ServiceReport)
class ServiceReportAdmin(ReadOnlyAdmin):
    list_display = ["client", "kind", "period", "generated_at", "published"]
    list_filter = ["kind", "published"]
    exclude = ["data", "pdf", "xlsx"]
