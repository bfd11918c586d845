from __future__ import annotations

import datetime as dt

from ninja import Schema


class TaskOut(Schema):
    id: int
    client_id: int
    client: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    due_date: dt.date
    overdue: bool
    owner: str | None
    reason: str
    method: str
    done_at: dt.datetime | None
    summary: str
    issues: str
    next_actions: str
    note: str


class CompleteIn(Schema):
    method: str
    summary: str
    issues: str = ""
    next_actions: str = ""


class RescheduleIn(Schema):
    due_date: str
    reason: str


class CancelIn(Schema):
    reason: str


class ResponseIn(Schema):
    client_id: int
    respondent_name: str = ""
    respondent_role: str = ""
    channel: str = ""
    quarter: str = ""
    task_id: int | None = None
    efficiency: int | None = None
    expertise: int | None = None
    communication: int | None = None
    accuracy: int | None = None
    overall: int | None = None
    comments: str = ""
    suggestions: str = ""


class ResponseOut(Schema):
    id: int
    quarter: str
    client_id: int
    client: str
    respondent_name: str
    respondent_role: str
    channel: str
    efficiency: int
    expertise: int
    communication: int
    accuracy: int
    overall: int
    comments: str
    suggestions: str
    submitted_at: dt.datetime
