from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Schema


class CalcIn(Schema):
    city: str
    period: str
    wage: Decimal
    hf_rate: Decimal | None = None
    injury_rate: Decimal | None = None
    hf_wage: Decimal | None = None


class CalcLineOut(Schema):
    item: str
    label: str
    base: str
    employer: str
    employee: str
    total: str


class CalcOut(Schema):
    city: str
    period: str
    items: list[CalcLineOut]
    si_employer: str
    si_employee: str
    hf_employer: str
    hf_employee: str
    employer_total: str
    employee_total: str
    total: str
    unverified_items: list[str]


class CalcErrorOut(Schema):
    detail: str
    missing: str | None = None


# ---- orders, enrollments, rates, policies (/api/insurance) -----------------------------------
# Amounts and rates travel as decimal strings ("8000.00", "0.12"), never floats.


class OrderIn(Schema):
    person_id: int
    kind: str
    month: str
    city: str = ""
    wage: str | None = None
    hf_wage: str | None = None
    si: bool = True
    hf: bool = True
    reason: str = ""


class NoteIn(Schema):
    note: str = ""


class RejectIn(Schema):
    reason: str = ""


class OrderOut(Schema):
    id: int
    number: str
    client_id: int
    client_name: str
    person_id: int
    person_name: str
    id_number_masked: str
    kind: str
    kind_label: str
    city: str
    month: str
    wage: str | None
    hf_wage: str | None
    si: bool
    hf: bool
    reason: str
    channel: str
    status: str
    status_label: str
    cutoff: datetime
    submitted_by: str
    submitted_at: datetime
    handled_by: str
    handled_at: datetime | None
    handling_note: str
    enrollment_id: int | None


class EnrollmentOut(Schema):
    id: int
    client_id: int
    client_name: str
    person_id: int
    person_name: str
    id_number_masked: str
    city: str
    wage: str
    hf_wage: str | None
    si: bool
    hf: bool
    start_month: str
    end_month: str | None
    bases_confirmed_at: datetime | None


class ConfirmIn(Schema):
    client_id: int | None = None


class ConfirmOut(Schema):
    confirmed: int
    period: str


class RateOut(Schema):
    client_id: int
    client_name: str
    city: str
    injury_rate: str | None
    hf_rate: str | None
    updated_at: datetime


class RateIn(Schema):
    client_id: int
    city: str
    injury_rate: str | None = None
    hf_rate: str | None = None


class PolicyRuleOut(Schema):
    city: str
    item: str
    item_label: str
    effective_from: str
    base_floor: str
    base_ceiling: str
    employer_rate: str | None
    employee_rate: str | None
    employer_fixed: str
    employee_fixed: str
    rounding: str
    rounding_label: str
    rate_min: str | None
    rate_max: str | None
    certainty: str
    source: str
    note: str


class PoliciesOut(Schema):
    period: str
    items: list[PolicyRuleOut]
