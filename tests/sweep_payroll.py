"""Objects of client A that the scoping sweep points the payroll URL parameters ``run_id`` and
``line_id`` at: a paid run of 2026-10 with lines for person_a and person_a2 (client B gets the
same with person_b, so a leaking list would show B's canary). Made with the ORM (no audit rows)
and cached on the cast."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.conftest import Cast
from tests.payroll_support import make_run


def _objects(cast: Cast) -> dict[str, Any]:
    cached = getattr(cast, "_sweep_payroll", None)
    if cached is not None:
        return cached
    from hragency.payroll.models import PayrollLine

    run_a = make_run(cast.client_a, [cast.person_a, cast.person_a2], number="GZSWEEPA0001")
    make_run(cast.client_b, [cast.person_b], number="GZSWEEPB0001")
    line = PayrollLine.objects.get(run=run_a, person=cast.person_a)
    cached = {"run_id": str(run_a.pk), "line_id": str(line.pk)}
    cast._sweep_payroll = cached  # type: ignore[attr-defined]
    return cached


def _param(name: str) -> Callable[[Cast], str]:
    return lambda cast: _objects(cast)[name]


PARAMS: dict[str, Callable[[Cast], str]] = {
    "run_id": _param("run_id"),
    "line_id": _param("line_id"),
}
