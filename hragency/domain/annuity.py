"""Enterprise annuity (企业年金) arithmetic: contributions, vesting and withdrawals.

Pure Python, integer fen. The legal frame is 《企业年金办法》(人社部令第36号, 2018):

- 第十五条: the employer's contribution is at most 8 % of the enterprise's wage total, employer
  and employee together at most 12 %. A plan whose rates break either cap is refused
  (``check_rates``); rates are fractions (``Decimal("0.08")`` = 8 %).
- 第十八条/第十九条: the employer part may vest at once or gradually by years of service, fully
  within at most 8 years (``MAX_VESTING_YEARS``); the employee's own part is always fully vested.
- 第二十条: the employer part vests fully on retirement, total loss of working ability or death
  (``FULL_VESTING_REASONS``).

Rounding (named, never inline): each monthly part is ``base × rate`` rounded half-up to the fen
(``RoundingRule.FEN`` unless the plan names another rule); a vested employer amount is
``balance × percent`` cut to the fen (``RoundingRule.FEN_DOWN``), so a member is never paid a
fen that has not vested and the forfeited part is exactly the rest.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from hragency.domain.money import RoundingRule, apply_rounding, from_fen, to_fen

EMPLOYER_CAP = Decimal("0.08")
TOTAL_CAP = Decimal("0.12")
MAX_VESTING_YEARS = 8
VESTING_ROUNDING = RoundingRule.FEN_DOWN
FULL_VESTING_REASONS = frozenset({"retirement", "death"})


class AnnuityError(ValueError):
    """An input the rules refuse, in words the user reads."""


@dataclass(frozen=True)
class Contribution:
    base_fen: int
    employer_fen: int
    employee_fen: int

    @property
    def total_fen(self) -> int:
        return self.employer_fen + self.employee_fen


@dataclass(frozen=True)
class VestingStep:
    """From ``years`` completed years of service, ``percent`` of the employer part is vested."""

    years: int
    percent: int


@dataclass(frozen=True)
class Withdrawal:
    employer_balance_fen: int
    employee_balance_fen: int
    vested_percent: int
    vested_employer_fen: int
    forfeited_fen: int

    @property
    def payable_fen(self) -> int:
        return self.vested_employer_fen + self.employee_balance_fen

    @property
    def balance_fen(self) -> int:
        return self.employer_balance_fen + self.employee_balance_fen


def check_rates(employer_rate: Decimal, employee_rate: Decimal) -> list[str]:
    """Why these rates are not allowed (empty when they are)."""
    problems: list[str] = []
    if employer_rate <= 0:
        problems.append("单位缴费比例必须大于 0")
    if employee_rate < 0:
        problems.append("个人缴费比例不能为负数")
    if employer_rate > EMPLOYER_CAP:
        problems.append("单位缴费比例不得超过 8%（《企业年金办法》第十五条）")
    if employer_rate + employee_rate > TOTAL_CAP:
        problems.append("单位与个人缴费合计不得超过 12%（《企业年金办法》第十五条）")
    return problems


def clamp_base(base_fen: int, floor_fen: int | None, ceiling_fen: int | None) -> int:
    """The base within the plan's floor and ceiling (either may be absent)."""
    if base_fen < 0:
        raise AnnuityError("缴费基数不能为负数")
    if floor_fen is not None and ceiling_fen is not None and floor_fen > ceiling_fen:
        raise AnnuityError("缴费基数下限不能高于上限")
    if floor_fen is not None and base_fen < floor_fen:
        return floor_fen
    if ceiling_fen is not None and base_fen > ceiling_fen:
        return ceiling_fen
    return base_fen


def _part(base_fen: int, rate: Decimal, rounding: RoundingRule) -> int:
    return to_fen(apply_rounding(from_fen(base_fen) * rate, rounding))


def monthly_contribution(
    base_fen: int,
    *,
    employer_rate: Decimal,
    employee_rate: Decimal,
    floor_fen: int | None = None,
    ceiling_fen: int | None = None,
    rounding: RoundingRule = RoundingRule.FEN,
) -> Contribution:
    """One member's month: the base clamped to the plan's limits, each part rounded by
    ``rounding``. Refuses rates above the legal caps."""
    problems = check_rates(employer_rate, employee_rate)
    if problems:
        raise AnnuityError("；".join(problems))
    base = clamp_base(base_fen, floor_fen, ceiling_fen)
    return Contribution(
        base_fen=base,
        employer_fen=_part(base, employer_rate, rounding),
        employee_fen=_part(base, employee_rate, rounding),
    )


def check_schedule(steps: Sequence[VestingStep]) -> list[str]:
    """Why a vesting schedule is not allowed: percents 0–100 rising with the years, and 100 %
    reached within 8 years (第十九条)."""
    problems: list[str] = []
    if not steps:
        return ["归属规则至少需要一行"]
    ordered = sorted(steps, key=lambda s: s.years)
    years = [s.years for s in ordered]
    if len(set(years)) != len(years):
        problems.append("归属规则的工作年限不能重复")
    if any(s.years < 0 for s in ordered):
        problems.append("工作年限不能为负数")
    if any(not 0 <= s.percent <= 100 for s in ordered):
        problems.append("归属比例应在 0–100% 之间")
    if any(b.percent < a.percent for a, b in itertools.pairwise(ordered)):
        problems.append("归属比例应随工作年限递增")
    full = [s.years for s in ordered if s.percent == 100]
    if not full or min(full) > MAX_VESTING_YEARS:
        problems.append("企业缴费最长应在 8 年内完全归属职工个人（《企业年金办法》第十九条）")
    return problems


def completed_years(start: dt.date, end: dt.date) -> int:
    """Whole years of service from ``start`` to ``end`` (an anniversary counts on its day;
    29 February counts on 28 February in other years)."""
    if end < start:
        return 0
    years = end.year - start.year
    try:
        anniversary = start.replace(year=end.year)
    except ValueError:
        anniversary = dt.date(end.year, 2, 28)
    if end < anniversary:
        years -= 1
    return max(years, 0)


def vested_percent(steps: Sequence[VestingStep], years: int, *, reason: str = "") -> int:
    """The vested percent of the employer part after ``years`` completed years; 100 for the
    reasons that vest fully by law."""
    if reason in FULL_VESTING_REASONS:
        return 100
    reached = [s.percent for s in steps if s.years <= years]
    return max(reached) if reached else 0


def withdrawal(
    *,
    employer_fen: int,
    employee_fen: int,
    employer_returns_fen: int = 0,
    employee_returns_fen: int = 0,
    percent: int,
) -> Withdrawal:
    """What a leaving member takes: the employer part (with its credited returns) vested by
    ``percent`` and cut to the fen, plus the whole employee part with its returns. The rest of
    the employer part is forfeited back to the plan."""
    if not 0 <= percent <= 100:
        raise AnnuityError("归属比例应在 0–100% 之间")
    employer_balance = employer_fen + employer_returns_fen
    employee_balance = employee_fen + employee_returns_fen
    if employer_balance < 0 or employee_balance < 0:
        raise AnnuityError("账户余额不能为负数")
    vested = to_fen(
        apply_rounding(from_fen(employer_balance) * Decimal(percent) / 100, VESTING_ROUNDING)
    )
    return Withdrawal(
        employer_balance_fen=employer_balance,
        employee_balance_fen=employee_balance,
        vested_percent=percent,
        vested_employer_fen=vested,
        forfeited_fen=employer_balance - vested,
    )
