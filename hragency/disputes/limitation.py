"""The arbitration limitation period (pure Python, no Django import; mypy --strict clean).

《劳动争议调解仲裁法》第二十七条: the period is one year, counted from the day the party knew or
ought to have known that their rights were infringed. While the employment lasts, a claim for
unpaid wages (拖欠劳动报酬) is not limited; once it has ended, the year runs from the end of
the employment.

Counting follows 《民法典》第二百零一条至第二百零三条: the starting day is not counted; a period
in years ends on the corresponding day of the last year (the last day of the month when that
day does not exist, i.e. 29 February → 28 February); a last day that falls on a rest day or
public holiday moves to the first working day after it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

LIMITATION_YEARS = 1


def add_years(day: dt.date, years: int) -> dt.date:
    """The corresponding day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def limitation_ends(
    known_on: dt.date,
    *,
    is_working_day: Callable[[dt.date], bool] | None = None,
    unpaid_wages_during_employment: bool = False,
    employment_ended_on: dt.date | None = None,
) -> dt.date | None:
    """The last day on which arbitration may be applied for, or ``None`` when no limitation
    runs (unpaid wages while the employment lasts)."""
    start = known_on
    if unpaid_wages_during_employment:
        if employment_ended_on is None:
            return None
        start = employment_ended_on
    last = add_years(start, LIMITATION_YEARS)
    if is_working_day is not None:
        while not is_working_day(last):
            last += dt.timedelta(days=1)
    return last


def previous_working_day(day: dt.date, is_working_day: Callable[[dt.date], bool]) -> dt.date:
    """The last working day strictly before ``day`` (a hearing's preparation day)."""
    prev = day - dt.timedelta(days=1)
    while not is_working_day(prev):
        prev -= dt.timedelta(days=1)
    return prev
