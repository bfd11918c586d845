"""Statutory retirement age and date, checked against the table published with the 2024
decision (改革后退休年龄/时间 by birth month) and against its arithmetic properties."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hragency.domain.retirement import (
    add_months,
    delay_months,
    is_past_retirement,
    retirement_age,
    retirement_date,
)

# (category, birth date, age after reform, retirement month) — rows of the official table.
OFFICIAL_ROWS = [
    ("male_60", date(1964, 12, 10), "60岁", (2024, 12)),
    ("male_60", date(1965, 1, 10), "60岁1个月", (2025, 2)),
    ("male_60", date(1965, 4, 10), "60岁1个月", (2025, 5)),
    ("male_60", date(1965, 5, 10), "60岁2个月", (2025, 7)),
    ("male_60", date(1966, 1, 10), "60岁4个月", (2026, 5)),
    ("male_60", date(1970, 1, 10), "61岁4个月", (2031, 5)),
    ("male_60", date(1976, 8, 10), "62岁11个月", (2039, 7)),
    ("male_60", date(1976, 9, 10), "63岁", (2039, 9)),
    ("male_60", date(1990, 3, 7), "63岁", (2053, 3)),
    ("female_55", date(1969, 12, 10), "55岁", (2024, 12)),
    ("female_55", date(1970, 1, 10), "55岁1个月", (2025, 2)),
    ("female_55", date(1975, 1, 10), "56岁4个月", (2031, 5)),
    ("female_55", date(1981, 9, 10), "58岁", (2039, 9)),
    ("female_50", date(1974, 12, 10), "50岁", (2024, 12)),
    ("female_50", date(1975, 1, 10), "50岁1个月", (2025, 2)),
    ("female_50", date(1975, 3, 10), "50岁2个月", (2025, 5)),
    ("female_50", date(1980, 1, 10), "52岁7个月", (2032, 8)),
    ("female_50", date(1984, 10, 10), "54岁11个月", (2039, 9)),
    ("female_50", date(1984, 11, 10), "55岁", (2039, 11)),
]


@pytest.mark.parametrize(("category", "born", "age", "month"), OFFICIAL_ROWS)
def test_it_matches_the_official_table(
    category: str, born: date, age: str, month: tuple[int, int]
) -> None:
    assert str(retirement_age(born, category)) == age
    retires = retirement_date(born, category)
    assert (retires.year, retires.month) == month
    assert retires.day == born.day


def test_it_clamps_to_the_end_of_a_shorter_month() -> None:
    # 1965-01-31 + 60 years 1 month → February 2025, which has 28 days.
    assert retirement_date(date(1965, 1, 31), "male_60") == date(2025, 2, 28)


def test_it_says_who_is_past_retirement() -> None:
    born = date(1965, 1, 10)  # retires 2025-02-10
    assert not is_past_retirement(born, "male_60", date(2025, 2, 9))
    assert is_past_retirement(born, "male_60", date(2025, 2, 10))


def test_it_refuses_an_unknown_category() -> None:
    with pytest.raises(ValueError, match="未知的退休类别"):
        retirement_age(date(1980, 1, 1), "female_45")


births = st.dates(min_value=date(1940, 1, 1), max_value=date(2010, 12, 31))
categories = st.sampled_from(["male_60", "female_55", "female_50"])


@given(births, categories)
def test_it_never_delays_more_than_the_cap_nor_goes_backwards(born: date, category: str) -> None:
    cap = {"male_60": 36, "female_55": 36, "female_50": 60}[category]
    assert 0 <= delay_months(born, category) <= cap
    later = add_months(born, 1)
    assert delay_months(later, category) >= delay_months(born, category)
    assert retirement_date(later, category) > retirement_date(born, category)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.integers(0, 1200))
def test_it_adds_months_like_a_calendar(day: date, months: int) -> None:
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day <= day.day
