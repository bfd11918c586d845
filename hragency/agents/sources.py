"""The month's figures of every agent, set-based (a fixed number of queries for any number of
agents), from the service desk and the agents' own records.

* **quality** — the average total (0–100) of the agent's scored quality samples drawn that
  month (``servicedesk.QualitySample``, rep = the ticket's first owner, by ``sampled_on``);
* **satisfaction** — the client ratings (1–5) of the tickets the agent first owned, rated that
  month (``Ticket.satisfaction`` by ``rated_at``), as the average × 20;
* **exams** — the average of the month's exam events; **skills** — the average of the month's
  skill assessments; **discipline** — 100 less the month's discipline deduction points;
* **utilisation** — there is no telephony data in the product, so it is entered by the
  supervisor; the number of tickets the agent resolved that month is shown beside it.

The service-desk tables are read directly (read-only), because the desk's own queries are
scoped to the acting user and give per-user figures, not the whole team's month.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Sum
from django.utils import timezone

from hragency.agents.models import AgentEvent, TrainingAttendance
from hragency.domain.agent_rating import average_score, discipline_score, satisfaction_score
from hragency.servicedesk.models import QualitySample, Ticket


@dataclass
class AgentMonth:
    scores: dict[str, Decimal | None] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)


def _bounds(first: dt.date, following: dt.date) -> tuple[dt.datetime, dt.datetime]:
    def aware(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time()))

    return aware(first), aware(following)


def month_figures(
    agents: dict[int, int], first: dt.date, following: dt.date
) -> dict[int, AgentMonth]:
    """``agents``: profile id → user id. Returns profile id → the month's computed figures."""
    user_to_agent = {user_id: agent_id for agent_id, user_id in agents.items()}
    users = list(user_to_agent)
    start, end = _bounds(first, following)
    out = {agent_id: AgentMonth() for agent_id in agents}

    quality = (
        QualitySample.objects.filter(
            rep_id__in=users,
            sampled_on__gte=first,
            sampled_on__lt=following,
            total__isnull=False,
        )
        .values("rep_id")
        .annotate(total_sum=Sum("total"), n=Count("pk"))
    )
    for row in quality:
        month = out[user_to_agent[row["rep_id"]]]
        month.scores["quality"] = average_score(int(row["total_sum"]), int(row["n"]))
        month.sources["quality"] = f"质检 {row['n']} 单平均分"

    ratings = (
        Ticket.objects.filter(
            first_owner_id__in=users,
            rated_at__gte=start,
            rated_at__lt=end,
            satisfaction__isnull=False,
        )
        .values("first_owner_id")
        .annotate(stars=Sum("satisfaction"), n=Count("pk"))
    )
    for row in ratings:
        month = out[user_to_agent[row["first_owner_id"]]]
        month.scores["satisfaction"] = satisfaction_score(int(row["stars"]), int(row["n"]))
        average = (Decimal(row["stars"]) / row["n"]).quantize(Decimal("0.01"))
        month.sources["satisfaction"] = f"客户评价 {row['n']} 次，平均 {average} 星 × 20"

    handled = (
        Ticket.objects.filter(handler_id__in=users, resolved_at__gte=start, resolved_at__lt=end)
        .values("handler_id")
        .annotate(n=Count("pk"))
    )
    handled_by = {row["handler_id"]: row["n"] for row in handled}

    events = (
        AgentEvent.objects.filter(
            agent_id__in=list(agents), happened_on__gte=first, happened_on__lt=following
        )
        .values("agent_id", "kind")
        .annotate(
            score_sum=Sum("score"), points=Sum("points"), n=Count("pk"), scored=Count("score")
        )
    )
    by_agent: dict[int, dict[str, dict[str, object]]] = defaultdict(dict)
    for row in events:
        by_agent[row["agent_id"]][row["kind"]] = row
    for agent_id, month in out.items():
        kinds = by_agent.get(agent_id, {})
        for kind, dim, label in (
            (AgentEvent.Kind.EXAM, "exams", "考试"),
            (AgentEvent.Kind.SKILL, "skills", "技能评定"),
        ):
            row = kinds.get(kind)
            if row and int(row["scored"]):  # type: ignore[call-overload]
                total = Decimal(str(row["score_sum"]))
                count = int(row["scored"])  # type: ignore[call-overload]
                month.scores[dim] = (total / count).quantize(Decimal("0.01"))
                month.sources[dim] = f"{label} {count} 次平均"
        row = kinds.get(AgentEvent.Kind.DISCIPLINE)
        points = int(row["points"] or 0) if row else 0  # type: ignore[call-overload]
        month.scores["discipline"] = discipline_score(points)
        month.sources["discipline"] = (
            f"纪律事件 {row['n']} 次，扣 {points} 分" if row else "本月无纪律事件"
        )
        user_id = agents[agent_id]
        month.sources["utilisation"] = (
            f"无话务系统数据，由主管录入（本月解决工单 {handled_by.get(user_id, 0)} 张）"
        )
    return out


def trainings_attended(agent_ids: list[int], since: dt.date) -> dict[int, dt.date]:
    """Each agent's latest attended training on or after ``since`` (one query)."""
    rows = (
        TrainingAttendance.objects.filter(
            agent_id__in=agent_ids, attended=True, session__held_on__gte=since
        )
        .values("agent_id")
        .annotate(last=Max("session__held_on"))
    )
    return {row["agent_id"]: row["last"] for row in rows}
