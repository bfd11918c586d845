"""Peak warnings (高峰预警, R-WFM-1; seed 001 "高峰时段预警机制").

Two kinds, one row per kind × channel × 30-minute slot (regenerating updates, never duplicates):

- **排班人数不足** (understaffed): the slot's required agents (sum of the channels' scheduled
  requirement, shrinkage included) exceed the named agents on duty in published plans (breaks
  excluded). Checked when a plan is published and every hour for the next 24 hours.
- **话务量超预测** (surge): imported offered contacts exceed the forecast by more than 20 %
  (and by at least 3 contacts, so a quiet night's 1 against 0.4 is not an alarm).

New warnings are told to the CS supervisors (one inbox message per check, not one per slot).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from hragency.accounts.queries import role_holders
from hragency.accounts.roles import Role
from hragency.core import audit
from hragency.core.models import Notification
from hragency.core.notifications import notify
from hragency.workforce.models import (
    ContactVolume,
    PeakWarning,
    ShiftAssignment,
    ShiftPlan,
    StaffingRequirement,
)
from hragency.workforce.targets import PLAN_INTERVAL, SURGE_RATIO

SURGE_MIN_EXCESS = 3
STEP = dt.timedelta(minutes=PLAN_INTERVAL)


def floor_slot(moment: dt.datetime) -> dt.datetime:
    minutes = moment.minute - moment.minute % PLAN_INTERVAL
    return moment.replace(minute=minutes, second=0, microsecond=0)


def on_duty(start: dt.datetime, end: dt.datetime) -> dict[dt.datetime, int]:
    """Named agents on duty per 30-minute slot in [start, end) from published plans."""
    rows = ShiftAssignment.objects.filter(
        plan__status=ShiftPlan.Status.PUBLISHED,
        agent__isnull=False,
        starts_at__lt=end,
        ends_at__gt=start,
    ).values_list("starts_at", "ends_at", "break_starts_at", "break_ends_at")
    counts: dict[dt.datetime, int] = defaultdict(int)
    for starts, ends, break_start, break_end in rows:
        moment = max(floor_slot(starts), floor_slot(start))
        while moment < min(ends, end):
            if not (break_start and break_start <= moment < break_end):
                counts[moment] += 1
            moment += STEP
    return counts


def _tell(kind_label: str, created: list[PeakWarning]) -> None:
    if not created:
        return
    first = min(w.interval_start for w in created)
    notify(
        recipients=list(role_holders(Role.CS_SUPERVISOR)),
        title=f"高峰预警：{len(created)} 个时段{kind_label}",
        body=f"最早时段 {timezone.localtime(first):%m-%d %H:%M}，请调整排班或安排加班。",
        link=reverse("workforce:warnings"),
        level=Notification.Level.WARNING,
    )


def _save(found: list[PeakWarning], fields: list[str]) -> list[PeakWarning]:
    """Insert new warnings, refresh the figures of existing ones; returns the new ones."""
    if not found:
        return []
    kinds = {w.kind for w in found}
    existing = {
        (w.kind, w.channel, w.interval_start): w
        for w in PeakWarning.objects.filter(
            kind__in=kinds,
            interval_start__in={w.interval_start for w in found},
        )
    }
    new, changed = [], []
    for w in found:
        old = existing.get((w.kind, w.channel, w.interval_start))
        if old is None:
            new.append(w)
            continue
        for field in fields:
            setattr(old, field, getattr(w, field))
        changed.append(old)
    PeakWarning.objects.bulk_create(new, batch_size=500)
    if changed:
        PeakWarning.objects.bulk_update(changed, fields, batch_size=500)
    return new


def check_understaffed(*, actor: Any, start: dt.datetime, end: dt.datetime) -> list[PeakWarning]:
    """Warn on slots in [start, end) where the plan has fewer agents than required."""
    needed = dict(
        StaffingRequirement.objects.filter(interval_start__gte=start, interval_start__lt=end)
        .values_list("interval_start")
        .annotate(total=Sum("scheduled"))
        .values_list("interval_start", "total")
    )
    if not needed:
        return []
    duty = on_duty(start, end)
    found = [
        PeakWarning(
            kind=PeakWarning.Kind.UNDERSTAFFED,
            channel="",
            interval_start=moment,
            interval_minutes=PLAN_INTERVAL,
            required=required,
            scheduled=duty.get(moment, 0),
        )
        for moment, required in sorted(needed.items())
        if required > duty.get(moment, 0)
    ]
    new = _save(found, ["required", "scheduled"])
    if new:
        audit.record(
            actor=actor,
            action="workforce.warnings_understaffed",
            extra={"new": len(new), "from": start.isoformat(), "to": end.isoformat()},
        )
    _tell("排班人数不足", new)
    return new


def check_surges(*, actor: Any, start: dt.datetime, end: dt.datetime) -> list[PeakWarning]:
    """Warn on channel slots in [start, end) whose offered contacts beat the forecast by > 20 %."""
    forecasts = {
        (r.channel, r.interval_start): r
        for r in StaffingRequirement.objects.filter(
            interval_start__gte=floor_slot(start), interval_start__lt=end
        )
    }
    if not forecasts:
        return []
    actual: dict[tuple[str, dt.datetime], int] = defaultdict(int)
    for channel, moment, offered in ContactVolume.objects.filter(
        interval_start__gte=floor_slot(start), interval_start__lt=end
    ).values_list("channel", "interval_start", "offered"):
        actual[(channel, floor_slot(moment))] += offered
    found = []
    for key, offered in sorted(actual.items()):
        req = forecasts.get(key)
        if req is None:
            continue
        if offered > req.forecast_volume * SURGE_RATIO and offered - req.forecast_volume >= Decimal(
            SURGE_MIN_EXCESS
        ):
            found.append(
                PeakWarning(
                    kind=PeakWarning.Kind.SURGE,
                    channel=key[0],
                    interval_start=key[1],
                    interval_minutes=PLAN_INTERVAL,
                    forecast_volume=req.forecast_volume,
                    actual_volume=offered,
                    required=req.scheduled,
                )
            )
    new = _save(found, ["forecast_volume", "actual_volume", "required"])
    if new:
        audit.record(
            actor=actor,
            action="workforce.warnings_surge",
            extra={"new": len(new), "from": start.isoformat(), "to": end.isoformat()},
        )
    _tell("话务量超出预测 20% 以上", new)
    return new
