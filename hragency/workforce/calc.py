"""The Erlang calculator's one parse/compute layer, for ``POST /api/calc/erlang`` and the
calculator screen. Percentages in, percentages out; every refusal is a ``ServiceError`` in
Chinese (the API answers 400)."""

from __future__ import annotations

import math
from typing import Any

from hragency.core.errors import FieldError, InvalidFields
from hragency.domain import erlang

MAX_CALLS = 1_000_000
MAX_AHT = 24 * 3600


def _number(
    raw: Any, field: str, label: str, errors: list[FieldError], *, required: bool = True
) -> float | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            errors.append(FieldError(field, label, "必填"))
        return None
    if isinstance(raw, bool):
        errors.append(FieldError(field, label, "应为数字"))
        return None
    try:
        value = float(str(raw).strip().rstrip("%"))
    except ValueError:
        errors.append(FieldError(field, label, "应为数字"))
        return None
    if not math.isfinite(value):
        errors.append(FieldError(field, label, "应为有限的数字"))
        return None
    return value


def erlang_answer(data: dict[str, Any]) -> dict[str, Any]:
    """``data``: calls_per_interval, interval_minutes, aht_seconds, target_service_level (%),
    target_seconds, optional shrinkage (%), max_occupancy (%)."""
    errors: list[FieldError] = []
    calls = _number(data.get("calls_per_interval"), "calls_per_interval", "每时段呼入量", errors)
    minutes = _number(data.get("interval_minutes"), "interval_minutes", "时段长度（分钟）", errors)
    aht = _number(data.get("aht_seconds"), "aht_seconds", "平均处理时长（秒）", errors)
    sl = _number(
        data.get("target_service_level"), "target_service_level", "目标服务水平（%）", errors
    )
    seconds = _number(data.get("target_seconds"), "target_seconds", "目标应答秒数", errors)
    shrink = _number(data.get("shrinkage"), "shrinkage", "缺勤占比（%）", errors, required=False)
    occ = _number(
        data.get("max_occupancy"), "max_occupancy", "最高占用率（%）", errors, required=False
    )
    checks = [
        (calls, "calls_per_interval", "每时段呼入量", 0, MAX_CALLS, False),
        (minutes, "interval_minutes", "时段长度（分钟）", 0, 1440, True),
        (aht, "aht_seconds", "平均处理时长（秒）", 0, MAX_AHT, True),
        (sl, "target_service_level", "目标服务水平（%）", 0, 100, False),
        (seconds, "target_seconds", "目标应答秒数", -1, 3600, True),
        (shrink, "shrinkage", "缺勤占比（%）", -1, 100, False),
        (occ, "max_occupancy", "最高占用率（%）", 0, 100, True),
    ]
    for value, field, label, low, high, high_ok in checks:
        if value is None:
            continue
        too_low = value <= low if low >= 0 else value < 0
        if too_low or value > high or (value == high and not high_ok):
            bounds = f"须大于 {low}" if low >= 0 else "不能为负数"
            top = f"不超过 {high:,}" if high_ok else f"小于 {high:,}"
            errors.append(FieldError(field, label, f"{bounds}且{top}"))
    if errors:
        raise InvalidFields(errors)
    assert calls is not None and minutes is not None and aht is not None
    assert sl is not None and seconds is not None
    try:
        result = erlang.required_agents(
            calls=calls,
            interval_seconds=minutes * 60,
            aht_seconds=aht,
            target_service_level=sl / 100,
            target_seconds=seconds,
            shrinkage=(shrink or 0) / 100,
            max_occupancy=occ / 100 if occ else None,
        )
    except erlang.ErlangError as exc:
        raise InvalidFields([FieldError("calls_per_interval", "每时段呼入量", str(exc))]) from exc
    return {
        "traffic_erlangs": round(result.traffic, 3),
        "agents": result.agents,
        "scheduled_agents": result.scheduled,
        "service_level": round(result.service_level * 100, 2),
        "occupancy": round(result.occupancy * 100, 2),
        "asa_seconds": round(result.asa_seconds, 1),
        "probability_wait": round(result.probability_wait * 100, 2),
    }
