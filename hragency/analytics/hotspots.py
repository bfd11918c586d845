"""热点问题 (R-RPT-3, seed 001 "系统整理并提炼市民关注的热点问题"): the most frequent topic
terms of the requests in the period, the terms rising week over week, and the knowledge-base
searches that found nothing. Counting is a GROUP BY over ``TicketTerm`` (see ``terms.py``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Min, Q

from hragency.analytics.filters import Filters
from hragency.analytics.models import TicketTerm
from hragency.analytics.terms import refresh_terms
from hragency.core.scoping import scope_queryset
from hragency.domain.analytics import rising_terms

TOP = 20


def hotspots(user: Any, f: Filters, *, refresh: bool = True) -> dict[str, Any]:
    if refresh:
        refresh_terms()
    terms = scope_queryset(TicketTerm.objects.all(), user)
    if f.client_id:
        terms = terms.filter(ticket__client_id=f.client_id)
    top = list(
        terms.filter(day__gte=f.start, day__lte=f.end)
        .values("term")
        .annotate(n=Count("pk"))
        .order_by("-n", "term")[:TOP]
    )
    # Week over week: the last 7 days of the period against the 7 before.
    week_start = f.end - dt.timedelta(days=6)
    previous_start = week_start - dt.timedelta(days=7)
    rows = (
        terms.filter(day__gte=previous_start, day__lte=f.end)
        .values("term")
        .annotate(
            current=Count("pk", filter=Q(day__gte=week_start)),
            previous=Count("pk", filter=Q(day__lt=week_start)),
        )
        .order_by()
    )
    current = {r["term"]: r["current"] for r in rows if r["current"]}
    previous = {r["term"]: r["previous"] for r in rows if r["previous"]}
    rising = [
        {"term": r.term, "current": r.current, "previous": r.previous, "change": r.change}
        for r in rising_terms(current, previous, limit=10)
    ]
    result: dict[str, Any] = {
        "terms": [{"term": r["term"], "count": r["n"]} for r in top],
        "rising": rising,
        "week": [week_start.isoformat(), f.end.isoformat()],
        "kb_missing": None,
    }
    if user.has_perm("knowledge.view_searchlog"):
        from hragency.knowledge.models import SearchLog

        misses = (
            SearchLog.objects.filter(result_count=0, at__gte=f.since, at__lt=f.until)
            .values("normalized")
            .annotate(n=Count("pk"), query=Min("query"))
            .order_by("-n", "normalized")[:TOP]
        )
        result["kb_missing"] = [{"query": r["query"], "count": r["n"]} for r in misses]
    return result
