"""The quarterly 《客户满意度分析报告》 (R-VISIT-2): figures for one quarter and the one before.

- satisfaction rate = responses with 总体满意度 ≥ 4 ÷ responses, exact ``Decimal`` to 0.01 %
  (half-up), against the target ≥ 95 % (000);
- average per dimension (0.01), distribution of 1–5 per dimension;
- by client size class (current headcount of insured persons in service);
- low scorers: responses with any dimension ≤ 3, with their comments and suggestions;
- visits on time: the ``visits.visit`` deadlines due in the quarter (``on_time_rate``: met ÷
  closed or breached), and the visit tasks done in the quarter.

Every figure is over the clients in the reader's scope (a director sees all clients, a
supervisor those of the department); reading it needs ``visits.view_satisfaction_report``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.utils import timezone

from hragency.clients.models import Client
from hragency.core.deadlines import on_time_rate
from hragency.core.models import Deadline
from hragency.core.scoping import scope_queryset
from hragency.domain.segments import SizeClass, size_class
from hragency.visits.models import DIMENSIONS, VisitTask
from hragency.visits.planning import DEADLINE_KIND
from hragency.visits.quarters import Quarter
from hragency.visits.queries import responses_for

TARGET = Decimal("95.00")
SATISFIED = 4
LOW = 3
CENT = Decimal("0.01")


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def average(total: int, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class DimensionStat:
    field: str
    label: str
    average: Decimal | None
    distribution: list[int]  # counts of scores 1, 2, 3, 4, 5


@dataclass(frozen=True)
class SizeStat:
    label: str
    clients: int
    responses: int
    satisfied: int
    rate: Decimal | None
    average_overall: Decimal | None


@dataclass(frozen=True)
class LowScore:
    client: str
    client_number: str
    respondent: str
    scores: list[tuple[str, int]]
    lowest: int
    comments: str
    suggestions: str


@dataclass
class Figures:
    quarter: Quarter
    clients_in_service: int
    clients_surveyed: int
    responses: int
    satisfied: int
    rate: Decimal | None
    dimensions: list[DimensionStat]
    by_size: list[SizeStat]
    low_scores: list[LowScore]
    visits_met: int
    visits_counted: int
    visits_on_time: Decimal | None
    visits_done: int
    coverage: Decimal | None = None

    @property
    def target_met(self) -> bool | None:
        return None if self.rate is None else self.rate >= TARGET

    @property
    def average_overall(self) -> Decimal | None:
        return self.dimensions[-1].average if self.dimensions else None


@dataclass
class Report:
    current: Figures
    previous: Figures
    target: Decimal = TARGET
    changes: dict[str, Decimal | None] = field(default_factory=dict)


def _bounds(quarter: Quarter) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(quarter.first_day, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(quarter.last_day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def figures(user: Any, quarter: Quarter) -> Figures:
    rows = list(
        responses_for(user).filter(survey__quarter=str(quarter)).order_by("client__number", "pk")
    )
    n = len(rows)
    dimensions = []
    for name, label in DIMENSIONS:
        values = [getattr(r, name) for r in rows]
        dimensions.append(
            DimensionStat(
                name,
                label,
                average(sum(values), n),
                [values.count(score) for score in range(1, 6)],
            )
        )
    satisfied = sum(1 for r in rows if r.overall >= SATISFIED)
    headcounts = dict(
        Client.objects.filter(pk__in={r.client_id for r in rows})
        .annotate(n=Count("people", filter=Q(people__status="active")))
        .values_list("pk", "n")
    )
    by_size = []
    for size in SizeClass:
        group = [r for r in rows if size_class(headcounts.get(r.client_id, 0)) is size]
        good = sum(1 for r in group if r.overall >= SATISFIED)
        by_size.append(
            SizeStat(
                size.label,
                len({r.client_id for r in group}),
                len(group),
                good,
                percent(good, len(group)),
                average(sum(r.overall for r in group), len(group)),
            )
        )
    low = [
        LowScore(
            r.client.name,
            r.client.number,
            f"{r.respondent_name}{'（' + r.respondent_role + '）' if r.respondent_role else ''}",
            r.scores(),
            r.lowest,
            r.comments,
            r.suggestions,
        )
        for r in rows
        if r.lowest <= LOW
    ]
    start, end = _bounds(quarter)
    deadlines = scope_queryset(
        Deadline.objects.filter(kind=DEADLINE_KIND, due_at__gte=start, due_at__lt=end), user
    )
    met, counted = on_time_rate(deadlines)
    done = (
        scope_queryset(VisitTask.objects.all(), user)
        .filter(status=VisitTask.Status.DONE, done_at__gte=start, done_at__lt=end)
        .count()
    )
    in_service = scope_queryset(Client.objects.filter(status=Client.Status.ACTIVE), user).count()
    surveyed = len({r.client_id for r in rows})
    return Figures(
        quarter=quarter,
        clients_in_service=in_service,
        clients_surveyed=surveyed,
        responses=n,
        satisfied=satisfied,
        rate=percent(satisfied, n),
        dimensions=dimensions,
        by_size=by_size,
        low_scores=low,
        visits_met=met,
        visits_counted=counted,
        visits_on_time=percent(met, counted),
        visits_done=done,
        coverage=percent(surveyed, in_service),
    )


def _change(now: Decimal | None, before: Decimal | None) -> Decimal | None:
    return None if now is None or before is None else now - before


def satisfaction_report(user: Any, quarter: Quarter) -> Report:
    if not user.has_perm("visits.view_satisfaction_report"):
        raise PermissionDenied("无权查看客户满意度分析报告")
    current = figures(user, quarter)
    previous = figures(user, quarter.previous())
    changes = {
        "rate": _change(current.rate, previous.rate),
        "average_overall": _change(current.average_overall, previous.average_overall),
        "visits_on_time": _change(current.visits_on_time, previous.visits_on_time),
    }
    return Report(current, previous, changes=changes)


def report_json(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data (percentages and averages as exact strings)."""

    def s(value: Decimal | None) -> str | None:
        return None if value is None else f"{value:.2f}"

    def quarter_data(f: Figures) -> dict[str, Any]:
        return {
            "quarter": str(f.quarter),
            "clients_in_service": f.clients_in_service,
            "clients_surveyed": f.clients_surveyed,
            "coverage": s(f.coverage),
            "responses": f.responses,
            "satisfied": f.satisfied,
            "satisfaction_rate": s(f.rate),
            "target_met": f.target_met,
            "dimensions": [
                {
                    "field": d.field,
                    "label": d.label,
                    "average": s(d.average),
                    "distribution": d.distribution,
                }
                for d in f.dimensions
            ],
            "by_size": [
                {
                    "label": x.label,
                    "clients": x.clients,
                    "responses": x.responses,
                    "satisfied": x.satisfied,
                    "satisfaction_rate": s(x.rate),
                    "average_overall": s(x.average_overall),
                }
                for x in f.by_size
            ],
            "low_scores": [
                {
                    "client": x.client,
                    "client_number": x.client_number,
                    "respondent": x.respondent,
                    "scores": dict(x.scores),
                    "lowest": x.lowest,
                    "comments": x.comments,
                    "suggestions": x.suggestions,
                }
                for x in f.low_scores
            ],
            "visits_met": f.visits_met,
            "visits_counted": f.visits_counted,
            "visits_on_time": s(f.visits_on_time),
            "visits_done": f.visits_done,
        }

    return {
        "target": s(report.target),
        "current": quarter_data(report.current),
        "previous": quarter_data(report.previous),
        "changes": {k: s(v) for k, v in report.changes.items()},
    }
