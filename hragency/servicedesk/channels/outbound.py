"""Delivery of a reply to the client on the ticket's own channel (R-DESK-1).

`deliver_by_id(event_id)` is called after commit for a client-visible REPLY event:

- A ticket that came in through a gateway (its channel is a gateway channel and it carries
  the gateway's conversation, ``external_thread = "<code>:<conversation>"``) is answered
  through that gateway's backend (``gateways.backend()``), not by e-mail.
- Any other ticket whose contact has an e-mail address (``contact_email``, else the linked
  contact's) is answered by e-mail, whatever channel it came from (e-mail, portal, phone):
  From/Reply-To ``DESK_MAIL_ADDRESS``, Subject ``Re: [GD…] <subject>``, a new Message-ID
  (``make_msgid(domain=DESK_MAIL_DOMAIN)``) stored on the event, ``In-Reply-To`` the last
  message id the client sent on the ticket and ``References`` the ticket's whole chain, so the
  client's answer threads back (``mail.receive_mail``).
- Otherwise nothing is sent (the reply is on the portal).

Sending twice is prevented by claiming the event's ``message_id`` before sending (a second
call finds it set). Failures are logged, never raised into the caller; a failed send
releases the claim, and `retry_undelivered` (every five minutes, Huey) tries such replies
again for a day.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hragency.core import audit
from hragency.servicedesk.channels.gateways import GATEWAY_CHANNELS, OutboundMessage, backend
from hragency.servicedesk.models import Channel, Ticket, TicketEvent

logger = logging.getLogger(__name__)

MAX_REFERENCES = 20
GATEWAY_SENT = "gateway:"


def desk_domain() -> str:
    return str(getattr(settings, "DESK_MAIL_DOMAIN", "") or "desk.localhost")


def desk_address() -> str:
    return str(getattr(settings, "DESK_MAIL_ADDRESS", "") or settings.DEFAULT_FROM_EMAIL)


def make_message_id() -> str:
    from email.utils import make_msgid

    return make_msgid(domain=desk_domain())


def _recipient(ticket: Ticket) -> str:
    if ticket.contact_email:
        return ticket.contact_email
    return ticket.contact.email if ticket.contact is not None else ""


def _gateway_of(ticket: Ticket) -> tuple[str, str]:
    code, _, conversation = ticket.external_thread.partition(":")
    return code, conversation


def _claim(event: TicketEvent, message_id: str) -> bool:
    """Mark the event as being sent; False if someone did already."""
    return bool(
        TicketEvent.objects.filter(pk=event.pk, message_id="").update(message_id=message_id)
    )


def _thread_headers(ticket: Ticket, own: str) -> dict[str, str]:
    ids = [
        m
        for m in ticket.events.exclude(message_id="")
        .exclude(message_id=own)
        .order_by("created_at", "pk")
        .values_list("message_id", flat=True)
        if m.startswith("<") and m.endswith(">")
    ]
    inbound = [
        m
        for m in ticket.events.filter(
            kind__in=[TicketEvent.Kind.CREATED, TicketEvent.Kind.MESSAGE_IN],
            channel=Channel.EMAIL,
        )
        .exclude(message_id="")
        .order_by("created_at", "pk")
        .values_list("message_id", flat=True)
        if m.startswith("<")
    ]
    headers = {"Message-ID": own}
    if inbound:
        headers["In-Reply-To"] = inbound[-1]
    elif ids:
        headers["In-Reply-To"] = ids[-1]
    if ids:
        headers["References"] = " ".join(ids[-MAX_REFERENCES:])
    return headers


def _mail_body(ticket: Ticket, event: TicketEvent) -> str:
    greeting = f"{ticket.contact_name}，您好：" if ticket.contact_name else "您好："
    return (
        f"{greeting}\n\n{event.body.strip()}\n\n"
        f"——\n工单号：{ticket.number}\n"
        "如需补充信息，请直接回复本邮件，并保留主题中的工单号。\n"
    )


def _send_mail(ticket: Ticket, event: TicketEvent, to: str) -> None:
    own = make_message_id()
    if not _claim(event, own):
        return
    message = EmailMessage(
        subject=f"Re: [{ticket.number}] {ticket.subject}",
        body=_mail_body(ticket, event),
        from_email=desk_address(),
        to=[to],
        reply_to=[desk_address()],
        headers=_thread_headers(ticket, own),
    )
    try:
        message.send(fail_silently=False)
    except Exception:
        logger.exception("工单 %s 的答复邮件发送失败（记录 %s）", ticket.number, event.pk)
        TicketEvent.objects.filter(pk=event.pk, message_id=own).update(message_id="")
        return
    _audit(ticket, event, via="email", to="")  # no address in the audit trail


def _send_gateway(ticket: Ticket, event: TicketEvent) -> None:
    code, conversation = _gateway_of(ticket)
    if not _claim(event, f"{GATEWAY_SENT}{code}:{event.pk}"):
        return
    message = OutboundMessage(
        gateway=code,
        conversation_id=conversation,
        ticket=ticket.number,
        event_id=event.pk,
        text=event.body,
        to_name=ticket.contact_name,
        to_phone=str(ticket.contact_phone or ""),
        to_email=ticket.contact_email,
    )
    try:
        backend().send(message)
    except Exception:
        logger.exception(
            "工单 %s 的答复经网关 %s 发送失败（记录 %s）", ticket.number, code, event.pk
        )
        TicketEvent.objects.filter(pk=event.pk).update(message_id="")
        return
    _audit(ticket, event, via=f"gateway:{code}", to=conversation)


def _audit(ticket: Ticket, event: TicketEvent, *, via: str, to: str) -> None:
    with transaction.atomic():
        audit.record(
            actor=None,
            action="servicedesk.reply_delivered",
            instance=ticket,
            extra={"event": event.pk, "via": via, "to": to, "at": str(timezone.now())},
        )


def deliver_by_id(event_id: int) -> None:
    """Send the reply event `event_id` to the client; called after commit. Never raises."""
    try:
        event = (
            TicketEvent.objects.select_related("ticket", "ticket__contact")
            .filter(pk=event_id)
            .first()
        )
        if event is None or event.kind != TicketEvent.Kind.REPLY or not event.visible_to_client:
            return
        if event.message_id:
            return  # already sent
        ticket = event.ticket
        if ticket.channel in GATEWAY_CHANNELS and ticket.external_thread:
            _send_gateway(ticket, event)
            return
        to = _recipient(ticket)
        if to:
            _send_mail(ticket, event, to)
    except Exception:
        logger.exception("答复投递失败（记录 %s）", event_id)


RETRY_FOR = dt.timedelta(days=1)
RETRY_AFTER = dt.timedelta(minutes=2)  # leave the first, after-commit attempt alone
RETRY_BATCH = 200


def retry_undelivered(*, now: dt.datetime | None = None) -> int:
    """Try again the client-visible replies of the last day that were not sent (their send
    failed and released the claim) and have somewhere to go. Returns how many were tried."""
    now = now or timezone.now()
    pending = list(
        TicketEvent.objects.filter(
            kind=TicketEvent.Kind.REPLY,
            visible_to_client=True,
            message_id="",
            created_at__gte=now - RETRY_FOR,
            created_at__lte=now - RETRY_AFTER,
        )
        .filter(
            Q(ticket__channel__in=GATEWAY_CHANNELS, ticket__external_thread__gt="")
            | Q(ticket__contact_email__gt="")
            | Q(ticket__contact__email__gt="")
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:RETRY_BATCH]
    )
    for event_id in pending:
        deliver_by_id(event_id)
    return len(pending)
