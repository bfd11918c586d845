"""The call-centre panel (呼叫中心话务): offered / answered / abandoned per bucket and the
service level (answered in target ÷ offered) from ``workforce.ContactVolume``, the intervals
imported from the telephony system. The rows carry no client: the panel is agency-wide and
shown to holders of ``workforce.view_contactvolume`` or ``accounts.view_all_clients``. Guarded
so that the dashboard works while the workforce app (built in parallel) changes."""

from __future__ import annotations

import logging
from typing import Any

from django.db.models import Sum

from hragency.analytics.filters import Filters, local_day
from hragency.domain.analytics import bucket_of, buckets, rate_pct

log = logging.getLogger(__name__)


def may_see(user: Any) -> bool:
    return getattr(user, "kind", "") == "staff" and (
        user.has_perm("workforce.view_contactvolume") or user.has_perm("accounts.view_all_clients")
    )


def call_centre(user: Any, f: Filters) -> dict[str, Any] | None:
    """None when the user may not see it or the workforce data is not available (1 query)."""
    if not may_see(user):
        return None
    try:
        from hragency.workforce.models import ContactVolume
    except ImportError:  # pragma: no cover - the workforce app is optional here
        return None
    try:
        rows = list(
            ContactVolume.objects.filter(interval_start__gte=f.since, interval_start__lt=f.until)
            .annotate(day=local_day("interval_start"))
            .values("day")
            .annotate(
                offered=Sum("offered"),
                answered=Sum("answered"),
                abandoned=Sum("abandoned"),
                in_target=Sum("answered_in_target"),
            )
            .order_by()
        )
    except Exception:
        log.warning("call-centre panel unavailable", exc_info=True)
        return None
    labels = buckets(f.start, f.end, f.granularity)
    index = {b: i for i, b in enumerate(labels)}
    sums = {k: [0] * len(labels) for k in ("offered", "answered", "abandoned", "in_target")}
    for row in rows:
        i = index[bucket_of(row["day"], f.granularity)]
        for key in sums:
            sums[key][i] += int(row[key] or 0)
    levels = [
        rate_pct(min(t, o), o) if o else None
        for t, o in zip(sums["in_target"], sums["offered"], strict=True)
    ]
    total = {k: sum(v) for k, v in sums.items()}
    return {
        "buckets": [b.isoformat() for b in labels],
        "offered": sums["offered"],
        "answered": sums["answered"],
        "abandoned": sums["abandoned"],
        "service_level": [None if v is None else str(v) for v in levels],
        "total": total,
        "overall_level": None
        if not total["offered"]
        else str(rate_pct(min(total["in_target"], total["offered"]), total["offered"])),
        "answer_rate": None
        if not total["offered"]
        else str(rate_pct(min(total["answered"], total["offered"]), total["offered"])),
    }
