from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema


class JobOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    status_label: str
    done: int
    total: int
    percent: int
    message: str
    error: str
    file_name: str
    download_url: str | None
    created_by: str | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


class ReportOut(Schema):
    id: int
    client_id: int
    client: str
    kind: str
    kind_label: str
    period: str
    title: str
    generated_at: dt.datetime
    published: bool
    published_at: dt.datetime | None
    pdf_url: str | None
    xlsx_url: str | None


class ReportDetailOut(ReportOut):
    data: dict[str, Any]


class GenerateIn(Schema):
    kind: str = "monthly"
    period: str
    client_id: int | None = None
    publish: bool = False


class DailyRowOut(Schema):
    section: str
    label: str
    today: Any
    previous: Any
    last_week: Any
    vs_previous: str
    vs_last_week: str


class DailyOut(Schema):
    date: dt.date
    rows: list[DailyRowOut]
    channels: list[dict[str, Any]]
    overdue: list[dict[str, Any]]
