"""Huey tasks of the analytics app: the export job's handler is registered on import (the
worker imports every app's tasks.py), and the hotspot term index is kept up to date."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from hragency.analytics import jobs  # noqa: F401  (registers the export handler)


@db_periodic_task(crontab(minute="*/5"))
@lock_task("analytics-terms")
def refresh_ticket_terms() -> int:
    """Every 5 minutes: segment the tickets opened since the last pass (热点问题)."""
    from hragency.analytics.terms import refresh_terms

    return refresh_terms()
