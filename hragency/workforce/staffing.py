"""Forecast and staffing per channel and 30-minute slot (R-WFM-1).

``forecast_staffing`` reads the channel's history from ``ContactVolume`` (15- or 30-minute rows
summed into the plan's 30-minute slots, one query), forecasts with ``domain.forecast`` (same
weekday over the last 6 weeks, exponentially weighted, times the recent level), and turns each
slot's volume into agents with ``domain.erlang`` for the channel's ``ServiceTarget``. The result
replaces the channel's ``StaffingRequirement`` rows of those days (one delete, one insert, one
audit row).

AHT: the answered-weighted mean of the history when it has answered contacts, otherwise the
target's default; chat is divided by the target's concurrency.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Sum

from hragency.core import audit
from hragency.core.errors import ServiceError
from hragency.domain import erlang
from hragency.domain.forecast import DEFAULT_WEEKS, ForecastError, backtest, forecast
from hragency.workforce.models import Channel, ContactVolume, StaffingRequirement
from hragency.workforce.targets import (
    PLAN_INTERVAL,
    SLOTS_PER_DAY,
    ensure_default_targets,
    local_midnight,
    params_of,
    slot_of,
)

MAX_DAYS = 31
HISTORY_WEEKS = 8
MANAGE = "workforce.manage_workforce"


def require_manager(actor: Any) -> None:
    """Writes of the workforce app need ``manage_workforce``; ``None`` is the system (CLI, jobs)."""
    if actor is None:
        return
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录")
    if not actor.has_perm(MANAGE):
        raise PermissionDenied("无权管理话务排班")


def load_history(
    channel: str, before: dt.date, weeks: int = HISTORY_WEEKS
) -> dict[dt.date, list[float]]:
    """Offered contacts per day and 30-minute slot for the ``weeks`` weeks before ``before``."""
    start = local_midnight(before - dt.timedelta(days=7 * weeks))
    rows = ContactVolume.objects.filter(
        channel=channel, interval_start__gte=start, interval_start__lt=local_midnight(before)
    ).values_list("interval_start", "offered")
    history: dict[dt.date, list[float]] = {}
    for moment, offered in rows:
        day, slot = slot_of(moment)
        history.setdefault(day, [0.0] * SLOTS_PER_DAY)[slot] += offered
    return history


def has_history(channel: str, before: dt.date, weeks: int = HISTORY_WEEKS) -> bool:
    return ContactVolume.objects.filter(
        channel=channel,
        interval_start__gte=local_midnight(before - dt.timedelta(days=7 * weeks)),
        interval_start__lt=local_midnight(before),
    ).exists()


def measured_aht(channel: str, before: dt.date, weeks: int = 4) -> int | None:
    totals = ContactVolume.objects.filter(
        channel=channel,
        interval_start__gte=local_midnight(before - dt.timedelta(days=7 * weeks)),
        interval_start__lt=local_midnight(before),
        answered__gt=0,
    ).aggregate(handled=Sum(F("answered") * F("aht_seconds")), answered=Sum("answered"))
    if not totals["answered"]:
        return None
    return round(totals["handled"] / totals["answered"])


@dataclass(frozen=True)
class StaffingResult:
    channel: str
    start: dt.date
    days: int
    aht_seconds: int
    rows: list[StaffingRequirement]
    history_days: int
    wape: float | None  # backtest on the last 2 weeks of history (None: too little history)
    naive_wape: float | None


def _days(start: Any, days: Any) -> tuple[dt.date, int]:
    if not isinstance(start, dt.date):
        raise ServiceError("请填写开始日期")
    try:
        count = int(days)
    except (TypeError, ValueError):
        raise ServiceError("天数须为整数") from None
    if not 1 <= count <= MAX_DAYS:
        raise ServiceError(f"天数须在 1～{MAX_DAYS} 之间")
    return start, count


def _quantize(value: float, places: str) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


@transaction.atomic
def forecast_staffing(*, actor: Any, channel: str, start: dt.date, days: int = 7) -> StaffingResult:
    """Forecast ``days`` days from ``start`` for ``channel`` and store the requirements."""
    require_manager(actor)
    if channel not in Channel.values:
        raise ServiceError("渠道无效")
    start, days = _days(start, days)
    targets = ensure_default_targets()
    if channel not in targets:
        raise ServiceError(f"「{Channel(channel).label}」还没有设置服务水平目标")
    params = params_of(targets[channel])
    # History up to the day before the first target date (never the future itself).
    history = load_history(channel, start)
    if not history:
        raise ServiceError(
            f"{start:%Y-%m-%d} 之前 {HISTORY_WEEKS} 周没有「{Channel(channel).label}」"
            "的话务量，请先导入"
        )
    dates = [start + dt.timedelta(days=i) for i in range(days)]
    try:
        predicted = forecast(history, dates, SLOTS_PER_DAY, cutoff=start, weeks=DEFAULT_WEEKS)
    except ForecastError as exc:
        raise ServiceError(str(exc)) from exc
    aht = measured_aht(channel, start) or params.aht_seconds
    effective_aht = aht / params.concurrency
    cache: dict[Decimal, erlang.Staffing] = {}
    rows: list[StaffingRequirement] = []
    for day in dates:
        midnight = local_midnight(day)
        for slot, volume in enumerate(predicted[day]):
            rounded = _quantize(volume, "0.1")
            if rounded not in cache:
                try:
                    cache[rounded] = erlang.required_agents(
                        calls=float(rounded),
                        interval_seconds=PLAN_INTERVAL * 60,
                        aht_seconds=effective_aht,
                        target_service_level=params.service_level,
                        target_seconds=params.threshold_seconds,
                        shrinkage=params.shrinkage,
                        max_occupancy=params.max_occupancy,
                        min_agents=params.min_agents,
                    )
                except erlang.ErlangError as exc:
                    raise ServiceError(str(exc)) from exc
            staffing = cache[rounded]
            rows.append(
                StaffingRequirement(
                    channel=channel,
                    interval_start=midnight + dt.timedelta(minutes=slot * PLAN_INTERVAL),
                    interval_minutes=PLAN_INTERVAL,
                    forecast_volume=rounded,
                    aht_seconds=aht,
                    agents=staffing.agents,
                    scheduled=staffing.scheduled,
                    service_level=_quantize(staffing.service_level * 100, "0.1"),
                )
            )
    first, end = local_midnight(start), local_midnight(start + dt.timedelta(days=days))
    StaffingRequirement.objects.filter(
        channel=channel, interval_start__gte=first, interval_start__lt=end
    ).delete()
    StaffingRequirement.objects.bulk_create(rows, batch_size=1000)
    wape = naive = None
    if len(history) >= 21:
        try:
            accuracy = backtest(history, SLOTS_PER_DAY, holdout_weeks=1)
        except ForecastError:
            pass
        else:
            wape, naive = accuracy.wape, accuracy.naive_wape
    audit.record(
        actor=actor,
        action="workforce.staffing_compute",
        extra={
            "channel": channel,
            "start": start.isoformat(),
            "days": days,
            "aht_seconds": aht,
            "peak_scheduled": max(r.scheduled for r in rows),
            "forecast_total": str(sum(r.forecast_volume for r in rows)),
        },
    )
    return StaffingResult(channel, start, days, aht, rows, len(history), wape, naive)


def requirements(channels: list[str], start: dt.date, days: int) -> list[StaffingRequirement]:
    return list(
        StaffingRequirement.objects.filter(
            channel__in=channels,
            interval_start__gte=local_midnight(start),
            interval_start__lt=local_midnight(start + dt.timedelta(days=days)),
        ).order_by("interval_start", "channel")
    )


def ensure_requirements(*, actor: Any, channels: list[str], start: dt.date, days: int) -> None:
    """Compute the requirements of channels that have none for some of those days."""
    expected = days * SLOTS_PER_DAY
    for channel in channels:
        have = StaffingRequirement.objects.filter(
            channel=channel,
            interval_start__gte=local_midnight(start),
            interval_start__lt=local_midnight(start + dt.timedelta(days=days)),
        ).count()
        if have < expected:
            forecast_staffing(actor=actor, channel=channel, start=start, days=days)
