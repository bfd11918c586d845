"""Admin for exceptions, back-payments/refunds, declarations and declaration layouts. Imported
by ``admin.py``. Records are written through the services; the admin mostly reads, except the
declaration layouts, which are configuration an administrator maintains."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hragency.core.admin_audit import AuditedAdminMixin
from hragency.insurance.models import Adjustment, Declaration, DeclarationFormat, Incident


class _ReadOnly(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Incident)
class IncidentAdmin(_ReadOnly):
    list_display = ["number", "client", "kind", "status", "reported_at", "handler"]
    list_filter = ["status", "kind"]
    search_fields = ["number", "client__name"]
    list_select_related = ["client", "handler"]


@admin.register(Adjustment)
class AdjustmentAdmin(_ReadOnly):
    list_display = ["number", "kind", "client", "person", "first_month", "last_month", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["number", "client__name", "person__name"]
    list_select_related = ["client", "person"]


@admin.register(Declaration)
class DeclarationAdmin(_ReadOnly):
    list_display = ["client", "city", "month", "kind", "status", "headcount", "receipt_number"]
    list_filter = ["status", "kind", "city"]
    search_fields = ["client__name", "receipt_number"]
    list_select_related = ["client"]


@admin.register(DeclarationFormat)
class DeclarationFormatAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Columns as JSON: [{"header": "公民身份号码", "field": "id_number"}, …]; the fields are
    those of ``insurance.declarations.DECLARATION_FIELDS``."""

    list_display = ["city", "kind", "title"]
    list_filter = ["kind"]
