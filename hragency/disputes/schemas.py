from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema


class DemandOut(Schema):
    item: str
    amount: Decimal


class CaseOut(Schema):
    id: int
    number: str
    client_id: int
    client: str
    category: str
    category_label: str
    title: str
    description: str
    claimant: str
    demands: list[DemandOut]
    claimed_total: Decimal
    stage: str
    stage_label: str
    owner: str | None
    legal: str | None
    known_on: dt.date | None
    limitation_ends_on: dt.date | None
    outcome: str
    amount_awarded: Decimal | None
    amount_paid: Decimal | None
    cost_to_client: Decimal | None
    opened_at: dt.datetime
    closed_at: dt.datetime | None


class HearingOut(Schema):
    id: int
    kind: str
    kind_label: str
    at: dt.datetime
    place: str
    preparation_due: dt.datetime | None


class DemandIn(Schema):
    item: str
    amount: str = ""


class CaseIn(Schema):
    client_id: int
    category: str = ""
    title: str = ""
    description: str = ""
    person_id: int | None = None
    claimant: str = ""
    demands: list[DemandIn] = []
    known_on: str = ""
    unpaid_wages_ongoing: bool = False
    employment_ended_on: str = ""
    stage: str = "consultation"


class ConsultationIn(Schema):
    category: str = ""
    title: str = ""
    description: str = ""


class StageIn(Schema):
    stage: str
    note: str = ""


class LegalIn(Schema):
    user_id: int


class HearingIn(Schema):
    kind: str
    at: dt.datetime


class HearingPlaceIn(HearingIn):
    place: str = ""
    note: str = ""


class OutcomeIn(Schema):
    outcome: str
    amount_awarded: str = ""
    amount_paid: str = ""
    cost_to_client: str = ""
    lessons: str = ""


class NoteIn(Schema):
    text: str
    visible_to_client: bool = False
