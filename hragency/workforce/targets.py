"""Service targets per channel and the time grid of the plan.

The defaults come from R-DESK-4 (seed 004; seed 001 asks for a 24-hour hotline without
figures): phone 95 % answered within 15 s, online chat within 30 s. AHT, shrinkage and the
occupancy cap are working assumptions an administrator edits (admin / the staffing screen shows
what was used). Chat agents handle ``concurrency`` sessions at once, so chat is staffed as
Erlang C with AHT ÷ concurrency.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from hragency.workforce.models import Channel, ServiceTarget

PLAN_INTERVAL = 30  # minutes: the grid of forecasts, requirements and plans
SLOTS_PER_DAY = 24 * 60 // PLAN_INTERVAL
SURGE_RATIO = Decimal("1.2")  # actual offered > forecast × 1.2 → warning
MAX_SHIFTS_PER_WEEK = 5
REST_HOURS = 11

DEFAULT_TARGETS: dict[str, dict[str, object]] = {
    Channel.PHONE: {
        "target_pct": Decimal("95"),
        "threshold_seconds": 15,
        "aht_seconds": 240,
        "shrinkage_pct": Decimal("30"),
        "max_occupancy_pct": Decimal("85"),
        "min_agents": 2,
        "concurrency": 1,
    },
    Channel.CHAT: {
        "target_pct": Decimal("95"),
        "threshold_seconds": 30,
        "aht_seconds": 360,
        "shrinkage_pct": Decimal("30"),
        "max_occupancy_pct": Decimal("85"),
        "min_agents": 1,
        "concurrency": 2,
    },
}


def ensure_default_targets() -> dict[str, ServiceTarget]:
    """The targets, creating the phone and chat defaults when missing (idempotent)."""
    existing = {t.channel: t for t in ServiceTarget.objects.all()}
    missing = [
        ServiceTarget(channel=channel, **values)  # type: ignore[arg-type]
        for channel, values in DEFAULT_TARGETS.items()
        if channel not in existing
    ]
    if missing:
        ServiceTarget.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {t.channel: t for t in ServiceTarget.objects.all()}
    return existing


@dataclass(frozen=True)
class TargetParams:
    channel: str
    service_level: float
    threshold_seconds: int
    aht_seconds: int
    shrinkage: float
    max_occupancy: float | None
    min_agents: int
    concurrency: int


def params_of(target: ServiceTarget) -> TargetParams:
    return TargetParams(
        channel=target.channel,
        service_level=float(target.target_pct) / 100,
        threshold_seconds=target.threshold_seconds,
        aht_seconds=target.aht_seconds,
        shrinkage=float(target.shrinkage_pct) / 100,
        max_occupancy=(float(target.max_occupancy_pct) / 100 if target.max_occupancy_pct else None),
        min_agents=target.min_agents,
        concurrency=max(1, target.concurrency),
    )


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=timezone.get_current_timezone())


def slot_of(moment: dt.datetime) -> tuple[dt.date, int]:
    local = timezone.localtime(moment)
    return local.date(), (local.hour * 60 + local.minute) // PLAN_INTERVAL


def slot_label(slot: int) -> str:
    minutes = slot * PLAN_INTERVAL
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def channel_label(code: str) -> str:
    return Channel(code).label if code in Channel.values else (code or "全部渠道")
