"""Schemas of the care API (feedback, follow-ups, cases, complaints, quality)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema


class RateIn(Schema):
    score: int
    comment: str = ""


class RatedOut(Schema):
    number: str
    satisfaction: int
    status: str
    follow_up: bool


class PlanIn(Schema):
    plan: str


class VisitIn(Schema):
    notes: str
    score: int


class FollowUpOut(Schema):
    id: int
    ticket_id: int
    ticket_number: str
    client_id: int | None
    owner: str
    status: str
    status_label: str
    reason: str
    plan: str
    planned_at: dt.datetime | None
    visit_notes: str
    visit_score: int | None
    visited_at: dt.datetime | None
    created_at: dt.datetime


class CaseIn(Schema):
    title: str
    improvement: str = ""


class CaseOut(Schema):
    id: int
    ticket_number: str | None
    client_id: int | None
    title: str
    problem: str
    improvement: str
    source: str
    created_at: dt.datetime


class KindIn(Schema):
    kind: str


class ClassifyIn(Schema):
    severity: str
    investigator_id: int | None = None
    target_department_id: int | None = None


class PromiseIn(Schema):
    reply_promised_on: dt.date
    target_department_id: int | None = None


class ConcludeIn(Schema):
    findings: str
    rectification_plan: str = ""
    upheld: bool = True


class ComplaintOut(Schema):
    id: int
    ticket_id: int
    ticket_number: str
    subject: str
    client_id: int | None
    kind: str
    kind_label: str
    severity: str
    investigator: str | None
    target_department: str | None
    status: str
    findings: str
    rectification_plan: str
    reply_promised_on: dt.date | None
    due_at: dt.datetime | None
    concluded_at: dt.datetime | None
    summarised_in_week: str
    created_at: dt.datetime


class WeeklyOut(Schema):
    week: str
    suggestions: list[ComplaintOut]


class ScoreIn(Schema):
    scores: dict[str, int]
    comment: str = ""


class SampleOut(Schema):
    id: int
    ticket_id: int
    ticket_number: str
    client_id: int | None
    rep: str
    rep_id: int
    sampled_on: dt.date
    scores: dict[str, Any]
    total: int | None
    comment: str
    scorer: str | None
    scored_at: dt.datetime | None


class DrawOut(Schema):
    day: dt.date
    drawn: int


class RepMonthOut(Schema):
    rep_id: int
    rep: str
    samples: int
    scored: int
    average: Decimal | None
    item_averages: dict[str, Decimal]
    lowest_items: list[str]
    satisfaction: Decimal | None
    rated: int
    on_time_met: int
    on_time_counted: int
    on_time_percent: int | None


class ReviewIn(Schema):
    month: str
    held_on: dt.date
    findings: str
    actions: str = ""


class ReviewOut(Schema):
    month: str
    held_on: dt.date | None
    findings: str
    actions: str
    recorded_at: dt.datetime | None


class MonthlyOut(Schema):
    month: str
    items: dict[str, str]
    reps: list[RepMonthOut]
    review: ReviewOut | None
