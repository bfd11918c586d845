"""Request and response shapes of /api/workforce."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema


class VolumeOut(Schema):
    channel: str
    interval_start: dt.datetime
    interval_minutes: int
    offered: int
    answered: int
    abandoned: int
    answered_in_target: int
    aht_seconds: int


class ForecastIn(Schema):
    channel: str = Field(..., description="phone / chat / wecom / email")
    start: dt.date
    days: int = Field(7, description="1–31")


class RequirementOut(Schema):
    channel: str
    interval_start: dt.datetime
    interval_minutes: int
    forecast_volume: float
    aht_seconds: int
    agents: int = Field(..., description="所需在线坐席（Erlang C）")
    scheduled: int = Field(..., description="应排人数（含缺勤占比）")
    service_level: float = Field(..., description="预计服务水平（%）")


class ForecastOut(Schema):
    channel: str
    start: dt.date
    days: int
    aht_seconds: int
    history_days: int
    backtest_wape: float | None = Field(None, description="最近一周回测 WAPE（%）")
    naive_wape: float | None = Field(None, description="上周同期法的 WAPE（%）")
    rows: list[RequirementOut]


class TemplateIn(Schema):
    name: str
    start_time: str = Field(..., description="如 08:00")
    length_minutes: int
    break_minutes: int = 0
    active: bool = True


class TemplateOut(Schema):
    id: int
    name: str
    start_time: dt.time
    length_minutes: int
    break_minutes: int
    active: bool


class PlanIn(Schema):
    week_start: dt.date = Field(..., description="排班周的周一")
    channels: list[str] | None = None


class PlanOut(Schema):
    id: int
    number: str
    week_start: dt.date
    status: str
    status_label: str
    shifts: int
    paid_hours: float
    unfilled: int
    short_intervals: int
    published_at: dt.datetime | None


class AssignmentOut(Schema):
    id: int
    plan: str
    date: dt.date
    template: str
    agent_id: int | None
    agent: str | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    break_starts_at: dt.datetime | None
    break_ends_at: dt.datetime | None
    paid_minutes: int

    @staticmethod
    def resolve_plan(obj: Any) -> str:
        return str(obj.plan.number)

    @staticmethod
    def resolve_template(obj: Any) -> str:
        return str(obj.template.name)

    @staticmethod
    def resolve_agent(obj: Any) -> str | None:
        return str(obj.agent.display_name or obj.agent.username) if obj.agent_id else None


class HandoverIn(Schema):
    from_template_id: int
    to_template_id: int
    incoming_id: int
    shift_date: dt.date | None = None
    pending_callbacks: int = 0
    callback_notes: str = ""
    notes: str = ""


class HandoverOut(Schema):
    id: int
    number: str
    shift_date: dt.date
    from_template: str
    to_template: str
    outgoing: str
    incoming: str
    open_tickets: int
    tickets: list[dict[str, str]]
    pending_callbacks: int
    callback_notes: str
    notes: str
    acknowledged_at: dt.datetime | None


class AckIn(Schema):
    note: str = ""


class WarningOut(Schema):
    id: int
    kind: str
    kind_label: str

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())

    channel: str
    interval_start: dt.datetime
    forecast_volume: float | None
    actual_volume: int | None
    required: int
    scheduled: int
    status: str
    note: str
