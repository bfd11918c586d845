"""A ticket of client A for the scoping sweep's ``ticket_id``."""

from __future__ import annotations

from typing import Any

from tests.conftest import Cast


def _ticket(cast: Cast) -> Any:
    cached = getattr(cast, "_sweep_ticket", None)
    if cached is None:
        from hragency.servicedesk.intake import open_ticket
        from hragency.servicedesk.services import add_note

        cached = open_ticket(
            actor=cast.rep_a,
            channel="phone",
            client=cast.client_a,
            subject="社保增员咨询",
            description="请问增员截止日期",
        )
        add_note(actor=cast.rep_a, ticket=cached, body="内部备注NOTECANARY")
        cast._sweep_ticket = cached  # type: ignore[attr-defined]
    return cached


PARAMS = {"ticket_id": lambda cast: str(_ticket(cast).pk)}
