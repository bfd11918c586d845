"""Background jobs of the billing module (Huey): the month close started from the screen or
the API. Tasks take ids and call services."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from hragency.billing import services


@db_task()
def close_period(run_id: int) -> str:
    """Run (or continue) the month close of a ``CloseRun`` queued by ``services.start_close``;
    progress is stored on the run chunk by chunk, and the screen polls it."""
    return services.execute_close(run_id=run_id)
