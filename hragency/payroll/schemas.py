"""API shapes of payroll runs and lines: money as decimal strings ("1234.56"), never floats."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class RunOut(Schema):
    id: int
    number: str
    client_id: int
    client_name: str
    period: str
    status: str
    status_label: str
    headcount: int
    gross: str
    si_employee: str
    hf_employee: str
    iit: str
    net: str
    si_employer: str
    hf_employer: str
    warnings: list[str]
    problems: list[str]
    computed_at: dt.datetime | None
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    paid_at: dt.datetime | None
    returned_reason: str


class RunPage(Schema):
    count: int
    items: list[RunOut]


class LineOut(Schema):
    id: int
    person_id: int
    name: str
    items: dict[str, str]
    gross: str
    income: str
    tax_free: str
    si_employee: str
    hf_employee: str
    additional: str
    other: str
    cum_income: str
    cum_standard: str
    cum_taxable: str
    cum_tax: str
    cum_withheld: str
    rate_pct: int
    iit: str
    bonus: str
    bonus_tax: str
    post_tax: str
    net: str


class LinePage(Schema):
    count: int
    items: list[LineOut]


class CalculateIn(Schema):
    client_id: int
    period: str


class ReturnIn(Schema):
    reason: str
