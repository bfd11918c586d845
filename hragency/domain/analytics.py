"""Pure calculations of the dashboards (R-RPT-3): rates and averages as exact decimals, date
buckets, the cleaning of segmented request text into topic terms, and the rising topics.

No Django import; the database does the counting (GROUP BY), this module shapes the figures.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "TOPIC_STOP_WORDS",
    "Rising",
    "average",
    "bucket_of",
    "buckets",
    "months_back",
    "rate_pct",
    "rising_terms",
    "topic_terms",
]

# Words frequent in any request that say nothing about its topic (the knowledge base's stop
# words — question words and particles — are removed by its segmentation already).
TOPIC_STOP_WORDS = frozenset(
    [
        "您好",
        "你好",
        "谢谢",
        "感谢",
        "麻烦",
        "帮忙",
        "帮助",
        "尽快",
        "一下",
        "客户",
        "公司",
        "我司",
        "贵司",
        "单位",
        "员工",
        "人员",
        "同事",
        "咨询",
        "询问",
        "问下",
        "问问",
        "了解",
        "反馈",
        "处理",
        "办理",
        "情况",
        "事情",
        "相关",
        "具体",
        "目前",
        "现在",
        "已经",
        "今天",
        "明天",
        "本月",
        "上月",
        "下月",
        "这个月",
        "之前",
        "之后",
        "时候",
        "为何",
        "为什么",
        "原因",
        "是不是",
        "不是",
        "没有",
        "能够",
        "一直",
        "还是",
        "可能",
        "但是",
        "因为",
        "所以",
        "然后",
        "以及",
        "进行",
        "提供",
        "告知",
        "通知",
        "确认",
        "收到",
        "请问",
        "希望",
        "需要",
        "如何",
        "哪里",
    ]
)

_DIGITS = re.compile(r"^[\d.]+$")
_CJK = re.compile(r"[\u3400-\u9fff]")


def rate_pct(met: int, counted: int) -> Decimal | None:
    """Percentage met of counted, one decimal place, half up; None when nothing was counted."""
    if counted <= 0:
        return None
    if met < 0 or met > counted:
        raise ValueError("met must be between 0 and counted")
    return (Decimal(met) * 100 / Decimal(counted)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def average(total: int, count: int) -> Decimal | None:
    """total / count to two decimal places, half up; None when count is 0."""
    if count <= 0:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def bucket_of(day: dt.date, granularity: str) -> dt.date:
    """The bucket a day falls in: the day itself, the Monday of its ISO week, or the first of
    its month."""
    if granularity == "day":
        return day
    if granularity == "week":
        return day - dt.timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    raise ValueError(f"unknown granularity {granularity!r}")


def buckets(start: dt.date, end: dt.date, granularity: str) -> list[dt.date]:
    """Every bucket from the one holding `start` to the one holding `end`, in order (so a chart
    shows empty days as zero instead of skipping them)."""
    if end < start:
        return []
    out: list[dt.date] = []
    current = bucket_of(start, granularity)
    last = bucket_of(end, granularity)
    while current <= last:
        out.append(current)
        if granularity == "day":
            current += dt.timedelta(days=1)
        elif granularity == "week":
            current += dt.timedelta(days=7)
        else:
            year, month = divmod(current.month, 12)
            current = dt.date(current.year + year, month + 1, 1)
    return out


def months_back(month: dt.date, count: int) -> list[dt.date]:
    """The first days of the `count` months ending with `month`'s, oldest first."""
    first = month.replace(day=1)
    out = []
    year, mon = first.year, first.month
    for _ in range(count):
        out.append(dt.date(year, mon, 1))
        mon -= 1
        if mon == 0:
            year, mon = year - 1, 12
    return out[::-1]


def topic_terms(tokens: Iterable[str], stop: frozenset[str] = TOPIC_STOP_WORDS) -> list[str]:
    """The distinct topic terms of one request, in first-seen order: Chinese words of at least
    two characters (or latin words of at least three) that are not stop words or numbers. A
    request counts once per term however often it repeats it."""
    seen: dict[str, None] = {}
    for raw in tokens:
        token = raw.strip().lower()
        if not token or token in stop or _DIGITS.match(token):
            continue
        if _CJK.search(token):
            if len(token) < 2:
                continue
        elif len(token) < 3:
            continue
        seen.setdefault(token[:40], None)
    return list(seen)


@dataclass(frozen=True)
class Rising:
    term: str
    current: int
    previous: int

    @property
    def change(self) -> int:
        return self.current - self.previous


def rising_terms(
    current: Mapping[str, int], previous: Mapping[str, int], *, limit: int = 10, minimum: int = 2
) -> list[Rising]:
    """Terms asked about more this week than last, by the increase (then this week's count,
    then the term), those with fewer than `minimum` requests this week left out."""
    rows = [
        Rising(term, count, previous.get(term, 0))
        for term, count in current.items()
        if count >= minimum and count > previous.get(term, 0)
    ]
    rows.sort(key=lambda r: (-r.change, -r.current, r.term))
    return rows[:limit]
