from __future__ import annotations

import datetime as dt

from ninja import Schema


class FilingOut(Schema):
    id: int
    client_id: int
    client: str
    month: str
    status: str
    status_label: str
    due_on: dt.date
    overdue: bool
    owner: str | None
    filed_at: dt.datetime | None
    item_count: int


class MissingOut(Schema):
    source_type: str
    source_ref: str
    title: str


class FileOut(Schema):
    id: int
    number: str
    client_id: int
    client: str
    agreement: str | None
    title: str


class ItemOut(Schema):
    id: int
    archive_id: int
    kind: str
    kind_label: str
    title: str
    month: str
    source_ref: str
    pages: int
    box: str
    location: str
    retention_years: int
    destroy_after: dt.date
    status: str


class BorrowingOut(Schema):
    id: int
    number: str
    client_id: int
    borrower_kind: str
    borrower_name: str
    purpose: str
    status: str
    status_label: str
    items: list[int]
    borrowed_at: dt.datetime | None
    due_back: dt.date | None
    returned_at: dt.datetime | None
    overdue: bool


class DestructionOut(Schema):
    id: int
    number: str
    client_id: int
    status: str
    status_label: str
    items: list[int]
    proposed_by: str | None
    approved_by: str | None
    destroyed_on: dt.date | None
    method: str
    witnesses: str


class OpenMonthIn(Schema):
    month: str


class FileItemsIn(Schema):
    box: str = ""
    location: str = ""


class ItemIn(Schema):
    client_id: int
    kind: str
    title: str
    month: str
    pages: int = 1
    box: str = ""
    location: str = ""
    description: str = ""


class BorrowIn(Schema):
    client_id: int
    item_ids: list[int]
    purpose: str = ""
    borrower_kind: str = "staff"
    borrower_name: str = ""
    days: int = 7


class ReasonIn(Schema):
    reason: str = ""


class ProposeIn(Schema):
    client_id: int
    item_ids: list[int] | None = None


class AppraiseIn(Schema):
    appraiser_ids: list[int]
    opinion: str = ""


class ExecuteIn(Schema):
    destroyed_on: str
    method: str
    witnesses: str
