"""URL parameters of the payroll outputs screens (payslips, bank file, IIT export, cost list).

They use only ``run_id`` and ``line_id``, which ``tests/sweep_payroll.py`` defines (a paid run of
client A for 2026-10 with person_a and person_a2; ``line_id`` is person_a's line, so the
employee of A opens their own payslip and nobody else's). Nothing new to register: this module
exists so that a parameter added to these routes later has its place."""

from __future__ import annotations

from collections.abc import Callable

from tests.conftest import Cast

PARAMS: dict[str, Callable[[Cast], str]] = {}
