"""domain.analytics: rates, averages, buckets, topic terms and rising terms (hand-checked
values and hypothesis properties)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hragency.domain.analytics import (
    Rising,
    average,
    bucket_of,
    buckets,
    months_back,
    rate_pct,
    rising_terms,
    topic_terms,
)


def test_it_rounds_rates_half_up_to_one_place() -> None:
    assert rate_pct(2, 3) == Decimal("66.7")  # 66.666…
    assert rate_pct(1, 8) == Decimal("12.5")
    assert rate_pct(1, 16) == Decimal("6.3")  # 6.25 → 6.3 (half up, not to even)
    assert rate_pct(0, 5) == Decimal("0.0")
    assert rate_pct(0, 0) is None
    with pytest.raises(ValueError):
        rate_pct(4, 3)


def test_it_averages_to_two_places() -> None:
    assert average(7, 2) == Decimal("3.50")
    assert average(10, 3) == Decimal("3.33")
    assert average(5, 0) is None


def test_it_buckets_days_weeks_and_months() -> None:
    # 2026-11-18 is a Wednesday; its ISO week starts Monday 16 Nov.
    assert bucket_of(dt.date(2026, 11, 18), "week") == dt.date(2026, 11, 16)
    assert bucket_of(dt.date(2026, 11, 18), "month") == dt.date(2026, 11, 1)
    assert buckets(dt.date(2026, 11, 14), dt.date(2026, 11, 24), "week") == [
        dt.date(2026, 11, 9),
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 23),
    ]
    assert buckets(dt.date(2026, 11, 30), dt.date(2027, 2, 1), "month") == [
        dt.date(2026, 11, 1),
        dt.date(2026, 12, 1),
        dt.date(2027, 1, 1),
        dt.date(2027, 2, 1),
    ]
    assert buckets(dt.date(2026, 11, 2), dt.date(2026, 11, 1), "day") == []
    assert months_back(dt.date(2027, 2, 14), 4) == [
        dt.date(2026, 11, 1),
        dt.date(2026, 12, 1),
        dt.date(2027, 1, 1),
        dt.date(2027, 2, 1),
    ]


def test_it_keeps_topic_terms_once_and_drops_stop_words() -> None:
    tokens = ["社保", "缴费基数", "咨询", "社保", "11", "a", "您好", "ok", "pdf", "调", "调整"]
    assert topic_terms(tokens) == ["社保", "缴费基数", "pdf", "调整"]


def test_it_ranks_rising_terms_by_increase() -> None:
    current = {"个税": 3, "社保": 2, "工资": 5, "发票": 1}
    previous = {"个税": 1, "工资": 5, "发票": 0}
    assert rising_terms(current, previous) == [Rising("个税", 3, 1), Rising("社保", 2, 0)]
    assert rising_terms(current, previous, limit=1)[0].change == 2


@given(st.integers(1, 10_000), st.data())
def test_it_keeps_rates_between_0_and_100(counted: int, data: st.DataObject) -> None:
    met = data.draw(st.integers(0, counted))
    rate = rate_pct(met, counted)
    assert rate is not None and Decimal(0) <= rate <= Decimal(100)
    assert abs(rate - Decimal(met) * 100 / Decimal(counted)) <= Decimal("0.05")


@given(
    st.dates(dt.date(2000, 1, 1), dt.date(2040, 1, 1)),
    st.integers(0, 400),
    st.sampled_from(["day", "week", "month"]),
)
def test_it_covers_every_day_by_exactly_one_bucket(start: dt.date, days: int, gran: str) -> None:
    end = start + dt.timedelta(days=days)
    found = buckets(start, end, gran)
    assert found == sorted(set(found))
    for offset in range(0, days + 1, 7):
        assert bucket_of(start + dt.timedelta(days=offset), gran) in found


@given(st.lists(st.text(min_size=0, max_size=6), max_size=30))
def test_it_returns_distinct_terms_of_the_input(tokens: list[str]) -> None:
    terms = topic_terms(tokens)
    assert len(terms) == len(set(terms))
    cleaned = {t.strip().lower()[:40] for t in tokens}
    assert set(terms) <= cleaned


@given(
    st.dictionaries(st.sampled_from("甲乙丙丁戊己庚辛"), st.integers(0, 20)),
    st.dictionaries(st.sampled_from("甲乙丙丁戊己庚辛"), st.integers(0, 20)),
)
def test_it_lists_only_terms_that_rose(current: dict[str, int], previous: dict[str, int]) -> None:
    rows = rising_terms(current, previous, limit=100)
    assert all(r.current > r.previous and r.current >= 2 for r in rows)
    assert [r.change for r in rows] == sorted((r.change for r in rows), reverse=True)
