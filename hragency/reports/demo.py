"""Demo data for reports: last month's monthly service reports of the first two clients,
generated through the same job as the screen and published to their HR users (one job done)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from hragency.reports import services
from hragency.reports.jobs import run_job


def seed_demo(
    *, clients: list[Any], users: dict[str, Any], rng: random.Random, today: dt.date
) -> None:
    serving = [c.pk for c in clients[:2]]
    if not serving:
        return
    job = services.start_generation(
        actor=users.get("supervisor"),
        kind="monthly",
        period=services.last_month(today),
        client_ids=serving,
        publish=True,
    )
    run_job(job.pk)  # synchronously: the demo needs the reports now
