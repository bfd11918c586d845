"""Forecast by weekday × slot (hragency.domain.forecast): recovers a known pattern, beats the
naive last-week forecast on noisy data, and behaves linearly."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hragency.domain.forecast import (
    ForecastError,
    backtest,
    forecast,
    naive_last_week,
    trend_factor,
)

SLOTS = 48
MONDAY = dt.date(2026, 10, 12)
DAY_FACTOR = [1.2, 1.1, 1.0, 1.0, 0.9, 0.5, 0.4]  # Mon … Sun
SHAPE = [2 + 20 * max(0.0, 1 - abs(s - 20) / 12) for s in range(SLOTS)]  # peak at 10:00


def pattern(day: dt.date) -> list[float]:
    return [DAY_FACTOR[day.weekday()] * v for v in SHAPE]


def history(weeks: int, noise: random.Random | None = None, start: dt.date = MONDAY) -> dict:
    result = {}
    for i in range(weeks * 7):
        day = start + dt.timedelta(days=i)
        values = pattern(day)
        if noise is not None:
            values = [max(0.0, v + noise.gauss(0, 0.35 * v**0.5 + 0.5)) for v in values]
        result[day] = values
    return result


def test_it_recovers_a_known_weekly_pattern_exactly() -> None:
    hist = history(8)
    targets = [MONDAY + dt.timedelta(days=56 + i) for i in range(7)]
    result = forecast(hist, targets, SLOTS)
    for day in targets:
        assert result[day] == pytest.approx(pattern(day))
    # Monday 10:00 (slot 20) = 1.2 × 22 = 26.4; Sunday 00:00 = 0.4 × 2 = 0.8 (by hand).
    assert result[targets[0]][20] == pytest.approx(26.4)
    assert result[targets[6]][0] == pytest.approx(0.8)


def test_it_weights_recent_weeks_and_scales_by_the_level() -> None:
    # Two weeks: Mondays of 10 then 20 calls per slot; weights 0.7 (older) and 1 (recent):
    # profile = (1·20 + 0.7·10) / 1.7 = 15.882…; level = week 2 / weighted(week 1) = 2 (clamped 2)
    start = MONDAY
    hist = {}
    for i in range(14):
        day = start + dt.timedelta(days=i)
        hist[day] = [10.0 if i < 7 else 20.0] * 4
    assert trend_factor(hist, start + dt.timedelta(days=14)) == pytest.approx(2.0)
    result = forecast(hist, [start + dt.timedelta(days=14)], 4, use_trend=False)
    assert result[start + dt.timedelta(days=14)][0] == pytest.approx((20 + 0.7 * 10) / 1.7)


def test_it_beats_the_naive_forecast_on_noisy_history() -> None:
    hist = history(10, noise=random.Random(20261207))
    accuracy = backtest(hist, SLOTS, holdout_weeks=2)
    assert accuracy.days == 14
    assert accuracy.wape < accuracy.naive_wape
    assert accuracy.mape < accuracy.naive_mape
    assert accuracy.wape < 0.9 * accuracy.naive_wape  # at least 10 % better


def test_it_says_what_history_is_missing() -> None:
    with pytest.raises(ForecastError, match="没有历史"):
        forecast({}, [MONDAY], SLOTS)
    with pytest.raises(ForecastError, match="时段数"):
        forecast({MONDAY: [1.0] * 3}, [MONDAY], SLOTS)
    with pytest.raises(ForecastError, match="缺少"):
        naive_last_week({}, [MONDAY], MONDAY)


@settings(max_examples=40, deadline=None)
@given(
    level=st.floats(min_value=0.0, max_value=500.0),
    scale=st.floats(min_value=0.1, max_value=10.0),
    weeks=st.integers(min_value=2, max_value=8),
)
def test_it_is_flat_on_flat_history_and_linear_in_scale(
    level: float, scale: float, weeks: int
) -> None:
    hist = {MONDAY + dt.timedelta(days=i): [level] * 6 for i in range(weeks * 7)}
    target = [MONDAY + dt.timedelta(days=weeks * 7 + 3)]
    flat = forecast(hist, target, 6)[target[0]]
    assert flat == pytest.approx([level] * 6, abs=1e-9)
    scaled = {d: [v * scale for v in values] for d, values in hist.items()}
    assert forecast(scaled, target, 6)[target[0]] == pytest.approx(
        [v * scale for v in flat], abs=1e-6
    )
