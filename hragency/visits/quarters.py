"""Quarters as text ("2026Q4"): parsing, bounds, the previous one. Pure Python."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from hragency.core.errors import ServiceError

_PATTERN = re.compile(r"^\s*(\d{4})\s*[Qq季]?\s*([1-4])\s*$")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def label(self) -> str:
        return f"{self.year}年第{'一二三四'[self.number - 1]}季度"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> dt.date:
        if self.number == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.number + 1, 1) - dt.timedelta(days=1)

    def previous(self) -> Quarter:
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)


def parse_quarter(text: str) -> Quarter:
    """ "2026Q4", "2026q4", "2026-4" → Quarter; ``ServiceError`` (a 400) otherwise."""
    match = _PATTERN.match((text or "").replace("-", ""))
    if match is None or not 2000 <= int(match.group(1)) <= 2100:
        raise ServiceError(f"季度格式应为「2026Q4」：{text}")
    return Quarter(int(match.group(1)), int(match.group(2)))
