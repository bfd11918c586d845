"""Import of the official holiday schedule for years the calendar package does not cover."""

from __future__ import annotations

import datetime as dt
from typing import IO, Any

from django.db import transaction

from hragency.core import audit
from hragency.core.imports import ImportRejected, RowError, read_table, require_columns
from hragency.core.models import HolidayCalendarDay

COLUMNS = ["日期", "类型", "名称"]
KINDS = {
    "休息日": HolidayCalendarDay.Kind.HOLIDAY,
    "放假": HolidayCalendarDay.Kind.HOLIDAY,
    "调休上班": HolidayCalendarDay.Kind.WORKDAY,
    "上班": HolidayCalendarDay.Kind.WORKDAY,
}


def _parse_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    return dt.date.fromisoformat(text)


@transaction.atomic
def import_holidays(*, upload: IO[bytes], filename: str, actor: Any) -> int:
    """Replace the table's rows for every year the file mentions; all rows or none."""
    table = read_table(upload, filename)
    require_columns(table, COLUMNS[:2])
    errors: list[RowError] = []
    parsed: dict[dt.date, tuple[str, str]] = {}
    for row_number, row in table.rows:
        try:
            day = _parse_date(row.get("日期", ""))
        except ValueError:
            errors.append(
                RowError(
                    row_number, "日期", f"不是有效日期：{row.get('日期')!s}（应为 2027-10-01）"
                )
            )
            continue
        kind_text = str(row.get("类型", "")).strip()
        if kind_text not in KINDS:
            errors.append(
                RowError(row_number, "类型", f"应为“休息日”或“调休上班”，实为“{kind_text}”")
            )
            continue
        if day in parsed:
            errors.append(RowError(row_number, "日期", f"{day} 重复出现"))
            continue
        parsed[day] = (KINDS[kind_text], str(row.get("名称", "") or "").strip()[:40])
    if errors:
        raise ImportRejected(errors)
    if not parsed:
        raise ImportRejected([RowError(2, "日期", "文件中没有数据行")])
    years = sorted({d.year for d in parsed})
    HolidayCalendarDay.objects.filter(date__year__in=years).delete()
    HolidayCalendarDay.objects.bulk_create(
        [HolidayCalendarDay(date=d, kind=k, name=n) for d, (k, n) in sorted(parsed.items())]
    )
    audit.record(
        actor=actor, action="core.import_holidays", extra={"years": years, "rows": len(parsed)}
    )
    return len(parsed)
