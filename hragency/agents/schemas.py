from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema


class AgentOut(Schema):
    id: int
    user_id: int
    name: str
    team_id: int | None
    team: str | None
    position: str
    position_label: str
    hire_date: dt.date
    leave_date: dt.date | None
    status: str
    status_label: str
    has_payroll_record: bool
    skills: list[str]


class AgentIn(Schema):
    user_id: int
    hire_date: str
    team_id: int | None = None
    position: str = "rep"
    person_id: int | None = None
    skills: list[str] = []
    note: str = ""


class AgentPatch(Schema):
    team_id: int | None = None
    position: str | None = None
    hire_date: str | None = None
    leave_date: str | None = None
    person_id: int | None = None
    skills: list[str] | None = None
    note: str | None = None


class AssessmentOut(Schema):
    id: int
    agent_id: int
    agent: str
    month: str
    scheme_version: int
    quality: Decimal | None
    skills: Decimal | None
    discipline: Decimal | None
    satisfaction: Decimal | None
    utilisation: Decimal | None
    exams: Decimal | None
    manual: list[str]
    sources: dict[str, str]
    missing: list[str]
    total: Decimal | None
    grade: str
    coefficient: Decimal | None
    status: str
    status_label: str
    confirmed_at: dt.datetime | None
    applied_at: dt.datetime | None


class MonthIn(Schema):
    month: str


class ScoresIn(Schema):
    scores: dict[str, Any]
    note: str | None = None


class ComputeOut(Schema):
    month: str
    created: int
    updated: int
    kept: list[str]


class BatchOut(Schema):
    month: str
    done: list[str]
    skipped: list[str]
    refused: list[dict[str, str]]


class EventIn(Schema):
    kind: str
    happened_on: str
    title: str
    score: str | None = None
    points: int | None = None
    note: str = ""


class EventOut(Schema):
    id: int
    agent_id: int
    kind: str
    kind_label: str
    happened_on: dt.date
    title: str
    score: Decimal | None
    points: int | None
    note: str


class TrainingIn(Schema):
    held_on: str
    topic: str
    category: str = ""
    trainer: str = ""
    hours: str = "1"
    team_id: int | None = None
    note: str = ""


class AttendanceIn(Schema):
    present: list[int]
    scores: dict[int, str] = {}


class AttendanceOut(Schema):
    agent_id: int
    agent: str
    attended: bool
    score: Decimal | None


class TrainingSummaryOut(Schema):
    id: int
    held_on: dt.date
    topic: str
    category: str
    trainer: str
    hours: Decimal
    team_id: int | None


class TrainingOut(TrainingSummaryOut):
    attendance: list[AttendanceOut]


class RatioOut(Schema):
    kind: str
    load: int
    have: int
    limit: int
    need: int
    missing: int
    over: bool


class RepOut(Schema):
    agent_id: int
    agent: str
    clients: int
    insured: int
    over: bool


class TeamOut(Schema):
    team_id: int
    team: str
    reps: int
    staff: int
    managers: int
    insured: int
    dispatched: int
    over: bool
    staff_to_add: int
    managers_to_add: int
    checks: list[RatioOut]
    members: list[RepOut]
