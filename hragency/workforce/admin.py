"""Admin of the workforce app: service targets and shift templates are edited here; the rest
is written by the services (import, forecast, plans), so it is read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hragency.core.admin_audit import AuditedAdminMixin
from hragency.workforce.models import (
    ContactVolume,
    HandoverRecord,
    PeakWarning,
    ServiceTarget,
    ShiftPlan,
    ShiftTemplate,
)


@admin.register(ServiceTarget)
class ServiceTargetAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "channel",
        "target_pct",
        "threshold_seconds",
        "aht_seconds",
        "shrinkage_pct",
        "max_occupancy_pct",
        "min_agents",
        "concurrency",
    ]


@admin.register(ShiftTemplate)
class ShiftTemplateAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "start_time", "length_minutes", "break_minutes", "active"]


class ReadOnlyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ContactVolume)
class ContactVolumeAdmin(ReadOnlyAdmin):
    list_display = ["channel", "interval_start", "interval_minutes", "offered", "answered"]
    list_filter = ["channel"]


@admin.register(ShiftPlan)
class ShiftPlanAdmin(ReadOnlyAdmin):
    list_display = ["number", "week_start", "status", "shifts", "unfilled"]


@admin.register(HandoverRecord)
class HandoverRecordAdmin(ReadOnlyAdmin):
    list_display = ["number", "shift_date", "outgoing", "incoming", "acknowledged_at"]


@admin.register(PeakWarning)
class PeakWarningAdmin(ReadOnlyAdmin):
    list_display = ["interval_start", "kind", "channel", "required", "scheduled", "status"]
    list_filter = ["kind", "status"]
