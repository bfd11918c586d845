"""Objects of client A that the scoping sweep points the insurance URLs at: a submitted add
order of person A2 (whom the employee of A may not see), and a city of the seeded library.

Made with the ORM (no audit rows, so the sweep's write counter starts clean) and cached on the
cast, so every request of one sweep addresses the same order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from tests.conftest import Cast


def order_id(cast: Cast) -> str:
    cached = getattr(cast, "_sweep_insurance_order", None)
    if cached is None:
        from hragency.insurance.models import Order

        order = Order.objects.create(
            number="ZYSWEEPA0001",
            client=cast.client_a,
            person=cast.person_a2,
            kind=Order.Kind.ADD,
            city="上海",
            month=dt.date(2030, 1, 1),
            wage=Decimal("8000.00"),
            channel=Order.Channel.PORTAL,
            submitted_by=cast.hr_a,
        )
        cached = order.pk
        cast._sweep_insurance_order = cached  # type: ignore[attr-defined]
    return str(cached)


PARAMS: dict[str, Callable[[Cast], str]] = {
    "order_id": order_id,
    "policy_city": lambda cast: "上海",
}
