"""Background jobs of visits (Huey): the daily planner."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from hragency.visits.planning import plan_visits


@db_periodic_task(crontab(minute="30", hour="2"))
@lock_task("visits-plan")
def plan_visits_daily() -> str:
    """Every night: plan the missing return visits and the quarter's survey calls."""
    result = plan_visits()
    return (
        f"回访 {result.created}，满意度调查 {result.surveys}，取消 {result.cancelled}，"
        f"无负责人 {result.no_owner}"
    )
