"""Admin for payroll. Every add, change and delete is audited (``AuditedAdminMixin``).

* Runs and lines are read-mostly, like the fee statements: figures are written only by the
  calculation; an administrator may correct a run's status (audited). Lines are read-only.
* Salary items, standing salaries, monthly amounts, attendance, special deductions and tax-year
  options are maintained on the payroll screens (with their checks); the admin shows them.
* Client payroll settings and the bank batch-payment layouts (``BankFormat``) are edited here;
  a layout's columns are checked by ``payroll.bank.check_columns``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from hragency.core.admin_audit import AuditedAdminMixin
from hragency.core.errors import ServiceError
from hragency.domain.money import format_cny
from hragency.payroll import bank
from hragency.payroll.models import (
    Attendance,
    BankFormat,
    MonthlyAmount,
    PayrollLine,
    PayrollRun,
    PayrollSettings,
    PersonSalary,
    SalaryItem,
    SpecialDeduction,
    TaxYearOption,
)


class _ReadMostly(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    editable: tuple[str, ...] = ()
    extra_readonly: tuple[str, ...] = ()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        names = [f.name for f in self.model._meta.concrete_fields if f.name not in self.editable]
        return [*names, *self.extra_readonly]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _ReadOnly(_ReadMostly):
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PayrollRun)
class PayrollRunAdmin(_ReadMostly):
    editable = ("status",)
    list_display = ["number", "client", "period", "status", "headcount", "gross", "net", "paid_at"]
    list_filter = ["status", "period"]
    search_fields = ["number", "client__name", "client__number"]
    list_select_related = ["client"]
    date_hierarchy = "period"

    @admin.display(description="应发合计", ordering="gross_fen")
    def gross(self, obj: PayrollRun) -> str:
        return format_cny(obj.gross_fen)

    @admin.display(description="实发合计", ordering="net_fen")
    def net(self, obj: PayrollRun) -> str:
        return format_cny(obj.net_fen)


@admin.register(PayrollLine)
class PayrollLineAdmin(_ReadOnly):
    list_display = ["period", "run", "client", "person", "gross", "iit", "net", "emailed_at"]
    list_filter = ["period"]
    search_fields = ["run__number", "person__name", "client__name"]
    list_select_related = ["run", "client", "person"]

    @admin.display(description="应发合计", ordering="gross_fen")
    def gross(self, obj: PayrollLine) -> str:
        return format_cny(obj.gross_fen)

    @admin.display(description="个税")
    def iit(self, obj: PayrollLine) -> str:
        return format_cny(obj.iit_fen + obj.bonus_tax_fen)

    @admin.display(description="实发工资", ordering="net_fen")
    def net(self, obj: PayrollLine) -> str:
        return format_cny(obj.net_fen)


@admin.register(SalaryItem)
class SalaryItemAdmin(_ReadOnly):
    list_display = ["client", "order", "code", "name", "kind", "source", "taxable", "active"]
    list_filter = ["kind", "source", "active"]
    search_fields = ["code", "name", "client__name"]
    list_select_related = ["client"]


@admin.register(PersonSalary)
class PersonSalaryAdmin(_ReadOnly):
    list_display = ["client", "person", "item", "amount", "effective_from"]
    search_fields = ["person__name", "client__name"]
    list_select_related = ["client", "person", "item"]

    @admin.display(description="金额", ordering="amount_fen")
    def amount(self, obj: PersonSalary) -> str:
        return format_cny(obj.amount_fen)


@admin.register(MonthlyAmount)
class MonthlyAmountAdmin(_ReadOnly):
    list_display = ["period", "client", "person", "item", "amount"]
    list_filter = ["period"]
    search_fields = ["person__name", "client__name"]
    list_select_related = ["client", "person", "item"]

    @admin.display(description="金额", ordering="amount_fen")
    def amount(self, obj: MonthlyAmount) -> str:
        return format_cny(obj.amount_fen)


@admin.register(Attendance)
class AttendanceAdmin(_ReadOnly):
    list_display = [
        "period",
        "client",
        "person",
        "personal_leave_days",
        "sick_leave_days",
        "absent_days",
        "performance_coefficient",
    ]
    list_filter = ["period"]
    search_fields = ["person__name", "client__name"]
    list_select_related = ["client", "person"]


@admin.register(SpecialDeduction)
class SpecialDeductionAdmin(_ReadOnly):
    list_display = ["client", "person", "category", "amount", "start_month", "end_month", "source"]
    list_filter = ["category", "source"]
    search_fields = ["person__name", "client__name"]
    list_select_related = ["client", "person"]

    @admin.display(description="每月扣除额", ordering="amount_fen")
    def amount(self, obj: SpecialDeduction) -> str:
        return format_cny(obj.amount_fen)


@admin.register(TaxYearOption)
class TaxYearOptionAdmin(_ReadOnly):
    list_display = ["year", "client", "person", "low_income_rule", "first_job_in_year"]
    list_filter = ["year", "low_income_rule"]
    search_fields = ["person__name", "client__name"]
    list_select_related = ["client", "person"]


@admin.register(PayrollSettings)
class PayrollSettingsAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["client", "pay_day", "bank_format", "email_payslips"]
    list_filter = ["email_payslips", "bank_format"]
    search_fields = ["client__name", "client__number"]
    list_select_related = ["client", "bank_format"]
    autocomplete_fields = ["client"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


FIELD_HELP = "；".join(f"{code}（{label}）" for code, label in bank.FIELDS.items())


class BankFormatForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = BankFormat
        fields = [
            "code",
            "name",
            "bank",
            "active",
            "file_type",
            "encoding",
            "delimiter",
            "header_row",
            "columns",
        ]
        help_texts = {
            "columns": (
                '列定义（JSON 列表），每列为 {"header": "收款账号", "field": "account"} 或固定值 '
                '{"header": "币种", "value": "人民币"}。可用字段：' + FIELD_HELP
            ),
            "delimiter": "CSV/文本文件的分隔符，如 , 或 |",
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "columns" in data:
            try:
                data["columns"] = bank.check_columns(data["columns"])
            except ServiceError as exc:
                self.add_error("columns", str(exc))
        file_type = data.get("file_type")
        delimiter = data.get("delimiter") or ""
        if file_type in ("csv", "txt"):
            if not delimiter:
                self.add_error("delimiter", "CSV 和文本文件须指定分隔符")
            elif delimiter in ("\r", "\n", '"'):
                self.add_error("delimiter", "分隔符不能是换行符或双引号")
        return data


@admin.register(BankFormat)
class BankFormatAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Bank batch-payment layouts. The seeded layouts (工商银行、建设银行、招商银行) are
    plausible starting points, not the banks' official templates."""

    form = BankFormatForm
    list_display = ["name", "code", "bank", "file_type", "encoding", "header_row", "active"]
    list_filter = ["file_type", "active"]
    search_fields = ["name", "code", "bank"]
    fieldsets = [
        (
            None,
            {
                "fields": ["code", "name", "bank", "active"],
                "description": (
                    "预置格式（中国工商银行、中国建设银行、招商银行）仅为常见布局示例，"
                    "首次使用前必须与开户银行提供的代发模板逐列核对（表头、列顺序、编码、分隔符），"
                    "并用一两笔小额代发验证。"
                ),
            },
        ),
        ("文件", {"fields": ["file_type", "encoding", "delimiter", "header_row"]}),
        ("列", {"fields": ["columns"]}),
    ]
