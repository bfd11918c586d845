from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema


class RequisitionIn(Schema):
    client_id: int
    position: str = ""
    headcount: int | str | None = None
    salary_min: str = ""
    salary_max: str = ""
    location: str = ""
    requirements: str = ""
    urgency: str = ""


class NoteIn(Schema):
    note: str = ""


class JdIn(Schema):
    jd: str = ""


class PlanIn(Schema):
    plan_start: str = ""
    plan_end: str = ""
    plan_note: str = ""


class ChannelIn(Schema):
    name: str = ""
    cost: str = ""
    published_on: str = ""
    note: str = ""


class CandidateIn(Schema):
    name: str = ""
    phone: str = ""
    source: str = ""
    notes: str = ""


class ReasonIn(Schema):
    reason: str = ""


class EvaluateIn(Schema):
    satisfaction: int | str | None = None
    note: str = ""


class InterviewIn(Schema):
    at: str = ""
    place: str = ""
    interviewer: str = ""
    note: str = ""


class FeedbackIn(Schema):
    result: str = ""
    comment: str = ""


class HireIn(Schema):
    hire_date: str = ""


class ProbationIn(Schema):
    result: str = ""
    note: str = ""


class PersonIn(Schema):
    id_number: str = ""
    insured_city: str = ""


class ChannelOut(Schema):
    id: int
    name: str
    cost: Decimal
    published_on: dt.date
    note: str


class InterviewOut(Schema):
    at: dt.datetime
    place: str
    interviewer: str
    note: str


class ApplicationOut(Schema):
    id: int
    requisition_id: int
    candidate_id: int
    candidate: str
    phone_masked: str
    source: str
    stage: str
    stage_label: str
    reason: str
    screening_note: str
    shortlisted_at: dt.datetime | None
    interview_result: str
    client_feedback: str
    interviews: list[InterviewOut]
    hire_date: dt.date | None
    probation_result: str
    person_id: int | None


class FiguresOut(Schema):
    time_to_fill: int | None
    channel_cost: Decimal
    hires: int
    cost_per_hire: Decimal | None
    satisfaction: int | None
    probation_pass_rate: Decimal | None
    contact_on_time: bool | None
    shortlist_on_time: bool | None


class RequisitionOut(Schema):
    id: int
    number: str
    client_id: int
    client: str
    position: str
    headcount: int
    location: str
    salary_min: Decimal
    salary_max: Decimal
    requirements: str
    urgency: str
    requested_at: dt.datetime
    recruiter: str
    stage: str
    stage_label: str
    status: str
    status_label: str
    contacted_at: dt.datetime | None
    contact_note: str
    jd: str
    plan_start: dt.date | None
    plan_end: dt.date | None
    plan_note: str
    shortlist_sent_at: dt.datetime | None
    filled_at: dt.datetime | None
    cancel_reason: str
    satisfaction: int | None
    evaluation_note: str


class RequisitionDetailOut(RequisitionOut):
    channels: list[ChannelOut]
    applications: list[ApplicationOut]
    figures: FiguresOut


class GroupOut(Schema):
    label: str
    requested: int
    filled: int
    cancelled: int
    hires: int
    channel_cost: Decimal
    avg_time_to_fill: Decimal | None
    cost_per_hire: Decimal | None
    avg_satisfaction: Decimal | None
    probation_pass_rate: Decimal | None
    contact_rate: Decimal | None
    shortlist_rate: Decimal | None


class ReportOut(Schema):
    start: dt.date
    end: dt.date
    total: GroupOut
    by_recruiter: list[GroupOut]
    by_client: list[GroupOut]
