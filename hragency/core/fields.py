"""Typed form/API fields for services that report every problem at once: each helper parses
with ``core.values`` and appends a ``FieldError`` instead of raising; the service raises
``InvalidFields(errors)`` when the list is not empty. (Used by recruitment, training, disputes.)"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.utils import timezone

from hragency.core import values
from hragency.core.errors import FieldError

MAX_TEXT = 4000
PHONE = re.compile(r"^1\d{10}$")


def text(
    value: Any,
    field: str,
    label: str,
    errors: list[FieldError],
    *,
    required: bool = False,
    max_length: int = MAX_TEXT,
) -> str:
    result = values.text(value)
    if required and not result:
        errors.append(FieldError(field, label, "必填"))
    elif len(result) > max_length:
        errors.append(FieldError(field, label, f"不能超过 {max_length} 个字"))
    return result


def integer(
    value: Any,
    field: str,
    label: str,
    errors: list[FieldError],
    *,
    low: int,
    high: int,
    required: bool = True,
) -> int | None:
    try:
        number = values.integer(value)
    except values.InvalidValue as exc:
        errors.append(FieldError(field, label, str(exc)))
        return None
    if number is None:
        if required:
            errors.append(FieldError(field, label, "必填"))
        return None
    if not low <= number <= high:
        errors.append(FieldError(field, label, f"应在 {low}–{high} 之间"))
        return None
    return number


def amount(
    value: Any, field: str, label: str, errors: list[FieldError], *, required: bool = True
) -> Decimal | None:
    try:
        result = values.amount(value)
    except values.InvalidValue as exc:
        errors.append(FieldError(field, label, str(exc)))
        return None
    if result is None:
        if required:
            errors.append(FieldError(field, label, "必填"))
        return None
    if result < 0:
        errors.append(FieldError(field, label, "不能为负数"))
        return None
    return result


def date(
    value: Any, field: str, label: str, errors: list[FieldError], *, required: bool = True
) -> dt.date | None:
    try:
        result = values.date(value) if value not in (None, "") else None
    except values.InvalidValue as exc:
        errors.append(FieldError(field, label, str(exc)))
        return None
    if result is None and required:
        errors.append(FieldError(field, label, "必填"))
    return result


def moment(
    value: Any, field: str, label: str, errors: list[FieldError], *, required: bool = True
) -> dt.datetime | None:
    """A date and time: a datetime, "2026-12-08T14:30" (the browser's datetime-local) or
    "2026-12-08 14:30", in Beijing time."""
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    raw = values.text(value).replace("T", " ")
    if not raw:
        if required:
            errors.append(FieldError(field, label, "必填"))
        return None
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M"):
        try:
            return dt.datetime.strptime(raw, pattern).replace(
                tzinfo=timezone.get_current_timezone()
            )
        except ValueError:
            continue
    errors.append(FieldError(field, label, "日期时间格式应为 2026-12-08 14:30"))
    return None


def phone(value: Any, field: str, label: str, errors: list[FieldError]) -> str:
    result = values.text(value).replace(" ", "").replace("-", "")
    if result and not PHONE.match(result):
        errors.append(FieldError(field, label, "应为 11 位手机号"))
    return result


def choice(value: Any, field: str, label: str, choices: Any, errors: list[FieldError]) -> str:
    try:
        result = values.choice(value, dict(choices))
    except values.InvalidValue as exc:
        errors.append(FieldError(field, label, str(exc)))
        return ""
    if not result:
        errors.append(FieldError(field, label, "请选择"))
    return result
