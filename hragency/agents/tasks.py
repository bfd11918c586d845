"""Background jobs of the agents app (Huey, Beijing time): the daily cadences (training every
two weeks, monthly assessment) and the daily staffing-ratio alert to the CS directors."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from hragency.agents.staffing import notify_over
from hragency.agents.training import plan_cadences


@db_periodic_task(crontab(minute="10", hour="6"))
@lock_task("agents-cadences")
def plan_cadences_daily() -> str:
    result = plan_cadences()
    return (
        f"培训时限 {result.training_opened}，考核时限 {result.assessment_opened}，"
        f"取消 {result.cancelled}"
    )


@db_periodic_task(crontab(minute="20", hour="6"))
@lock_task("agents-staffing")
def staffing_alert_daily() -> str:
    over = notify_over()
    return f"超配比班组 {len(over)} 个"
