"""Background jobs of archives (Huey): the month's filings opened on the 1st."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from hragency.archives.services import open_month
from hragency.archives.views import last_month


@db_periodic_task(crontab(minute="10", hour="1", day="1"))
@lock_task("archives-open-month")
def open_archive_month() -> str:
    """On the 1st (Beijing time): open last month's filing for every client in service."""
    from django.utils import timezone

    month = last_month(timezone.localdate())
    result = open_month(month=month)
    return (
        f"{month:%Y-%m} 归档：新开 {result.created}，已有 {result.existing}，"
        f"无负责人 {result.no_owner}"
    )
