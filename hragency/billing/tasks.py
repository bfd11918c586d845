"""Background jobs of the billing module (Huey): the month close started from the screen or
the API. Tasks take ids and call services."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from hragency.billing import services


@db_task()
def close_period(run_id: int) -> str:
    """Run (or continue) the month close of a ``CloseRun`` queued by ``services.start_close``;
    progress is stored on the run chunk by chunk, and the screen polls it."""
    return services.execute_close(run_id=run_id)


@db_periodic_task(crontab(minute="0", hour="1", day="1"))
def open_statements_deadline() -> None:
    """On the 1st: the month's statements are due by the 10th (``billing.due``)."""
    from django.utils import timezone

    from hragency.billing.due import open_statements_deadline as open_deadline
    from hragency.domain.insurance import Period

    open_deadline(Period.of(timezone.localdate()))
