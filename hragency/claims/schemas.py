from __future__ import annotations

import datetime as dt

from ninja import Schema


class StepOut(Schema):
    code: str
    label: str
    position: int
    status: str
    status_label: str
    applicability: str
    required_documents: list[str]
    missing_documents: list[str]
    done_by: str | None
    done_at: dt.datetime | None
    note: str
    due_at: dt.datetime | None


class DocumentOut(Schema):
    id: int
    step: str
    kind: str
    kind_label: str
    original_name: str
    size: int
    content_type: str
    uploaded_at: dt.datetime


class ClaimOut(Schema):
    id: int
    number: str
    client_id: int
    client: str
    person_id: int
    person: str
    kind: str
    kind_label: str
    incident_date: dt.date
    reported_at: dt.datetime
    description: str
    hospital: str
    current_step: str
    current_step_label: str
    status: str
    status_label: str
    owner: str | None
    claimed: str
    approved: str | None
    paid: str
    outcome: str


class ClaimDetailOut(ClaimOut):
    steps: list[StepOut]
    documents: list[DocumentOut]


class ReportIn(Schema):
    person_id: int
    kind: str
    incident_date: str
    description: str
    hospital: str = ""


class CompleteIn(Schema):
    note: str = ""
    amount: str | None = None


class ReasonIn(Schema):
    reason: str = ""


class AmountIn(Schema):
    amount: str = ""


class OutcomeIn(Schema):
    outcome: str = ""
