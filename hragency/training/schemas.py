from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema


class ProgrammeIn(Schema):
    client_id: int
    title: str = ""
    needs: str = ""
    objectives: str = ""
    audience: str = ""
    format: str = ""


class ResourcesIn(Schema):
    trainer_id: int | None = None
    external_trainer: str = ""
    venue: str = ""
    budget: str = ""
    objectives: str | None = None
    format: str = ""
    pass_score: int | None = None


class SessionIn(Schema):
    starts_at: str = ""
    ends_at: str = ""
    capacity: int | str | None = None
    place: str = ""
    online_link: str = ""


class EvaluateIn(Schema):
    reaction: str = ""
    learning: str = ""
    behaviour: str = ""
    results: str = ""


class ReasonIn(Schema):
    reason: str = ""


class EnrolIn(Schema):
    person_ids: list[int] = []
    names: list[str] = []


class AttendanceIn(Schema):
    attended: list[int] = []


class ResultIn(Schema):
    enrolment_id: int
    satisfaction: int | None = None
    score: int | None = None
    comment: str = ""


class ResultsIn(Schema):
    results: list[ResultIn] = []


class SummaryOut(Schema):
    enrolled: int
    marked: int
    attended: int
    attendance_rate: Decimal | None
    rated: int
    average_satisfaction: Decimal | None
    scored: int
    passed: int
    pass_rate: Decimal | None


class SessionOut(Schema):
    id: int
    programme_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    online_link: str
    capacity: int
    status: str
    enrolled: int


class EnrolmentOut(Schema):
    id: int
    person_id: int | None
    participant_name: str
    attended: bool | None
    satisfaction: int | None
    score: int | None
    comment: str


class SessionDetailOut(SessionOut):
    enrolments: list[EnrolmentOut]


class ProgrammeOut(Schema):
    id: int
    number: str
    client_id: int
    client: str
    title: str
    needs: str
    objectives: str
    audience: str
    format: str
    status: str
    status_label: str
    requested_at: dt.datetime
    owner: str
    trainer: str
    venue: str
    budget: Decimal | None
    pass_score: int
    reaction: str
    learning: str
    behaviour: str
    results: str


class ProgrammeDetailOut(ProgrammeOut):
    sessions: list[SessionOut]
    summary: SummaryOut
