"""The dashboard's filter (date range, client, granularity), parsed once for the page and the
JSON endpoints with ``core.values``; a bad value is a ServiceError (400 in the API)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from hragency.clients.models import Client
from hragency.core import values
from hragency.core.errors import FieldError, InvalidFields
from hragency.core.scoping import scope_queryset

DEFAULT_DAYS = 30
MAX_DAYS = 366
GRANULARITIES = {"day": "按日", "week": "按周"}


@dataclass(frozen=True)
class Filters:
    start: dt.date
    end: dt.date
    client_id: int | None = None
    granularity: str = "day"

    @property
    def since(self) -> dt.datetime:
        """Local midnight starting `start`, as an aware datetime."""
        return dt.datetime.combine(self.start, dt.time.min, tzinfo=tz())

    @property
    def until(self) -> dt.datetime:
        """Local midnight after `end` (exclusive bound)."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz())

    def query(self) -> dict[str, str]:
        out = {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "granularity": self.granularity,
        }
        if self.client_id:
            out["client"] = str(self.client_id)
        return out


def tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_day(field: str) -> Any:
    """The local calendar day of a datetime column, computed in the database. PostgreSQL
    converts the time zone natively; on SQLite Django's TruncDate calls a Python function per
    row (≈10× slower over 50,000 rows), so the fixed offset of the zone is added in SQL
    instead — exact for Asia/Shanghai, which has had no daylight saving since 1991."""
    from django.db import connection
    from django.db.models import DateField, F, Func, Value
    from django.db.models.functions import TruncDate

    if connection.vendor != "sqlite":
        return TruncDate(field, tzinfo=tz())
    offset = dt.datetime(2026, 1, 1, tzinfo=tz()).utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    return Func(F(field), Value(f"{minutes:+d} minutes"), function="date", output_field=DateField())


def require_dashboard(user: Any) -> None:
    if not getattr(user, "is_authenticated", False) or not user.has_perm(
        "analytics.view_dashboard"
    ):
        raise PermissionDenied("无权查看数据看板")


def is_client_user(user: Any) -> bool:
    return getattr(user, "kind", "") == "client_hr"


def clients_for(user: Any) -> QuerySet[Client]:
    """The clients the user may filter by (their scope)."""
    return scope_queryset(Client.objects.all(), user).order_by("number")


def parse_filters(user: Any, params: Mapping[str, Any], *, today: dt.date | None = None) -> Filters:
    today = today or timezone.localdate()
    errors: list[FieldError] = []
    start = end = None
    try:
        end = values.date(params.get("end")) or today
    except values.InvalidValue as exc:
        errors.append(FieldError("end", "结束日期", str(exc)))
    try:
        start = values.date(params.get("start"))
    except values.InvalidValue as exc:
        errors.append(FieldError("start", "开始日期", str(exc)))
    granularity = str(params.get("granularity") or "day")
    if granularity not in GRANULARITIES:
        errors.append(FieldError("granularity", "统计粒度", "应为 day（按日）或 week（按周）"))
    client_id: int | None = None
    try:
        client_id = values.integer(params.get("client"))
    except values.InvalidValue as exc:
        errors.append(FieldError("client", "客户", str(exc)))
    if end is not None and start is None and not errors:
        start = end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if start is not None and end is not None:
        if start > end:
            errors.append(FieldError("start", "开始日期", "不能晚于结束日期"))
        elif (end - start).days >= MAX_DAYS:
            errors.append(FieldError("start", "开始日期", f"统计区间最长 {MAX_DAYS} 天"))
    if errors:
        raise InvalidFields(errors)
    assert start is not None and end is not None
    if is_client_user(user):
        client_id = user.client_id
    elif client_id is not None and not clients_for(user).filter(pk=client_id).exists():
        raise InvalidFields([FieldError("client", "客户", "客户不存在或无权查看")])
    return Filters(start=start, end=end, client_id=client_id, granularity=granularity)
