"""Admin of visits: the rule sets are configured here (and on /visits/rules/); tasks and
responses go through the services (deadlines, scoping), so they are read-only here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hragency.core.admin_audit import AuditedAdminMixin
from hragency.visits.models import Survey, SurveyResponse, VisitRule, VisitRuleSet, VisitTask


class VisitRuleInline(admin.TabularInline):
    model = VisitRule
    extra = 0


@admin.register(VisitRuleSet)
class VisitRuleSetAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "basis", "active", "note"]
    inlines = [VisitRuleInline]


class ReadOnlyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(VisitTask)
class VisitTaskAdmin(ReadOnlyAdmin):
    list_display = ["client", "kind", "due_date", "owner", "status", "done_at"]
    list_filter = ["status", "kind"]
    search_fields = ["client__name", "client__number"]


@admin.register(Survey)
class SurveyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["quarter", "title", "starts_on", "ends_on"]


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdmin):
    list_display = ["survey", "client", "respondent_name", "overall", "submitted_at"]
    list_filter = ["survey"]
