"""Background jobs of the workforce app (Huey): the hourly look at the next 24 hours."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from hragency.workforce.alerts import check_understaffed, floor_slot


@db_periodic_task(crontab(minute="5"))
@lock_task("workforce-peaks")
def check_next_24_hours() -> str:
    """Every hour: slots of the next 24 hours where published plans fall short of the need."""
    now = floor_slot(timezone.now())
    new = check_understaffed(actor=None, start=now, end=now + dt.timedelta(hours=24))
    return f"新增高峰预警 {len(new)} 个"
