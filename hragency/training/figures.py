"""Pure figures of a training programme (no Django import; exact Decimal arithmetic).

- attendance rate: attended ÷ enrolments whose attendance was taken, as a percentage to one
  decimal place, half-up;
- average satisfaction (1–5): to two decimal places, half-up;
- pass rate: scores ≥ the pass mark ÷ scores recorded, to one decimal place.
``None`` means nothing to measure yet, never zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ONE_PLACE = Decimal("0.1")
TWO_PLACES = Decimal("0.01")


def rate(part: int, whole: int) -> Decimal | None:
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


@dataclass(frozen=True)
class Row:
    attended: bool | None  # None: attendance not taken yet
    satisfaction: int | None
    score: int | None


@dataclass(frozen=True)
class Summary:
    enrolled: int
    marked: int
    attended: int
    attendance_rate: Decimal | None
    rated: int
    average_satisfaction: Decimal | None
    scored: int
    passed: int
    pass_rate: Decimal | None


def summarise(rows: Iterable[Row], *, pass_score: int) -> Summary:
    items = list(rows)
    marked = [r for r in items if r.attended is not None]
    attended = [r for r in marked if r.attended]
    ratings = [r.satisfaction for r in attended if r.satisfaction is not None]
    scores = [r.score for r in attended if r.score is not None]
    passed = sum(1 for s in scores if s >= pass_score)
    return Summary(
        enrolled=len(items),
        marked=len(marked),
        attended=len(attended),
        attendance_rate=rate(len(attended), len(marked)),
        rated=len(ratings),
        average_satisfaction=average(ratings),
        scored=len(scores),
        passed=passed,
        pass_rate=rate(passed, len(scores)),
    )
