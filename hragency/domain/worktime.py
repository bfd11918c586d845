"""Working time on the Chinese public-holiday calendar.

Deadlines ("2 working hours", "3 working days") are computed here and nowhere else.

Working time is measured on the wall clock of the calendar's time zone: a period 09:00–18:00 is
9 hours on every working day. For zones without daylight saving time (Asia/Shanghai) this is also
exact elapsed time.

A year without calendar data falls back to weekends-only; nothing here raises for that. Callers
ask ``missing_years`` and warn admins.
"""

from __future__ import annotations

import functools
import importlib
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

__all__ = [
    "SHANGHAI",
    "BusinessHours",
    "CalendarData",
    "WorkCalendar",
    "chinese_calendar_data",
]

SHANGHAI = ZoneInfo("Asia/Shanghai")

_DAY = timedelta(days=1)
_ZERO = timedelta(0)
_MIDNIGHT = time(0)
_SATURDAY = 5
_HH_MM = re.compile(r"([0-9]{1,2}):([0-9]{2})")


@dataclass(frozen=True)
class CalendarData:
    """Adjusted days for the years in ``covered_years``.

    ``holidays``: official days off (incl. festival days that fall on a weekend anyway).
    ``workdays``: adjusted working days (调休上班), usually a Saturday or Sunday.
    """

    holidays: frozenset[date]
    workdays: frozenset[date]
    covered_years: frozenset[int]

    def __post_init__(self) -> None:
        clash = self.holidays & self.workdays
        if clash:
            days = ", ".join(d.isoformat() for d in sorted(clash))
            raise ValueError(f"同一天不能既是放假日又是调休上班日：{days}")

    @classmethod
    def empty(cls) -> CalendarData:
        return cls(frozenset(), frozenset(), frozenset())

    def merged(self, other: CalendarData) -> CalendarData:
        """Union of both; where they disagree about a date, ``other`` wins.

        ``other`` is the admin-edited table, which corrects or extends the packaged data.
        """
        return CalendarData(
            holidays=(self.holidays - other.workdays) | other.holidays,
            workdays=(self.workdays - other.holidays) | other.workdays,
            covered_years=self.covered_years | other.covered_years,
        )


def _dates(raw: object, name: str) -> frozenset[date]:
    if not isinstance(raw, dict):
        raise TypeError(f"chinese_calendar.constants.{name} is not a dict")
    result: set[date] = set()
    for key in raw:
        # A datetime key would never equal the plain dates we look up.
        if not isinstance(key, date) or isinstance(key, datetime):
            raise TypeError(f"chinese_calendar.constants.{name} has a non-date key {key!r}")
        result.add(key)
    return frozenset(result)


@functools.cache
def chinese_calendar_data() -> CalendarData:
    """Holiday data shipped with the ``chinesecalendar`` package (2004 to its last year)."""
    # Imported by name: the package has no type information, and going through ModuleType keeps
    # mypy --strict quiet under any configuration.
    constants = importlib.import_module("chinese_calendar.constants")
    holidays = _dates(constants.holidays, "holidays")
    workdays = _dates(constants.workdays, "workdays")
    years = frozenset(d.year for d in holidays | workdays)
    return CalendarData(holidays=holidays, workdays=workdays, covered_years=years)


def _offset(t: time) -> timedelta:
    return timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)


@dataclass(frozen=True)
class BusinessHours:
    """Working periods of a working day, in local wall-clock time, in order.

    An end of 00:00 means midnight at the end of the day (24:00), so that a round-the-clock day is
    exactly 24 hours.
    """

    periods: tuple[tuple[time, time], ...]

    def __post_init__(self) -> None:
        if not self.periods:
            raise ValueError("工作时段不能为空")
        previous_end = _ZERO
        for start, end in self.periods:
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError("工作时段使用当地时间，不能带时区")
            lo, hi = _offset(start), self._end_offset(end)
            if lo >= hi:
                raise ValueError(f"工作时段开始须早于结束：{start:%H:%M}–{end:%H:%M}")
            if lo < previous_end:
                raise ValueError("工作时段须按时间先后排列且不能重叠")
            previous_end = hi

    @staticmethod
    def _end_offset(end: time) -> timedelta:
        return _DAY if end == _MIDNIGHT else _offset(end)

    @classmethod
    def office(cls, start: str = "09:00", end: str = "18:00") -> BusinessHours:
        """One period from "HH:MM" to "HH:MM"; the end may be "24:00"."""
        return cls(((_parse_hh_mm(start, allow_24=False), _parse_hh_mm(end, allow_24=True)),))

    @classmethod
    def round_the_clock(cls) -> BusinessHours:
        return cls(((_MIDNIGHT, _MIDNIGHT),))

    @property
    def spans(self) -> tuple[tuple[timedelta, timedelta], ...]:
        """Periods as offsets from local midnight (end of a 24:00 period = 1 day)."""
        return tuple((_offset(s), self._end_offset(e)) for s, e in self.periods)

    @property
    def day_length(self) -> timedelta:
        return sum((hi - lo for lo, hi in self.spans), _ZERO)


def _parse_hh_mm(text: str, *, allow_24: bool) -> time:
    match = _HH_MM.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"时间格式应为 HH:MM，实为「{text}」")
    hour, minute = int(match[1]), int(match[2])
    if allow_24 and (hour, minute) == (24, 0):
        return _MIDNIGHT
    if hour > 23 or minute > 59:
        raise ValueError(f"时间无效：「{text}」")
    return time(hour, minute)


class WorkCalendar:
    """Which days and hours are working time, and arithmetic on working time."""

    def __init__(
        self,
        data: CalendarData,
        hours: BusinessHours,
        tz: ZoneInfo = SHANGHAI,
        *,
        every_day: bool = False,
    ) -> None:
        self._data = data
        self._hours = hours
        self._tz = tz
        self._every_day = every_day
        self._spans = hours.spans
        self._day_length = hours.day_length

    @classmethod
    def hotline(cls, tz: ZoneInfo = SHANGHAI) -> WorkCalendar:
        """The 24-hour hotline: every day, holidays included, all day."""
        return cls(CalendarData.empty(), BusinessHours.round_the_clock(), tz, every_day=True)

    @property
    def data(self) -> CalendarData:
        return self._data

    @property
    def hours(self) -> BusinessHours:
        return self._hours

    @property
    def tz(self) -> ZoneInfo:
        return self._tz

    @property
    def every_day(self) -> bool:
        return self._every_day

    @property
    def day_length(self) -> timedelta:
        """Working time in one working day."""
        return self._day_length

    # --- days -----------------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        if isinstance(d, datetime):
            raise TypeError("is_working_day 需要 date，不是 datetime")
        if self._every_day:
            return True
        if d.year in self._data.covered_years:
            if d in self._data.workdays:
                return True
            if d in self._data.holidays:
                return False
        return d.weekday() < _SATURDAY

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        day = d + _DAY
        while not self.is_working_day(day):
            day += _DAY
        return day

    def missing_years(self, start: date, end: date) -> list[int]:
        """Years touched by [start, end] that fall back to weekends-only for lack of data."""
        if self._every_day:
            return []
        lo, hi = sorted((start.year, end.year))
        return [y for y in range(lo, hi + 1) if y not in self._data.covered_years]

    # --- instants -------------------------------------------------------------------------

    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("需要带时区的时间（aware datetime），实为无时区时间")
        return moment.astimezone(self._tz).replace(tzinfo=None)

    def _aware(self, local: datetime) -> datetime:
        return local.replace(tzinfo=self._tz)

    def is_working_time(self, moment: datetime) -> bool:
        """Whether ``moment`` lies inside a working period (start included, end excluded)."""
        local = self._local(moment)
        if not self.is_working_day(local.date()):
            return False
        offset = local - datetime.combine(local.date(), _MIDNIGHT)
        return any(lo <= offset < hi for lo, hi in self._spans)

    def add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        """The instant at which ``amount`` of working time has elapsed after ``start``.

        Counting begins at ``start`` if it is working time, else at the next period start; a
        zero amount therefore returns that instant. Landing exactly on a period end returns the
        end (18:00), not the next period start. The result is expressed in ``self.tz``.
        """
        if amount < _ZERO:
            raise ValueError(f"工作时长不能为负数：{amount}")
        local = self._local(start)
        remaining = amount
        day = local.date()
        midnight = datetime.combine(day, _MIDNIGHT)
        # Terminates at the first working day with enough time left; data cannot make every
        # future day a holiday without running into date.max (OverflowError).
        while True:
            if self.is_working_day(day):
                if local <= midnight and remaining > self._day_length:
                    # Whole day: skip it without looking at the periods.
                    remaining -= self._day_length
                else:
                    for lo, hi in self._spans:
                        period_end = midnight + hi
                        if period_end <= local:
                            continue
                        begin = max(local, midnight + lo)
                        available = period_end - begin
                        if remaining <= available:
                            return self._aware(begin + remaining)
                        remaining -= available
            day += _DAY
            midnight += _DAY

    def add_working_hours(self, start: datetime, hours: int | Decimal) -> datetime:
        """``add_working_time`` with hours as ``int`` or ``Decimal`` (e.g. Decimal("1.5")).

        Fractions finer than a microsecond are rounded half-up to the microsecond.
        """
        if isinstance(hours, bool) or not isinstance(hours, int | Decimal):
            raise TypeError(f"工时须为 int 或 Decimal，实为 {type(hours).__name__}")
        value = Decimal(hours)
        if not value.is_finite():
            raise ValueError(f"工时不是有效数字：{hours}")
        micro = (value * 3_600_000_000).to_integral_value(rounding=ROUND_HALF_UP)
        return self.add_working_time(start, timedelta(microseconds=int(micro)))

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """``days`` working days after ``start``.

        Defined as ``add_working_time(start, days × day_length)`` so that days and hours share
        one rule: from a start inside working time this is the same time of day on the N-th
        following working day. Because a landing on a period end is returned as that end, a start
        exactly at opening time gives closing time one working day earlier (Mon 09:00 + 1 day =
        Mon 18:00, the same working instant as Tue 09:00). A start outside working time counts
        from the next period start (Fri 20:00 + 1 day = Mon 18:00).
        """
        if isinstance(days, bool) or not isinstance(days, int):
            raise TypeError(f"工作日数须为整数，实为 {type(days).__name__}")
        if days < 0:
            raise ValueError(f"工作日数不能为负数：{days}")
        return self.add_working_time(start, self._day_length * days)

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Working time in [a, b]; negative (minus the forward amount) when b is before a."""
        local_a, local_b = self._local(a), self._local(b)
        if b < a:
            return -self.working_time_between(b, a)
        total = _ZERO
        day = local_a.date()
        last = local_b.date()
        midnight = datetime.combine(day, _MIDNIGHT)
        while day <= last:
            if self.is_working_day(day):
                if local_a <= midnight and midnight + _DAY <= local_b:
                    total += self._day_length
                else:
                    for lo, hi in self._spans:
                        begin = max(local_a, midnight + lo)
                        end = min(local_b, midnight + hi)
                        if end > begin:
                            total += end - begin
            day += _DAY
            midnight += _DAY
        return total
