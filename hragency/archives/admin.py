"""Admin of archives: read-only (every change goes through the services: deadlines, scoping,
the destruction rules)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hragency.archives.models import (
    ArchiveFile,
    ArchiveItem,
    Borrowing,
    DestructionRecord,
    MonthlyFiling,
)
from hragency.core.admin_audit import AuditedAdminMixin


class ReadOnlyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ArchiveFile)
class ArchiveFileAdmin(ReadOnlyAdmin):
    list_display = ["number", "client", "agreement", "title"]


@admin.register(ArchiveItem)
class ArchiveItemAdmin(ReadOnlyAdmin):
    list_display = ["title", "client", "kind", "month", "status", "destroy_after"]
    list_filter = ["kind", "status"]


@admin.register(MonthlyFiling)
class MonthlyFilingAdmin(ReadOnlyAdmin):
    list_display = ["client", "month", "status", "due_on", "owner"]
    list_filter = ["status"]


@admin.register(Borrowing)
class BorrowingAdmin(ReadOnlyAdmin):
    list_display = ["number", "client", "borrower_name", "status", "due_back"]


@admin.register(DestructionRecord)
class DestructionRecordAdmin(ReadOnlyAdmin):
    list_display = ["number", "client", "status", "destroyed_on"]
