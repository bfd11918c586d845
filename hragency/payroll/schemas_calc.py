"""What goes into and out of the tax calculators (``POST /api/calc/iit``, ``/api/calc/bonus-tax``
and the 个税计算器 page), and the one parsing of their input.

The figures are always those of ``hragency.domain.tax`` (``withhold_year``, ``bonus_tax``,
``compare_bonus``); this module only turns typed values into fen, names each refused value (which
month, which field, why) and turns fen back into decimal strings.

Amounts are decimal strings with at most two places (``"10000.00"``, ``"¥10,000"`` is also read).
JSON numbers are accepted where they are exact: an integer always; a float (``10000.5``) through
its shortest representation, as ``core.values`` reads spreadsheet cells, and only with at most 15
significant digits — beyond that the JSON parser may already have changed the value, so such a
number is refused with a request to send it as a string.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import WithJsonSchema

from hragency.domain.money import from_fen, parse_amount, to_fen
from hragency.domain.tax import (
    BONUS_SEPARATE_LAST_YEAR,
    MAX_FEN,
    MONTHS_PER_YEAR,
    BonusTax,
    Cumulative,
    MonthInput,
    MonthResult,
    TaxError,
    bonus_tax,
    combined_bonus_tax,
    withhold_year,
)

FIRST_YEAR = 2019
"""累计预扣法 applies from 2019-01-01 (国家税务总局公告2018年第61号)."""
LOW_INCOME_FIRST_YEAR = 2020
"""The 60,000 rule applies from 2020 (国家税务总局公告2020年第19号)."""
LAST_YEAR = 2099
FLOAT_DIGITS = 15
"""Significant digits a JSON float carries exactly (IEEE 754 double)."""

MONTH_FIELDS: dict[str, str] = {
    "income": "本期收入",
    "tax_free": "免税收入",
    "special": "专项扣除（个人社保公积金）",
    "additional": "专项附加扣除",
    "other": "其他扣除",
}

AmountValue = Annotated[
    Any,
    WithJsonSchema(
        {
            "anyOf": [{"type": "string"}, {"type": "number"}],
            "description": '金额（元），请以字符串传入，如 "10000.00"；最多两位小数',
            "examples": ["10000.00"],
        }
    ),
]


# ---- errors ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalcError:
    """One refused value: ``field`` is its path in the request (``months[2].income``),
    ``where`` how the message names it (``第3个月「income」``), ``month`` the month it
    belongs to."""

    field: str
    where: str
    reason: str
    month: int | None = None
    key: str = ""

    def __str__(self) -> str:
        return f"{self.where}：{self.reason}"

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "label": self.where, "reason": self.reason}


class CalcRefused(ValueError):
    """The input cannot be computed; ``errors`` says every reason (nothing was computed)."""

    def __init__(self, errors: list[CalcError]) -> None:
        super().__init__("；".join(str(e) for e in errors))
        self.errors = errors


def _top(key: str, reason: str) -> CalcError:
    """An error about a top-level field of the request (``year``, ``months``, ``bonus`` …)."""
    return CalcError(key, f"「{key}」", reason, key=key)


def amount_fen(value: object, *, required: bool, negative: bool = False) -> int | None:
    """A typed amount as fen; ``None`` when empty and not required. ``ValueError`` with the
    reason otherwise (never a float on the way)."""
    if isinstance(value, bool):
        raise ValueError('应为金额，如 "10000.00"')
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValueError("必填")
        return None
    if isinstance(value, int):
        decimal = Decimal(value)
    elif isinstance(value, float):
        text = repr(value)
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"金额不是有效数字：{text}")
        if len(Decimal(text).as_tuple().digits) > FLOAT_DIGITS:
            raise ValueError(f'数字位数过多，无法精确表示，请以字符串传入，如 "{value:.2f}"')
        decimal = parse_amount(text)
    elif isinstance(value, str):
        decimal = parse_amount(value)
    else:
        raise ValueError('应为金额，如 "10000.00"')
    fen = to_fen(decimal)
    if fen < 0 and not negative:
        raise ValueError("不能为负数")
    if abs(fen) > MAX_FEN:
        raise ValueError(f"超出允许范围（绝对值不超过 {from_fen(MAX_FEN):,} 元）")
    return fen


def money(fen: int) -> str:
    """Fen as the API's decimal string: ``"1234.56"``."""
    return str(from_fen(fen))


# ---- cumulative withholding --------------------------------------------------------------------


@dataclass(frozen=True)
class MonthRow:
    """One month as typed (form strings or JSON values)."""

    month: object
    income: object = None
    tax_free: object = None
    special: object = None
    additional: object = None
    other: object = None
    standard: bool = True


@dataclass(frozen=True)
class MonthFigures:
    month: int
    entered: MonthInput
    result: MonthResult


@dataclass(frozen=True)
class IitResult:
    year: int
    low_income_rule: bool
    months: list[MonthFigures]

    @property
    def totals(self) -> Cumulative:
        return self.months[-1].result.cumulative

    @property
    def withheld_fen(self) -> int:
        return sum(m.result.tax_fen for m in self.months)

    @property
    def raw_taxable_fen(self) -> int:
        """The year's taxable income before the floor at 0 (negative: deductions left over)."""
        c = self.totals
        return (
            c.income_fen
            - c.tax_free_fen
            - c.standard_fen
            - c.special_fen
            - c.additional_fen
            - c.other_fen
        )


def check_year(year: object, errors: list[CalcError], *, low_income_rule: bool = False) -> int:
    if isinstance(year, bool) or not isinstance(year, int):
        errors.append(_top("year", "应为整数年度，如 2026"))
        return 0
    if not FIRST_YEAR <= year <= LAST_YEAR:
        reason = f"累计预扣法自{FIRST_YEAR}年1月1日起施行，年度应在 {FIRST_YEAR}–{LAST_YEAR} 之间"
        errors.append(_top("year", reason))
    elif low_income_rule and year < LOW_INCOME_FIRST_YEAR:
        reason = "6万元减除费用规则自2020年起适用（国家税务总局公告2020年第19号）"
        errors.append(_top("low_income_rule", reason))
    return year


def _month_number(row: MonthRow, index: int, previous: int, errors: list[CalcError]) -> int:
    where = f"第{index + 1}项「month」"
    month = row.month
    if isinstance(month, str) and month.strip().isdigit():
        month = int(month.strip())
    if isinstance(month, bool) or not isinstance(month, int):
        errors.append(CalcError(f"months[{index}].month", where, "月份应为 1 到 12 的整数"))
        return 0
    if not 1 <= month <= MONTHS_PER_YEAR:
        errors.append(CalcError(f"months[{index}].month", where, f"月份应为 1 到 12，实为 {month}"))
        return 0
    if month <= previous:
        errors.append(
            CalcError(
                f"months[{index}].month",
                where,
                f"月份须从小到大且不重复（上一项为 {previous} 月，本项为 {month} 月）",
                month=month,
                key="month",
            )
        )
        return 0
    return month


def parse_months(rows: Sequence[MonthRow]) -> tuple[list[tuple[int, MonthInput]], list[CalcError]]:
    """Each row as (month, ``MonthInput``), and every refused value."""
    errors: list[CalcError] = []
    if not rows:
        errors.append(_top("months", "至少填写一个月"))
    if len(rows) > MONTHS_PER_YEAR:
        errors.append(_top("months", f"最多 {MONTHS_PER_YEAR} 个月，实为 {len(rows)} 个月"))
        return [], errors
    parsed: list[tuple[int, MonthInput]] = []
    previous = 0
    for index, row in enumerate(rows):
        month = _month_number(row, index, previous, errors)
        if month:
            previous = month
        fen: dict[str, int] = {}
        for key in MONTH_FIELDS:
            try:
                value = amount_fen(
                    getattr(row, key), required=key == "income", negative=key == "income"
                )
            except ValueError as exc:
                where = f"第{month}个月「{key}」" if month else f"第{index + 1}项「{key}」"
                errors.append(
                    CalcError(f"months[{index}].{key}", where, str(exc), month or None, key)
                )
                continue
            fen[key] = value or 0
        if month and len(fen) == len(MONTH_FIELDS):
            parsed.append(
                (
                    month,
                    MonthInput(
                        income_fen=fen["income"],
                        tax_free_fen=fen["tax_free"],
                        special_fen=fen["special"],
                        additional_fen=fen["additional"],
                        other_fen=fen["other"],
                        standard=bool(row.standard),
                    ),
                )
            )
    return parsed, errors


def withhold(*, year: object, low_income_rule: bool, rows: Sequence[MonthRow]) -> IitResult:
    """The year's withholding month by month; ``CalcRefused`` naming every bad value."""
    errors: list[CalcError] = []
    checked_year = check_year(year, errors, low_income_rule=low_income_rule)
    parsed, month_errors = parse_months(rows)
    errors.extend(month_errors)
    if errors:
        raise CalcRefused(errors)
    try:
        results = withhold_year([m for _, m in parsed], low_income_rule=low_income_rule)
    except TaxError as exc:
        raise CalcRefused([_top("months", str(exc))]) from exc
    return IitResult(
        checked_year,
        low_income_rule,
        [MonthFigures(month, m, r) for (month, m), r in zip(parsed, results, strict=True)],
    )


def cumulative_dict(c: Cumulative) -> dict[str, str]:
    return {
        "income": money(c.income_fen),
        "tax_free": money(c.tax_free_fen),
        "standard_deduction": money(c.standard_fen),
        "special": money(c.special_fen),
        "additional": money(c.additional_fen),
        "other": money(c.other_fen),
        "taxable": money(c.taxable_fen),
        "tax": money(c.tax_fen),
        "withheld": money(c.withheld_fen),
    }


def iit_dict(result: IitResult) -> dict[str, Any]:
    return {
        "year": result.year,
        "low_income_rule": result.low_income_rule,
        "months": [
            {
                "month": m.month,
                "income": money(m.entered.income_fen),
                "tax_free": money(m.entered.tax_free_fen),
                "special": money(m.entered.special_fen),
                "additional": money(m.entered.additional_fen),
                "other": money(m.entered.other_fen),
                "standard_deduction": m.entered.standard,
                "rate_pct": m.result.rate_pct,
                "quick_deduction": money(m.result.quick_fen),
                "tax": money(m.result.tax_fen),
                "cumulative": cumulative_dict(m.result.cumulative),
            }
            for m in result.months
        ],
        "totals": cumulative_dict(result.totals),
    }


# ---- annual one-off bonus ----------------------------------------------------------------------


@dataclass(frozen=True)
class BonusResult:
    year: int
    separate: BonusTax
    annual_taxable_fen: int | None
    combined_tax_fen: int | None

    @property
    def better(self) -> Literal["separate", "combined"] | None:
        if self.combined_tax_fen is None:
            return None
        return "separate" if self.separate.tax_fen <= self.combined_tax_fen else "combined"

    @property
    def combined_net_fen(self) -> int | None:
        if self.combined_tax_fen is None:
            return None
        return self.separate.bonus_fen - self.combined_tax_fen

    @property
    def saving_fen(self) -> int | None:
        if self.combined_tax_fen is None:
            return None
        return abs(self.combined_tax_fen - self.separate.tax_fen)


def bonus_taxes(*, year: object, bonus: object, annual_taxable: object = None) -> BonusResult:
    """Separate taxation of the bonus and, with ``annual_taxable``, the combined alternative
    (``compare_bonus``'s figures: a tie counts as separate)."""
    errors: list[CalcError] = []
    checked_year = check_year(year, errors)
    bonus_fen = taxable_fen = None
    try:
        bonus_fen = amount_fen(bonus, required=True)
        if bonus_fen == 0:
            raise ValueError("应大于 0")
    except ValueError as exc:
        errors.append(_top("bonus", str(exc)))
    try:
        taxable_fen = amount_fen(annual_taxable, required=False, negative=True)
    except ValueError as exc:
        errors.append(_top("annual_taxable", str(exc)))
    if errors:
        raise CalcRefused(errors)
    assert bonus_fen is not None
    try:
        separate = bonus_tax(bonus_fen, year=checked_year)
    except TaxError as exc:
        raise CalcRefused([_top("year", str(exc))]) from exc
    combined = None if taxable_fen is None else combined_bonus_tax(bonus_fen, taxable_fen)
    return BonusResult(checked_year, separate, taxable_fen, combined)


def bonus_dict(result: BonusResult) -> dict[str, Any]:
    separate = result.separate
    combined = None
    if result.combined_tax_fen is not None and result.annual_taxable_fen is not None:
        combined = {
            "annual_taxable": money(result.annual_taxable_fen),
            "tax": money(result.combined_tax_fen),
            "after_tax": money(separate.bonus_fen - result.combined_tax_fen),
        }
    return {
        "year": result.year,
        "bonus": money(separate.bonus_fen),
        "separate": {
            "rate_pct": separate.rate_pct,
            "quick_deduction": money(separate.quick_fen),
            "tax": money(separate.tax_fen),
            "after_tax": money(separate.net_fen),
        },
        "combined": combined,
        "better": result.better,
        "saving": None if result.saving_fen is None else money(result.saving_fen),
        "separate_available_until": f"{BONUS_SEPARATE_LAST_YEAR}-12-31",
    }


# ---- ninja schemas -----------------------------------------------------------------------------


class IitMonthIn(Schema):
    month: int
    income: AmountValue = None
    tax_free: AmountValue = None
    special: AmountValue = None
    additional: AmountValue = None
    other: AmountValue = None
    standard_deduction: bool = True


class IitIn(Schema):
    year: int
    low_income_rule: bool = False
    months: list[IitMonthIn]


class CumulativeOut(Schema):
    income: str
    tax_free: str
    standard_deduction: str
    special: str
    additional: str
    other: str
    taxable: str
    tax: str
    withheld: str


class IitMonthOut(Schema):
    month: int
    income: str
    tax_free: str
    special: str
    additional: str
    other: str
    standard_deduction: bool
    rate_pct: int
    quick_deduction: str
    tax: str
    cumulative: CumulativeOut


class IitOut(Schema):
    year: int
    low_income_rule: bool
    months: list[IitMonthOut]
    totals: CumulativeOut


class BonusIn(Schema):
    year: int
    bonus: AmountValue = None
    annual_taxable: AmountValue = None


class BonusSeparateOut(Schema):
    rate_pct: int
    quick_deduction: str
    tax: str
    after_tax: str


class BonusCombinedOut(Schema):
    annual_taxable: str
    tax: str
    after_tax: str


class BonusOut(Schema):
    year: int
    bonus: str
    separate: BonusSeparateOut
    combined: BonusCombinedOut | None = None
    better: str | None = None
    saving: str | None = None
    separate_available_until: str


class CalcFieldErrorOut(Schema):
    field: str
    label: str
    reason: str


class CalcErrorOut(Schema):
    detail: str
    errors: list[CalcFieldErrorOut] = []
