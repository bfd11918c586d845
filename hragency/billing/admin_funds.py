"""Admin for the client fund ledger and invoices: read-only. An entry written here would skip
the overdraft check and the invoice deadline, so every change goes through ``billing.funds``
(screens and API); a mistake in the ledger is corrected by an adjustment entry."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hragency.billing.models import FundEntry, Invoice, InvoiceLine
from hragency.core.admin_audit import AuditedAdminMixin


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FundEntry)
class FundEntryAdmin(AuditedAdminMixin, _ReadOnly, admin.ModelAdmin):
    list_display = ["date", "client", "kind", "amount_fen", "reference", "statement", "created_by"]
    list_filter = ["kind"]
    search_fields = ["client__name", "client__number", "reference"]
    list_select_related = ["client", "statement", "created_by"]
    date_hierarchy = "date"


class InvoiceLineInline(_ReadOnly, admin.TabularInline):
    model = InvoiceLine
    fields = ["position", "item", "amount_fen"]
    readonly_fields = ["position", "item", "amount_fen"]
    extra = 0


@admin.register(Invoice)
class InvoiceAdmin(AuditedAdminMixin, _ReadOnly, admin.ModelAdmin):
    list_display = [
        "number",
        "client",
        "statement",
        "status",
        "total_fen",
        "paid_on",
        "due_at",
        "issued_at",
        "invoice_number",
    ]
    list_filter = ["status"]
    search_fields = ["number", "client__name", "invoice_number"]
    list_select_related = ["client", "statement"]
    inlines = [InvoiceLineInline]
