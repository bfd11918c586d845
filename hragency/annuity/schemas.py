from __future__ import annotations

import datetime as dt

from ninja import Schema


class PlanIn(Schema):
    client_id: int
    name: str = ""
    employer_rate: str = ""  # percent, "8" = 8 %
    employee_rate: str = ""
    effective_from: str = ""  # "2026-11"
    vesting: str = ""  # "0:0, 1:20, 5:100"
    base_source: str = "si_wage"
    base_floor: str = ""
    base_ceiling: str = ""
    trustee: str = ""


class PlanOut(Schema):
    id: int
    client_id: int
    client: str
    name: str
    employer_rate: str
    employee_rate: str
    base_source: str
    base_floor: str | None
    base_ceiling: str | None
    effective_from: dt.date
    status: str
    vesting: list[list[int]]


class CheckIn(Schema):
    month: str = ""
    person_ids: list[int] | None = None


class CheckRowOut(Schema):
    person_id: int
    name: str
    problems: list[str]


class CheckOut(Schema):
    month: str
    checked_at: dt.datetime
    results: list[CheckRowOut]


class EnrolIn(Schema):
    month: str = ""
    person_ids: list[int] = []
    declared_bases: dict[int, str] = {}


class MemberOut(Schema):
    id: int
    person_id: int
    person: str
    joined: dt.date
    status: str
    declared_base: str | None
    check_result: str


class EnrolOut(Schema):
    members: list[MemberOut]
    refused: dict[int, list[str]]


class MonthIn(Schema):
    month: str = ""


class ComputeOut(Schema):
    month: str
    rows: int
    employer: str
    employee: str
    skipped: dict[str, str]


class ContributionOut(Schema):
    member_id: int
    person: str
    month: str
    base: str
    employer: str
    employee: str


class WithdrawIn(Schema):
    reason: str = ""
    date: str = ""
    employer_returns: str = ""
    employee_returns: str = ""


class WithdrawalOut(Schema):
    id: int
    member_id: int
    person: str
    reason: str
    date: dt.date
    years_of_service: int
    vested_percent: int
    employer_balance: str
    employee_balance: str
    vested: str
    forfeited: str
    payable: str
    paid_at: dt.datetime | None


class AccountOut(Schema):
    plan: str
    member: MemberOut
    employer_total: str
    employee_total: str
    contributions: list[ContributionOut]
    withdrawal: WithdrawalOut | None
