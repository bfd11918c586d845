"""Statements and a close run the scoping sweep points the billing URLs at: client A's
statement (with its people's lines) and, so that leaks would show, client B's.

Made lazily with the ORM (no audit rows, so the sweep's write counter starts clean; no policy
data needed) and cached on the cast, so every request of one sweep addresses the same rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from tests.conftest import Cast

OCTOBER = dt.date(2026, 10, 1)


def _contribution(person: Any, enrollment_id: int, wage_fen: int) -> Any:
    from hragency.insurance.models import Contribution

    base = wage_fen
    pension_er, pension_ee = base * 16 // 100, base * 8 // 100
    hf = base * 12 // 100
    return Contribution(
        period=OCTOBER,
        client_id=person.client_id,
        person_id=person.pk,
        enrollment_id=enrollment_id,
        city="示例",
        wage_fen=wage_fen,
        employer_fen=pension_er + hf,
        employee_fen=pension_ee + hf,
        pension_base=base,
        pension_er=pension_er,
        pension_ee=pension_ee,
        housing_fund_base=base,
        housing_fund_er=hf,
        housing_fund_ee=hf,
    )


def _objects(cast: Cast) -> dict[str, int]:
    cached = getattr(cast, "_sweep_billing", None)
    if cached is not None:
        return cached
    from hragency.billing.models import CloseRun, Statement
    from hragency.insurance.models import Contribution

    run = CloseRun.objects.create(
        period=OCTOBER,
        status=CloseRun.Status.DONE,
        clients_total=2,
        clients_done=2,
        people=3,
        finished_at=timezone.now(),
    )
    lines = [
        _contribution(cast.person_a, 990001, 800000),
        _contribution(cast.person_a2, 990002, 600000),
        _contribution(cast.person_b, 990003, 700000),
    ]
    Contribution.objects.bulk_create(lines)
    statements = {}
    for client, number in ((cast.client_a, "FYSWEEPA0001"), (cast.client_b, "FYSWEEPB0001")):
        mine = [c for c in lines if c.client_id == client.pk]
        er = sum(c.employer_fen for c in mine)
        ee = sum(c.employee_fen for c in mine)
        hf = sum(c.housing_fund_er for c in mine)
        statements[client.pk] = Statement.objects.create(
            number=number,
            client=client,
            period=OCTOBER,
            run=run,
            headcount=len(mine),
            wages_fen=sum(c.wage_fen for c in mine),
            si_employer_fen=er - hf,
            si_employee_fen=ee - hf,
            hf_employer_fen=hf,
            hf_employee_fen=hf,
            fee_model="per_head",
            service_fee_fen=8000 * len(mine),
            total_fen=er + ee + 8000 * len(mine),
            computed_at=timezone.now(),
        )
    cached = {"statement_id": statements[cast.client_a.pk].pk, "run_id": run.pk}
    cast._sweep_billing = cached  # type: ignore[attr-defined]
    return cached


def _param(name: str) -> Callable[[Cast], str]:
    return lambda cast: str(_objects(cast)[name])


PARAMS: dict[str, Callable[[Cast], str]] = {
    name: _param(name) for name in ("statement_id", "run_id")
}
