"""Reads of the agents app, scoped to the acting user.

Agent records are the agency's own staff data, not client data, so they are scoped here and not
by ``core.scoping``: administrators and holders of ``agents.view_all_agents`` (客服总监, 总经理)
or ``agents.apply_assessment`` (薪酬专员, to apply the month) see every agent; a holder of
``agents.manage_assessment`` (客服主管) sees the agents of the departments they head (and their
sub-departments) and of their own department; anyone else on the staff sees only themself.
Client HR users and employees see nothing. Out of scope is 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from hragency.agents.common import APPLY, MANAGE, VIEW, VIEW_ALL, VIEW_STAFFING
from hragency.agents.models import (
    AgentEvent,
    AgentProfile,
    MonthlyAssessment,
    TrainingSession,
)
from hragency.domain.agent_rating import Turnover, turnover


def _staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "kind", "") == "staff"


def may_view(user: Any) -> bool:
    return _staff(user) and user.has_perm(VIEW)


def may_manage(user: Any) -> bool:
    return _staff(user) and user.has_perm(MANAGE)


def may_apply(user: Any) -> bool:
    return _staff(user) and user.has_perm(APPLY)


def may_view_staffing(user: Any) -> bool:
    return _staff(user) and user.has_perm(VIEW_STAFFING)


def need(allowed: bool, message: str = "无权查看坐席考核") -> None:
    if not allowed:
        raise PermissionDenied(message)


def team_ids(user: Any) -> list[int] | None:
    """The teams whose agents the user sees; None = all."""
    if user.is_superuser or user.has_perm(VIEW_ALL) or user.has_perm(APPLY):
        return None
    if not user.has_perm(MANAGE):
        return []
    from hragency.accounts.models import Department

    ids = set(Department.objects.filter(head=user).values_list("pk", flat=True))
    frontier = set(ids)
    while frontier:  # sub-departments, a few levels at most
        frontier = (
            set(Department.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            - ids
        )
        ids |= frontier
    if user.department_id:
        ids.add(user.department_id)
    return sorted(ids)


def _agent_filter(user: Any, prefix: str = "") -> Q | None:
    teams = team_ids(user)
    if teams is None:
        return None
    return Q(**{f"{prefix}user": user}) | Q(**{f"{prefix}team_id__in": teams})


def agents_for(user: Any) -> QuerySet[AgentProfile]:
    need(may_view(user))
    qs = AgentProfile.objects.select_related("user", "team", "person")
    where = _agent_filter(user)
    return qs if where is None else qs.filter(where)


def agent_for(user: Any, agent_id: int) -> AgentProfile:
    return get_object_or_404(agents_for(user), pk=agent_id)


def filter_agents(qs: QuerySet[AgentProfile], params: Any) -> QuerySet[AgentProfile]:
    status = params.get("status", "")
    if status in AgentProfile.Status.values:
        qs = qs.filter(status=status)
    team = str(params.get("team", ""))
    if team.isdigit():
        qs = qs.filter(team_id=int(team))
    return qs.order_by("status", "team__name", "pk")


def assessments_for(user: Any) -> QuerySet[MonthlyAssessment]:
    need(may_view(user))
    qs = MonthlyAssessment.objects.select_related(
        "agent__user", "agent__team", "scheme", "confirmed_by", "applied_by"
    )
    where = _agent_filter(user, "agent__")
    return qs if where is None else qs.filter(where)


def assessment_for(user: Any, assessment_id: int) -> MonthlyAssessment:
    return get_object_or_404(assessments_for(user), pk=assessment_id)


def month_sheet(user: Any, month: str) -> QuerySet[MonthlyAssessment]:
    return assessments_for(user).filter(month=month).order_by("agent__team__name", "agent_id")


def events_for(user: Any) -> QuerySet[AgentEvent]:
    need(may_view(user))
    qs = AgentEvent.objects.select_related("agent__user", "recorded_by")
    where = _agent_filter(user, "agent__")
    return qs if where is None else qs.filter(where)


def sessions_for(user: Any) -> QuerySet[TrainingSession]:
    """Managers see every session of their teams (and the all-teams ones); an agent the
    sessions they were put on."""
    need(may_view(user))
    qs = TrainingSession.objects.select_related("team")
    teams = team_ids(user)
    if teams is None:
        return qs
    if may_manage(user):
        return qs.filter(Q(team_id__in=teams) | Q(team__isnull=True))
    return qs.filter(attendance__agent__user=user).distinct()


def session_for(user: Any, session_id: int) -> TrainingSession:
    return get_object_or_404(sessions_for(user), pk=session_id)


def attendance_of(session: TrainingSession, user: Any) -> list[Any]:
    rows = session.attendance.select_related("agent__user", "agent__team").order_by("agent_id")
    where = _agent_filter(user, "agent__")
    return list(rows if where is None else rows.filter(where))


@dataclass(frozen=True)
class MonthHeadcount:
    month: str
    figures: Turnover


def headcount(agents: QuerySet[AgentProfile], months: list[dt.date]) -> list[MonthHeadcount]:
    """On-job/left analysis (R-WFM-4): per month the head-count at its start and end, joiners
    (hired in the month), leavers (leave date in the month) and turnover % (leavers ÷ average
    head-count). One query."""
    dates = list(agents.values_list("hire_date", "leave_date"))
    out = []
    for first in months:
        following = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
        start = sum(1 for h, left in dates if h < first and (left is None or left >= first))
        joiners = sum(1 for h, _left in dates if first <= h < following)
        leavers = sum(1 for _h, left in dates if left is not None and first <= left < following)
        out.append(MonthHeadcount(f"{first:%Y-%m}", turnover(start, joiners, leavers)))
    return out


def recent_months(today: dt.date, count: int = 6) -> list[dt.date]:
    months = []
    first = today.replace(day=1)
    for _ in range(count):
        months.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def staffing_team_ids(user: Any) -> list[int] | None:
    need(may_view_staffing(user), "无权查看人员配比")
    return team_ids(user)
