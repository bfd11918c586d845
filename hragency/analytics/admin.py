"""Admin of analytics: saved queries are read-only here (they are made and changed through the
service, which checks them against the dataset registry); an administrator may delete one."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hragency.analytics.models import SavedQuery
from hragency.core.admin_audit import AuditedAdminMixin


@admin.register(SavedQuery)
class SavedQueryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "owner", "dataset", "shared_department", "updated_at"]
    list_filter = ["dataset"]
    search_fields = ["name", "owner__username", "owner__display_name"]
    readonly_fields = [
        "owner",
        "name",
        "dataset",
        "columns",
        "filters",
        "sort",
        "shared_department",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
