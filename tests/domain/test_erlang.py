"""Erlang C (hragency.domain.erlang): hand-checked cases, a second method, properties."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hragency.domain.erlang import (
    ErlangError,
    asa,
    erlang_b,
    erlang_c,
    occupancy,
    required_agents,
    service_level,
    with_shrinkage,
)


def erlang_c_by_factorials(n: int, a: int) -> Fraction:
    """The textbook formula, exactly: (Aᴺ/N!·N/(N−A)) / (Σₖ<ₙ Aᵏ/k! + Aᴺ/N!·N/(N−A))."""
    top = Fraction(a**n, math.factorial(n)) * Fraction(n, n - a)
    bottom = sum(Fraction(a**k, math.factorial(k)) for k in range(n)) + top
    return top / bottom


def test_it_matches_two_agents_one_erlang_by_hand() -> None:
    # M/M/2 with A = 1: B(1) = 1/2, B(2) = (1·½)/(2+½) = 1/5, C = 2·⅕ / (2 − 1·⅘) = 1/3.
    assert erlang_b(1, 1.0) == pytest.approx(0.5)
    assert erlang_b(2, 1.0) == pytest.approx(0.2)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    # ASA = C·AHT/(N−A) = ⅓·120/1 = 40 s; occupancy ½.
    assert asa(2, 1.0, 120) == pytest.approx(40.0)
    assert occupancy(2, 1.0) == 0.5


def test_it_answers_the_textbook_case_100_calls_in_30_minutes() -> None:
    # 100 calls / 30 min × 180 s = 10 Erlangs; 80 % in 20 s → 14 agents.
    result = required_agents(
        calls=100,
        interval_seconds=1800,
        aht_seconds=180,
        target_service_level=0.80,
        target_seconds=20,
    )
    assert result.traffic == 10.0
    assert result.agents == 14
    c = float(erlang_c_by_factorials(14, 10))
    assert result.probability_wait == pytest.approx(c, rel=1e-12)
    assert c == pytest.approx(0.17413, abs=1e-5)
    # SL = 1 − C·e^(−(14−10)·20/180) = 1 − 0.17413 × 0.64118 = 0.88835
    assert result.service_level == pytest.approx(1 - c * math.exp(-4 * 20 / 180), rel=1e-12)
    assert round(result.service_level, 3) == 0.888
    assert result.occupancy == pytest.approx(10 / 14)
    assert result.asa_seconds == pytest.approx(c * 180 / 4)
    # 13 agents are not enough: SL 79.6 %.
    assert service_level(13, 10.0, 180, 20) == pytest.approx(0.7956, abs=1e-4)


def test_it_staffs_the_hotline_phone_target_with_shrinkage() -> None:
    # Phone: 95 % within 15 s. 10 Erlangs need 16 (SL 96.5 %); 15 give 93.6 % … by the formula.
    result = required_agents(
        calls=100,
        interval_seconds=1800,
        aht_seconds=180,
        target_service_level=0.95,
        target_seconds=15,
        shrinkage=0.30,
    )
    assert result.agents == 16
    sl15 = 1 - float(erlang_c_by_factorials(15, 10)) * math.exp(-5 * 15 / 180)
    assert sl15 < 0.95 <= result.service_level
    # ⌈16 / 0.7⌉ = ⌈22.86⌉ = 23
    assert result.scheduled == 23


def test_it_rounds_shrinkage_up_exactly() -> None:
    assert with_shrinkage(14, 0.3) == 20  # 14 / 0.7 is exactly 20, not 20.000…04 → 21
    assert with_shrinkage(7, 0.0) == 7
    assert with_shrinkage(1, 0.5) == 2
    with pytest.raises(ErlangError):
        with_shrinkage(5, 1.0)


def test_it_caps_occupancy() -> None:
    # 10 Erlangs at ≤ 70 % occupancy need ⌈10/0.7⌉ = 15 agents although 14 meet 80/20.
    result = required_agents(
        calls=100,
        interval_seconds=1800,
        aht_seconds=180,
        target_service_level=0.80,
        target_seconds=20,
        max_occupancy=0.70,
    )
    assert result.agents == 15
    assert result.occupancy <= 0.70


def test_it_needs_nobody_for_no_calls_unless_a_minimum_is_set() -> None:
    base = dict(interval_seconds=1800, aht_seconds=180, target_service_level=0.8, target_seconds=20)
    assert required_agents(calls=0, **base).agents == 0
    assert required_agents(calls=0, min_agents=1, **base).agents == 1


def test_it_works_for_hundreds_of_erlangs() -> None:
    # 5,000 calls × 300 s / 1,800 s = 833 Erlangs: no overflow, a sensible answer.
    result = required_agents(
        calls=5000,
        interval_seconds=1800,
        aht_seconds=300,
        target_service_level=0.95,
        target_seconds=15,
    )
    assert 834 <= result.agents <= 900
    assert result.service_level >= 0.95
    assert service_level(result.agents - 1, result.traffic, 300, 15) < 0.95


@pytest.mark.parametrize(
    "kwargs",
    [
        {"aht_seconds": 0},
        {"aht_seconds": -5},
        {"target_service_level": 1.0},
        {"target_service_level": 0},
        {"calls": -1},
        {"calls": 10**9},
        {"shrinkage": 1.0},
        {"max_occupancy": 0},
    ],
)
def test_it_refuses_impossible_inputs_in_chinese(kwargs: dict[str, float]) -> None:
    args: dict[str, float] = dict(
        calls=100,
        interval_seconds=1800,
        aht_seconds=180,
        target_service_level=0.8,
        target_seconds=20,
    )
    args.update(kwargs)
    with pytest.raises(ErlangError) as info:
        required_agents(**args)  # type: ignore[arg-type]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(info.value))


@settings(max_examples=60, deadline=None)
@given(
    a=st.floats(min_value=0.1, max_value=300),
    t=st.integers(min_value=0, max_value=60),
    aht=st.integers(min_value=30, max_value=900),
)
def test_it_raises_service_level_with_every_extra_agent(a: float, t: int, aht: int) -> None:
    n0 = math.floor(a) + 1
    levels = [service_level(n, a, aht, t) for n in range(n0, n0 + 15)]
    assert all(x <= y + 1e-12 for x, y in itertools.pairwise(levels))
    assert all(0 <= x <= 1 for x in levels)


@settings(max_examples=60, deadline=None)
@given(
    calls=st.integers(min_value=1, max_value=3000),
    aht=st.integers(min_value=30, max_value=900),
    sl=st.floats(min_value=0.5, max_value=0.99),
    t=st.integers(min_value=5, max_value=60),
)
def test_it_finds_the_smallest_agent_count(calls: int, aht: int, sl: float, t: int) -> None:
    result = required_agents(
        calls=calls,
        interval_seconds=1800,
        aht_seconds=aht,
        target_service_level=sl,
        target_seconds=t,
    )
    assert result.service_level >= sl
    assert result.agents > result.traffic
    # One fewer agent misses the target (or cannot keep up at all).
    assert service_level(result.agents - 1, result.traffic, aht, t) < sl
