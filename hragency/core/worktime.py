"""The calendars the product counts working time in: the office calendar (official holidays,
business hours from settings) and the 24 h hotline calendar.

Years after the chinese-calendar package's data come from the admin-edited holiday table; a
year in neither falls back to weekends-only and is reported by ``calendar_warnings``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from hragency.core.models import HolidayCalendarDay
from hragency.domain.worktime import (
    BusinessHours,
    CalendarData,
    WorkCalendar,
    chinese_calendar_data,
)


def table_calendar_data() -> CalendarData:
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    for day, kind in HolidayCalendarDay.objects.values_list("date", "kind"):
        (holidays if kind == HolidayCalendarDay.Kind.HOLIDAY else workdays).add(day)
    years = frozenset(d.year for d in holidays | workdays)
    return CalendarData(frozenset(holidays), frozenset(workdays), years)


def office_calendar() -> WorkCalendar:
    data = chinese_calendar_data().merged(table_calendar_data())
    hours = BusinessHours.office(settings.BUSINESS_HOURS_START, settings.BUSINESS_HOURS_END)
    return WorkCalendar(data, hours, timezone.get_default_timezone())


def hotline_calendar() -> WorkCalendar:
    return WorkCalendar.hotline()


def calendar_for(name: str) -> WorkCalendar:
    if name == "hotline":
        return hotline_calendar()
    if name == "office":
        return office_calendar()
    raise ValueError(f"未知的日历：{name}")


def due_after(
    start: dt.datetime,
    *,
    hours: int | Decimal = 0,
    days: int = 0,
    calendar: str = "office",
) -> dt.datetime:
    """The due time `hours` working hours or `days` working days after `start`."""
    cal = calendar_for(calendar)
    if days:
        return cal.add_working_days(start, days)
    return cal.add_working_hours(start, hours)


def calendar_warnings(today: dt.date | None = None) -> list[str]:
    """Admin-facing warnings for this year and next when no holiday data exists for them."""
    today = today or timezone.localdate()
    missing = office_calendar().missing_years(today, dt.date(today.year + 1, 12, 31))
    return [
        f"{year} 年的法定节假日安排尚未录入，该年的时限暂按“仅周末休息”计算。"
        "请在 系统管理 → 节假日安排 中导入。"
        for year in missing
    ]
