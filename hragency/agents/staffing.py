"""The staffing-ratio monitor (R-WFM-3), set-based: five queries for any number of teams.

What is counted (decisions, see docs):

* **Team** — an ``accounts.Department`` with at least one on-job agent profile.
* **Reps / staff / managers** — on-job agent profiles of the team: reps are 客服专员, staff are
  reps plus 专职服务人员, managers are 业务经理/主管 profiles; the department head counts as a
  manager when they have no manager profile in the team.
* **Insured persons served** — the people of the clients assigned to the team's reps (directly,
  ``ClientAssignment.user``) or to the department itself, who have not left the archive
  (入职办理中 / 在职在保 / 离职办理中). A client assigned to two reps is counted once for the
  team, and once for each rep.
* **Dispatched employees** — the same people of those clients that have an agreement in force
  (生效中) of kind 劳务派遣协议 or with the 劳务派遣 module: the product has no per-person
  employment type, so a dispatch client's whole roster counts as dispatched.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from hragency.agents.models import RATIO_SOURCES, AgentProfile, StaffingRatioRule
from hragency.domain.agent_rating import (
    DEFAULT_LIMITS,
    INSURED_PER_REP,
    RatioCheck,
    TeamCheck,
    TeamLoad,
    check_ratio,
    check_team,
)

SERVED_STATUSES = ("onboarding", "active", "offboarding")


def limits() -> dict[str, int]:
    """The ratio limits: the edited rows over the defaults of the seeds."""
    current = dict(DEFAULT_LIMITS)
    current.update(dict(StaffingRatioRule.objects.values_list("kind", "limit")))
    return current


def rules_table() -> list[dict[str, Any]]:
    current = limits()
    from hragency.domain.agent_rating import RATIO_KINDS, RATIO_LABELS

    return [
        {
            "kind": kind,
            "label": RATIO_LABELS[kind],
            "limit": current[kind],
            "default": DEFAULT_LIMITS[kind],
            "source": RATIO_SOURCES[kind],
        }
        for kind in RATIO_KINDS
    ]


@dataclass
class RepLine:
    agent: AgentProfile
    clients: int
    insured: int
    check: RatioCheck


@dataclass
class TeamLine:
    team: Any
    load: TeamLoad
    check: TeamCheck
    reps: list[RepLine] = field(default_factory=list)


def monitor(team_ids: list[int] | None = None) -> list[TeamLine]:
    """Every team's load and checks (or only ``team_ids``), teams over the ratio first."""
    from hragency.accounts.models import ClientAssignment, Department
    from hragency.clients.models import Agreement
    from hragency.employees.models import InsuredPerson

    current = limits()
    profiles = list(
        AgentProfile.objects.select_related("user", "team")
        .filter(status=AgentProfile.Status.ON_JOB, team__isnull=False)
        .order_by("team_id", "pk")
    )
    if team_ids is not None:
        profiles = [p for p in profiles if p.team_id in team_ids]
    by_team: dict[int, list[AgentProfile]] = defaultdict(list)
    for profile in profiles:
        by_team[profile.team_id].append(profile)  # type: ignore[index]
    teams = {d.pk: d for d in Department.objects.filter(pk__in=list(by_team))}
    rep_users = {p.user_id: p for p in profiles if p.position == AgentProfile.Position.REP}
    assignments = ClientAssignment.objects.filter(user_id__in=list(rep_users)).values_list(
        "user_id", "client_id"
    )
    clients_of_user: dict[int, set[int]] = defaultdict(set)
    for user_id, client_id in assignments:
        clients_of_user[user_id].add(client_id)
    clients_of_team: dict[int, set[int]] = defaultdict(set)
    for team_id, client_id in ClientAssignment.objects.filter(
        department_id__in=list(by_team)
    ).values_list("department_id", "client_id"):
        clients_of_team[team_id].add(client_id)
    for team_id, members in by_team.items():
        for member in members:
            clients_of_team[team_id] |= clients_of_user.get(member.user_id, set())
    all_clients = set().union(*clients_of_team.values()) if clients_of_team else set()
    people = dict(
        InsuredPerson.objects.filter(client_id__in=all_clients, status__in=SERVED_STATUSES)
        .values("client_id")
        .annotate(n=Count("pk"))
        .values_list("client_id", "n")
    )
    dispatch_clients = {
        client_id
        for client_id, kind, modules in Agreement.objects.filter(
            client_id__in=all_clients, status=Agreement.Status.ACTIVE
        ).values_list("client_id", "kind", "modules")
        if kind == Agreement.Kind.DISPATCH or "dispatch" in (modules or [])
    }
    lines: list[TeamLine] = []
    for team_id, members in by_team.items():
        team = teams[team_id]
        reps = [m for m in members if m.position == AgentProfile.Position.REP]
        staff = [m for m in members if m.position != AgentProfile.Position.MANAGER]
        managers = [m for m in members if m.position == AgentProfile.Position.MANAGER]
        manager_count = len(managers)
        if team.head_id and team.head_id not in {m.user_id for m in managers}:
            manager_count += 1
        served = clients_of_team[team_id]
        load = TeamLoad(
            name=team.name,
            reps=len(reps),
            staff=len(staff),
            managers=manager_count,
            insured=sum(people.get(c, 0) for c in served),
            dispatched=sum(people.get(c, 0) for c in served if c in dispatch_clients),
        )
        line = TeamLine(team=team, load=load, check=check_team(load, current))
        for rep in reps:
            mine = clients_of_user.get(rep.user_id, set())
            insured = sum(people.get(c, 0) for c in mine)
            line.reps.append(
                RepLine(
                    agent=rep,
                    clients=len(mine),
                    insured=insured,
                    check=check_ratio(
                        INSURED_PER_REP, load=insured, have=1, limit=current[INSURED_PER_REP]
                    ),
                )
            )
        lines.append(line)
    lines.sort(key=lambda line: (not line.check.over, line.team.name))
    return lines


def notify_over() -> list[TeamLine]:
    """Tell the CS directors about each team over the ratio (the daily task). A director who
    still has an unread alert for a team is not told again, so a team that stays over is one
    message until it is read. Returns the teams over."""
    from hragency.accounts.queries import role_holders
    from hragency.accounts.roles import Role
    from hragency.core.models import Notification
    from hragency.core.notifications import Message, notify_all

    over = [line for line in monitor() if line.check.over]
    directors = list(role_holders(Role.CS_DIRECTOR))
    titles = {line.team.pk: f"人员配比超标：{line.team.name}" for line in over}
    unread = set(
        Notification.objects.filter(
            recipient__in=directors, title__in=list(titles.values()), read_at__isnull=True
        ).values_list("recipient_id", "title")
    )
    messages = []
    for line in over:
        title = titles[line.team.pk]
        recipients = [d for d in directors if (d.pk, title) not in unread]
        if recipients:
            messages.append(
                Message(
                    recipients=recipients,
                    title=title,
                    body=describe(line),
                    link="/agents/staffing/",
                    level=Notification.Level.WARNING,
                )
            )
    notify_all(messages)
    return over


def describe(line: TeamLine) -> str:
    from hragency.domain.agent_rating import RATIO_LABELS

    parts = [
        f"{RATIO_LABELS[c.kind]} {c.load}/{c.have}（上限 {c.limit}，缺 {c.missing} 人）"
        for c in line.check.checks
        if c.over
    ]
    return (
        "；".join(parts)
        + f"。建议增加人员 {line.check.staff_to_add} 名、经理 {line.check.managers_to_add} 名"
    )
