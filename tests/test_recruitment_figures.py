"""The pure figures of the recruitment evaluation: hand-checked values and hypothesis properties
(exact Decimal, half-up, None when nothing is measured)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hragency.recruitment import figures


def test_it_computes_hand_checked_figures() -> None:
    assert figures.time_to_fill(dt.date(2026, 11, 20), dt.date(2026, 12, 4)) == 14
    assert figures.time_to_fill(dt.date(2026, 12, 4), dt.date(2026, 12, 4)) == 0
    with pytest.raises(ValueError):
        figures.time_to_fill(dt.date(2026, 12, 5), dt.date(2026, 12, 4))
    assert figures.cost_per_hire([Decimal("1200.00"), Decimal("800.50")], 3) == Decimal("666.83")
    assert figures.cost_per_hire([Decimal("0.05")], 2) == Decimal("0.03")  # 0.025 half-up
    assert figures.cost_per_hire([Decimal("500")], 0) is None
    assert figures.rate(2, 3) == Decimal("66.7")
    assert figures.rate(1, 8) == Decimal("12.5")
    assert figures.rate(0, 0) is None
    assert figures.average([5, 4, 4]) == Decimal("4.33")
    assert figures.average([]) is None
    assert figures.mean_days([10, 11]) == Decimal("10.5")


@given(
    st.lists(st.decimals(min_value=0, max_value=10**7, places=2), max_size=10),
    st.integers(min_value=1, max_value=500),
)
def test_it_never_loses_more_than_half_a_fen_per_hire(costs: list[Decimal], hires: int) -> None:
    per_hire = figures.cost_per_hire(costs, hires)
    assert per_hire is not None and per_hire == per_hire.quantize(Decimal("0.01"))
    assert abs(per_hire * hires - sum(costs, Decimal(0))) <= Decimal("0.005") * hires


@given(
    st.integers(min_value=1, max_value=10**6).flatmap(
        lambda w: st.tuples(st.integers(0, w), st.just(w))
    )
)
def test_it_keeps_rates_between_0_and_100(pair: tuple[int, int]) -> None:
    part, whole = pair
    value = figures.rate(part, whole)
    assert value is not None and Decimal(0) <= value <= Decimal(100)
    assert abs(value - Decimal(part) * 100 / Decimal(whole)) <= Decimal("0.05")
