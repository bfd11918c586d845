"""Contact-volume forecast by weekday × time slot, and its backtest (R-WFM-1).

History is ``{date: [volume of slot 0, slot 1, …]}`` (one list per day, every list
``slots_per_day`` long; a missing day is simply absent). The method, for a target date ``d``
forecast from history that ends before ``cutoff``:

1. **Seasonal profile.** Take the same weekday in the last ``weeks`` weeks before ``cutoff``
   (the most recent first). Slot ``s`` is the weighted mean of those days' slot ``s`` with
   weights ``decay^0, decay^1, …`` (recent weeks count more); days without data are skipped.
2. **Level (trend) factor.** ``f = (volume of the last 7 days before cutoff) / (weighted mean
   of the weekly volumes of the ``weeks`` weeks before it, same weights)``, clamped to
   ``[0.5, 2]``. A level change shows in the last week before the exponentially weighted
   profile catches up; the factor carries it. With fewer than two full weeks ``f = 1``.
3. ``forecast(d, s) = profile(weekday(d), s) × f``.

``backtest`` holds out the last ``holdout_weeks`` of the history, forecasts them from the weeks
before, and returns MAPE and WAPE against the naive baseline (same weekday and slot of the last
week before the cut-off).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

History = Mapping[dt.date, Sequence[float]]

DEFAULT_WEEKS = 6
DEFAULT_DECAY = 0.7
TREND_CLAMP = (0.5, 2.0)


class ForecastError(ValueError):
    """The history cannot give a forecast (reason in Chinese)."""


@dataclass(frozen=True)
class Accuracy:
    mape: float  # mean absolute percentage error over slots with actual > 0 (0..)
    wape: float  # Σ|error| / Σ actual
    naive_mape: float
    naive_wape: float
    days: int


def _check(history: History, slots: int) -> None:
    for day, values in history.items():
        if len(values) != slots:
            raise ForecastError(f"{day} 的时段数为 {len(values)}，应为 {slots}")


def _weights(weeks: int, decay: float) -> list[float]:
    return [decay**k for k in range(weeks)]


def trend_factor(
    history: History, cutoff: dt.date, *, weeks: int = DEFAULT_WEEKS, decay: float = DEFAULT_DECAY
) -> float:
    """Volume of the last 7 days before ``cutoff`` over the weighted mean weekly volume of the
    ``weeks`` weeks before that (1.0 when there is not enough history)."""

    def week_total(end: dt.date) -> float | None:
        days = [history.get(end - dt.timedelta(days=i)) for i in range(1, 8)]
        if any(d is None for d in days):
            return None
        return float(sum(sum(d) for d in days if d is not None))

    recent = week_total(cutoff)
    if recent is None:
        return 1.0
    totals: list[tuple[float, float]] = []
    for k, weight in enumerate(_weights(weeks, decay)):
        total = week_total(cutoff - dt.timedelta(days=7 * (k + 1)))
        if total is not None:
            totals.append((weight, total))
    if not totals:
        return 1.0
    base = sum(w * t for w, t in totals) / sum(w for w, _ in totals)
    if base <= 0:
        return 1.0
    low, high = TREND_CLAMP
    return min(high, max(low, recent / base))


def profile(
    history: History,
    weekday: int,
    cutoff: dt.date,
    slots: int,
    *,
    weeks: int = DEFAULT_WEEKS,
    decay: float = DEFAULT_DECAY,
) -> list[float] | None:
    """Weighted mean of the same weekday over the last ``weeks`` weeks before ``cutoff``."""
    # The latest date before cutoff with this weekday.
    last = cutoff - dt.timedelta(days=1)
    last -= dt.timedelta(days=(last.weekday() - weekday) % 7)
    sums = [0.0] * slots
    total_weight = 0.0
    for k, weight in enumerate(_weights(weeks, decay)):
        values = history.get(last - dt.timedelta(days=7 * k))
        if values is None:
            continue
        total_weight += weight
        for s, v in enumerate(values):
            sums[s] += weight * float(v)
    if total_weight == 0:
        return None
    return [v / total_weight for v in sums]


def forecast(
    history: History,
    targets: Sequence[dt.date],
    slots: int,
    *,
    cutoff: dt.date | None = None,
    weeks: int = DEFAULT_WEEKS,
    decay: float = DEFAULT_DECAY,
    use_trend: bool = True,
) -> dict[dt.date, list[float]]:
    """Forecast volume per slot for each target date from history before ``cutoff`` (default:
    the day after the last day of history). Raises ``ForecastError`` without usable history."""
    if not 0 < decay <= 1:
        raise ForecastError("衰减系数须在 (0, 1] 之间")
    if weeks < 1:
        raise ForecastError("历史周数至少为 1")
    _check(history, slots)
    if cutoff is None:
        if not history:
            raise ForecastError("没有历史话务量，无法预测")
        cutoff = max(history) + dt.timedelta(days=1)
    past = {d: v for d, v in history.items() if d < cutoff}
    factor = trend_factor(past, cutoff, weeks=weeks, decay=decay) if use_trend else 1.0
    profiles: dict[int, list[float] | None] = {}
    result: dict[dt.date, list[float]] = {}
    for day in targets:
        wd = day.weekday()
        if wd not in profiles:
            profiles[wd] = profile(past, wd, cutoff, slots, weeks=weeks, decay=decay)
        shape = profiles[wd]
        if shape is None:
            raise ForecastError(
                f"最近 {weeks} 周没有与 {day.isoformat()} 同为星期{'一二三四五六日'[wd]}的历史数据"
            )
        result[day] = [v * factor for v in shape]
    return result


def naive_last_week(
    history: History, targets: Sequence[dt.date], cutoff: dt.date
) -> dict[dt.date, list[float]]:
    """The baseline: the same weekday of the last week before ``cutoff``."""
    result: dict[dt.date, list[float]] = {}
    for day in targets:
        last = cutoff - dt.timedelta(days=1)
        last -= dt.timedelta(days=(last.weekday() - day.weekday()) % 7)
        values = history.get(last)
        if values is None:
            raise ForecastError(f"缺少 {last.isoformat()} 的历史数据")
        result[day] = [float(v) for v in values]
    return result


def errors(
    actual: Mapping[dt.date, Sequence[float]], predicted: Mapping[dt.date, Sequence[float]]
) -> tuple[float, float]:
    """(MAPE, WAPE) over the dates in ``actual``; MAPE skips slots whose actual is 0."""
    abs_sum = 0.0
    act_sum = 0.0
    pct: list[float] = []
    for day, values in actual.items():
        for a, p in zip(values, predicted[day], strict=True):
            err = abs(float(a) - p)
            abs_sum += err
            act_sum += float(a)
            if a > 0:
                pct.append(err / float(a))
    mape = sum(pct) / len(pct) if pct else 0.0
    wape = abs_sum / act_sum if act_sum > 0 else 0.0
    return mape, wape


def backtest(
    history: History,
    slots: int,
    *,
    holdout_weeks: int = 2,
    weeks: int = DEFAULT_WEEKS,
    decay: float = DEFAULT_DECAY,
) -> Accuracy:
    """Hold out the last ``holdout_weeks`` × 7 days, forecast them from the days before."""
    if not history:
        raise ForecastError("没有历史话务量，无法回测")
    _check(history, slots)
    end = max(history)
    cutoff = end - dt.timedelta(days=7 * holdout_weeks - 1)
    held = {d: v for d, v in history.items() if d >= cutoff}
    targets = sorted(held)
    predicted = forecast(history, targets, slots, cutoff=cutoff, weeks=weeks, decay=decay)
    naive = naive_last_week(history, targets, cutoff)
    mape, wape = errors(held, predicted)
    naive_mape, naive_wape = errors(held, naive)
    return Accuracy(mape, wape, naive_mape, naive_wape, len(targets))
