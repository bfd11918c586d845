"""Every user-facing read of client funds and invoices, scoped to the acting user (R-SEC-1).

Balances and report figures are computed in SQL (conditional sums over the ledger); nothing
here adds amounts up in Python except the running balance shown beside each entry, which is a
window function too."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    BigIntegerField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Cast, Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from hragency.billing.funds import signed_fen, sum_fen
from hragency.billing.models import FundEntry, Invoice, Statement
from hragency.clients.models import Client
from hragency.clients.queries import client_for
from hragency.core.errors import ServiceError
from hragency.core.scoping import scope_queryset
from hragency.domain.insurance import Period, PolicyError, parse_period

K = FundEntry.Kind

# ---- permissions (scoping first: out of scope is 404, then the permission: 403) -----------


def may_view_funds(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_perm("billing.view_fundentry"))


def may_record(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_perm("billing.add_fundentry"))


def may_view_invoices(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_perm("billing.view_invoice"))


def may_issue(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_perm("billing.issue_invoice"))


def need(allowed: bool, message: str = "无权查看") -> None:
    if not allowed:
        raise PermissionDenied(message)


def parse_month(raw: object) -> Period:
    """A report month from "2026-11" (and the other forms ``parse_period`` takes); empty is
    the current month."""
    text = str(raw or "").strip()
    if not text:
        return Period.of(timezone.localdate())
    try:
        return parse_period(text)
    except PolicyError as exc:
        raise ServiceError(str(exc).replace("所属期", "月份")) from None


# ---- the ledger ----------------------------------------------------------------------------


def entries_for(user: Any) -> QuerySet[FundEntry]:
    return scope_queryset(
        FundEntry.objects.select_related("client", "statement", "created_by"), user
    )


def fund_client_for(user: Any, client_id: int) -> Client:
    """The client whose fund account the user asks for: 404 out of scope, 403 without the
    permission to read fund accounts."""
    client = client_for(user, client_id)
    need(may_view_funds(user), "无权查看客户资金账户")
    return client


def with_running_balance(entries: QuerySet[FundEntry]) -> QuerySet[FundEntry]:
    """Each entry with ``balance_fen``: the running sum of the signed amounts of ``entries`` up
    to and including it (date order, then the order recorded), by a window function. Over all
    of a client's entries that is the balance after the entry; over a date range, add the
    balance before the range."""
    return entries.annotate(
        signed=signed_fen(),
        balance_fen=Cast(
            Window(Sum(signed_fen()), partition_by=[F("client_id")], order_by=[F("date"), F("pk")]),
            BigIntegerField(),
        ),
    )


def ledger_of(user: Any, client: Client, *, limit: int = 200) -> list[FundEntry]:
    """The client's latest entries, newest first, each with the balance after it."""
    rows = with_running_balance(entries_for(user).filter(client=client)).order_by("-date", "-pk")
    return list(rows[:limit])


def balance_of(user: Any, client: Client) -> int:
    return int(entries_for(user).filter(client=client).aggregate(total=sum_fen())["total"])


def open_statements_of(user: Any, client: Client) -> list[Statement]:
    """Confirmed statements of the client not yet fully paid (the entry form's choices), each
    with ``paid_fen`` and ``unpaid_fen``, in one query."""
    paid = (
        FundEntry.objects.filter(statement=OuterRef("pk"))
        .values("statement")
        .annotate(
            paid=Cast(
                Sum(signed_fen(), filter=Q(kind__in=[K.RECEIPT, K.REFUND])), BigIntegerField()
            ),
        )
        .values("paid")
    )
    statements = (
        scope_queryset(Statement.objects.all(), user)
        .filter(client=client, status=Statement.Status.CONFIRMED)
        .annotate(paid_fen=Coalesce(Subquery(paid), Value(0)))
        .annotate(unpaid_fen=F("total_fen") - F("paid_fen"))
        .filter(unpaid_fen__gt=0)
        .order_by("-period")
    )
    return list(statements[:24])


# ---- the monthly fund-flow report ----------------------------------------------------------


@dataclass
class FundReport:
    client: Client
    period: Period
    opening_fen: int
    receipts_fen: int
    si_payments_fen: int
    hf_payments_fen: int
    refunds_fen: int
    adjust_in_fen: int
    adjust_out_fen: int
    adjustments_fen: int  # in − out
    closing_fen: int
    entries: list[FundEntry] = field(default_factory=list)


def _month_bounds(period: Period) -> tuple[dt.date, dt.date]:
    return period.first_day, period.shifted(1).first_day


def _report_sums(start: dt.date, end: dt.date, prefix: str = "") -> dict[str, Any]:
    """The report's conditional sums, for entries reached through ``prefix``."""
    date, kind, amount = f"{prefix}date", f"{prefix}kind", F(f"{prefix}amount_fen")
    in_month = Q(**{f"{date}__gte": start, f"{date}__lt": end})

    def of(k: str) -> Any:
        return sum_fen(amount, in_month & Q(**{kind: k}))

    return {
        "opening_fen": sum_fen(signed_fen(prefix), Q(**{f"{date}__lt": start})),
        "receipts_fen": of(K.RECEIPT),
        "si_payments_fen": of(K.SI_PAYMENT),
        "hf_payments_fen": of(K.HF_PAYMENT),
        "refunds_fen": of(K.REFUND),
        "adjust_in_fen": of(K.ADJUST_IN),
        "adjust_out_fen": of(K.ADJUST_OUT),
        "adjustments_fen": sum_fen(
            signed_fen(prefix), in_month & Q(**{f"{kind}__in": [K.ADJUST_IN, K.ADJUST_OUT]})
        ),
        "closing_fen": sum_fen(signed_fen(prefix), Q(**{f"{date}__lt": end})),
    }


def month_report(user: Any, client: Client, period: Period) -> FundReport:
    """Opening balance, the month's movements by kind, closing balance (one query) and the
    month's entries with the balance after each (one query)."""
    start, end = _month_bounds(period)
    own = entries_for(user).filter(client=client)
    figures = {k: int(v) for k, v in own.aggregate(**_report_sums(start, end)).items()}
    # The window runs over the month's entries only; the opening balance is added to it.
    entries = list(
        with_running_balance(own.filter(date__gte=start, date__lt=end)).order_by("date", "pk")
    )
    for entry in entries:
        entry.balance_fen = figures["opening_fen"] + int(entry.balance_fen)  # type: ignore[attr-defined]
    return FundReport(client=client, period=period, entries=entries, **figures)


def balances_overview(user: Any, period: Period) -> QuerySet[Client]:
    """Every client the user sees, with the month's report figures, in one query."""
    start, end = _month_bounds(period)
    return (
        scope_queryset(Client.objects.all(), user)
        .annotate(**_report_sums(start, end, "fund_entries__"))
        .order_by("number")
    )


def overview_totals(user: Any, period: Period) -> dict[str, int]:
    """The same figures summed over every client the user sees (the custody account must hold
    at least the closing total), in one query."""
    start, end = _month_bounds(period)
    figures = entries_for(user).aggregate(**_report_sums(start, end))
    return {k: int(v) for k, v in figures.items()}


# ---- invoices ------------------------------------------------------------------------------


def invoices_for(user: Any) -> QuerySet[Invoice]:
    return scope_queryset(
        Invoice.objects.select_related("client", "statement", "issued_by", "deadline"), user
    )


def search_invoices(user: Any, *, status: str = "", client_id: int | None = None) -> Any:
    qs = invoices_for(user)
    if status in Invoice.Status.values:
        qs = qs.filter(status=status)
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    return qs


def invoice_for(user: Any, invoice_id: int) -> Invoice:
    """The invoice with its lines: 404 out of scope, 403 without the permission."""
    invoice = get_object_or_404(invoices_for(user).prefetch_related("lines"), pk=invoice_id)
    need(may_view_invoices(user), "无权查看发票")
    return invoice


def invoices_of_statement(user: Any, statement: Statement) -> QuerySet[Invoice]:
    return invoices_for(user).filter(statement=statement)
