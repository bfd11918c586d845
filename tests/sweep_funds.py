"""Objects of client A that the scoping sweep points the funds screens' URL parameters at: a
confirmed statement, a receipt and a payment in its fund account, and a pending invoice (client
B gets the same, so lists that leak would show B's canary).

Made with the ORM (no audit rows, so the sweep's write counter starts clean) and cached on the
cast, so every request of one sweep addresses the same rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from tests.conftest import Cast

# Not the month tests/sweep_billing.py uses: a client has one statement per month.
PERIOD = dt.date(2026, 9, 1)


def _statement(client: Any, run: Any, number: str) -> Any:
    from hragency.billing.models import Statement

    return Statement.objects.create(
        number=number,
        client=client,
        period=PERIOD,
        run=run,
        headcount=1,
        wages_fen=1000000,
        si_employer_fen=200000,
        si_employee_fen=100000,
        hf_employer_fen=50000,
        hf_employee_fen=50000,
        service_fee_fen=8000,
        total_fen=408000,
        status=Statement.Status.CONFIRMED,
        computed_at=timezone.now(),
    )


def _objects(cast: Cast) -> dict[str, Any]:
    cached = getattr(cast, "_sweep_funds", None)
    if cached is not None:
        return cached
    from hragency.billing.models import CloseRun, FundEntry, Invoice, InvoiceLine

    run = CloseRun.objects.create(period=PERIOD, status=CloseRun.Status.DONE)
    today = timezone.localdate()
    invoices = {}
    for client, number in ((cast.client_a, "FYFUNDSA0001"), (cast.client_b, "FYFUNDSB0001")):
        statement = _statement(client, run, number)
        FundEntry.objects.create(
            client=client,
            date=today,
            kind=FundEntry.Kind.RECEIPT,
            amount_fen=statement.total_fen,
            statement=statement,
            reference=f"BANK-{number}",
        )
        FundEntry.objects.create(
            client=client, date=today, kind=FundEntry.Kind.SI_PAYMENT, amount_fen=300000
        )
        invoice = Invoice.objects.create(
            number=f"FP{number[2:]}",
            client=client,
            statement=statement,
            total_fen=statement.total_fen,
            paid_on=today,
            requested_at=timezone.now(),
            due_at=timezone.now() + dt.timedelta(days=14),
        )
        InvoiceLine.objects.bulk_create(
            [
                InvoiceLine(invoice=invoice, position=1, item="代缴社会保险费", amount_fen=300000),
                InvoiceLine(
                    invoice=invoice, position=2, item="代缴住房公积金费", amount_fen=100000
                ),
                InvoiceLine(invoice=invoice, position=3, item="服务费", amount_fen=8000),
            ]
        )
        invoices[client.pk] = invoice.pk
    cached = {"invoice_id": invoices[cast.client_a.pk]}
    cast._sweep_funds = cached  # type: ignore[attr-defined]
    return cached


def _param(name: str) -> Callable[[Cast], str]:
    return lambda cast: str(_objects(cast)[name])


PARAMS: dict[str, Callable[[Cast], str]] = {"invoice_id": _param("invoice_id")}
