"""Small helpers shared by the agents services: months, permission checks, score parsing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied

from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.values import InvalidValue, amount
from hragency.domain.agent_rating import DIMENSION_LABELS, HUNDRED, ZERO

MANAGE = "agents.manage_assessment"
APPLY = "agents.apply_assessment"
VIEW = "agents.view_monthlyassessment"
VIEW_ALL = "agents.view_all_agents"
VIEW_STAFFING = "agents.view_staffing"


def require(actor: Any, permission: str, message: str) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录")
    if getattr(actor, "kind", "staff") != "staff" or not actor.has_perm(permission):
        raise PermissionDenied(message)


def parse_month(value: object) -> tuple[str, dt.date, dt.date]:
    """ "2026-11" → ("2026-11", first day, first day of the next month)."""
    text = str(value or "").strip()
    try:
        year_text, month_text = text.split("-")
        year, mon = int(year_text), int(month_text)
        first = dt.date(year, mon, 1)
    except (ValueError, AttributeError):
        raise InvalidFields([FieldError("month", "考核月份", "格式应为 2026-11")]) from None
    if not 2000 <= year <= 2100:
        raise InvalidFields([FieldError("month", "考核月份", "年份不合理")])
    following = dt.date(year + (mon == 12), mon % 12 + 1, 1)
    return f"{year:04d}-{mon:02d}", first, following


def previous_month(day: dt.date) -> str:
    first = day.replace(day=1) - dt.timedelta(days=1)
    return f"{first:%Y-%m}"


def parse_score(field: str, raw: object, *, label: str | None = None) -> Decimal | None:
    """A score 0–100 with at most two places; empty → None."""
    label = label or DIMENSION_LABELS.get(field, field)
    if raw is None or str(raw).strip() == "":
        return None
    try:
        value = amount(raw)
    except InvalidValue:
        raise InvalidFields(
            [FieldError(field, label, f"应为 0–100 的数字，最多两位小数：{raw}")]
        ) from None
    if value is None:
        return None
    if not ZERO <= value <= HUNDRED:
        raise InvalidFields([FieldError(field, label, f"应在 0–100 之间：{value}")])
    return value


def refuse(message: str) -> ServiceError:
    return ServiceError(message)
