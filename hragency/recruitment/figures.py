"""Pure figures of a recruitment evaluation (no Django import; exact Decimal arithmetic).

- time to fill: calendar days from the request to the day the last hire was confirmed;
- cost per hire: the channels' total cost ÷ hires, to the fen, half-up (``RoundingRule.FEN``);
- a rate (probation pass rate, on-time rate): a percentage to one decimal place, half-up;
- an average (satisfaction 1–5): to two decimal places, half-up.
``None`` means "nothing to measure yet" (no hires, no results), never zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from hragency.domain.money import RoundingRule, apply_rounding

ONE_PLACE = Decimal("0.1")
TWO_PLACES = Decimal("0.01")


def time_to_fill(requested: dt.date, filled: dt.date) -> int:
    """Days from the request to the filling (0 when filled the same day)."""
    if filled < requested:
        raise ValueError("完成日期早于提出日期")
    return (filled - requested).days


def cost_per_hire(costs: Iterable[Decimal], hires: int) -> Decimal | None:
    if hires < 0:
        raise ValueError("录用人数不能为负")
    total = sum(costs, Decimal(0))
    if not isinstance(total, Decimal):
        raise TypeError("费用必须为 Decimal")
    if hires == 0:
        return None
    return apply_rounding(total / Decimal(hires), RoundingRule.FEN)


def rate(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` as a percentage, e.g. 2 of 3 → 66.7."""
    if part < 0 or whole < 0 or part > whole:
        raise ValueError("比例的分子分母无效")
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def average(values: Iterable[int]) -> Decimal | None:
    items = list(values)
    if not items:
        return None
    return (Decimal(sum(items)) / Decimal(len(items))).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def mean_days(values: Iterable[int]) -> Decimal | None:
    """Average days, to one decimal place."""
    items = list(values)
    if not items:
        return None
    return (Decimal(sum(items)) / Decimal(len(items))).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)
