"""The figures of the service reports, computed set-based for many clients at once.

``monthly_figures(period, client_ids)`` answers, for every client in ``client_ids`` (or every
client when None), a JSON-able dict of the month's figures, in a fixed number of queries
whatever the number of clients (grouped by client). A reporting app reads the other apps'
tables with aggregate queries only; it never writes them.

Sections: insured persons (enrollments in force at month end; add/remove orders done with the
month as effective month), fees (the month's statement and what has been paid against it),
exceptions (incidents reported in the month; response/resolution deadlines due in the month),
tickets (opened in the month by channel and nature; first-response/resolution deadlines due
in the month; ratings given in the month), satisfaction (ticket ratings and visit surveys
answered in the month) and payroll (paid runs of the month).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import BigIntegerField, Count, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from hragency.billing.models import FundEntry, Statement
from hragency.core.models import Deadline
from hragency.domain.insurance import Period
from hragency.insurance.models import Enrollment, Incident, Order
from hragency.payroll.models import PayrollRun
from hragency.servicedesk.models import Channel, Nature, Ticket
from hragency.visits.models import SurveyResponse

INCIDENT_RESPONSE = "insurance.incident_response"
INCIDENT_RESOLUTION = "insurance.incident_resolution"
TICKET_RESPONSE = "servicedesk.response"
TICKET_RESOLUTION = "servicedesk.resolution"
RATE_KINDS = [INCIDENT_RESPONSE, INCIDENT_RESOLUTION, TICKET_RESPONSE, TICKET_RESOLUTION]

CHANNEL_LABELS = dict(Channel.choices)
NATURE_LABELS = dict(Nature.choices)


def local_range(first: dt.date, after: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[first 00:00, after 00:00) in Beijing time, as aware datetimes."""
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(first, dt.time.min, tzinfo=tz),
        dt.datetime.combine(after, dt.time.min, tzinfo=tz),
    )


def month_range(period: Period) -> tuple[dt.datetime, dt.datetime]:
    return local_range(period.first_day, period.shifted(1).first_day)


def sum_fen(field: str, condition: Q | None = None) -> Coalesce:
    # PostgreSQL's SUM of bigint is numeric: cast back to whole fen.
    total = Cast(Sum(field, filter=condition), BigIntegerField())
    return Coalesce(total, Value(0), output_field=BigIntegerField())


def _by_client(qs: QuerySet[Any], client_ids: list[int] | None, field: str = "client") -> Any:
    return qs if client_ids is None else qs.filter(**{f"{field}__in": client_ids})


def average(total: int, count: int) -> str | None:
    """An average with two decimals, half-up, as text ("4.50"); None when nothing counted."""
    if not count:
        return None
    return str((Decimal(total) / Decimal(count)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def percent(met: int, counted: int) -> str | None:
    """met / counted as a percentage with two decimals ("95.00"); None when nothing counted."""
    if not counted:
        return None
    value = Decimal(met) * 100 / Decimal(counted)
    return str(value.quantize(Decimal("0.01"), ROUND_HALF_UP))


def _empty() -> dict[str, Any]:
    return {
        "insured": {"in_force": 0, "added": 0, "removed": 0},
        "fees": None,
        "exceptions": {
            "count": 0,
            "closed": 0,
            "response_met": 0,
            "response_counted": 0,
            "resolution_met": 0,
            "resolution_counted": 0,
        },
        "tickets": {
            "count": 0,
            "closed": 0,
            "by_channel": {},
            "by_nature": {},
            "complaints": 0,
            "response_met": 0,
            "response_counted": 0,
            "resolution_met": 0,
            "resolution_counted": 0,
        },
        "satisfaction": {
            "rated": 0,
            "rating_sum": 0,
            "surveys": 0,
            "survey_sum": 0,
        },
        "payroll": None,
    }


def monthly_figures(
    period: Period, client_ids: Iterable[int] | None = None
) -> dict[int, dict[str, Any]]:
    """The month's figures for each client (10 queries whatever the number of clients)."""
    ids = None if client_ids is None else sorted(set(client_ids))
    start, end = month_range(period)
    first = period.first_day
    out: dict[int, dict[str, Any]] = defaultdict(_empty)
    if ids is not None:
        for pk in ids:
            out[pk] = _empty()

    # Insured persons in force at month end (a person with two segments counts once).
    in_force = _by_client(
        Enrollment.objects.filter(start_month__lte=first).filter(
            Q(end_month__isnull=True) | Q(end_month__gte=first)
        ),
        ids,
    )
    for row in in_force.values("client_id").annotate(n=Count("person_id", distinct=True)):
        out[row["client_id"]]["insured"]["in_force"] = row["n"]
    orders = _by_client(Order.objects.filter(month=first, status=Order.Status.DONE), ids)
    for row in orders.values("client_id", "kind").annotate(n=Count("id")):
        key = "added" if row["kind"] == Order.Kind.ADD else "removed"
        out[row["client_id"]]["insured"][key] = row["n"]

    # Fees: the month's statement and the payments against it.
    statements = _by_client(Statement.objects.filter(period=first), ids)
    for s in statements.only(
        "id", "client_id", "number", "status", "headcount", "si_employer_fen",
        "si_employee_fen", "hf_employer_fen", "hf_employee_fen", "service_fee_fen", "tax_fen",
        "risk_reserve_fen", "adjust_si_fen", "adjust_hf_fen", "total_fen",
    ):  # fmt: skip
        out[s.client_id]["fees"] = {
            "number": s.number,
            "status": s.get_status_display(),
            "headcount": s.headcount,
            "si_fen": s.si_fen,
            "hf_fen": s.hf_fen,
            "service_fen": s.service_fee_fen,
            "other_fen": s.tax_fen + s.risk_reserve_fen,
            "total_fen": s.total_fen,
            "paid_fen": 0,
            "unpaid_fen": s.total_fen,
        }
    paid = _by_client(
        FundEntry.objects.filter(
            statement__period=first,
            kind__in=[FundEntry.Kind.RECEIPT, FundEntry.Kind.REFUND],
        ),
        ids,
    )
    for row in paid.values("client_id").annotate(
        received=sum_fen("amount_fen", Q(kind=FundEntry.Kind.RECEIPT)),
        refunded=sum_fen("amount_fen", Q(kind=FundEntry.Kind.REFUND)),
    ):
        fees = out[row["client_id"]]["fees"]
        if fees is not None:
            fees["paid_fen"] = int(row["received"]) - int(row["refunded"])
            fees["unpaid_fen"] = fees["total_fen"] - fees["paid_fen"]

    # Exceptions reported in the month.
    incidents = _by_client(
        Incident.objects.filter(reported_at__gte=start, reported_at__lt=end), ids
    )
    closed = [Incident.Status.RESOLVED, Incident.Status.CLOSED]
    for row in incidents.values("client_id").annotate(
        n=Count("id"), closed=Count("id", filter=Q(status__in=closed))
    ):
        section = out[row["client_id"]]["exceptions"]
        section["count"], section["closed"] = row["n"], row["closed"]

    # Tickets opened in the month, by channel and nature.
    tickets = _by_client(
        Ticket.objects.filter(created_at__gte=start, created_at__lt=end, client__isnull=False),
        ids,
    )
    for row in tickets.values("client_id", "channel", "nature").annotate(
        n=Count("id"), closed=Count("id", filter=Q(status__in=["resolved", "closed"]))
    ):
        section = out[row["client_id"]]["tickets"]
        section["count"] += row["n"]
        section["closed"] += row["closed"]
        channel = CHANNEL_LABELS.get(row["channel"], row["channel"])
        nature = NATURE_LABELS.get(row["nature"], row["nature"])
        section["by_channel"][channel] = section["by_channel"].get(channel, 0) + row["n"]
        section["by_nature"][nature] = section["by_nature"].get(nature, 0) + row["n"]
        if row["nature"] == Nature.COMPLAINT:
            section["complaints"] += row["n"]

    # On-time rates from the deadlines due in the month (core.deadlines.on_time_rate's rule).
    counted = Q(status__in=[Deadline.Status.MET, Deadline.Status.LATE]) | Q(
        status=Deadline.Status.OPEN, breached=True
    )
    deadlines = _by_client(
        Deadline.objects.filter(kind__in=RATE_KINDS, due_at__gte=start, due_at__lt=end), ids
    )
    for row in deadlines.values("client_id", "kind").annotate(
        met=Count("id", filter=Q(status=Deadline.Status.MET)),
        counted=Count("id", filter=counted),
    ):
        if row["client_id"] is None:
            continue
        figures = out[row["client_id"]]
        section = (
            figures["exceptions"] if row["kind"].startswith("insurance.") else figures["tickets"]
        )
        step = "response" if row["kind"].endswith("response") else "resolution"
        section[f"{step}_met"] += row["met"]
        section[f"{step}_counted"] += row["counted"]

    # Satisfaction: ratings given and surveys answered in the month.
    rated = _by_client(
        Ticket.objects.filter(rated_at__gte=start, rated_at__lt=end, satisfaction__isnull=False),
        ids,
    )
    for row in rated.values("client_id").annotate(n=Count("id"), total=Sum("satisfaction")):
        if row["client_id"] is None:
            continue
        section = out[row["client_id"]]["satisfaction"]
        section["rated"], section["rating_sum"] = row["n"], int(row["total"] or 0)
    surveys = _by_client(
        SurveyResponse.objects.filter(submitted_at__gte=start, submitted_at__lt=end), ids
    )
    for row in surveys.values("client_id").annotate(n=Count("id"), total=Sum("overall")):
        section = out[row["client_id"]]["satisfaction"]
        section["surveys"], section["survey_sum"] = row["n"], int(row["total"] or 0)

    # Payroll: the month's paid runs.
    runs = _by_client(PayrollRun.objects.filter(period=first, status=PayrollRun.Status.PAID), ids)
    for row in runs.values("client_id").annotate(
        n=Count("id"),
        headcount=Coalesce(Sum("headcount"), Value(0)),
        gross=sum_fen("gross_fen"),
        net=sum_fen("net_fen"),
        iit=sum_fen("iit_fen"),
    ):
        out[row["client_id"]]["payroll"] = {
            "runs": row["n"],
            "headcount": int(row["headcount"]),
            "gross_fen": int(row["gross"]),
            "net_fen": int(row["net"]),
            "iit_fen": int(row["iit"]),
        }

    for figures in out.values():
        derive(figures)
    return dict(out)


def derive(figures: dict[str, Any]) -> dict[str, Any]:
    """Add the rates and averages (text with two decimals) computed from the counts."""
    for key in ("exceptions", "tickets"):
        section = figures[key]
        section["response_rate"] = percent(section["response_met"], section["response_counted"])
        section["resolution_rate"] = percent(
            section["resolution_met"], section["resolution_counted"]
        )
    sat = figures["satisfaction"]
    sat["rating_avg"] = average(sat["rating_sum"], sat["rated"])
    sat["survey_avg"] = average(sat["survey_sum"], sat["surveys"])
    return figures


def add_up(months: list[dict[str, Any]]) -> dict[str, Any]:
    """The year's totals from its months: counts and amounts add up; persons in force are the
    last month's; rates and averages are recomputed from the summed counts."""
    total = _empty()
    for month in months:
        total["insured"]["in_force"] = month["insured"]["in_force"]
        total["insured"]["added"] += month["insured"]["added"]
        total["insured"]["removed"] += month["insured"]["removed"]
        fees = month["fees"]
        if fees is not None:
            if total["fees"] is None:
                total["fees"] = {k: 0 for k in fees if k.endswith("_fen")}
            for key in total["fees"]:
                total["fees"][key] += fees[key]
        for key in ("exceptions", "tickets", "satisfaction"):
            for name, value in month[key].items():
                if isinstance(value, int) and name in total[key]:
                    total[key][name] += value
        for name, value in month["tickets"]["by_channel"].items():
            total["tickets"]["by_channel"][name] = (
                total["tickets"]["by_channel"].get(name, 0) + value
            )
        for name, value in month["tickets"]["by_nature"].items():
            total["tickets"]["by_nature"][name] = total["tickets"]["by_nature"].get(name, 0) + value
        payroll = month["payroll"]
        if payroll is not None:
            if total["payroll"] is None:
                total["payroll"] = {k: 0 for k in payroll}
            for key in total["payroll"]:
                total["payroll"][key] += payroll[key]
    return derive(total)


def annual_figures(year: int, client_ids: Iterable[int] | None = None) -> dict[int, dict[str, Any]]:
    """Each client's year: ``months`` (12 monthly figures) and ``total`` (12 × 11 queries)."""
    ids = None if client_ids is None else sorted(set(client_ids))
    months = [monthly_figures(Period(year, m), ids) for m in range(1, 13)]
    clients = set(ids or []) | {pk for month in months for pk in month}
    out = {}
    for pk in clients:
        series = [month.get(pk) or derive(_empty()) for month in months]
        out[pk] = {"months": series, "total": add_up(series)}
    return out
