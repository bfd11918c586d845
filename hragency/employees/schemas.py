"""API shapes of the archive. Input fields are loosely typed on purpose (text, as a user or a
spreadsheet would give them): ``validation.validate_person`` parses them and answers every
problem in Chinese, naming the field, instead of a generic type error."""

import datetime as dt
from decimal import Decimal

from ninja import Schema


class PersonOut(Schema):
    id: int
    client_id: int
    name: str
    id_number_masked: str
    gender: str
    birth_date: dt.date
    phone_masked: str
    employee_number: str
    position: str
    insured_city: str
    status: str


class WarningOut(Schema):
    code: str
    level: str
    message: str


class PersonDetailOut(PersonOut):
    client_name: str
    retirement_category: str
    email: str
    hukou_type: str
    hukou_place: str
    education: str
    bank_name: str
    bank_account_masked: str
    salary: Decimal | None
    contract_type: str
    contract_start: dt.date | None
    contract_end: dt.date | None
    probation_end: dt.date | None
    hire_date: dt.date | None
    leave_date: dt.date | None
    leave_reason: str
    age: int | None
    retirement_age: str
    retirement_date: dt.date
    missing_documents: list[str]
    warnings: list[WarningOut]


class PersonPatch(Schema):
    name: str | None = None
    id_number: str | None = None
    phone: str | None = None
    email: str | None = None
    retirement_category: str | None = None
    hukou_type: str | None = None
    hukou_place: str | None = None
    education: str | None = None
    employee_number: str | None = None
    position: str | None = None
    salary: str | Decimal | None = None
    contract_type: str | None = None
    contract_start: str | None = None
    contract_end: str | None = None
    probation_end: str | None = None
    hire_date: str | None = None
    insured_city: str | None = None
    bank_name: str | None = None
    bank_account: str | None = None


class PersonIn(PersonPatch):
    client_id: int | None = None
    status: str = "onboarding"


class HistoryChangeOut(Schema):
    field: str
    label: str
    old: str
    new: str
    encrypted: bool


class HistoryOut(Schema):
    at: dt.datetime
    actor: str
    title: str
    detail: str
    changes: list[HistoryChangeOut]


class DocumentOut(Schema):
    id: int
    kind: str
    kind_label: str
    original_name: str
    size: int
    content_type: str
    uploaded_by: str
    uploaded_at: dt.datetime


class DocumentsOut(Schema):
    items: list[DocumentOut]
    missing: list[str]


class StepOut(Schema):
    id: int
    code: str
    title: str
    done: bool
    done_at: dt.datetime | None
    done_by: str
    note: str


class ProcessOut(Schema):
    id: int
    kind: str
    kind_label: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    steps: list[StepOut]


class OnboardingIn(Schema):
    hire_date: str | None = None


class OffboardingIn(Schema):
    leave_date: str | None = None
    leave_reason: str | None = None


class StepDoneIn(Schema):
    note: str | None = None


class RevealOut(Schema):
    field: str
    value: str
