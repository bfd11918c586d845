"""What happens after intake: the clocks start, the handler is told, a complaint is
registered, a waiting ticket resumes, a resolved one reopens. Kept apart from `intake` so the
channels depend only on intake's two functions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hragency.servicedesk.models import Nature, Ticket, TicketEvent, Urgency


def ticket_opened(ticket: Ticket, *, actor: Any, now: dt.datetime) -> None:
    """Start the service-level clocks, register a complaint, tell the handler (and for an
    emergency or a 特急 request, the handler's supervisor at once: R-DESK-11)."""
    from hragency.servicedesk import complaints, sla
    from hragency.servicedesk.services import _department_head, tell

    sla.start_clocks(ticket, actor=actor, now=now)
    if ticket.nature == Nature.COMPLAINT:
        complaints.register(ticket, actor=actor, now=now)
    also = []
    alarming = ticket.nature == Nature.EMERGENCY or ticket.urgency == Urgency.CRITICAL
    if alarming and ticket.handler is not None:
        also.append(_department_head(ticket.handler))
    label = f"新工单（{ticket.get_urgency_display()}）"
    if ticket.handler is not None or also:
        tell(ticket, actor=actor, title=label, body=ticket.subject, also=also)


def client_message(ticket: Ticket, event: TicketEvent, *, actor: Any, now: dt.datetime) -> None:
    """Resume a waiting ticket, reopen a resolved one, tell the handler and first owner."""
    from hragency.servicedesk import lifecycle
    from hragency.servicedesk.services import tell

    ticket.refresh_from_db()
    if ticket.status == Ticket.Status.WAITING:
        lifecycle.resume_on_message(ticket, actor=actor, now=now)
    elif ticket.status == Ticket.Status.RESOLVED:
        lifecycle.reopen(ticket, event, actor=actor, now=now)
        return
    ticket.refresh_from_db()
    tell(ticket, actor=actor, title="客户留言", body=event.body[:200])
