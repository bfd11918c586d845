"""Working-time tests.

The 2026 expectations were checked by hand against the State Council General Office notice on
the 2026 holidays (国办发明电〔2025〕7号, issued 2025-11-04, as carried by Xinhua):
  元旦 1/1 (Thu)–1/3 off, 1/4 (Sun) work; 春节 2/15 (Sun)–2/23 (Mon) off, 2/14 (Sat) and
  2/28 (Sat) work; 清明 4/4–4/6 off; 劳动节 5/1–5/5 off, 5/9 (Sat) work; 端午 6/19–6/21 off;
  中秋 9/25–9/27 off; 国庆 10/1 (Thu)–10/7 (Wed) off, 9/20 (Sun) and 10/10 (Sat) work.
chinesecalendar 1.11.0 agrees with that notice day for day (see the first test); its 2026 data
lists festival days falling on weekends (e.g. 1/3 Sat, 2/15 Sun) as holidays too, which changes
nothing for weekday arithmetic. Its data ends with 2026, so 2027 exercises the fallback.
"""

import time as clock
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hragency.domain.worktime import (
    SHANGHAI,
    BusinessHours,
    CalendarData,
    WorkCalendar,
    chinese_calendar_data,
)

H = timedelta(hours=1)


def sh(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def _days(first: date, last: date) -> set[date]:
    return {first + timedelta(days=i) for i in range((last - first).days + 1)}


def _up_to_2026(data: CalendarData) -> CalendarData:
    # Pins the "no data for 2027" case even if a future chinesecalendar release ships 2027.
    return CalendarData(
        holidays=frozenset(d for d in data.holidays if d.year <= 2026),
        workdays=frozenset(d for d in data.workdays if d.year <= 2026),
        covered_years=frozenset(y for y in data.covered_years if y <= 2026),
    )


PACKAGE = _up_to_2026(chinese_calendar_data())
OFFICE = WorkCalendar(PACKAGE, BusinessHours.office())
LUNCH = WorkCalendar(PACKAGE, BusinessHours(((time(9), time(12)), (time(13), time(18)))))
HOTLINE = WorkCalendar.hotline()
HOLIDAYS_2027 = CalendarData(
    holidays=frozenset(_days(date(2027, 10, 1), date(2027, 10, 7))),
    workdays=frozenset(),
    covered_years=frozenset({2027}),
)


def test_it_matches_the_official_2026_schedule() -> None:
    data = chinese_calendar_data()
    assert 2026 in data.covered_years and min(data.covered_years) == 2004
    official_off = (
        _days(date(2026, 1, 1), date(2026, 1, 3))
        | _days(date(2026, 2, 15), date(2026, 2, 23))
        | _days(date(2026, 4, 4), date(2026, 4, 6))
        | _days(date(2026, 5, 1), date(2026, 5, 5))
        | _days(date(2026, 6, 19), date(2026, 6, 21))
        | _days(date(2026, 9, 25), date(2026, 9, 27))
        | _days(date(2026, 10, 1), date(2026, 10, 7))
    )
    official_work = {date(2026, m, d) for m, d in [(1, 4), (2, 14), (2, 28), (5, 9), (9, 20)]}
    official_work.add(date(2026, 10, 10))
    assert {d for d in data.holidays if d.year == 2026} == official_off
    assert {d for d in data.workdays if d.year == 2026} == official_work


def test_it_agrees_with_chinese_calendar_on_every_covered_day() -> None:
    for day in _days(date(2004, 1, 1), date(2026, 12, 31)):
        assert OFFICE.is_working_day(day) == chinese_calendar.is_workday(day), day


def test_it_carries_a_deadline_over_national_day_2026() -> None:
    # 1 h left on Wed 9/30, then 10/1–10/7 off; Thu 10/8 is the first working day.
    assert OFFICE.add_working_hours(sh(2026, 9, 30, 17), 2) == sh(2026, 10, 8, 10)
    assert OFFICE.next_working_day(date(2026, 9, 30)) == date(2026, 10, 8)
    assert OFFICE.working_time_between(sh(2026, 9, 30, 17), sh(2026, 10, 8, 10)) == 2 * H


def test_it_counts_the_saturday_after_national_day_as_working() -> None:
    assert OFFICE.is_working_day(date(2026, 10, 10))  # Saturday, adjusted workday
    assert not OFFICE.is_working_day(date(2026, 10, 11))  # Sunday
    assert OFFICE.is_working_day(date(2026, 9, 20))  # Sunday, adjusted workday
    assert OFFICE.add_working_hours(sh(2026, 10, 9, 17), 2) == sh(2026, 10, 10, 10)
    assert OFFICE.add_working_hours(sh(2026, 10, 10, 17), 2) == sh(2026, 10, 12, 10)
    assert OFFICE.next_working_day(date(2026, 10, 9)) == date(2026, 10, 10)


def test_it_crosses_spring_festival_2026() -> None:
    assert OFFICE.is_working_day(date(2026, 2, 14))  # Saturday before the holiday
    assert OFFICE.add_working_hours(sh(2026, 2, 13, 17), 2) == sh(2026, 2, 14, 10)
    assert OFFICE.add_working_hours(sh(2026, 2, 14, 17), 2) == sh(2026, 2, 24, 10)
    assert OFFICE.next_working_day(date(2026, 2, 14)) == date(2026, 2, 24)
    # Fri 2/13 + Sat 2/14 + Tue 2/24 = 3 full days.
    assert OFFICE.working_time_between(sh(2026, 2, 13, 9), sh(2026, 2, 24, 18)) == 27 * H
    # Sat 2/28 is an adjusted workday too.
    assert OFFICE.add_working_hours(sh(2026, 2, 27, 17), 2) == sh(2026, 2, 28, 10)


def test_it_falls_back_to_weekends_only_without_2027_data() -> None:
    assert OFFICE.missing_years(date(2026, 12, 1), date(2027, 1, 5)) == [2027]
    assert OFFICE.missing_years(date(2028, 1, 1), date(2026, 1, 1)) == [2027, 2028]
    assert OFFICE.missing_years(date(2026, 1, 1), date(2026, 12, 31)) == []
    assert OFFICE.is_working_day(date(2027, 10, 1))  # Friday; holiday unknown here
    assert not OFFICE.is_working_day(date(2027, 10, 2))  # Saturday
    assert OFFICE.add_working_hours(sh(2027, 9, 30, 17), 2) == sh(2027, 10, 1, 10)


def test_it_uses_2027_data_once_merged() -> None:
    calendar = WorkCalendar(PACKAGE.merged(HOLIDAYS_2027), BusinessHours.office())
    assert calendar.missing_years(date(2026, 12, 1), date(2027, 12, 31)) == []
    assert calendar.add_working_hours(sh(2027, 9, 30, 17), 2) == sh(2027, 10, 8, 10)


def test_it_lets_the_admin_table_override_the_package() -> None:
    admin = CalendarData(
        holidays=frozenset({date(2026, 10, 10)}),
        workdays=frozenset({date(2026, 10, 7)}),
        covered_years=frozenset({2026}),
    )
    merged = PACKAGE.merged(admin)
    assert date(2026, 10, 10) in merged.holidays and date(2026, 10, 10) not in merged.workdays
    assert date(2026, 10, 7) in merged.workdays and date(2026, 10, 7) not in merged.holidays
    assert date(2026, 10, 6) in merged.holidays
    calendar = WorkCalendar(merged, BusinessHours.office())
    assert calendar.add_working_hours(sh(2026, 9, 30, 17), 2) == sh(2026, 10, 7, 10)
    assert not calendar.is_working_day(date(2026, 10, 10))


def test_it_refuses_a_day_that_is_both_off_and_on() -> None:
    with pytest.raises(ValueError, match="2026-10-10"):
        CalendarData(
            frozenset({date(2026, 10, 10)}), frozenset({date(2026, 10, 10)}), frozenset({2026})
        )


def test_it_skips_the_lunch_break() -> None:
    # Mon 2026-03-02 is an ordinary working day.
    assert LUNCH.day_length == 8 * H
    assert LUNCH.add_working_hours(sh(2026, 3, 2, 11), 2) == sh(2026, 3, 2, 14)
    assert LUNCH.add_working_hours(sh(2026, 3, 2, 12, 30), 1) == sh(2026, 3, 2, 14)
    assert LUNCH.add_working_hours(sh(2026, 3, 2, 11), 1) == sh(2026, 3, 2, 12)  # period end
    assert LUNCH.working_time_between(sh(2026, 3, 2, 11), sh(2026, 3, 2, 14)) == 2 * H
    assert LUNCH.add_working_days(sh(2026, 3, 2, 10), 1) == sh(2026, 3, 3, 10)
    assert not LUNCH.is_working_time(sh(2026, 3, 2, 12, 30))
    assert LUNCH.is_working_time(sh(2026, 3, 2, 13))


def test_it_starts_counting_at_the_next_opening() -> None:
    assert OFFICE.add_working_hours(sh(2026, 3, 2, 22), 1) == sh(2026, 3, 3, 10)  # Mon night
    assert OFFICE.add_working_hours(sh(2026, 3, 3, 3), 1) == sh(2026, 3, 3, 10)  # small hours
    assert OFFICE.add_working_hours(sh(2026, 3, 7, 14), 1) == sh(2026, 3, 9, 10)  # Saturday
    assert OFFICE.add_working_hours(sh(2026, 3, 2, 8), Decimal("1.5")) == sh(2026, 3, 2, 10, 30)


def test_it_returns_the_period_end_when_the_amount_lands_on_it() -> None:
    assert OFFICE.add_working_hours(sh(2026, 3, 2, 17), 1) == sh(2026, 3, 2, 18)
    assert OFFICE.add_working_hours(sh(2026, 3, 2, 9), 9) == sh(2026, 3, 2, 18)
    # Documented consequence for days: opening time + 1 day = closing time the same day.
    assert OFFICE.add_working_days(sh(2026, 3, 2, 9), 1) == sh(2026, 3, 2, 18)
    assert OFFICE.add_working_days(sh(2026, 3, 6, 20), 1) == sh(2026, 3, 9, 18)


def test_it_handles_a_zero_amount() -> None:
    assert OFFICE.add_working_time(sh(2026, 3, 2, 10, 30), timedelta(0)) == sh(2026, 3, 2, 10, 30)
    assert OFFICE.add_working_time(sh(2026, 3, 2, 18), timedelta(0)) == sh(2026, 3, 3, 9)
    assert OFFICE.add_working_time(sh(2026, 3, 7, 10), timedelta(0)) == sh(2026, 3, 9, 9)
    assert LUNCH.add_working_time(sh(2026, 3, 2, 12, 30), timedelta(0)) == sh(2026, 3, 2, 13)
    assert OFFICE.add_working_days(sh(2026, 3, 2, 10), 0) == sh(2026, 3, 2, 10)


def test_it_adds_working_days() -> None:
    # Materials hand-over in 3 working days from Tue 9/29 15:00: 9/30, 10/8, 10/9.
    assert OFFICE.add_working_days(sh(2026, 9, 29, 15), 3) == sh(2026, 10, 9, 15)
    assert OFFICE.add_working_days(sh(2026, 9, 30, 10), 1) == sh(2026, 10, 8, 10)


def test_it_rejects_naive_and_negative_input() -> None:
    naive = datetime(2026, 3, 2, 10)
    with pytest.raises(ValueError, match="时区"):
        OFFICE.add_working_time(naive, H)
    with pytest.raises(ValueError):
        OFFICE.working_time_between(naive, sh(2026, 3, 2, 12))
    with pytest.raises(ValueError):
        OFFICE.is_working_time(naive)
    with pytest.raises(ValueError):
        OFFICE.add_working_time(sh(2026, 3, 2, 10), -H)
    with pytest.raises(ValueError):
        OFFICE.add_working_days(sh(2026, 3, 2, 10), -1)
    with pytest.raises(TypeError):
        OFFICE.add_working_hours(sh(2026, 3, 2, 10), 1.5)  # type: ignore[arg-type]


def test_it_returns_negative_time_between_when_reversed() -> None:
    a, b = sh(2026, 3, 2, 17), sh(2026, 3, 3, 10)
    assert OFFICE.working_time_between(a, b) == 2 * H
    assert OFFICE.working_time_between(b, a) == -2 * H
    assert OFFICE.working_time_between(a, a) == timedelta(0)


def test_it_expresses_results_in_the_calendar_zone() -> None:
    start = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    result = OFFICE.add_working_hours(start, 1)
    assert result == sh(2026, 3, 2, 10)
    assert result.tzinfo is SHANGHAI and result.hour == 10


def test_it_runs_the_hotline_every_hour_of_every_day() -> None:
    assert HOTLINE.day_length == 24 * H
    assert BusinessHours.round_the_clock().day_length == 24 * H
    assert HOTLINE.is_working_day(date(2026, 10, 1)) and HOTLINE.is_working_day(date(2026, 3, 7))
    assert HOTLINE.missing_years(date(2020, 1, 1), date(2030, 1, 1)) == []
    assert HOTLINE.add_working_hours(sh(2026, 10, 1, 23), 2) == sh(2026, 10, 2, 1)
    assert HOTLINE.add_working_hours(sh(2026, 10, 1), 24) == sh(2026, 10, 2)
    assert HOTLINE.working_time_between(sh(2026, 10, 1), sh(2026, 10, 8)) == timedelta(days=7)
    assert HOTLINE.add_working_days(sh(2026, 2, 15, 8, 30), 3) == sh(2026, 2, 18, 8, 30)
    assert HOTLINE.add_working_time(sh(2026, 2, 15, 3), timedelta(0)) == sh(2026, 2, 15, 3)


def test_it_parses_office_hours() -> None:
    assert BusinessHours.office("08:30", "17:30").periods == ((time(8, 30), time(17, 30)),)
    assert BusinessHours.office("8:30", "17:30").day_length == 9 * H
    assert BusinessHours.office("00:00", "24:00") == BusinessHours.round_the_clock()
    for start, end in [("9", "18:00"), ("09:00", "25:00"), ("18:00", "09:00"), ("24:00", "24:00")]:
        with pytest.raises(ValueError):
            BusinessHours.office(start, end)
    with pytest.raises(ValueError):
        BusinessHours(())
    with pytest.raises(ValueError):
        BusinessHours(((time(9), time(13)), (time(12), time(18))))


def test_it_skips_whole_days_quickly() -> None:
    start = sh(2026, 1, 5, 9)
    began = clock.perf_counter()
    end = OFFICE.add_working_hours(start, 2000)
    between = OFFICE.working_time_between(start, end)
    elapsed = clock.perf_counter() - began
    assert between == 2000 * H
    # ~330 calendar days each way; a few microseconds per day is plenty.
    assert elapsed < 0.05
    decade = OFFICE.working_time_between(sh(2020, 1, 1), sh(2030, 1, 1))
    assert decade > 20000 * H


# --- properties ---------------------------------------------------------------------------

calendars = st.sampled_from([OFFICE, LUNCH, HOTLINE])
starts = st.datetimes(
    min_value=datetime(2025, 6, 1),
    max_value=datetime(2027, 6, 30),
    timezones=st.sampled_from([SHANGHAI, UTC]),
)
amounts = st.integers(0, 500 * 60).map(lambda m: timedelta(minutes=m))


def _at_period_end(calendar: WorkCalendar, moment: datetime) -> bool:
    local = moment.astimezone(calendar.tz).replace(tzinfo=None)
    for day in (local.date(), local.date() - timedelta(days=1)):
        if calendar.is_working_day(day):
            midnight = datetime.combine(day, time(0))
            if any(midnight + hi == local for _, hi in calendar.hours.spans):
                return True
    return False


@settings(max_examples=300)
@given(calendar=calendars, start=starts, amount=amounts)
def test_it_measures_back_what_it_adds(
    calendar: WorkCalendar, start: datetime, amount: timedelta
) -> None:
    end = calendar.add_working_time(start, amount)
    moved = calendar.add_working_time(start, timedelta(0))
    assert calendar.is_working_time(moved)
    assert calendar.working_time_between(moved, end) == amount
    assert calendar.working_time_between(start, end) == amount
    assert calendar.working_time_between(end, start) == -amount
    assert calendar.is_working_time(end) or _at_period_end(calendar, end)


@given(calendar=calendars, start=starts, a=amounts, b=amounts)
def test_it_is_monotonic_in_the_amount(
    calendar: WorkCalendar, start: datetime, a: timedelta, b: timedelta
) -> None:
    small, large = sorted((a, b))
    assert calendar.add_working_time(start, small) <= calendar.add_working_time(start, large)


@given(calendar=calendars, start=starts, a=amounts, b=amounts.filter(bool))
def test_it_adds_in_steps_like_in_one_go(
    calendar: WorkCalendar, start: datetime, a: timedelta, b: timedelta
) -> None:
    step = calendar.add_working_time(calendar.add_working_time(start, a), b)
    assert step == calendar.add_working_time(start, a + b)


@given(calendar=calendars, x=starts, y=starts, z=starts)
def test_it_adds_up_time_between(
    calendar: WorkCalendar, x: datetime, y: datetime, z: datetime
) -> None:
    between = calendar.working_time_between
    assert between(x, z) == between(x, y) + between(y, z)
