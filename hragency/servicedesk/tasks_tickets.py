"""Periodic jobs of the ticket workflow: close tickets resolved 3 days ago with no objection."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task


@db_periodic_task(crontab(minute="15"))
@lock_task("desk-auto-close")
def close_resolved_tickets() -> int:
    from hragency.servicedesk.services import auto_close_due

    return auto_close_due()


__all__ = ["close_resolved_tickets"]
