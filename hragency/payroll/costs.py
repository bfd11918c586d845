"""The client's monthly labour-cost list (人工成本清单, R-PAY-5): what the month's people cost
the client — the agency provides "每月薪酬、福利、保险等费用清单".

Per person: 应发工资 (gross pay), of which 福利补贴, the employer's social insurance (单位社保)
and housing fund (单位公积金), and 人工成本合计 = gross + employer SI + employer HF; then the
totals, the month's service fee from the client's fee statement (service fee + related taxes +
risk reserve, when a statement exists) and 总计.

**福利补贴 rule.** An earning item counts as a benefit/allowance when it is *not taxable*
(a tax-free subsidy of any source), or when it is a *standing amount* (source 固定) that is
*not in the daily-pay basis* (岗位津贴, 餐费补贴, 交通补贴 …). The base salary (the daily-pay
basis), performance pay, overtime and the monthly-entered variable pay (奖金, 补发) are wages,
not benefits. Deductions never count.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from hragency.domain.money import from_fen
from hragency.payroll import queries_outputs as q
from hragency.payroll.models import PayrollLine, PayrollRun, SalaryItem
from hragency.payroll.queries import items_of_client

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY = "#,##0.00"
HEADERS = [
    "序号",
    "姓名",
    "工号",
    "应发工资",
    "其中：福利补贴",
    "单位社保",
    "单位公积金",
    "人工成本合计",
]


def is_benefit(item: SalaryItem) -> bool:
    if item.kind != SalaryItem.Kind.EARNING:
        return False
    if not item.taxable:
        return True
    return item.source == SalaryItem.Source.FIXED and not item.in_daily_basis


def benefit_codes(items: Iterable[SalaryItem]) -> set[str]:
    return {item.code for item in items if is_benefit(item)}


def benefits_of(amounts: dict[str, Any] | None, codes: set[str]) -> int:
    return sum(int(fen) for code, fen in (amounts or {}).items() if code in codes)


@dataclass(frozen=True)
class CostRow:
    person_id: int
    name: str
    employee_number: str
    gross_fen: int
    benefits_fen: int
    si_employer_fen: int
    hf_employer_fen: int

    @property
    def total_fen(self) -> int:
        return self.gross_fen + self.si_employer_fen + self.hf_employer_fen


def cost_row(line: PayrollLine, codes: set[str]) -> CostRow:
    return CostRow(
        person_id=line.person_id,
        name=line.person.name,
        employee_number=line.person.employee_number or "",
        gross_fen=line.gross_fen,
        benefits_fen=benefits_of(line.items, codes),
        si_employer_fen=line.si_employer_fen,
        hf_employer_fen=line.hf_employer_fen,
    )


@dataclass(frozen=True)
class CostTotals:
    people: int
    gross_fen: int
    benefits_fen: int
    si_employer_fen: int
    hf_employer_fen: int
    service_fee_fen: int | None
    """From the month's fee statement; ``None`` when there is none (or it is not visible)."""

    @property
    def total_fen(self) -> int:
        return self.gross_fen + self.si_employer_fen + self.hf_employer_fen

    @property
    def grand_total_fen(self) -> int:
        return self.total_fen + (self.service_fee_fen or 0)

    def figures(self) -> list[tuple[str, int | None]]:
        return [
            ("应发工资", self.gross_fen),
            ("其中：福利补贴", self.benefits_fen),
            ("单位社保", self.si_employer_fen),
            ("单位公积金", self.hf_employer_fen),
            ("人工成本合计", self.total_fen),
            ("服务费", self.service_fee_fen),
            ("总计", self.grand_total_fen),
        ]


def cost_codes(run: PayrollRun) -> set[str]:
    return benefit_codes(items_of_client(run.client_id))


def totals_of(user: Any, run: PayrollRun, codes: set[str]) -> CostTotals:
    """Every line summed in one streamed query (the benefit items live in the JSON map)."""
    people = gross = benefits = si = hf = 0
    values = (
        q.lines_of_run(user, run)
        .order_by()
        .values_list("gross_fen", "si_employer_fen", "hf_employer_fen", "items")
    )
    for line_gross, line_si, line_hf, amounts in values.iterator(chunk_size=2000):
        people += 1
        gross += line_gross
        si += line_si
        hf += line_hf
        benefits += benefits_of(amounts, codes)
    return CostTotals(people, gross, benefits, si, hf, q.service_fee_of(user, run))


def rows_of(user: Any, run: PayrollRun, codes: set[str]) -> Iterable[CostRow]:
    for line in q.lines_of_run(user, run).iterator(chunk_size=2000):
        yield cost_row(line, codes)


# ---- Excel ---------------------------------------------------------------------------------


def _yuan(fen: int) -> Decimal:
    return from_fen(int(fen))


def workbook_for(user: Any, run: PayrollRun) -> bytes:
    """The run's whole cost list as .xlsx, for the screen's and the API's download."""
    codes = cost_codes(run)
    return workbook(run, rows_of(user, run, codes), totals_of(user, run, codes))


def workbook(run: PayrollRun, rows: Iterable[CostRow], totals: CostTotals) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "人工成本清单"
    bold = Font(bold=True)
    sheet.append([f"人工成本清单（{run.period.year}年{run.period.month}月）"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["客户", run.client.name])
    sheet.append(["客户编号", run.client.number])
    sheet.append(["工资表", f"{run.number}（{run.get_status_display()}）"])
    sheet.append(["人数", totals.people])
    sheet.append([])
    sheet.append(HEADERS)
    for column in range(1, len(HEADERS) + 1):
        sheet.cell(sheet.max_row, column).font = bold
    for seq, row in enumerate(rows, start=1):
        sheet.append(
            [
                seq,
                row.name,
                row.employee_number,
                _yuan(row.gross_fen),
                _yuan(row.benefits_fen),
                _yuan(row.si_employer_fen),
                _yuan(row.hf_employer_fen),
                _yuan(row.total_fen),
            ]
        )
        at = sheet.max_row
        sheet.cell(at, 3).number_format = "@"
        for column in range(4, 9):
            sheet.cell(at, column).number_format = MONEY
    sheet.append(
        [
            "合计",
            f"{totals.people} 人",
            "",
            _yuan(totals.gross_fen),
            _yuan(totals.benefits_fen),
            _yuan(totals.si_employer_fen),
            _yuan(totals.hf_employer_fen),
            _yuan(totals.total_fen),
        ]
    )
    at = sheet.max_row
    for column in range(1, 9):
        sheet.cell(at, column).font = bold
        if column >= 4:
            sheet.cell(at, column).number_format = MONEY
    sheet.append([])
    fee = totals.service_fee_fen
    for label, value in (
        ("人工成本合计", _yuan(totals.total_fen)),
        ("服务费", _yuan(fee) if fee is not None else "本月费用明细表尚未生成"),
        ("总计", _yuan(totals.grand_total_fen)),
    ):
        sheet.append([label, value])
        sheet.cell(sheet.max_row, 1).font = bold
        sheet.cell(sheet.max_row, 2).number_format = MONEY
    sheet.append([])
    sheet.append(
        ["说明", "福利补贴：不计税的应发项，以及不计入日薪基数的固定应发项（如岗位津贴、餐费补贴）"]
    )
    for index, width in enumerate((8, 18, 12, 14, 14, 14, 14, 16), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def filename(run: PayrollRun) -> str:
    return f"人工成本清单_{run.client.name}_{run.period:%Y%m}.xlsx"
