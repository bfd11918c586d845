"""Read-mostly admin for statements and month-close runs. Figures are written only by the
month close; an administrator may correct a status (e.g. reopen a statement confirmed by
mistake, or mark a dead run finished), and every change is audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hragency.billing.models import CloseRun, Statement
from hragency.core.admin_audit import AuditedAdminMixin
from hragency.domain.money import format_cny


class _ReadMostly(AuditedAdminMixin, admin.ModelAdmin):
    editable: tuple[str, ...] = ("status",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        names = [f.name for f in self.model._meta.concrete_fields if f.name not in self.editable]
        return [*names, *self.extra_readonly]

    extra_readonly: tuple[str, ...] = ()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Statement)
class StatementAdmin(_ReadMostly):
    list_display = ["number", "client", "period", "status", "headcount", "total", "computed_at"]
    list_filter = ["status", "period", "fee_model"]
    search_fields = ["number", "client__name", "client__number"]
    list_select_related = ["client"]
    date_hierarchy = "period"
    extra_readonly = ("total",)

    @admin.display(description="应付合计", ordering="total_fen")
    def total(self, obj: Statement) -> str:
        return format_cny(obj.total_fen)


@admin.register(CloseRun)
class CloseRunAdmin(_ReadMostly):
    list_display = [
        "period",
        "status",
        "clients_done",
        "clients_total",
        "people",
        "problem_count",
        "started_by",
        "started_at",
        "finished_at",
    ]
    list_filter = ["status", "period"]
    list_select_related = ["started_by"]

    @admin.display(description="问题数")
    def problem_count(self, obj: CloseRun) -> int:
        return len(obj.problems or [])


from hragency.billing import admin_funds  # noqa: F401,E402  (fund ledger and invoices)
