"""Shared helpers of the workforce tests: CSV files, history, templates, hotline agents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hragency.accounts.roles import Role
from hragency.accounts.services import create_user
from hragency.workforce.models import ContactVolume, ShiftTemplate
from hragency.workforce.targets import local_midnight
from tests.conftest import PASSWORD, Cast

HEADER = "渠道,时段开始,时长(分钟),呼入量,接通量,放弃量,达标接通量,平均处理时长(秒)"
MONDAY = dt.date(2026, 12, 7)


def csv(rows: list[str], encoding: str = "utf-8") -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode(encoding)


def flat_history(channel: str, weeks: int, per_slot: int, before: dt.date = MONDAY) -> None:
    """``per_slot`` contacts in every 30-minute slot of ``weeks`` weeks before ``before``."""
    rows = []
    start = before - dt.timedelta(days=7 * weeks)
    for d in range(7 * weeks):
        midnight = local_midnight(start + dt.timedelta(days=d))
        for slot in range(48):
            rows.append(
                ContactVolume(
                    channel=channel,
                    interval_start=midnight + dt.timedelta(minutes=30 * slot),
                    interval_minutes=30,
                    offered=per_slot,
                    answered=per_slot,
                    answered_in_target=per_slot,
                    aht_seconds=180 if per_slot else 0,
                )
            )
    ContactVolume.objects.bulk_create(rows)


def three_shifts() -> list[ShiftTemplate]:
    return [
        ShiftTemplate.objects.create(name="早班", start_time=dt.time(0), length_minutes=480),
        ShiftTemplate.objects.create(name="中班", start_time=dt.time(8), length_minutes=480),
        ShiftTemplate.objects.create(name="夜班", start_time=dt.time(16), length_minutes=480),
    ]


def hotline(cast: Cast, count: int) -> list[Any]:
    return [
        create_user(
            username=f"hl{n:02d}",
            password=PASSWORD,
            display_name=f"热线员{n:02d}",
            roles=[Role.CS_REP],
            department=cast.department,
        )
        for n in range(1, count + 1)
    ]
