"""Admin of agents: the scheme history and ratio rules are readable here; changes go through the
screens (/agents/scheme/, /agents/staffing/) so that they are versioned and audited. Profiles
can be corrected here (audited by the mixin)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hragency.agents.models import (
    AgentEvent,
    AgentProfile,
    MonthlyAssessment,
    RatingScheme,
    StaffingRatioRule,
    TrainingSession,
)
from hragency.core.admin_audit import AuditedAdminMixin


@admin.register(AgentProfile)
class AgentProfileAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "team", "position", "hire_date", "leave_date", "status"]
    list_filter = ["status", "position", "team"]
    raw_id_fields = ["user", "person"]


class ReadOnlyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RatingScheme)
class RatingSchemeAdmin(ReadOnlyAdmin):
    list_display = ["version", "name", "active", "created_at"]


@admin.register(MonthlyAssessment)
class MonthlyAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["month", "agent", "total", "grade", "coefficient", "status"]
    list_filter = ["month", "status"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(ReadOnlyAdmin):
    list_display = ["held_on", "topic", "trainer", "team"]


@admin.register(AgentEvent)
class AgentEventAdmin(ReadOnlyAdmin):
    list_display = ["happened_on", "agent", "kind", "title", "score", "points"]


@admin.register(StaffingRatioRule)
class StaffingRatioRuleAdmin(ReadOnlyAdmin):
    list_display = ["kind", "limit", "source"]
