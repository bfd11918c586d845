"""Gross-to-net pay for one person and month: the plain reference (R-PAY-1, R-PAY-2).

Every amount is integer fen. The payroll engine (``payroll_engine``) computes the same figures
for a whole month at once; a property test compares the two.

Rules
-----
* **Daily and hourly pay** (劳社部发〔2008〕3号): a month has 21.75 paid days (计薪天数) and a day
  8 hours. The basis is the sum of the person's standing amounts of the items marked "计入日薪基数"
  (usually the base salary).
* **Overtime** (《劳动法》第四十四条): 150 % of hourly pay on working days, 200 % on rest days,
  300 % on public holidays: ``basis × Σ(pct × hours) / (100 × 174)``, rounded half up to the fen
  once for the month.
* **Absence**: personal leave (事假) and absence without leave (旷工) deduct a full day's pay per
  day, sick leave (病假) the unpaid part (``1 − paid ratio``, the client's setting). Never more
  than the basis.
* **Performance** items pay the standing amount × the month's performance coefficient (4 places).
* **Kinds**: earnings add to gross pay (non-taxable ones are reported as tax-free income);
  pre-tax deductions (缺勤扣款 …) reduce gross pay; "other deductible" items (企业年金个人部分,
  商业健康保险 …) are deducted from pay and from taxable income; post-tax deductions reduce
  net pay only; the annual one-off bonus is paid in gross and taxed separately (or with the
  month's wages when the person chose so).
* Net pay = gross − employee SI − employee HF − other deductible − income tax − bonus tax −
  post-tax deductions. A negative net pay is computed, not hidden: the run reports it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .tax import Cumulative, MonthInput, bonus_tax, withhold_month

__all__ = [
    "DAILY_DIVISOR_CENTI",
    "HOURS_PER_MONTH",
    "AttendanceInput",
    "ItemKind",
    "ItemSource",
    "ItemSpec",
    "PayInput",
    "Payslip",
    "absence_fen",
    "compute_payslip",
    "overtime_fen",
    "performance_fen",
    "resolve_items",
    "round_half_up_div",
]

DAILY_DIVISOR_CENTI = 2175
"""21.75 paid days a month, in hundredths."""

HOURS_PER_MONTH = 174
"""21.75 days × 8 hours."""

PPM = 1_000_000


class ItemKind(enum.StrEnum):
    """Values are stored (``payroll.SalaryItem.kind``); do not rename."""

    EARNING = "earning"
    DEDUCTION = "deduction"
    OTHER_DEDUCTIBLE = "other_deductible"
    POST_TAX = "post_tax"
    ANNUAL_BONUS = "annual_bonus"


class ItemSource(enum.StrEnum):
    """Values are stored (``payroll.SalaryItem.source``); do not rename."""

    FIXED = "fixed"
    MONTHLY = "monthly"
    PERFORMANCE = "performance"
    OVERTIME = "overtime"
    ABSENCE = "absence"


@dataclass(frozen=True)
class ItemSpec:
    code: str
    kind: ItemKind
    source: ItemSource
    taxable: bool = True
    in_daily_basis: bool = False


@dataclass(frozen=True)
class AttendanceInput:
    """Days and hours in hundredths (``150`` = 1.5), the coefficient in ten-thousandths."""

    personal_leave_centi: int = 0
    sick_leave_centi: int = 0
    absent_centi: int = 0
    overtime_workday_centi: int = 0
    overtime_restday_centi: int = 0
    overtime_holiday_centi: int = 0
    performance_e4: int = 10_000


def round_half_up_div(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half up, for ``numerator ≥ 0 < denominator``."""
    if numerator < 0 or denominator <= 0:
        raise ValueError("round_half_up_div needs numerator ≥ 0 and denominator > 0")
    return (2 * numerator + denominator) // (2 * denominator)


def overtime_fen(basis_fen: int, attendance: AttendanceInput) -> int:
    weighted = (
        150 * attendance.overtime_workday_centi
        + 200 * attendance.overtime_restday_centi
        + 300 * attendance.overtime_holiday_centi
    )
    return round_half_up_div(basis_fen * weighted, 100 * 100 * HOURS_PER_MONTH)


def absence_fen(basis_fen: int, attendance: AttendanceInput, *, sick_paid_ppm: int) -> int:
    if not 0 <= sick_paid_ppm <= PPM:
        raise ValueError("病假工资比例须在 0 到 1 之间")
    days_ppm = (attendance.personal_leave_centi + attendance.absent_centi) * PPM + (
        attendance.sick_leave_centi * (PPM - sick_paid_ppm)
    )
    return min(basis_fen, round_half_up_div(basis_fen * days_ppm, DAILY_DIVISOR_CENTI * PPM))


def performance_fen(standing_fen: int, attendance: AttendanceInput) -> int:
    return round_half_up_div(standing_fen * attendance.performance_e4, 10_000)


def resolve_items(
    specs: Sequence[ItemSpec],
    *,
    standing: Mapping[str, int],
    monthly: Mapping[str, int],
    attendance: AttendanceInput | None,
    sick_paid_ppm: int,
) -> dict[str, int]:
    """This month's amount of every item (code → fen); items with no amount are left out."""
    attendance = attendance or AttendanceInput()
    basis = sum(standing.get(s.code, 0) for s in specs if s.in_daily_basis)
    amounts: dict[str, int] = {}
    for spec in specs:
        if spec.source is ItemSource.FIXED:
            amount = standing.get(spec.code, 0)
        elif spec.source is ItemSource.MONTHLY:
            amount = monthly.get(spec.code, 0)
        elif spec.source is ItemSource.PERFORMANCE:
            amount = performance_fen(standing.get(spec.code, 0), attendance)
        elif spec.source is ItemSource.OVERTIME:
            amount = overtime_fen(basis, attendance)
        else:
            amount = absence_fen(basis, attendance, sick_paid_ppm=sick_paid_ppm)
        if amount:
            amounts[spec.code] = amount
    return amounts


@dataclass(frozen=True)
class PayInput:
    specs: Sequence[ItemSpec]
    amounts: Mapping[str, int]
    si_employee_fen: int = 0
    hf_employee_fen: int = 0
    additional_fen: int = 0
    pension_fen: int = 0
    """个人养老金 the person pays themselves: deducted from taxable income, not from pay."""
    standard: bool = True
    low_income: bool = False
    bonus_separate: bool = True


@dataclass(frozen=True)
class Payslip:
    earnings_fen: int
    deductions_fen: int
    bonus_fen: int
    gross_fen: int
    income_fen: int
    tax_free_fen: int
    other_fen: int
    post_tax_fen: int
    cumulative: Cumulative
    rate_pct: int
    quick_fen: int
    iit_fen: int
    bonus_tax_fen: int
    net_fen: int
    amounts: Mapping[str, int] = field(default_factory=dict)


def compute_payslip(prior: Cumulative, pay: PayInput, *, year: int) -> Payslip:
    """One person's month: the items are summed by kind, then taxed and netted."""
    totals = dict.fromkeys(ItemKind, 0)
    tax_free = 0
    for spec in pay.specs:
        amount = pay.amounts.get(spec.code, 0)
        totals[spec.kind] += amount
        if spec.kind is ItemKind.EARNING and not spec.taxable:
            tax_free += amount
    earnings = totals[ItemKind.EARNING]
    deductions = totals[ItemKind.DEDUCTION]
    bonus = totals[ItemKind.ANNUAL_BONUS]
    other = totals[ItemKind.OTHER_DEDUCTIBLE]
    post_tax = totals[ItemKind.POST_TAX]
    separate = pay.bonus_separate and bonus > 0
    income = earnings - deductions + (0 if separate else bonus)
    month = MonthInput(
        income_fen=income,
        tax_free_fen=tax_free,
        special_fen=pay.si_employee_fen + pay.hf_employee_fen,
        additional_fen=pay.additional_fen,
        other_fen=other + pay.pension_fen,
        standard=pay.standard,
    )
    result = withhold_month(prior, month, low_income_rule=pay.low_income)
    bonus_tax_fen = bonus_tax(bonus, year=year).tax_fen if separate else 0
    gross = earnings - deductions + bonus
    net = (
        gross
        - pay.si_employee_fen
        - pay.hf_employee_fen
        - other
        - result.tax_fen
        - bonus_tax_fen
        - post_tax
    )
    return Payslip(
        earnings_fen=earnings,
        deductions_fen=deductions,
        bonus_fen=bonus,
        gross_fen=gross,
        income_fen=income,
        tax_free_fen=tax_free,
        other_fen=other + pay.pension_fen,
        post_tax_fen=post_tax,
        cumulative=result.cumulative,
        rate_pct=result.rate_pct,
        quick_fen=result.quick_fen,
        iit_fen=result.tax_fen,
        bonus_tax_fen=bonus_tax_fen,
        net_fen=net,
        amounts=dict(pay.amounts),
    )
