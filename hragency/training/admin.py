"""Admin of training: read-only (changes go through the services: scoping, audit, notices)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hragency.core.admin_audit import AuditedAdminMixin
from hragency.training.models import Session, TrainingProgramme


class ReadOnlyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TrainingProgramme)
class TrainingProgrammeAdmin(ReadOnlyAdmin):
    list_display = ["number", "client", "title", "owner", "status"]
    list_filter = ["status"]
    search_fields = ["number", "client__name", "title"]


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ["programme", "starts_at", "place", "capacity", "status"]
    list_filter = ["status"]
