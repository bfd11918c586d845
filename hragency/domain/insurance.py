"""Social-insurance and housing-fund contributions for one person and one month (R-SI-1, R-SI-3).

This is the plain-Python **reference** calculation: exact ``Decimal`` arithmetic, one person at a
time, easy to check by hand. The month close uses the vectorised engine in
``insurance_engine``, which must give exactly the same fen for every input (a property test
compares the two).

A city's policy for a month is a set of ``ItemRule``s, one per item the city levies. For each item:

1. the contribution base is the declared wage clamped to the item's floor and ceiling
   (R-SI-3: "从申报工资，按上下限封顶保底");
2. each side's amount is ``base × rate`` rounded by the item's ``RoundingRule``, plus that side's
   fixed amount (e.g. Beijing's 大额医疗 3 元 per month paid by the employee);
3. the work-injury employer rate and the housing-fund rate are not the city's but the client's
   (by industry class, and chosen within the city's range): the caller passes them in.

Rates are fractions (``Decimal("0.16")`` for 16 %) with at most six decimal places, so that the
vectorised engine can work in integer parts per million without losing anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from .money import RoundingRule, apply_rounding, from_fen, to_fen

__all__ = [
    "ITEM_LABELS",
    "RATE_SCALE",
    "ContributionLine",
    "Contributions",
    "Item",
    "ItemRule",
    "MissingRate",
    "Period",
    "PolicyError",
    "clamp",
    "contributions",
    "parse_period",
    "rate_to_ppm",
]

RATE_SCALE = 1_000_000
"""Rates are exact in parts per million (six decimal places)."""


class Item(StrEnum):
    """The items a month's contributions are made of. Values are stored; do not rename them.

    ``SUPPLEMENTARY_MEDICAL`` holds a city's extra medical item (大额/大病/补充医疗), where it
    is levied separately from basic medical insurance.
    """

    PENSION = "pension"
    MEDICAL = "medical"
    UNEMPLOYMENT = "unemployment"
    INJURY = "injury"
    MATERNITY = "maternity"
    SUPPLEMENTARY_MEDICAL = "supplementary_medical"
    HOUSING_FUND = "housing_fund"

    @property
    def label(self) -> str:
        return ITEM_LABELS[self]

    @property
    def is_social_insurance(self) -> bool:
        return self is not Item.HOUSING_FUND


ITEM_LABELS: dict[Item, str] = {
    Item.PENSION: "养老保险",
    Item.MEDICAL: "医疗保险",
    Item.UNEMPLOYMENT: "失业保险",
    Item.INJURY: "工伤保险",
    Item.MATERNITY: "生育保险",
    Item.SUPPLEMENTARY_MEDICAL: "大额/补充医疗",
    Item.HOUSING_FUND: "住房公积金",
}

ITEMS: tuple[Item, ...] = tuple(Item)
"""The fixed display and storage order of items."""


class PolicyError(ValueError):
    """A policy, rate or period cannot be used; the message says which and why (Chinese)."""


class MissingRate(PolicyError):
    """An item needs a per-client rate (work injury, housing fund) that was not given."""

    def __init__(self, message: str, item: Item | None = None) -> None:
        super().__init__(message)
        self.item = item


@dataclass(frozen=True, order=True)
class Period:
    """A contribution month, e.g. ``Period(2026, 11)`` shown as "2026-11"."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise PolicyError(f"月份无效：{self.month}")
        if not 1990 <= self.year <= 2100:
            raise PolicyError(f"年份无效：{self.year}")

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def shifted(self, months: int) -> Period:
        index = self.year * 12 + self.month - 1 + months
        return Period(index // 12, index % 12 + 1)

    @property
    def index(self) -> int:
        """Months since year 0: consecutive periods differ by one."""
        return self.year * 12 + self.month - 1

    @classmethod
    def of(cls, day: date) -> Period:
        return cls(day.year, day.month)


_PERIOD_RE = re.compile(r"(\d{4})(?:(\d{2})|\s*[-/.年]\s*(\d{1,2})\s*月?)")


def parse_period(text: str) -> Period:
    """ "2026-11", "2026/11", "202611" or "2026年11月" → ``Period(2026, 11)``."""
    match = _PERIOD_RE.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise PolicyError(f"所属期格式不正确：「{text}」，示例：2026-11")
    return Period(int(match[1]), int(match[2] or match[3]))


def rate_to_ppm(rate: Decimal, *, what: str = "费率") -> int:
    """An exact rate (0 ≤ rate ≤ 1, at most six decimal places) in parts per million.

    Worked on the digit tuple: ``rate * 10**6`` would round to the context's 28 digits and let
    a rate with more than six places through."""
    if isinstance(rate, float) or not isinstance(rate, Decimal):
        raise TypeError(f"{what}必须是 Decimal，实为 {type(rate).__name__}")
    if not rate.is_finite() or rate < 0 or rate > 1:
        raise PolicyError(f"{what}应在 0 到 1 之间（如 0.16 表示 16%），实为 {rate}")
    _, digits, exponent = rate.as_tuple()
    assert isinstance(exponent, int)
    coefficient = int("".join(map(str, digits)) or "0")
    shift = exponent + 6
    if shift >= 0:
        scaled: int = coefficient * 10**shift
        return scaled
    divisor: int = 10**-shift
    ppm, remainder = divmod(coefficient, divisor)
    if remainder:
        raise PolicyError(f"{what}最多六位小数，实为 {rate}")
    return ppm


@dataclass(frozen=True)
class ItemRule:
    """One item of a city's policy for one month.

    ``employer_rate``/``employee_rate`` of ``None`` mean "set per client": the work-injury
    employer rate (by the client's industry class) and both housing-fund rates (the client's
    choice). ``rate_min``/``rate_max`` bound such a per-client rate where the city sets a range.
    Amounts are integer fen.
    """

    item: Item
    base_floor_fen: int
    base_ceiling_fen: int
    employer_rate: Decimal | None
    employee_rate: Decimal | None
    employer_fixed_fen: int = 0
    employee_fixed_fen: int = 0
    rounding: RoundingRule = RoundingRule.FEN
    rate_min: Decimal | None = None
    rate_max: Decimal | None = None

    def __post_init__(self) -> None:
        label = self.item.label
        if self.base_floor_fen < 0 or self.base_ceiling_fen < self.base_floor_fen:
            raise PolicyError(f"{label}：缴费基数上限不能低于下限，且下限不能为负数")
        if self.employer_fixed_fen < 0 or self.employee_fixed_fen < 0:
            raise PolicyError(f"{label}：固定金额不能为负数")
        for name, rate in (
            ("单位费率", self.employer_rate),
            ("个人费率", self.employee_rate),
            ("费率下限", self.rate_min),
            ("费率上限", self.rate_max),
        ):
            if rate is not None:
                rate_to_ppm(rate, what=f"{label}{name}")
        if (
            self.rate_min is not None
            and self.rate_max is not None
            and self.rate_min > self.rate_max
        ):
            raise PolicyError(f"{label}：费率下限不能高于上限")


@dataclass(frozen=True)
class ContributionLine:
    item: Item
    base_fen: int
    employer_fen: int
    employee_fen: int

    @property
    def total_fen(self) -> int:
        return self.employer_fen + self.employee_fen

    def as_strings(self) -> dict[str, str]:
        return {
            "item": self.item.value,
            "label": self.item.label,
            "base": str(from_fen(self.base_fen)),
            "employer": str(from_fen(self.employer_fen)),
            "employee": str(from_fen(self.employee_fen)),
            "total": str(from_fen(self.total_fen)),
        }


@dataclass(frozen=True)
class Contributions:
    lines: tuple[ContributionLine, ...] = field(default_factory=tuple)

    @property
    def employer_fen(self) -> int:
        return sum(line.employer_fen for line in self.lines)

    @property
    def employee_fen(self) -> int:
        return sum(line.employee_fen for line in self.lines)

    @property
    def total_fen(self) -> int:
        return self.employer_fen + self.employee_fen

    def line(self, item: Item) -> ContributionLine | None:
        return next((line for line in self.lines if line.item is item), None)

    def subtotal_fen(self, *, housing_fund: bool) -> tuple[int, int]:
        """(employer, employee) of the social-insurance items, or of the housing fund."""
        chosen = [line for line in self.lines if (line.item is Item.HOUSING_FUND) == housing_fund]
        return sum(x.employer_fen for x in chosen), sum(x.employee_fen for x in chosen)


def clamp(value_fen: int, floor_fen: int, ceiling_fen: int) -> int:
    """The base: the declared wage held between the floor and the ceiling."""
    return max(floor_fen, min(ceiling_fen, value_fen))


def _part(base_fen: int, rate: Decimal, rounding: RoundingRule) -> int:
    return to_fen(apply_rounding(from_fen(base_fen) * rate, rounding))


def _checked_client_rate(rule: ItemRule, rate: Decimal | None, what: str) -> Decimal:
    label = rule.item.label
    if rate is None:
        raise MissingRate(f"{label}：需要提供{what}", rule.item)
    rate_to_ppm(rate, what=f"{label}{what}")
    if rule.rate_min is not None and rate < rule.rate_min:
        raise PolicyError(f"{label}{what} {rate} 低于本市允许的下限 {rule.rate_min}")
    if rule.rate_max is not None and rate > rule.rate_max:
        raise PolicyError(f"{label}{what} {rate} 高于本市允许的上限 {rule.rate_max}")
    return rate


def resolve_rates(
    rule: ItemRule, *, injury_rate: Decimal | None, hf_rate: Decimal | None
) -> tuple[Decimal, Decimal]:
    """(employer, employee) rate of one item for one client.

    Work injury: the client's rate replaces the city's (a city rate, where given, is only the
    default). Housing fund: the client's rate applies to both sides unless the city fixes a side.
    """
    employer, employee = rule.employer_rate, rule.employee_rate
    if rule.item is Item.INJURY:
        given = injury_rate if injury_rate is not None else employer
        employer = _checked_client_rate(rule, given, "费率")
        employee = employee if employee is not None else Decimal(0)
    elif rule.item is Item.HOUSING_FUND and (employer is None or employee is None):
        chosen = _checked_client_rate(rule, hf_rate, "缴存比例")
        employer = chosen if employer is None else employer
        employee = chosen if employee is None else employee
    if employer is None or employee is None:
        raise MissingRate(f"{rule.item.label}：政策未设置费率")
    return employer, employee


def contributions(
    rules: Iterable[ItemRule],
    wage_fen: int,
    *,
    injury_rate: Decimal | None = None,
    hf_rate: Decimal | None = None,
    hf_wage_fen: int | None = None,
    items: Sequence[Item] | None = None,
) -> Contributions:
    """One person's contributions for one month.

    ``hf_wage_fen`` is the housing-fund wage where it differs from the social-insurance one.
    ``items`` limits the result to those items (e.g. a person insured for SI only); by default
    every item of the policy is included. The lines come in ``ITEMS`` order.
    """
    if wage_fen < 0:
        raise PolicyError("申报工资不能为负数")
    by_item = {rule.item: rule for rule in rules}
    wanted = set(items) if items is not None else set(by_item)
    lines = []
    for item in ITEMS:
        rule = by_item.get(item)
        if rule is None or item not in wanted:
            continue
        employer_rate, employee_rate = resolve_rates(rule, injury_rate=injury_rate, hf_rate=hf_rate)
        wage = hf_wage_fen if item is Item.HOUSING_FUND and hf_wage_fen is not None else wage_fen
        base = clamp(wage, rule.base_floor_fen, rule.base_ceiling_fen)
        lines.append(
            ContributionLine(
                item=item,
                base_fen=base,
                employer_fen=_part(base, employer_rate, rule.rounding) + rule.employer_fixed_fen,
                employee_fen=_part(base, employee_rate, rule.rounding) + rule.employee_fixed_fen,
            )
        )
    return Contributions(lines=tuple(lines))
