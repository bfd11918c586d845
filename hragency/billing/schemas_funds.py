"""API shapes for client funds and invoices. Money goes out as decimal strings ("1234.56") and
comes in as a string or an integer: a JSON float is refused, since it has already lost the exact
value. Inputs are loose on purpose: every value goes through ``funds.validate_entry`` so the API
refuses the same things as the form, with the same Chinese reasons."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

Loose = str | int | float | bool | None


class EntryIn(Schema):
    client_id: int
    kind: Loose = None
    date: Loose = None
    amount: Loose = None
    reference: Loose = None
    statement_id: int | None = None
    note: Loose = None


class EntryOut(Schema):
    id: int
    client_id: int
    date: dt.date
    kind: str
    kind_label: str
    amount: str
    signed_amount: str
    reference: str
    statement_id: int | None
    statement_number: str
    note: str
    created_by: str
    created_at: dt.datetime
    balance_after: str | None = None


class EntryPage(Schema):
    items: list[EntryOut]
    count: int


class BalanceOut(Schema):
    client_id: int
    client_number: str
    client_name: str
    balance: str


class FiguresOut(Schema):
    opening: str
    receipts: str
    si_payments: str
    hf_payments: str
    refunds: str
    adjustments: str
    closing: str


class ReportOut(FiguresOut):
    client_id: int
    client_number: str
    client_name: str
    month: str
    entries: list[EntryOut]


class OverviewRow(FiguresOut):
    client_id: int
    client_number: str
    client_name: str


class OverviewOut(Schema):
    month: str
    items: list[OverviewRow]
    totals: FiguresOut


class InvoiceLineOut(Schema):
    position: int
    item: str
    amount: str


class InvoiceOut(Schema):
    id: int
    number: str
    client_id: int
    client_name: str
    statement_id: int
    statement_number: str
    period: str
    status: str
    status_label: str
    total: str
    paid_on: dt.date
    requested_at: dt.datetime
    due_at: dt.datetime
    deadline_status: str
    issued_at: dt.datetime | None
    issued_by: str
    invoice_code: str
    invoice_number: str
    voided_at: dt.datetime | None
    void_reason: str
    lines: list[InvoiceLineOut]


class IssueIn(Schema):
    invoice_code: Loose = None
    invoice_number: Loose = None


class VoidIn(Schema):
    reason: Loose = None


class VoidOut(Schema):
    invoice: InvoiceOut
    replacement: InvoiceOut | None
