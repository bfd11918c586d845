"""Statutory retirement age under the 2025 reform (全国人大常委会关于实施渐进式延迟法定退休年龄的
决定, in force 2025-01-01).

From January 2025 the pensionable age rises gradually, by birth month:
- men, 60 → 63: from births in January 1965, one month later for every four birth months;
- women whose age was 55 (cadres, management and technical posts), 55 → 58: from January 1970,
  one month later for every four birth months;
- women whose age was 50 (workers), 50 → 55: from January 1975, one month later for every two
  birth months.
So a man born in January–April 1965 retires at 60 years 1 month, one born in September 1976 or
later at 63. Voluntary early or late retirement (弹性退休) and special-post early retirement
are choices an individual makes with the bureau; they are not computed here.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Final


@dataclass(frozen=True)
class _Rule:
    base_years: int
    first_birth_year: int  # January of this year is the first birth month that is delayed
    birth_months_per_step: int
    max_delay_months: int


# Keys are the archive's retirement categories (InsuredPerson.RetirementCategory).
RULES: Final[dict[str, _Rule]] = {
    "male_60": _Rule(
        base_years=60, first_birth_year=1965, birth_months_per_step=4, max_delay_months=36
    ),
    "female_55": _Rule(
        base_years=55, first_birth_year=1970, birth_months_per_step=4, max_delay_months=36
    ),
    "female_50": _Rule(
        base_years=50, first_birth_year=1975, birth_months_per_step=2, max_delay_months=60
    ),
}


@dataclass(frozen=True)
class RetirementAge:
    years: int
    months: int

    def __str__(self) -> str:
        return f"{self.years}岁{self.months}个月" if self.months else f"{self.years}岁"

    @property
    def total_months(self) -> int:
        return self.years * 12 + self.months


def delay_months(birth_date: date, category: str) -> int:
    rule = _rule(category)
    months_since_start = (birth_date.year - rule.first_birth_year) * 12 + birth_date.month - 1
    if months_since_start < 0:
        return 0
    return min(rule.max_delay_months, months_since_start // rule.birth_months_per_step + 1)


def retirement_age(birth_date: date, category: str) -> RetirementAge:
    total = _rule(category).base_years * 12 + delay_months(birth_date, category)
    return RetirementAge(total // 12, total % 12)


def retirement_date(birth_date: date, category: str) -> date:
    """The day the person reaches their statutory retirement age (the same day of the month as
    the birthday; the month's last day when that month is shorter)."""
    return add_months(birth_date, retirement_age(birth_date, category).total_months)


def is_past_retirement(birth_date: date, category: str, on: date) -> bool:
    return on >= retirement_date(birth_date, category)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _rule(category: str) -> _Rule:
    try:
        return RULES[category]
    except KeyError:
        raise ValueError(f"未知的退休类别：{category}") from None
