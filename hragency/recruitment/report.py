"""The recruitment evaluation: per requisition and over a period, per recruiter and per client.

Figures (``figures.py`` does the arithmetic): time to fill (days from request to filling), cost
per hire (channel costs ÷ hires), client satisfaction (1–5), probation pass rate (passed ÷
judged), and whether the 2 h contact and the 24 h shortlist were met. A fixed number of queries
whatever the number of requisitions.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from hragency.core.models import Deadline
from hragency.recruitment import figures
from hragency.recruitment.models import Application, Channel, Requisition
from hragency.recruitment.queries import requisitions_for
from hragency.recruitment.services import CONTACT_KIND, SHORTLIST_KIND

HIRED = Application.Stage.HIRED
PASS = Application.Result.PASS
FAIL = Application.Result.FAIL


def annotated(qs: Any) -> Any:
    """Requisitions with channel cost, hires and probation counts (one query)."""
    costs = (
        Channel.objects.filter(requisition=OuterRef("pk"))
        .values("requisition")
        .annotate(total=Sum("cost"))
        .values("total")
    )
    money = DecimalField(max_digits=14, decimal_places=2)
    return qs.annotate(
        channel_cost=Coalesce(
            Subquery(costs, output_field=money), Value(Decimal(0)), output_field=money
        ),
        hires=Count("applications", filter=Q(applications__stage=HIRED), distinct=True),
        probation_passed=Count(
            "applications",
            filter=Q(applications__stage=HIRED, applications__probation_result=PASS),
            distinct=True,
        ),
        probation_failed=Count(
            "applications",
            filter=Q(applications__stage=HIRED, applications__probation_result=FAIL),
            distinct=True,
        ),
    )


@dataclass
class Figures:
    time_to_fill: int | None
    channel_cost: Decimal
    hires: int
    cost_per_hire: Decimal | None
    satisfaction: int | None
    probation_pass_rate: Decimal | None
    contact_on_time: bool | None
    shortlist_on_time: bool | None


def _on_time(status: str | None) -> bool | None:
    if status == Deadline.Status.MET:
        return True
    if status == Deadline.Status.LATE:
        return False
    return None  # open or cancelled: not decided


def deadline_outcomes(ids: list[int]) -> dict[tuple[int, str], str]:
    rows = Deadline.objects.filter(
        subject_type=Requisition._meta.label_lower,
        subject_id__in=[str(i) for i in ids],
        kind__in=[CONTACT_KIND, SHORTLIST_KIND],
    ).values_list("subject_id", "kind", "status")
    return {(int(sid), kind): status for sid, kind, status in rows}


def figures_of(requisition: Any, outcomes: dict[tuple[int, str], str]) -> Figures:
    """``requisition`` must come from ``annotated``."""
    ttf = None
    if requisition.filled_at is not None:
        ttf = figures.time_to_fill(
            timezone.localdate(requisition.requested_at), timezone.localdate(requisition.filled_at)
        )
    return Figures(
        time_to_fill=ttf,
        channel_cost=requisition.channel_cost,
        hires=requisition.hires,
        cost_per_hire=figures.cost_per_hire([requisition.channel_cost], requisition.hires),
        satisfaction=requisition.satisfaction,
        probation_pass_rate=figures.rate(
            requisition.probation_passed,
            requisition.probation_passed + requisition.probation_failed,
        ),
        contact_on_time=_on_time(outcomes.get((requisition.pk, CONTACT_KIND))),
        shortlist_on_time=_on_time(outcomes.get((requisition.pk, SHORTLIST_KIND))),
    )


def requisition_figures(requisition: Requisition) -> Figures:
    row = annotated(Requisition.objects.filter(pk=requisition.pk)).get()
    return figures_of(row, deadline_outcomes([row.pk]))


@dataclass
class Group:
    label: str
    requested: int = 0
    filled: int = 0
    cancelled: int = 0
    hires: int = 0
    channel_cost: Decimal = Decimal(0)
    fill_days: list[int] = field(default_factory=list)
    satisfaction: list[int] = field(default_factory=list)
    passed: int = 0
    judged: int = 0
    contact_met: int = 0
    contact_decided: int = 0
    shortlist_met: int = 0
    shortlist_decided: int = 0

    @property
    def avg_time_to_fill(self) -> Decimal | None:
        return figures.mean_days(self.fill_days)

    @property
    def cost_per_hire(self) -> Decimal | None:
        return figures.cost_per_hire([self.channel_cost], self.hires)

    @property
    def avg_satisfaction(self) -> Decimal | None:
        return figures.average(self.satisfaction)

    @property
    def probation_pass_rate(self) -> Decimal | None:
        return figures.rate(self.passed, self.judged)

    @property
    def contact_rate(self) -> Decimal | None:
        return figures.rate(self.contact_met, self.contact_decided)

    @property
    def shortlist_rate(self) -> Decimal | None:
        return figures.rate(self.shortlist_met, self.shortlist_decided)

    def add(self, req: Any, fig: Figures) -> None:
        self.requested += 1
        self.filled += req.status == Requisition.Status.FILLED
        self.cancelled += req.status == Requisition.Status.CANCELLED
        self.hires += fig.hires
        self.channel_cost += fig.channel_cost
        if fig.time_to_fill is not None:
            self.fill_days.append(fig.time_to_fill)
        if fig.satisfaction is not None:
            self.satisfaction.append(fig.satisfaction)
        self.passed += req.probation_passed
        self.judged += req.probation_passed + req.probation_failed
        if fig.contact_on_time is not None:
            self.contact_decided += 1
            self.contact_met += fig.contact_on_time
        if fig.shortlist_on_time is not None:
            self.shortlist_decided += 1
            self.shortlist_met += fig.shortlist_on_time


@dataclass
class Report:
    start: dt.date
    end: dt.date
    total: Group
    by_recruiter: list[Group]
    by_client: list[Group]


def recruitment_report(user: Any, start: dt.date, end: dt.date) -> Report:
    """Requisitions requested from ``start`` to ``end`` (inclusive) that the user may see."""
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    rows = list(
        annotated(
            requisitions_for(user).filter(requested_at__gte=since, requested_at__lt=until)
        ).order_by("requested_at", "pk")
    )
    outcomes = deadline_outcomes([r.pk for r in rows])
    total = Group("合计")
    by_recruiter: dict[int, Group] = {}
    by_client: dict[int, Group] = defaultdict(lambda: Group(""))
    for req in rows:
        fig = figures_of(req, outcomes)
        total.add(req, fig)
        by_recruiter.setdefault(req.recruiter_id, Group(str(req.recruiter))).add(req, fig)
        group = by_client[req.client_id]
        group.label = req.client.name
        group.add(req, fig)
    return Report(
        start,
        end,
        total,
        sorted(by_recruiter.values(), key=lambda g: g.label),
        sorted(by_client.values(), key=lambda g: g.label),
    )
