"""Bank batch-payment files (银行代发文件, R-PAY-3).

A bank's layout is data (``BankFormat``, edited in the admin): file type (xlsx / csv / txt),
encoding (GB18030 by default: Chinese banks' import programs expect it), delimiter, whether a
header row is written, and the columns. A column is ``{"header": "收款人账号", "field":
"account"}`` (a field of ``FIELDS``) or a constant ``{"header": "币种", "value": "人民币"}``.

The file is for the bank, so it holds the **full** account number (and ID number where the
layout asks for it); every export is audited (``payroll.bank_export``), like the insurance
declaration files. People without a bank account or with a net pay of zero or less are left
out and listed (the screen shows them before the download). Only approved or paid runs are
exported.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from hragency.clients.services import ensure_serviceable
from hragency.core import audit
from hragency.core.errors import ServiceError
from hragency.core.scoping import scope_queryset
from hragency.domain.money import from_fen
from hragency.payroll.models import BankFormat, PayrollLine, PayrollRun, PayrollSettings

FIELDS: dict[str, str] = {
    "seq": "序号",
    "name": "姓名",
    "account": "收款账号",
    "bank_name": "开户行",
    "amount": "金额",
    "amount_fen": "金额（分）",
    "id_number": "证件号码",
    "id_type": "证件类型",
    "phone": "手机号码",
    "employee_number": "工号",
    "remark": "用途",
    "currency": "币种",
}
"""The fields a column may take, with the header a new column would get."""

TEXT_FIELDS = {"account", "id_number", "phone", "employee_number", "amount_fen"}
"""Written as text in .xlsx (long digit strings must not become numbers)."""

EXPORTABLE = (PayrollRun.Status.APPROVED, PayrollRun.Status.PAID)
FILE_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "txt": "text/plain",
}


def check_columns(columns: Any) -> list[dict[str, str]]:
    """The columns, cleaned; ``ServiceError`` naming the first bad column otherwise.

    Each column needs a header and either a known ``field`` or a constant ``value``; a layout
    must pay someone, so it needs the account, the name and the amount (yuan or fen)."""
    if not isinstance(columns, list) or not columns:
        raise ServiceError('列定义应为非空列表，如 [{"header": "收款账号", "field": "account"}]')
    cleaned: list[dict[str, str]] = []
    for number, column in enumerate(columns, start=1):
        where = f"第 {number} 列"
        if not isinstance(column, dict):
            raise ServiceError(f'{where}应为对象，如 {{"header": "姓名", "field": "name"}}')
        header = column.get("header")
        if not isinstance(header, str) or not header.strip():
            raise ServiceError(f"{where}缺少表头（header）")
        where = f"{where}「{header.strip()}」"
        unknown = set(column) - {"header", "field", "value"}
        if unknown:
            raise ServiceError(f"{where}含有未知的键：{'、'.join(sorted(unknown))}")
        has_field, has_value = "field" in column, "value" in column
        if has_field == has_value:
            raise ServiceError(f"{where}应指定字段（field）或固定值（value）之一")
        if has_field:
            name = column["field"]
            if name not in FIELDS:
                allowed = "、".join(f"{k}（{v}）" for k, v in FIELDS.items())
                raise ServiceError(f"{where}的字段「{name}」不存在，可用字段：{allowed}")
            cleaned.append({"header": header.strip(), "field": name})
        else:
            value = column["value"]
            if not isinstance(value, str):
                raise ServiceError(f"{where}的固定值应为文本")
            cleaned.append({"header": header.strip(), "value": value})
    used = {c.get("field") for c in cleaned}
    missing = [FIELDS[f] for f in ("account", "name") if f not in used]
    if not used & {"amount", "amount_fen"}:
        missing.append(FIELDS["amount"])
    if missing:
        raise ServiceError(f"列定义缺少必需的字段：{'、'.join(missing)}")
    return cleaned


def check_format(bank_format: BankFormat) -> None:
    """The whole layout: columns, and a delimiter for csv/txt files."""
    check_columns(bank_format.columns)
    if bank_format.file_type in ("csv", "txt"):
        if not bank_format.delimiter:
            raise ServiceError("CSV 和文本文件须指定分隔符")
        if bank_format.delimiter in ("\r", "\n", '"'):
            raise ServiceError("分隔符不能是换行符或双引号")


# ---- who is paid -------------------------------------------------------------------------


@dataclass(frozen=True)
class Payee:
    line: PayrollLine

    @property
    def person(self) -> Any:
        return self.line.person


@dataclass
class BankPlan:
    """Who the file pays and who is left out (with the reason), before anything is written."""

    payees: list[Payee] = field(default_factory=list)
    left_out: list[tuple[str, str]] = field(default_factory=list)
    """(name, reason)."""

    @property
    def total_fen(self) -> int:
        return sum(p.line.net_fen for p in self.payees)


def plan(lines: Iterable[PayrollLine]) -> BankPlan:
    result = BankPlan()
    for line in lines:
        person = line.person
        if line.net_fen <= 0:
            result.left_out.append((person.name, "实发工资不大于 0"))
        elif not "".join((person.bank_account or "").split()):
            result.left_out.append((person.name, "未登记银行账号"))
        else:
            result.payees.append(Payee(line))
    return result


def run_lines(run: PayrollRun) -> Any:
    """Every line of the run with its person, in a stable order (name, then id)."""
    return (
        PayrollLine.objects.filter(run=run)
        .select_related("person")
        .order_by("person__name", "person_id")
    )


def default_format(run: PayrollRun) -> BankFormat | None:
    settings = (
        PayrollSettings.objects.filter(client_id=run.client_id)
        .select_related("bank_format")
        .first()
    )
    if settings is None or settings.bank_format is None or not settings.bank_format.active:
        return None
    return settings.bank_format


def remark(run: PayrollRun) -> str:
    return f"{run.period.year}年{run.period.month}月工资"


def _value(name: str, seq: int, payee: Payee, run: PayrollRun) -> Any:
    person, line = payee.person, payee.line
    if name == "seq":
        return seq
    if name == "name":
        return person.name
    if name == "account":
        return "".join((person.bank_account or "").split())
    if name == "bank_name":
        return person.bank_name or ""
    if name == "amount":
        return from_fen(line.net_fen)
    if name == "amount_fen":
        return str(line.net_fen)
    if name == "id_number":
        return person.id_number or ""
    if name == "id_type":
        return "身份证"
    if name == "phone":
        return person.phone or ""
    if name == "employee_number":
        return person.employee_number or ""
    if name == "remark":
        return remark(run)
    if name == "currency":
        return "CNY"
    raise ServiceError(f"未知字段：{name}")  # pragma: no cover - check_columns refuses it


def rows(columns: list[dict[str, str]], payees: list[Payee], run: PayrollRun) -> list[list[Any]]:
    table: list[list[Any]] = []
    for seq, payee in enumerate(payees, start=1):
        table.append(
            [c["value"] if "value" in c else _value(c["field"], seq, payee, run) for c in columns]
        )
    return table


def _text(value: Any) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return "" if value is None else str(value)


def render(bank_format: BankFormat, columns: list[dict[str, str]], table: list[list[Any]]) -> bytes:
    """The file's bytes in the format's type, encoding and delimiter."""
    headers = [c["header"] for c in columns]
    if bank_format.file_type == BankFormat.FileType.XLSX:
        return _xlsx(columns, headers if bank_format.header_row else None, table)
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=bank_format.delimiter or ",",
        lineterminator="\r\n",
        quoting=csv.QUOTE_MINIMAL,
    )
    if bank_format.header_row:
        writer.writerow(headers)
    for row in table:
        writer.writerow([_text(v) for v in row])
    return buffer.getvalue().encode(bank_format.encoding or "gb18030")


def _xlsx(
    columns: list[dict[str, str]], headers: list[str] | None, table: list[list[Any]]
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "代发明细"
    if headers is not None:
        sheet.append(headers)
    for row in table:
        sheet.append(row)
        at = sheet.max_row
        for index, column in enumerate(columns, start=1):
            cell = sheet.cell(row=at, column=index)
            if column.get("field") in TEXT_FIELDS or "value" in column:
                cell.value = _text(cell.value)
                cell.number_format = "@"
            elif column.get("field") == "amount":
                cell.number_format = "0.00"
    for index, column in enumerate(columns, start=1):
        wide = column.get("field") in ("account", "id_number", "bank_name")
        sheet.column_dimensions[get_column_letter(index)].width = 24 if wide else 12
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def filename(run: PayrollRun, bank_format: BankFormat) -> str:
    suffix = bank_format.file_type
    return f"代发工资_{run.client.name}_{run.period:%Y%m}_{bank_format.name}.{suffix}"


@transaction.atomic
def export_bank_file(
    *, actor: Any, run: PayrollRun, bank_format: BankFormat | None = None
) -> tuple[str, bytes]:
    """The run's batch-payment file in ``bank_format`` (or the client's default). Audited: it
    holds full account numbers. ``ServiceError`` when the run is not approved or paid, no
    format is set, the layout is invalid or nobody can be paid."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录")
    if not actor.has_perm("payroll.pay_payroll"):
        raise PermissionDenied("无权导出银行代发文件")
    in_scope = scope_queryset(PayrollRun.objects.filter(pk=run.pk), actor)
    found = in_scope.select_related("client").first()
    if found is None:
        raise PermissionDenied("无权操作该客户的工资")
    run = found
    ensure_serviceable(run.client)
    if run.status not in EXPORTABLE:
        raise ServiceError(f"工资表{run.get_status_display()}，审核通过后才能生成银行代发文件")
    chosen = bank_format or default_format(run)
    if chosen is None:
        raise ServiceError("该客户未设置默认代发银行格式，请选择银行格式")
    if not chosen.active:
        raise ServiceError(f"银行格式「{chosen.name}」已停用")
    check_format(chosen)
    columns = check_columns(chosen.columns)
    planned = plan(run_lines(run))
    if not planned.payees:
        raise ServiceError("没有可代发的人员（均无银行账号或实发工资不大于 0）")
    content = render(chosen, columns, rows(columns, planned.payees, run))
    audit.record(
        actor=actor,
        action="payroll.bank_export",
        instance=run,
        extra={
            "format": chosen.code,
            "rows": len(planned.payees),
            "total": str(from_fen(planned.total_fen)),
            "left_out": len(planned.left_out),
        },
    )
    return filename(run, chosen), content
