"""API shapes. Inputs are deliberately loose (text, numbers or labels): every value goes
through ``clients.validation``, so the API refuses the same things as the form, with the same
Chinese reasons, as a 400 naming the field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

Loose = str | int | float | bool | None


class TagOut(Schema):
    code: str
    label: str


class ClientOut(Schema):
    id: int
    number: str
    name: str
    credit_code: str
    grade: str
    status: str
    nature: str
    industry: str
    address: str
    service_cities: str
    min_age: int | None
    max_age: int | None
    headcount: int
    size_class: str
    owner_id: int | None
    created_at: dt.datetime
    blacklisted_at: dt.datetime | None
    blacklist_reason: str
    tags: list[TagOut] = []


class ClientPage(Schema):
    items: list[ClientOut]
    count: int


class ClientIn(Schema):
    name: Loose = None
    credit_code: Loose = None
    nature: Loose = None
    industry: Loose = None
    address: Loose = None
    service_cities: Loose = None
    grade: Loose = None
    min_age: Loose = None
    max_age: Loose = None


class ContactOut(Schema):
    id: int
    client_id: int
    name: str
    title: str
    phone: str
    email: str
    is_primary: bool
    note: str


class ContactIn(Schema):
    name: Loose = None
    title: Loose = None
    phone: Loose = None
    email: Loose = None
    is_primary: Loose = None
    note: Loose = None


class DeadlineOut(Schema):
    id: int
    kind: str
    title: str
    due_at: dt.datetime
    status: str
    breached: bool
    closed_at: dt.datetime | None


class IntakeOut(Schema):
    id: int
    client_id: int
    first_contact_at: dt.datetime
    channel: str
    company_size: int | None
    headcount: int | None
    insured_cities: str
    modules: list[str]
    special_needs: str
    sales_id: int
    status: str
    completed_at: dt.datetime | None
    deadline: DeadlineOut | None


class IntakeIn(Schema):
    first_contact_at: Loose = Field(None, description="如 2026-11-23 09:30")
    channel: Loose = None
    company_size: Loose = None
    headcount: Loose = None
    insured_cities: Loose = None
    modules: list[Loose] | str | None = Field(
        None, description="si_hf, payroll, recruitment, training, dispatch, labour_relations"
    )
    special_needs: Loose = None


class CheckIn(Schema):
    source: Loose = None
    result: Loose = None
    note: Loose = None


class CheckOut(Schema):
    source: str
    result: str
    note: str


class ReviewIn(Schema):
    originals_seen: Loose = None
    outcome: Loose = Field(None, description="pass, reject, suspected_forgery")
    note: Loose = None
    checks: list[CheckIn] | None = None


class ReviewOut(Schema):
    id: int
    client_id: int
    originals_seen: bool
    outcome: str
    note: str
    reviewer_id: int | None
    reviewed_at: dt.datetime
    status: str
    decision: str
    decision_note: str
    approver_id: int | None
    decided_at: dt.datetime | None
    checks: list[CheckOut]

    @staticmethod
    def resolve_checks(obj: Any) -> list[Any]:
        return list(obj.checks.all())


class DecisionIn(Schema):
    decision: str = Field("", description="approve, reject, confirm_forgery")
    note: str = ""


class ReasonIn(Schema):
    reason: str = ""


class AgreementIn(Schema):
    kind: Loose = None
    modules: list[Loose] | str | None = None
    start_date: Loose = None
    end_date: Loose = None
    fee_model: Loose = Field(None, description="per_head, percentage, modular")
    fee_per_head: Loose = Field(None, description='元/人/月，字符串如 "80.00"')
    fee_rate: Loose = Field(None, description='占工资总额的百分比，如 "3.5"')
    module_fees: dict[str, Loose] | None = None
    payment_method: Loose = None
    payment_day: Loose = None
    rights_obligations: Loose = None
    breach_liability: Loose = None


class AgreementOut(Schema):
    id: int
    client_id: int
    number: str
    kind: str
    modules: list[str]
    start_date: dt.date
    end_date: dt.date
    fee_model: str
    fee_per_head: Decimal | None
    fee_rate: Decimal | None
    module_fees: dict[str, str]
    payment_method: str
    payment_day: int
    rights_obligations: str
    breach_liability: str
    status: str
    signed_at: dt.datetime | None
    signed_by_id: int | None
    renewed_from_id: int | None
    terminated_at: dt.datetime | None
    termination_reason: str
    expiry_deadline: DeadlineOut | None
    handover_deadline: DeadlineOut | None


class HandoverItemIn(Schema):
    name: str = ""


class HandoverUpdateIn(Schema):
    received: Loose = None
    check_result: Loose = Field(None, description="ok, problem, 或空（未审核）")
    note: Loose = None


class HandoverItemOut(Schema):
    id: int
    agreement_id: int
    name: str
    received: bool
    received_at: dt.datetime | None
    received_by_id: int | None
    check_result: str
    checked_at: dt.datetime | None
    checked_by_id: int | None
    note: str
    done: bool


class EventOut(Schema):
    at: dt.datetime
    action: str
    label: str
    subject: str
    actor: str
    detail: str
    kind: str


class TimelineOut(Schema):
    items: list[EventOut]
    count: int
    page: int
    pages: int
