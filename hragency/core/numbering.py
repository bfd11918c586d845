"""Human-readable numbers: PREFIX + YYYYMMDD + sequence, e.g. GD202611220001.

The counter row is created with INSERT … ON CONFLICT DO NOTHING and advanced with a single
UPDATE … RETURNING, so concurrent callers on PostgreSQL queue on the row lock and never get the
same number; on SQLite the IMMEDIATE transaction mode serialises writers the same way.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from hragency.core.models import NumberSequence

PREFIXES = {
    "GD": "工单",
    "ZY": "增减员单",
    "FY": "费用明细表",
    "FP": "发票",
    "KH": "客户",
    "HT": "服务协议",
    "BJ": "补缴",
    "TF": "退费",
    "YC": "异常事件",
    "GZ": "工资表",
    "PB": "排班计划",
    "JJ": "交接班记录",
    "LP": "出险理赔",
    "ZP": "招聘需求",
    "PX": "培训项目",
    "LD": "劳动争议案件",
    "DA": "档案卷宗",
    "JY": "档案借阅单",
    "XH": "档案销毁清册",
}


def next_number(prefix: str, *, on: dt.date | None = None, width: int = 4) -> str:
    if not prefix.isalnum() or not prefix.isupper():
        raise ValueError(f"编号前缀必须为大写字母或数字：{prefix!r}")
    day = on or timezone.localdate()
    table = NumberSequence._meta.db_table
    with transaction.atomic():
        NumberSequence.objects.bulk_create(
            [NumberSequence(prefix=prefix, day=day, last=0)], ignore_conflicts=True
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET last = last + 1 WHERE prefix = %s AND day = %s RETURNING last",
                [prefix, day],
            )
            (value,) = cursor.fetchone()
    return f"{prefix}{day:%Y%m%d}{value:0{width}d}"


def reserve_numbers(
    prefix: str, count: int, *, on: dt.date | None = None, width: int = 4
) -> list[str]:
    """``count`` consecutive numbers in one step (bulk imports): the counter is advanced by
    ``count`` with one UPDATE … RETURNING, so concurrent callers get disjoint blocks."""
    if count < 1:
        return []
    if not prefix.isalnum() or not prefix.isupper():
        raise ValueError(f"编号前缀必须为大写字母或数字：{prefix!r}")
    day = on or timezone.localdate()
    table = NumberSequence._meta.db_table
    with transaction.atomic():
        NumberSequence.objects.bulk_create(
            [NumberSequence(prefix=prefix, day=day, last=0)], ignore_conflicts=True
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET last = last + %s WHERE prefix = %s AND day = %s "
                "RETURNING last",
                [count, prefix, day],
            )
            (last,) = cursor.fetchone()
    return [f"{prefix}{day:%Y%m%d}{value:0{width}d}" for value in range(last - count + 1, last + 1)]
