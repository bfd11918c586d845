"""Admin of the social-insurance module. The policy library is edited here by administrators
(R-SI-1: policies are data an admin edits, with history — every edit is audited by the mixin).
Orders go through the services (cut-off, duplicates, deadlines), so their admin is read-only;
enrollments may be corrected (audited); contributions are written only by the month close."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hragency.core.admin_audit import AuditedAdminMixin
from hragency.insurance.models import ClientRate, Contribution, Enrollment, Order, PolicyRule


@admin.register(PolicyRule)
class PolicyRuleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "city",
        "item",
        "effective_from",
        "base_floor",
        "base_ceiling",
        "employer_rate",
        "employee_rate",
        "rounding",
        "certainty",
    ]
    list_filter = ["certainty", "item", "city"]
    search_fields = ["city", "source", "note"]
    date_hierarchy = "effective_from"
    readonly_fields = ["updated_at"]

    def save_model(self, request: HttpRequest, obj: PolicyRule, form: Any, change: bool) -> None:
        from hragency.insurance.notices import announce_policy_changes

        super().save_model(request, obj, form, change)
        announce_policy_changes(actor=request.user, rules=[obj])  # R-SI-7


@admin.register(ClientRate)
class ClientRateAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["client", "city", "injury_rate", "hf_rate", "updated_at"]
    list_filter = ["city"]
    search_fields = ["client__name", "client__number", "city"]
    list_select_related = ["client"]
    raw_id_fields = ["client"]
    readonly_fields = ["updated_at"]


class _ReadOnly(AuditedAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(_ReadOnly):
    list_display = ["number", "kind", "client", "person", "city", "month", "status", "channel"]
    list_filter = ["status", "kind", "channel", "city"]
    search_fields = ["number", "person__name", "client__name"]
    list_select_related = ["client", "person"]
    date_hierarchy = "month"


@admin.register(Enrollment)
class EnrollmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["person", "client", "city", "wage", "start_month", "end_month", "si", "hf"]
    list_filter = ["city", "si", "hf"]
    search_fields = ["person__name", "client__name"]
    list_select_related = ["client", "person"]
    readonly_fields = ["client", "person", "created_at", "bases_confirmed_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Contribution)
class ContributionAdmin(_ReadOnly):
    list_display = [
        "period",
        "client",
        "person",
        "city",
        "wage_fen",
        "employer_fen",
        "employee_fen",
    ]
    list_filter = ["period", "city"]
    list_select_related = ["client", "person"]
    show_full_result_count = False


from hragency.insurance import admin_records  # noqa: F401,E402  (incidents, adjustments, declarations)
