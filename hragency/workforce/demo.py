"""Demo data for the hotline workforce: a 50-strong hotline team (rep_a, rep_b and 48 热线员;
seed 001 budgets 30 for a city's 12345 line, but 24 × 7 on phone and chat at 95 % within
15/30 s with 30 % shrinkage needs about 50 at these volumes), 8 weeks of phone and chat
volumes per 30 minutes with a daily and weekly pattern, the standard shift templates, a
published plan for the current week (its unfilled shifts raise 排班人数不足 warnings), a
morning surge today and one hand-over waiting for rep_b's confirmation."""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any

from django.utils import timezone

from hragency.accounts.models import Department
from hragency.accounts.roles import Role
from hragency.accounts.services import create_user
from hragency.workforce.alerts import check_surges
from hragency.workforce.models import Channel, ContactVolume, ShiftTemplate
from hragency.workforce.planning import build_shift_plan, publish_plan
from hragency.workforce.services import create_handover, save_template
from hragency.workforce.targets import PLAN_INTERVAL, SLOTS_PER_DAY, local_midnight

PASSWORD = "Demo@2026"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = "欣怡子涵梓萱浩然宇轩雨桐思远佳怡俊杰嘉豪晨曦一诺安琪文博"
TEMPLATES = [
    ("早班", "07:00", 540, 60),
    ("白班", "09:00", 540, 60),
    ("中班", "12:00", 540, 60),
    ("晚班", "15:00", 540, 60),
    ("夜班", "23:00", 480, 0),
]
WEEKDAY = [1.25, 1.15, 1.05, 1.0, 0.95, 0.55, 0.45]
PEAKS = {Channel.PHONE: 8.0, Channel.CHAT: 5.0}


def shape(slot: int) -> float:
    """Contacts by time of day: a morning and an afternoon peak, a quiet night."""
    hour = slot * PLAN_INTERVAL / 60
    morning = math.exp(-(((hour - 10) / 1.6) ** 2))
    afternoon = 0.85 * math.exp(-(((hour - 15) / 1.8) ** 2))
    evening = 0.3 * math.exp(-(((hour - 20) / 1.5) ** 2))
    return 0.06 + morning + afternoon + evening


def _volumes(today: dt.date, rng: random.Random) -> list[ContactVolume]:
    rows = []
    start = today - dt.timedelta(days=56)
    for offset in range(56):
        day = start + dt.timedelta(days=offset)
        midnight = local_midnight(day)
        for channel, peak in PEAKS.items():
            aht = 240 if channel == Channel.PHONE else 360
            for slot in range(SLOTS_PER_DAY):
                mean = peak * WEEKDAY[day.weekday()] * shape(slot) * (1 + offset / 400)
                offered = max(0, round(rng.gauss(mean, math.sqrt(mean) + 0.3)))
                abandoned = min(offered, round(offered * rng.uniform(0, 0.06)))
                answered = offered - abandoned
                rows.append(
                    ContactVolume(
                        channel=channel,
                        interval_start=midnight + dt.timedelta(minutes=slot * PLAN_INTERVAL),
                        interval_minutes=PLAN_INTERVAL,
                        offered=offered,
                        answered=answered,
                        abandoned=abandoned,
                        answered_in_target=round(answered * rng.uniform(0.88, 0.99)),
                        aht_seconds=round(rng.gauss(aht, 20)) if answered else 0,
                    )
                )
    return rows


def seed_demo(
    *, clients: list[Any], users: dict[str, Any], rng: random.Random, today: dt.date
) -> None:
    admin = users.get("supervisor") or users["admin"]
    team = Department.objects.create(name="12345 热线组", head=users.get("supervisor"))
    used: set[str] = set()
    for n in range(1, 49):
        while True:
            name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2))
            if name not in used:
                used.add(name)
                break
        create_user(
            username=f"hotline{n:02d}",
            password=PASSWORD,
            display_name=name,
            roles=[Role.CS_REP],
            department=team,
        )
    for name, start, length, rest in TEMPLATES:
        if not ShiftTemplate.objects.filter(name=name).exists():
            save_template(
                actor=admin, name=name, start_time=start, length_minutes=length, break_minutes=rest
            )
    ContactVolume.objects.bulk_create(_volumes(today, rng), batch_size=2000)
    monday = today - dt.timedelta(days=today.weekday())
    plan = build_shift_plan(actor=admin, week_start=monday)
    publish_plan(actor=admin, plan=plan)
    # This morning the phones ring half as much again as forecast: a surge warning.
    midnight = local_midnight(today)
    now = timezone.localtime()
    surge = ContactVolume.objects.filter(
        channel=Channel.PHONE,
        interval_start__gte=midnight + dt.timedelta(hours=9),
        interval_start__lt=midnight + dt.timedelta(hours=11),
    )
    if not surge.exists() and now.date() == today:
        for slot in range(18, 22):
            ContactVolume.objects.create(
                channel=Channel.PHONE,
                interval_start=midnight + dt.timedelta(minutes=slot * PLAN_INTERVAL),
                interval_minutes=PLAN_INTERVAL,
                offered=round(PEAKS[Channel.PHONE] * 1.9 * WEEKDAY[today.weekday()]),
                answered=round(PEAKS[Channel.PHONE] * 1.7 * WEEKDAY[today.weekday()]),
                abandoned=round(PEAKS[Channel.PHONE] * 0.2 * WEEKDAY[today.weekday()]),
                answered_in_target=round(PEAKS[Channel.PHONE] * 1.3 * WEEKDAY[today.weekday()]),
                aht_seconds=262,
            )
        check_surges(actor=admin, start=midnight, end=midnight + dt.timedelta(days=1))
    templates = {t.name: t for t in ShiftTemplate.objects.all()}
    create_handover(
        actor=users["rep_a"],
        from_template=templates["早班"],
        to_template=templates["中班"],
        incoming=users["rep_b"],
        shift_date=today,
        pending_callbacks=2,
        callback_notes="星辰科技 HR 询问社保基数调整，约 16:00 回电；一位员工询问生育津贴进度。",
        notes="12345 工单系统 14:00–14:30 维护，期间来电先登记纸质记录。",
    )
