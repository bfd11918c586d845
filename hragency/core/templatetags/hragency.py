"""Display filters for what Chinese users expect: ¥1,234.56, 2026年11月23日, masked IDs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import template
from django.utils import timezone

from hragency.domain.money import format_cny

register = template.Library()


@register.filter
def cny(value: Decimal | int | None) -> str:
    return "" if value is None else format_cny(value)


@register.filter
def cn_date(value: dt.date | None) -> str:
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def cn_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{local:%Y-%m-%d %H:%M}"


@register.filter
def change_pair(value: Any) -> str:
    if isinstance(value, list) and len(value) == 2:
        return f"{value[0]} → {value[1]}"
    return str(value)
