"""Internal training and the cadences of 003 §3.5: training at least every two weeks, an
assessment at least every month.

Both cadences are ``core`` deadlines owned by the agent's team head (the agent themself when
the team has no head), so the engine warns, escalates (supervisor → director) and records
on-time figures:

* ``agents.training`` — one open per on-job agent, due 14 days after the last training they
  attended (or their hire date) at the end of office hours; attending a training closes it
  (met / late) and opens the next one;
* ``agents.assessment`` — one per agent and month, opened from the 1st of the next month and
  due on the 10th; confirming the assessment closes it.

``plan_cadences`` (daily Huey task, ``hragency assess-agents --plan``) opens what is missing
and cancels those of agents who have left; it is set-based and idempotent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hragency.agents.common import MANAGE, parse_score, previous_month, require
from hragency.agents.models import (
    AgentProfile,
    MonthlyAssessment,
    TrainingAttendance,
    TrainingSession,
)
from hragency.core import audit
from hragency.core.deadlines import cancel_deadline, close_deadline, new_deadline, open_deadlines
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.models import Deadline
from hragency.core.values import InvalidValue, date, text

TRAINING_KIND = "agents.training"
ASSESSMENT_KIND = "agents.assessment"
TRAINING_DAYS = 14
ASSESSMENT_DUE_DAY = 10
SUBJECT = AgentProfile._meta.label_lower


def _end_of_day(day: dt.date) -> dt.datetime:
    hour, minute = (int(p) for p in settings.BUSINESS_HOURS_END.split(":"))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _owner_id(agent: AgentProfile) -> int:
    head = agent.team.head_id if agent.team_id and agent.team else None
    return int(head or agent.user_id)


def _training_deadline(agent: AgentProfile, since: dt.date) -> Deadline:
    return new_deadline(
        kind=TRAINING_KIND,
        title=f"培训（每两周至少一次）：{agent.name}",
        owner_id=_owner_id(agent),
        due_at=_end_of_day(since + dt.timedelta(days=TRAINING_DAYS)),
        subject_type=SUBJECT,
        subject_id=str(agent.pk),
        link=f"/agents/{agent.pk}/",
        starts_at=_end_of_day(since) if since < timezone.localdate() else None,
    )


def _assessment_deadline(agent: AgentProfile, month: str) -> Deadline:
    year, mon = (int(p) for p in month.split("-"))
    due = dt.date(year + (mon == 12), mon % 12 + 1, ASSESSMENT_DUE_DAY)
    return new_deadline(
        kind=ASSESSMENT_KIND,
        title=f"月度考核（每月至少一次）：{agent.name} {month}",
        owner_id=_owner_id(agent),
        due_at=_end_of_day(due),
        subject_type=SUBJECT,
        subject_id=f"{agent.pk}:{month}",
        link=f"/agents/assessments/?month={month}",
    )


def _open(kind: str, subject_ids: list[str]) -> dict[str, Deadline]:
    return {
        d.subject_id: d
        for d in Deadline.objects.filter(
            kind=kind,
            subject_type=SUBJECT,
            subject_id__in=subject_ids,
            status=Deadline.Status.OPEN,
        )
    }


@dataclass
class PlanResult:
    training_opened: int = 0
    assessment_opened: int = 0
    cancelled: int = 0


@transaction.atomic
def plan_cadences(*, today: dt.date | None = None, actor: Any = None) -> PlanResult:
    today = today or timezone.localdate()
    result = PlanResult()
    agents = list(
        AgentProfile.objects.select_related("team", "user")
        .filter(status=AgentProfile.Status.ON_JOB, hire_date__lte=today)
        .exclude(position=AgentProfile.Position.MANAGER)
    )
    ids = [str(a.pk) for a in agents]
    have = _open(TRAINING_KIND, ids)
    last = last_trainings([a.pk for a in agents])
    new = [
        _training_deadline(a, last.get(a.pk) or a.hire_date)
        for a in agents
        if str(a.pk) not in have
    ]
    # The previous month's assessment, for agents on job in it, once the month is over.
    month = previous_month(today)
    in_month = [a for a in agents if a.hire_date < today.replace(day=1)]
    done = set(
        MonthlyAssessment.objects.filter(month=month, agent_id__in=[a.pk for a in in_month])
        .exclude(status=MonthlyAssessment.Status.DRAFT)
        .values_list("agent_id", flat=True)
    )
    keys = [f"{a.pk}:{month}" for a in in_month]
    existing = set(
        Deadline.objects.filter(
            kind=ASSESSMENT_KIND, subject_type=SUBJECT, subject_id__in=keys
        ).values_list("subject_id", flat=True)
    )
    assess = [
        _assessment_deadline(a, month)
        for a in in_month
        if f"{a.pk}:{month}" not in existing and a.pk not in done
    ]
    open_deadlines(new + assess, actor=actor)
    result.training_opened, result.assessment_opened = len(new), len(assess)
    left = [
        str(pk)
        for pk in AgentProfile.objects.filter(status=AgentProfile.Status.LEFT).values_list(
            "pk", flat=True
        )
    ]
    result.cancelled = cancel_training_deadlines(agent_ids=[int(x) for x in left], actor=actor)
    return result


def cancel_training_deadlines(*, agent_ids: list[int], actor: Any = None) -> int:
    rows = list(_open(TRAINING_KIND, [str(pk) for pk in agent_ids]).values())
    for row in rows:
        cancel_deadline(deadline=row, actor=actor)
    return len(rows)


def close_assessment_deadlines(*, rows: list[MonthlyAssessment], actor: Any = None) -> None:
    keys = {f"{row.agent_id}:{row.month}": row for row in rows}
    for subject_id, deadline in _open(ASSESSMENT_KIND, list(keys)).items():
        close_deadline(deadline, at=keys[subject_id].confirmed_at, actor=actor)


def last_trainings(agent_ids: list[int]) -> dict[int, dt.date]:
    from django.db.models import Max

    rows = (
        TrainingAttendance.objects.filter(agent_id__in=agent_ids, attended=True)
        .values("agent_id")
        .annotate(last=Max("session__held_on"))
    )
    return {row["agent_id"]: row["last"] for row in rows}


# --- sessions and attendance -------------------------------------------------------------------


@transaction.atomic
def create_session(*, actor: Any, **raw: Any) -> TrainingSession:
    """A training session; every on-job agent of the team (all teams when none is chosen) is
    put on its sign-in sheet, not yet marked present."""
    from hragency.accounts.models import Department

    require(actor, MANAGE, "无权安排培训")
    errors: list[FieldError] = []
    session = TrainingSession(created_by=actor)
    try:
        held_on = date(raw.get("held_on"))
    except InvalidValue as exc:
        errors.append(FieldError("held_on", "培训日期", str(exc)))
        held_on = None
    if held_on is None and not errors:
        errors.append(FieldError("held_on", "培训日期", "必填"))
    session.held_on = held_on  # type: ignore[assignment]
    session.topic = text(raw.get("topic"))[:100]
    if not session.topic:
        errors.append(FieldError("topic", "培训主题", "必填"))
    session.category = text(raw.get("category"))[:30]
    session.trainer = text(raw.get("trainer"))[:60]
    session.note = text(raw.get("note"))[:200]
    hours = raw.get("hours")
    try:
        value = Decimal(str(hours)) if hours not in (None, "") else Decimal(1)
        if not Decimal("0.5") <= value <= 24:
            raise ValueError
        session.hours = value.quantize(Decimal("0.1"))
    except (ArithmeticError, ValueError):
        errors.append(FieldError("hours", "时长（小时）", "应为 0.5–24"))
    team_id = raw.get("team")
    if team_id not in (None, ""):
        session.team = (
            Department.objects.filter(pk=str(team_id)).first() if str(team_id).isdigit() else None
        )
        if session.team is None:
            errors.append(FieldError("team", "班组", "班组不存在"))
    if errors:
        raise InvalidFields(errors)
    session.save()
    agents = AgentProfile.objects.filter(status=AgentProfile.Status.ON_JOB)
    if session.team_id:
        agents = agents.filter(team_id=session.team_id)
    TrainingAttendance.objects.bulk_create(
        [TrainingAttendance(session=session, agent=a) for a in agents]
    )
    audit.record(
        actor=actor,
        action="agents.training_create",
        instance=session,
        after=audit.snapshot(session, ["held_on", "topic", "category", "trainer", "hours", "team"]),
    )
    return session


@transaction.atomic
def mark_attendance(
    *,
    actor: Any,
    session: TrainingSession,
    present: list[int],
    scores: dict[int, Any] | None = None,
) -> TrainingSession:
    """The sign-in sheet: ``present`` are the agent ids who attended (others are absent);
    ``scores`` optional 0–100 per agent. Attending closes the agent's training deadline and
    opens the next one, 14 days after the session."""
    require(actor, MANAGE, "无权登记培训签到")
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if session.held_on > timezone.localdate():
        raise ServiceError("培训尚未举行，不能签到")
    scores = scores or {}
    rows = {r.agent_id: r for r in session.attendance.select_for_update()}
    present_set = {int(p) for p in present}
    unknown = present_set - set(rows)
    if unknown:
        extra = AgentProfile.objects.filter(pk__in=unknown, status=AgentProfile.Status.ON_JOB)
        for agent in extra:
            rows[agent.pk] = TrainingAttendance.objects.create(session=session, agent=agent)
        if len(extra) != len(unknown):
            raise InvalidFields([FieldError("present", "出勤", "包含不存在或已离职的坐席")])
    errors: list[FieldError] = []
    newly: list[int] = []
    changed = []
    for agent_id, row in rows.items():
        attended = agent_id in present_set
        try:
            score = parse_score(f"score_{agent_id}", scores.get(agent_id), label="培训考核得分")
        except InvalidFields as exc:
            errors.extend(exc.errors)
            continue
        if attended and not row.attended:
            newly.append(agent_id)
        if row.attended != attended or row.score != score:
            row.attended, row.score = attended, score
            changed.append(row)
    if errors:
        raise InvalidFields(errors)
    TrainingAttendance.objects.bulk_update(changed, ["attended", "score"])
    audit.record(
        actor=actor,
        action="agents.training_attendance",
        instance=session,
        extra={"present": sorted(present_set), "changed": len(changed)},
    )
    _advance_training_deadlines(session, newly, actor)
    return session


def _advance_training_deadlines(session: TrainingSession, agent_ids: list[int], actor: Any) -> None:
    if not agent_ids:
        return
    at = _end_of_day(session.held_on)
    for deadline in _open(TRAINING_KIND, [str(pk) for pk in agent_ids]).values():
        close_deadline(deadline, at=at, actor=actor)
    last = last_trainings(agent_ids)
    agents = AgentProfile.objects.select_related("team", "user").filter(
        pk__in=agent_ids, status=AgentProfile.Status.ON_JOB
    )
    open_deadlines(
        [_training_deadline(a, last.get(a.pk, session.held_on)) for a in agents], actor=actor
    )


# --- flags -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingFlag:
    agent: AgentProfile
    last: dt.date | None
    days: int  # days since the last training (or since hiring)


def training_flags(agents: list[AgentProfile], today: dt.date) -> list[TrainingFlag]:
    """On-job agents with no training attended in the last 14 days (hired more than 14 days
    ago)."""
    last = last_trainings([a.pk for a in agents])
    flags = []
    for agent in agents:
        if agent.status != AgentProfile.Status.ON_JOB:
            continue
        since = last.get(agent.pk) or agent.hire_date
        days = (today - since).days
        if days > TRAINING_DAYS:
            flags.append(TrainingFlag(agent, last.get(agent.pk), days))
    return flags
