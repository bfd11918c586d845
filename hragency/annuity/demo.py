"""Demo annuity: a plan for the first client (星辰科技, 8 % + 4 %, vesting over 5 years), its
people in service enrolled from the start of the year, and last month's contributions."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from hragency.annuity import services
from hragency.employees.models import InsuredPerson


def seed_demo(
    *, clients: list[Any], users: dict[str, Any], rng: random.Random, today: dt.date
) -> None:
    if not clients:
        return
    si = users["si"]
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    start = f"{today.year}-01" if last_month.year == today.year else f"{last_month:%Y-%m}"
    plan = services.create_plan(
        actor=si,
        client=clients[0],
        name=f"{clients[0].name}企业年金计划",
        employer_rate="8",
        employee_rate="4",
        effective_from=start,
        vesting="0:0, 1:20, 2:40, 3:60, 4:80, 5:100",
        base_floor="5000",
        base_ceiling="36000",
        trustee="平安养老保险股份有限公司",
    )
    people = list(
        InsuredPerson.objects.filter(
            client=clients[0], status=InsuredPerson.Status.ACTIVE
        ).values_list("pk", flat=True)[:30]
    )
    month = f"{last_month:%Y-%m}"
    services.data_check(actor=si, plan=plan, month=month)
    if people:
        services.enrol_members(actor=si, plan=plan, person_ids=people, month=month)
        services.compute_contributions(actor=si, plan=plan, month=month)
