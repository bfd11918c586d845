"""Weekly shift plans (排班): requirements → template counts (HiGHS) → named agents → publish.

``build_shift_plan`` makes (or rebuilds) the draft plan of a week: it makes sure every covered
channel has requirements for the 7 days, adds the channels' scheduled agents per 30-minute slot,
lets ``domain.shifts.optimise`` choose how many agents start each active template on each day
at the fewest paid hours, and gives the shifts to the hotline agents (active holders of the 客服
专员 role) fairly, at most 5 a week and 11 hours' rest between shifts, counting last week's
published shifts. A published plan is final (build the next week instead).

``publish_plan`` tells every agent on the plan and checks the week for understaffed slots.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from hragency.accounts.queries import role_holders
from hragency.accounts.roles import Role
from hragency.core import audit
from hragency.core.errors import ServiceError
from hragency.core.notifications import notify
from hragency.core.numbering import next_number
from hragency.domain import shifts
from hragency.workforce.alerts import check_understaffed
from hragency.workforce.models import ShiftAssignment, ShiftPlan, ShiftTemplate
from hragency.workforce.staffing import (
    ensure_requirements,
    has_history,
    require_manager,
    requirements,
)
from hragency.workforce.targets import (
    MAX_SHIFTS_PER_WEEK,
    PLAN_INTERVAL,
    REST_HOURS,
    SLOTS_PER_DAY,
    ensure_default_targets,
    local_midnight,
)

PLAN_PREFIX = "PB"  # 排班


def domain_template(t: ShiftTemplate) -> shifts.Template:
    return shifts.Template(
        name=t.name,
        start_minute=t.start_time.hour * 60 + t.start_time.minute,
        length_minutes=t.length_minutes,
        break_minutes=t.break_minutes,
    )


def hotline_agents() -> list[Any]:
    return list(role_holders(Role.CS_REP).order_by("pk"))


def _last_shift_ends(agent_ids: list[int], before: dt.datetime) -> dict[int, dt.datetime]:
    return dict(
        ShiftAssignment.objects.filter(
            agent_id__in=agent_ids,
            plan__status=ShiftPlan.Status.PUBLISHED,
            ends_at__lte=before + dt.timedelta(hours=REST_HOURS),
            starts_at__lt=before,
        )
        .values_list("agent_id")
        .annotate(last=Max("ends_at"))
        .values_list("agent_id", "last")
    )


def required_per_slot(channels: list[str], week_start: dt.date) -> list[int]:
    rows = requirements(channels, week_start, 7)
    midnight = local_midnight(week_start)
    needed = [0] * (7 * SLOTS_PER_DAY)
    for r in rows:
        index = int((r.interval_start - midnight).total_seconds() // (PLAN_INTERVAL * 60))
        if 0 <= index < len(needed):
            needed[index] += r.scheduled
    return needed


@transaction.atomic
def build_shift_plan(
    *, actor: Any, week_start: Any, channels: list[str] | None = None
) -> ShiftPlan:
    require_manager(actor)
    if not isinstance(week_start, dt.date):
        raise ServiceError("请填写排班周的周一日期")
    if week_start.weekday() != 0:
        raise ServiceError(f"{week_start:%Y-%m-%d} 不是周一，排班按周（周一至周日）编排")
    plan = ShiftPlan.objects.select_for_update().filter(week_start=week_start).first()
    if plan is not None and plan.status == ShiftPlan.Status.PUBLISHED:
        raise ServiceError(f"{week_start:%Y-%m-%d} 这一周的排班已发布，不能重排")
    targets = ensure_default_targets()
    if channels:
        channels = [c for c in channels if c in targets]
    else:  # every channel with a target and some history to forecast from
        channels = [c for c in targets if has_history(c, week_start)]
    if not channels:
        raise ServiceError("没有可排班的渠道（请先设置服务水平目标并导入话务量）")
    templates = list(ShiftTemplate.objects.filter(active=True).order_by("start_time", "name"))
    if not templates:
        raise ServiceError("没有启用的班次模板，请先新建班次")
    ensure_requirements(actor=actor, channels=channels, start=week_start, days=7)
    needed = required_per_slot(channels, week_start)
    specs = [domain_template(t) for t in templates]
    try:
        solved = shifts.optimise(needed, specs, interval=PLAN_INTERVAL)
    except shifts.ShiftError as exc:
        raise ServiceError(str(exc)) from exc
    midnight = local_midnight(week_start)
    people = hotline_agents()
    last = _last_shift_ends([p.pk for p in people], midnight)
    agents = [
        shifts.Agent(
            id=p.pk,
            max_shifts=MAX_SHIFTS_PER_WEEK,
            last_end=(int((last[p.pk] - midnight).total_seconds() // 60) if p.pk in last else None),
        )
        for p in people
    ]
    assigned = shifts.assign(
        shifts.slots_of(solved.counts, specs), agents, rest_minutes=REST_HOURS * 60
    )
    before = audit.snapshot(plan) if plan is not None else None
    if plan is None:
        plan = ShiftPlan(number=next_number(PLAN_PREFIX), week_start=week_start, created_by=actor)
    else:
        plan.assignments.all().delete()
        plan.created_by = actor if getattr(actor, "is_authenticated", False) else plan.created_by
    rows = []
    for a in assigned:
        template = templates[a.slot.template]
        spec = specs[a.slot.template]
        starts = midnight + dt.timedelta(minutes=a.slot.start)
        break_start = (
            starts + dt.timedelta(minutes=spec.break_offset(PLAN_INTERVAL))
            if spec.break_minutes
            else None
        )
        rows.append(
            ShiftAssignment(
                template=template,
                agent_id=a.agent_id,
                date=week_start + dt.timedelta(days=a.slot.day),
                starts_at=starts,
                ends_at=midnight + dt.timedelta(minutes=a.slot.end),
                break_starts_at=break_start,
                break_ends_at=(
                    break_start + dt.timedelta(minutes=spec.break_minutes) if break_start else None
                ),
                paid_minutes=spec.paid_minutes,
            )
        )
    filled: dict[tuple[int, int], int] = defaultdict(int)
    for a in assigned:
        if a.agent_id is not None:
            filled[(a.slot.day, a.slot.template)] += 1
    cover = shifts.coverage_of(dict(filled), specs, 7, PLAN_INTERVAL)
    plan.interval_minutes = PLAN_INTERVAL
    plan.channels = ",".join(channels)
    plan.paid_minutes = solved.paid_minutes
    plan.shifts = len(assigned)
    plan.unfilled = sum(1 for a in assigned if a.agent_id is None)
    plan.short_intervals = sum(1 for c, r in zip(cover, needed, strict=True) if c < r)
    plan.save()
    for row in rows:
        row.plan = plan
    ShiftAssignment.objects.bulk_create(rows, batch_size=500)
    audit.record(
        actor=actor,
        action="workforce.plan_build",
        instance=plan,
        before=before,
        after=audit.snapshot(plan),
    )
    return plan


@transaction.atomic
def publish_plan(*, actor: Any, plan: ShiftPlan) -> ShiftPlan:
    require_manager(actor)
    plan = ShiftPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != ShiftPlan.Status.DRAFT:
        raise ServiceError("该排班已发布")
    if not plan.assignments.exists():
        raise ServiceError("该排班没有任何班次")
    before = audit.snapshot(plan)
    plan.status = ShiftPlan.Status.PUBLISHED
    plan.published_at = timezone.now()
    plan.published_by = actor if getattr(actor, "is_authenticated", False) else None
    plan.save()
    audit.record(
        actor=actor,
        action="workforce.plan_publish",
        instance=plan,
        before=before,
        after=audit.snapshot(plan),
    )
    agent_ids = set(plan.assignments.filter(agent__isnull=False).values_list("agent_id", flat=True))
    agents = [p for p in hotline_agents() if p.pk in agent_ids]
    notify(
        recipients=agents,
        title=f"{plan.week_start:%m月%d日} 起一周的排班已发布",
        body="请在「我的班次」查看上班时间；如需调班请联系客服主管。",
        link=reverse("workforce:my_shifts"),
    )
    midnight = local_midnight(plan.week_start)
    check_understaffed(actor=actor, start=midnight, end=midnight + dt.timedelta(days=7))
    return plan


def roster(plan: ShiftPlan) -> dict[str, Any]:
    """The plan as a grid: one row per template, one cell per day with the agents' names."""
    days = [plan.week_start + dt.timedelta(days=i) for i in range(7)]
    cells: dict[tuple[int, dt.date], list[Any]] = defaultdict(list)
    templates: dict[int, ShiftTemplate] = {}
    for a in plan.assignments.select_related("agent", "template").order_by("starts_at", "pk"):
        templates[a.template_id] = a.template
        cells[(a.template_id, a.date)].append(a.agent)
    rows = [
        {"template": t, "cells": [cells.get((t.pk, d), []) for d in days]}
        for t in sorted(templates.values(), key=lambda t: (t.start_time, t.name))
    ]
    return {"days": days, "rows": rows}
