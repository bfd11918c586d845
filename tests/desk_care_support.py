"""Helpers of the service-desk care tests: tickets put into the state a test needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def open_ticket(cast: Any, *, owner: Any = None, client: Any = None, **kw: Any) -> Any:
    from hragency.servicedesk import intake

    values: dict[str, Any] = {
        "actor": owner or cast.rep_a,
        "channel": "phone",
        "client": client if client is not None else cast.client_a,
        "subject": "11月社保缴费基数咨询",
        "description": "客户询问11月社保基数为何调整",
        "module": "payroll_si",
        "nature": "inquiry",
        "urgency": "normal",
        "contact_name": "赵女士",
        "contact_email": "zhao@client-a.example.cn",
        "contact_phone": "13900001111",
        "now": local(2026, 11, 20, 9, 0),
    }
    values.update(kw)
    return intake.open_ticket(**values)


def resolve(ticket: Any, *, at: dt.datetime, solution: str = "已按新基数重新核定") -> Any:
    """已解决 through the ticket workflow, by the handler (it sends the result feedback)."""
    from hragency.servicedesk.lifecycle import resolve_ticket

    return resolve_ticket(actor=ticket.handler, ticket=ticket, solution=solution, now=at)


def resolved_ticket(cast: Any, *, at: dt.datetime | None = None, **kw: Any) -> Any:
    at = at or local(2026, 11, 20, 15, 0)
    return resolve(open_ticket(cast, **kw), at=at)


@contextmanager
def huey_now() -> Iterator[None]:
    """Run Huey tasks inline (the result mail and SMS) inside the block."""
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = True
    try:
        yield
    finally:
        HUEY.immediate = before
