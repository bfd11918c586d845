"""Objects of client A that the scoping sweep points the payroll set-up URLs at: a salary item
(``item_id``) and a special additional deduction of person A2 (``deduction_id``), whom the
employee of A may not see. Client B gets the same, so a list that leaks would show B's canary.

Made with the ORM (no audit rows, so the sweep's write counter starts clean) and cached on the
cast, so every request of one sweep addresses the same rows. ``run_id`` and ``line_id`` are
defined once, in tests/sweep_payroll.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from tests.conftest import Cast


def _objects(cast: Cast) -> dict[str, int]:
    cached: dict[str, int] | None = getattr(cast, "_sweep_payroll_setup", None)
    if cached is not None:
        return cached
    from hragency.payroll.models import SalaryItem, SpecialDeduction

    ids: dict[str, int] = {}
    for client, person in ((cast.client_a, cast.person_a2), (cast.client_b, cast.person_b)):
        item = SalaryItem.objects.create(
            client=client,
            code="sweep_allowance",
            name="扫描津贴",
            kind=SalaryItem.Kind.EARNING,
            source=SalaryItem.Source.FIXED,
            order=90,
        )
        deduction = SpecialDeduction.objects.create(
            client=client,
            person=person,
            category="children_education",
            amount_fen=200_000,
            start_month=dt.date(2026, 1, 1),
            note=f"扫描{person.name}",
            source=SpecialDeduction.Source.STAFF,
        )
        if client == cast.client_a:
            ids = {"item_id": item.pk, "deduction_id": deduction.pk}
    cast._sweep_payroll_setup = ids  # type: ignore[attr-defined]
    return ids


def _param(name: str) -> Callable[[Cast], str]:
    return lambda cast: str(_objects(cast)[name])


PARAMS: dict[str, Callable[[Cast], str]] = {
    "item_id": _param("item_id"),
    "deduction_id": _param("deduction_id"),
}
