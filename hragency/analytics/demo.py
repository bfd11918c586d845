"""Demo data for this app (called by `hragency demo` after the earlier apps' seeds): a few saved
custom queries for rep_a and hr_a, made through the service, and the hotspot term index."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any


def seed_demo(
    *, clients: list[Any], users: dict[str, Any], rng: random.Random, today: dt.date
) -> None:
    from hragency.analytics.services import save_query
    from hragency.analytics.terms import refresh_terms

    month_start = today.replace(day=1).isoformat()
    rep = users.get("rep_a")
    if rep is not None:
        save_query(
            actor=rep,
            name="本月工单明细",
            spec={
                "dataset": "tickets",
                "columns": [
                    "number",
                    "client",
                    "channel",
                    "module",
                    "subject",
                    "status",
                    "created_at",
                ],
                "filters": {"created_at": {"from": month_start, "to": ""}},
                "sort": "-created_at",
            },
            share=rep.department_id is not None,
        )
        save_query(
            actor=rep,
            name="待办理增减员单",
            spec={
                "dataset": "orders",
                "columns": ["number", "client", "person", "kind", "month", "status"],
                "filters": {"status": "submitted"},
                "sort": "month",
            },
        )
    hr = users.get("hr_a")
    if hr is not None:
        save_query(
            actor=hr,
            name="在职员工花名册",
            spec={
                "dataset": "people",
                "columns": ["name", "id_number", "gender", "position", "hire_date", "status"],
                "filters": {"status": "active"},
                "sort": "name",
            },
        )
    refresh_terms()
