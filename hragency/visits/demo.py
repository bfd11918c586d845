"""Demo data for visits: the default rule sets, planned visits (one overdue, one done) and
survey answers for the current quarter (one of them low, which opens a 低分回访)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone

from hragency.clients.models import Client
from hragency.visits.models import SurveyResponse, VisitTask
from hragency.visits.planning import plan_visits
from hragency.visits.rules import ensure_default_rules
from hragency.visits.services import complete_visit
from hragency.visits.surveys import record_response

COMMENTS = [
    ("增减员办理及时，政策解答清楚。", "希望月度账单能再早两天发出。"),
    ("客服响应快，专业度高。", ""),
    ("整体满意。", "建议增加线上办理进度查询。"),
    ("账单有两次与实际不符，更正较慢。", "请加强账单核对。"),
]


def seed_demo(
    *,
    clients: Sequence[Client],
    users: Mapping[str, Any],
    rng: random.Random,
    today: dt.date | None = None,
) -> None:
    """Needs clients 服务中 (the first one signed ~a year ago, so its visit is overdue) and the
    users ``admin`` and ``rep_a`` (rep_a serves the first two clients)."""
    today = today or timezone.localdate()
    admin = users["admin"]
    ensure_default_rules(actor=admin)
    serving = [c for c in clients if c.status == Client.Status.ACTIVE]
    if not serving:
        return
    # Planned as if twelve days ago: the first client's routine visit is now 12 days overdue.
    plan_visits(today=today - dt.timedelta(days=12), client_ids=[serving[0].pk], actor=admin)
    plan_visits(today=today, actor=admin)
    if len(serving) > 1:
        task = VisitTask.objects.filter(
            client=serving[1], kind__in=["routine", "first"], status="open"
        ).first()
        if task is not None:
            complete_visit(
                actor=admin,
                task=task,
                method=VisitTask.Method.PHONE,
                summary="电话回访人事经理，对本月增减员办理满意。",
                issues="询问年度社保基数调整的时间安排。",
                next_actions="基数调整通知发布后第一时间转发客户。",
            )
    for index, client in enumerate(serving[:4]):
        comments, suggestions = COMMENTS[index % len(COMMENTS)]
        low = index == 3
        scores = {
            "efficiency": 3 if low else rng.choice([4, 5]),
            "expertise": rng.choice([4, 5]),
            "communication": 3 if low else rng.choice([4, 5]),
            "accuracy": 2 if low else rng.choice([4, 5]),
            "overall": 3 if low else rng.choice([4, 5, 5]),
        }
        record_response(
            actor=admin,
            client=client,
            respondent_name=rng.choice(["李娜", "王强", "赵敏", "孙丽"]),
            respondent_role="人事经理",
            channel=SurveyResponse.Channel.PHONE,
            scores=scores,
            comments=comments,
            suggestions=suggestions,
            today=today,
        )
