"""API schemas of /api/desk (tickets)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class TicketIn(Schema):
    client_id: int | None = None
    channel: str = "phone"
    subject: str
    description: str
    module: str = ""
    nature: str = ""
    urgency: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""


class TextIn(Schema):
    body: str = ""


class NoteIn(Schema):
    note: str = ""


class ReasonIn(Schema):
    reason: str = ""


class TransferIn(Schema):
    to_user_id: int | None = None
    department_id: int | None = None
    reason: str = ""


class ReassignIn(Schema):
    to_user_id: int
    reason: str = ""


class ReviewIn(Schema):
    approve: bool
    reason: str = ""


class WaitIn(Schema):
    message: str = ""


class ResolveIn(Schema):
    solution: str


class KbAnswerIn(Schema):
    article_id: int
    answer: str = ""


class TriageIn(Schema):
    client_id: int


class EventOut(Schema):
    id: int
    kind: str
    kind_label: str
    author: str
    body: str
    visible_to_client: bool
    created_at: dt.datetime


class TicketOut(Schema):
    id: int
    number: str
    client_id: int | None
    client: str
    channel: str
    module: str
    nature: str
    urgency: str
    subject: str
    description: str
    status: str
    status_label: str
    first_owner: str
    handler: str
    created_at: dt.datetime
    first_response_at: dt.datetime | None
    response_due_at: dt.datetime | None
    resolution_due_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    solution: str
    urge_count: int
    supervised: bool
    satisfaction: int | None


class TicketDetailOut(TicketOut):
    events: list[EventOut]


class SlaPolicyOut(Schema):
    id: int
    name: str
    nature: str
    urgency: str
    module: str
    channel: str
    response_minutes: int
    resolution_minutes: int
    calendar: str
    warn_minutes: int
    active: bool
    source: str
