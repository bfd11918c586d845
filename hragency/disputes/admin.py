"""Admin of disputes: read-only (cases change through the services: deadlines, scoping)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hragency.core.admin_audit import AuditedAdminMixin
from hragency.disputes.models import CaseHearing, DisputeCase


class ReadOnlyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DisputeCase)
class DisputeCaseAdmin(ReadOnlyAdmin):
    list_display = ["number", "client", "category", "stage", "owner", "limitation_ends_on"]
    list_filter = ["stage", "category", "outcome"]
    search_fields = ["number", "title"]


@admin.register(CaseHearing)
class CaseHearingAdmin(ReadOnlyAdmin):
    list_display = ["case", "kind", "at", "place"]
