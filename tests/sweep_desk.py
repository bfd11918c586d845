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


def _attachment(cast: Cast) -> Any:
    cached = getattr(cast, "_sweep_attachment", None)
    if cached is None:
        from hragency.servicedesk.channels.attachments import keep_files
        from hragency.servicedesk.channels.mailparse import MailFile

        ticket = _ticket(cast)
        keep_files(
            ticket=ticket,
            event=ticket.events.order_by("pk").first(),
            files=[MailFile("名单.pdf", "application/pdf", b"%PDF-1.4 sweep")],
        )
        cached = ticket.attachments.get()
        cast._sweep_attachment = cached  # type: ignore[attr-defined]
    return cached


PARAMS = {
    "ticket_id": lambda cast: str(_ticket(cast).pk),
    "attachment_id": lambda cast: str(_attachment(cast).pk),
}
