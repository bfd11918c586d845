"""API shapes of the statements module. Amounts are decimal strings in yuan ("1234.56"),
exact: they are converted from integer fen, never through floats."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class StatementOut(Schema):
    id: int
    number: str
    client_id: int
    client_name: str
    period: str = Field(description="所属期，如 2026-11")
    status: str
    status_label: str
    headcount: int
    fee_model: str
    wages: str
    si_employer: str
    si_employee: str
    hf_employer: str
    hf_employee: str
    service_fee: str = Field(description="服务费合计（按比例收费时含税费与风险预控金）")
    service_fee_net: str = Field(description="业务服务费")
    tax: str
    risk_reserve: str
    adjust_si: str = Field(description="本月计入的社保补缴（正）/退费（负）")
    adjust_hf: str = Field(description="本月计入的公积金补缴（正）/退费（负）")
    total: str
    computed_at: dt.datetime
    responded_by: str | None
    responded_at: dt.datetime | None
    dispute_reason: str


class StatementPage(Schema):
    items: list[StatementOut]
    count: int


class ItemAmountsOut(Schema):
    item: str
    label: str
    base: str | None
    employer: str | None
    employee: str | None


class LineOut(Schema):
    person_id: int
    name: str
    id_number_masked: str
    city: str
    wage: str
    items: list[ItemAmountsOut]
    employer_total: str
    employee_total: str
    total: str


class LinePage(Schema):
    items: list[LineOut]
    count: int


class DisputeIn(Schema):
    reason: str


class ResolveIn(Schema):
    note: str


class CloseIn(Schema):
    period: str = Field(description="所属期，如 2026-11")


class RunOut(Schema):
    id: int
    period: str
    status: str
    status_label: str
    active: bool = Field(description="进行中且未中断")
    clients_done: int
    clients_total: int
    people: int
    problems: list[str]
    started_at: dt.datetime
    finished_at: dt.datetime | None
    started_by: str | None


class RunPage(Schema):
    items: list[RunOut]
    count: int
