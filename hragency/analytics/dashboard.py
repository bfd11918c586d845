"""The dashboard figures (R-RPT-3): every section is a few GROUP BY queries over scoped base
querysets (``core.scoping.scope_queryset``), shaped in Python by ``domain.analytics``. The
number of queries of a section does not depend on the number of rows.

Sources of truth: tickets (``servicedesk.Ticket``: channel, module, nature, rating, handler);
service levels and on-time % from the deadlines (``core.Deadline`` met / late / breached, as
``core.deadlines.on_time_rate`` counts them) of the ticket clocks, the add/remove order cut-off
and the SI incidents; survey scores (``visits.SurveyResponse``); insured persons in force
(``insurance.Enrollment``); fee statements (``billing.Statement``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from hragency.analytics.filters import Filters, is_client_user, local_day
from hragency.core.business import BusinessModule
from hragency.core.models import Deadline
from hragency.core.scoping import scope_queryset
from hragency.domain.analytics import average, bucket_of, buckets, months_back, rate_pct
from hragency.servicedesk.models import Channel, Nature, Ticket

OPEN_TICKET = [Ticket.Status.PENDING, Ticket.Status.IN_PROGRESS, Ticket.Status.WAITING]
DEADLINE_KINDS = {
    "servicedesk.response": "工单首次响应",
    "servicedesk.resolution": "工单解决",
    "insurance.order_cutoff": "增减员办理",
    "insurance.incident_response": "社保异常响应",
    "insurance.incident_resolution": "社保异常解决",
}
TICKET_CLOCKS = ["servicedesk.response", "servicedesk.resolution"]
MET = Q(status=Deadline.Status.MET)
COUNTED = Q(status__in=[Deadline.Status.MET, Deadline.Status.LATE]) | Q(
    status=Deadline.Status.OPEN, breached=True
)


def _pct(value: Any) -> str | None:
    return None if value is None else str(value)


def _scoped(qs: QuerySet[Any], user: Any, f: Filters, client_field: str = "client_id") -> Any:
    qs = scope_queryset(qs, user)
    if f.client_id:
        qs = qs.filter(**{client_field: f.client_id})
    return qs


def _labels(f: Filters) -> list[dt.date]:
    return buckets(f.start, f.end, f.granularity)


def _user_label(name: str | None, username: str | None) -> str:
    return name or username or "（未分派）"


def tickets(user: Any, f: Filters) -> QuerySet[Ticket]:
    return _scoped(Ticket.objects.all(), user, f)


# ---- 工单量 -------------------------------------------------------------------------------


def volumes(user: Any, f: Filters) -> dict[str, Any]:
    """Tickets opened per bucket × channel, and by business module × nature (2 queries)."""
    base = tickets(user, f).filter(created_at__gte=f.since, created_at__lt=f.until)
    by_day = (
        base.annotate(day=local_day("created_at"))
        .values("day", "channel")
        .annotate(n=Count("pk"))
        .order_by()
    )
    labels = _labels(f)
    index = {b: i for i, b in enumerate(labels)}
    per_channel: dict[str, list[int]] = defaultdict(lambda: [0] * len(labels))
    for row in by_day:
        per_channel[row["channel"]][index[bucket_of(row["day"], f.granularity)]] += row["n"]
    channels = [
        {"code": code, "name": label, "data": per_channel[code], "total": sum(per_channel[code])}
        for code, label in Channel.choices
        if code in per_channel
    ]
    grid: dict[tuple[str, str], int] = {}
    for row in base.values("module", "nature").annotate(n=Count("pk")).order_by():
        grid[(row["module"], row["nature"])] = row["n"]
    modules = [(c, lbl) for c, lbl in BusinessModule.choices if any(k[0] == c for k in grid)]
    natures = [
        {
            "code": code,
            "name": label,
            "data": [grid.get((m, code), 0) for m, _ in modules],
        }
        for code, label in Nature.choices
    ]
    return {
        "buckets": [b.isoformat() for b in labels],
        "channels": channels,
        "modules": [label for _, label in modules],
        "natures": natures,
        "total": sum(c["total"] for c in channels),
        "module_rows": [
            {"module": label, "counts": [n["data"][i] for n in natures]}
            for i, (_, label) in enumerate(modules)
        ],
    }


# ---- 服务水平与及时率 ---------------------------------------------------------------------


def service_levels(user: Any, f: Filters) -> dict[str, Any]:
    """On-time % per bucket for the ticket clocks, and per kind for every deadline kind above
    (1 query). A deadline is counted when met, late, or open and breached; bucketed by the day
    its clock started."""
    rows = (
        _scoped(Deadline.objects.all(), user, f)
        .filter(kind__in=list(DEADLINE_KINDS), starts_at__gte=f.since, starts_at__lt=f.until)
        .annotate(day=local_day("starts_at"))
        .values("day", "kind")
        .annotate(met=Count("pk", filter=MET), counted=Count("pk", filter=COUNTED))
        .order_by()
    )
    labels = _labels(f)
    index = {b: i for i, b in enumerate(labels)}
    per_bucket = {k: [[0, 0] for _ in labels] for k in TICKET_CLOCKS}
    totals = {k: [0, 0] for k in DEADLINE_KINDS}
    for row in rows:
        totals[row["kind"]][0] += row["met"]
        totals[row["kind"]][1] += row["counted"]
        if row["kind"] in per_bucket:
            cell = per_bucket[row["kind"]][index[bucket_of(row["day"], f.granularity)]]
            cell[0] += row["met"]
            cell[1] += row["counted"]
    series = [
        {
            "kind": kind,
            "name": DEADLINE_KINDS[kind] + "及时率",
            "data": [_pct(rate_pct(met, counted)) for met, counted in per_bucket[kind]],
        }
        for kind in TICKET_CLOCKS
    ]
    return {
        "buckets": [b.isoformat() for b in labels],
        "series": series,
        "kinds": [
            {
                "kind": kind,
                "name": label,
                "met": totals[kind][0],
                "counted": totals[kind][1],
                "late": totals[kind][1] - totals[kind][0],
                "rate": _pct(rate_pct(*totals[kind])),
            }
            for kind, label in DEADLINE_KINDS.items()
        ],
    }


# ---- 满意度 -------------------------------------------------------------------------------


def satisfaction(user: Any, f: Filters) -> dict[str, Any]:
    """Ticket ratings per bucket (average and 1–5 distribution, 1 query) and the survey
    answers' dimension averages (1 query, when the user may read survey answers)."""
    rated = (
        tickets(user, f)
        .filter(rated_at__gte=f.since, rated_at__lt=f.until, satisfaction__isnull=False)
        .annotate(day=local_day("rated_at"))
        .values("day", "satisfaction")
        .annotate(n=Count("pk"))
        .order_by()
    )
    labels = _labels(f)
    index = {b: i for i, b in enumerate(labels)}
    dist = {score: [0] * len(labels) for score in range(1, 6)}
    for row in rated:
        if row["satisfaction"] in dist:
            dist[row["satisfaction"]][index[bucket_of(row["day"], f.granularity)]] += row["n"]
    counts = [sum(dist[s][i] for s in dist) for i in range(len(labels))]
    sums = [sum(s * dist[s][i] for s in dist) for i in range(len(labels))]
    total_count = sum(counts)
    total_sum = sum(sums)
    result: dict[str, Any] = {
        "buckets": [b.isoformat() for b in labels],
        "average": [_pct(average(s, n)) for s, n in zip(sums, counts, strict=True)],
        "distribution": [
            {"score": s, "name": f"{s} 分", "data": dist[s], "total": sum(dist[s])} for s in dist
        ],
        "rated": total_count,
        "overall": _pct(average(total_sum, total_count)),
        "satisfied_rate": _pct(
            rate_pct(sum(dist[4]) + sum(dist[5]), total_count) if total_count else None
        ),
        "survey": None,
    }
    if user.has_perm("visits.view_surveyresponse"):
        from hragency.visits.models import DIMENSIONS, SurveyResponse

        figures = (
            _scoped(SurveyResponse.objects.all(), user, f)
            .filter(submitted_at__gte=f.since, submitted_at__lt=f.until)
            .aggregate(n=Count("pk"), **{code: Sum(code) for code, _ in DIMENSIONS})
        )
        result["survey"] = {
            "responses": figures["n"],
            "dimensions": [
                {
                    "code": code,
                    "name": label,
                    "average": _pct(average(figures[code] or 0, figures["n"])),
                }
                for code, label in DIMENSIONS
            ],
        }
    return result


# ---- 工作量 -------------------------------------------------------------------------------


def workload(user: Any, f: Filters) -> dict[str, Any]:
    """Open tickets per handler, tickets resolved per handler and bucket, open and overdue
    deadlines per owner (3 queries). Staff only."""
    now = timezone.now()
    open_rows = (
        tickets(user, f)
        .filter(status__in=OPEN_TICKET)
        .values("handler_id", "handler__display_name", "handler__username")
        .annotate(
            n=Count("pk"),
            overdue=Count(
                "pk",
                filter=Q(first_response_at__isnull=True, response_due_at__lte=now)
                | Q(
                    status__in=[Ticket.Status.PENDING, Ticket.Status.IN_PROGRESS],
                    resolution_due_at__lte=now,
                ),
            ),
        )
        .order_by("-n", "handler__display_name")
    )
    open_tickets = [
        {
            "name": _user_label(r["handler__display_name"], r["handler__username"]),
            "open": r["n"],
            "overdue": r["overdue"],
        }
        for r in open_rows
    ]
    resolved = (
        tickets(user, f)
        .filter(resolved_at__gte=f.since, resolved_at__lt=f.until)
        .annotate(day=local_day("resolved_at"))
        .values("day", "handler_id", "handler__display_name", "handler__username")
        .annotate(n=Count("pk"))
        .order_by()
    )
    labels = _labels(f)
    index = {b: i for i, b in enumerate(labels)}
    per_rep: dict[str, list[int]] = defaultdict(lambda: [0] * len(labels))
    for row in resolved:
        name = _user_label(row["handler__display_name"], row["handler__username"])
        per_rep[name][index[bucket_of(row["day"], f.granularity)]] += row["n"]
    closed = sorted(
        ({"name": name, "data": data, "total": sum(data)} for name, data in per_rep.items()),
        key=lambda r: (-r["total"], r["name"]),
    )
    deadline_rows = (
        _scoped(Deadline.objects.all(), user, f)
        .filter(status=Deadline.Status.OPEN)
        .values("owner_id", "owner__display_name", "owner__username")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now)))
        .order_by("-n", "owner__display_name")
    )
    deadlines = [
        {
            "name": _user_label(r["owner__display_name"], r["owner__username"]),
            "open": r["n"],
            "overdue": r["overdue"],
        }
        for r in deadline_rows
    ]
    return {
        "buckets": [b.isoformat() for b in labels],
        "open_tickets": open_tickets,
        "closed": closed,
        "deadlines": deadlines,
        "open_total": sum(r["open"] for r in open_tickets),
        "overdue_tickets": sum(r["overdue"] for r in open_tickets),
        "overdue_deadlines": sum(r["overdue"] for r in deadlines),
    }


# ---- 业务规模（参保人数、费用） ------------------------------------------------------------


def trends(user: Any, f: Filters, months: int = 12) -> dict[str, Any]:
    """Insured persons in force at each of the last `months` months (1 query of conditional
    counts) and the fee statements' totals per month (1 query)."""
    from hragency.billing.models import Statement
    from hragency.insurance.models import Enrollment

    month_list = months_back(f.end, months)
    result: dict[str, Any] = {"months": [m.strftime("%Y-%m") for m in month_list]}
    if user.has_perm("insurance.view_enrollment"):
        counts = _scoped(Enrollment.objects.all(), user, f).aggregate(
            **{
                f"m{i}": Count(
                    "person",
                    distinct=True,
                    filter=Q(start_month__lte=m)
                    & (Q(end_month__isnull=True) | Q(end_month__gte=m)),
                )
                for i, m in enumerate(month_list)
            }
        )
        result["insured"] = [counts[f"m{i}"] for i in range(len(month_list))]
    else:
        result["insured"] = None
    if user.has_perm("billing.view_statement"):
        rows = (
            _scoped(Statement.objects.all(), user, f)
            .filter(period__gte=month_list[0], period__lte=month_list[-1])
            .values("period")
            .annotate(total=Sum("total_fen"), fee=Sum("service_fee_fen"), n=Count("pk"))
            .order_by()
        )
        by_month = {r["period"].replace(day=1): r for r in rows}
        result["fees"] = [
            {
                "month": m.strftime("%Y-%m"),
                "total_fen": int(by_month[m]["total"] or 0) if m in by_month else 0,
                "service_fee_fen": int(by_month[m]["fee"] or 0) if m in by_month else 0,
                "statements": by_month[m]["n"] if m in by_month else 0,
            }
            for m in month_list
        ]
    else:
        result["fees"] = None
    return result


SECTIONS = {
    "volumes": volumes,
    "service_levels": service_levels,
    "satisfaction": satisfaction,
    "trends": trends,
    "workload": workload,
}
STAFF_ONLY = {"workload", "hotspots"}


def may_see(user: Any, section: str) -> bool:
    return not (section in STAFF_ONLY and is_client_user(user))
