"""``POST /api/calc/erlang``: agents needed for a service level (Erlang C), beside the SI and
IIT calculators. Open without login: it reads nothing stored. Percentages in and out; a bad
input is a 400 whose ``detail`` and ``errors`` name the field in Chinese."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema

from hragency.workforce.calc import erlang_answer

router = Router(tags=["话务排班"])


class ErlangIn(Schema):
    calls_per_interval: float = Field(..., description="每时段呼入量（> 0）")
    interval_minutes: float = Field(30, description="时段长度（分钟），如 15 或 30")
    aht_seconds: float = Field(..., description="平均处理时长（秒，> 0）")
    target_service_level: float = Field(..., description="目标服务水平（%），如 80 表示 80%")
    target_seconds: float = Field(..., description="目标应答时间（秒），如 20")
    shrinkage: float | None = Field(None, description="缺勤与非话务时间占比（%），如 30")
    max_occupancy: float | None = Field(None, description="最高占用率（%），如 85")


class ErlangOut(Schema):
    traffic_erlangs: float = Field(..., description="话务强度（爱尔兰）")
    agents: int = Field(..., description="所需在线坐席数（不含缺勤）")
    scheduled_agents: int = Field(..., description="应排班人数（含缺勤占比）")
    service_level: float = Field(..., description="预计服务水平（%）")
    occupancy: float = Field(..., description="坐席占用率（%）")
    asa_seconds: float = Field(..., description="平均应答速度（秒）")
    probability_wait: float = Field(..., description="需要排队的概率（%）")


@router.post("/erlang", auth=None, response=ErlangOut, summary="话务人力计算（Erlang C）")
def calc_erlang(request: HttpRequest, payload: ErlangIn) -> dict[str, object]:
    return erlang_answer(payload.dict())
