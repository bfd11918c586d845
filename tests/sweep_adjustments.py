"""A back-payment of person A2 (client A) for the scoping sweep's ``adjustment_id``."""

from __future__ import annotations

from typing import Any

from tests.conftest import Cast


def _adjustment(cast: Cast) -> Any:
    cached = getattr(cast, "_sweep_adjustment", None)
    if cached is None:
        from decimal import Decimal

        from hragency.domain.insurance import Period
        from hragency.insurance.adjustments import create_adjustment
        from tests.si_support import CITY, make_test_city, set_rates

        make_test_city()
        set_rates(cast.client_a)
        cached = create_adjustment(
            actor=cast.admin,
            person=cast.person_a2,
            kind="back_pay",
            city=CITY,
            first_month=Period(2026, 2),
            last_month=Period(2026, 3),
            wage=Decimal("6000.00"),
            reason="漏报",
        )
        cast._sweep_adjustment = cached  # type: ignore[attr-defined]
    return cached


PARAMS = {"adjustment_id": lambda cast: str(_adjustment(cast).pk)}
