"""The statement as files: Excel (sheet 汇总 with the header figures, sheet 明细 with one row
per person and every levied item's base / employer / employee part, plus a total row) and the
printable 《费用明细表》 PDF (A4 landscape, with signature lines for the client).

Amounts are written as exact ``Decimal`` yuan (never floats), formatted ``#,##0.00``. ID numbers
are masked: the file leaves the system.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from hragency.billing.models import Statement
from hragency.billing.queries import LineRow, LineTotals, fee_model_label, summary_of
from hragency.core.pdf import render_pdf
from hragency.domain.insurance import Item
from hragency.domain.money import from_fen

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"
MONEY = "#,##0.00"


def filename(statement: Statement, suffix: str) -> str:
    period = f"{statement.period:%Y-%m}"
    return f"费用明细表-{statement.client.name}-{period}-{statement.number}.{suffix}"


def _yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else from_fen(int(fen))


def detail_headers(levied: list[Item]) -> list[str]:
    headers = ["序号", "姓名", "身份证号", "参保城市", "申报工资"]
    for item in levied:
        headers += [f"{item.label}基数", f"{item.label}单位", f"{item.label}个人"]
    return [*headers, "单位合计", "个人合计", "合计"]


def _money_columns(levied: list[Item]) -> int:
    return 1 + 3 * len(levied) + 3


# ---- Excel ---------------------------------------------------------------------------------


def _cell(sheet: Worksheet, value: Any, *, money: bool = False, bold: bool = False) -> Any:
    cell = WriteOnlyCell(sheet, value=value)
    if money:
        cell.number_format = MONEY
    if bold:
        cell.font = Font(bold=True)
    return cell


def statement_workbook(statement: Statement, lines: Iterable[LineRow], totals: LineTotals) -> bytes:
    """The .xlsx file; ``lines`` may be a generator (rows are streamed, write-only mode)."""
    book = Workbook(write_only=True)
    summary = book.create_sheet("汇总")
    summary.column_dimensions["A"].width = 22
    summary.column_dimensions["B"].width = 36
    summary.append([_cell(summary, "费用明细表", bold=True)])
    info: list[tuple[str, Any]] = [
        ("客户", statement.client.name),
        ("客户编号", statement.client.number),
        ("所属期", f"{statement.period:%Y-%m}"),
        ("编号", statement.number),
        ("状态", statement.get_status_display()),
        ("收费方式", fee_model_label(statement)),
        ("人数", statement.headcount),
    ]
    for label, value in info:
        summary.append([label, value])
    for label, fen in summary_of(statement):
        summary.append([label, _cell(summary, from_fen(fen), money=True)])
    computed = timezone.localtime(statement.computed_at)
    summary.append(["核算时间", f"{computed:%Y-%m-%d %H:%M}"])
    if statement.responded_at is not None and statement.status == Statement.Status.CONFIRMED:
        confirmed = timezone.localtime(statement.responded_at)
        summary.append(["客户确认", f"{statement.responded_by} {confirmed:%Y-%m-%d %H:%M}"])

    levied = totals.levied
    detail = book.create_sheet("明细")
    headers = detail_headers(levied)
    widths = [6, 12, 21, 10] + [13] * _money_columns(levied)
    for index, width in enumerate(widths, start=1):
        detail.column_dimensions[get_column_letter(index)].width = width
    detail.freeze_panes = "C2"
    detail.append([_cell(detail, h, bold=True) for h in headers])
    count = 0
    for count, line in enumerate(lines, start=1):
        row: list[Any] = [count, line.name, line.id_number_masked, line.city]
        row.append(_cell(detail, _yuan(line.wage_fen), money=True))
        for cells in line.items:
            for fen in (cells.base_fen, cells.er_fen, cells.ee_fen):
                row.append(_cell(detail, _yuan(fen), money=True))
        for fen in (line.employer_fen, line.employee_fen, line.total_fen):
            row.append(_cell(detail, _yuan(fen), money=True))
        detail.append(row)
    total_row: list[Any] = [_cell(detail, "合计", bold=True), f"{count} 人", None, None]
    total_row.append(_cell(detail, _yuan(totals.wage_fen), money=True, bold=True))
    for item in levied:
        sums = totals.items[item.value]
        for key in ("base", "er", "ee"):
            total_row.append(_cell(detail, _yuan(sums[key]), money=True, bold=True))
    for fen in (totals.employer_fen, totals.employee_fen, totals.total_fen):
        total_row.append(_cell(detail, _yuan(fen), money=True, bold=True))
    detail.append(total_row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---- PDF -----------------------------------------------------------------------------------


def statement_html(statement: Statement, lines: Iterable[LineRow], totals: LineTotals) -> str:
    return render_to_string(
        "billing/statement_pdf.html",
        {
            "statement": statement,
            "lines": lines,
            "totals": totals,
            "levied": totals.levied,
            "item_totals": [totals.items[item.value] for item in totals.levied],
            "summary": summary_of(statement),
            "fee_model": fee_model_label(statement),
            "printed_at": timezone.localtime(),
        },
    )


def statement_pdf(statement: Statement, lines: Iterable[LineRow], totals: LineTotals) -> bytes:
    """The printable 《费用明细表》; ``PdfUnavailable`` when no PDF can be made."""
    return render_pdf(statement_html(statement, lines, totals))
