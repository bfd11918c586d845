"""E-mail intake (R-DESK-1): every mail the desk receives, over SMTP (``desk-mail-server``)
or by polling a mailbox (``desk-poll-imap``), goes through ``receive_mail``.

- Once per mail: ``InboundMessage(source="email", external_id=<Message-ID>)``; a mail without
  a Message-ID is keyed by ``sha256:<hash of its bytes>``. The same mail delivered twice (a
  re-poll, an SMTP retry, both transports) is one ticket.
- Auto-replies and bounces (``Auto-Submitted`` other than ``no``, ``X-Autoreply``,
  ``Precedence: bulk/junk/list``, mailer-daemon/postmaster, a null Return-Path, a delivery
  report, an "自动回复/Automatic reply" subject) and mails from the desk's own address are
  logged and ignored: no ticket, and therefore no acknowledgement that could loop.
- Threading: a Message-ID in ``In-Reply-To``/``References`` of a reply we sent → that
  ticket. Else the Message-ID of the client's earlier mail, or a ``[GD…]`` number in the
  subject → that ticket, **only when the sender is the ticket's contact address or belongs to
  its client** (a guessed number or a known Message-ID must not let a stranger write into
  another client's ticket; a stranger's mail opens a new ticket instead). A closed ticket is
  not reopened: a new ticket is opened whose description names the old number.
- A new ticket: channel e-mail, client matched by the sender's address (``common``), subject
  from the mail, the quoted part of a reply removed; attachments kept on the ticket with the
  message (``attachments.keep_files``; over-size ones named in the text).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hragency.core import audit
from hragency.servicedesk import intake
from hragency.servicedesk.channels.attachments import keep_files
from hragency.servicedesk.channels.common import (
    InboundResult,
    claim,
    duplicate_of,
    match_by_email,
    settle,
)
from hragency.servicedesk.channels.mailparse import ParsedMail, parse_mail
from hragency.servicedesk.models import Channel, InboundMessage, Ticket, TicketEvent

logger = logging.getLogger(__name__)

SOURCE = "email"
_NUMBER = re.compile(r"\[(GD\d{6,})\]", re.IGNORECASE)
_PREFIXES = re.compile(r"^\s*((re|回复|答复|aw|sv|fw|fwd|转发)\s*[:：]\s*)+", re.IGNORECASE)


def mail_key(parsed: ParsedMail, raw: bytes) -> str:
    if parsed.message_id and len(parsed.message_id) <= 250:
        return parsed.message_id
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def desk_address() -> str:
    return str(getattr(settings, "DESK_MAIL_ADDRESS", "") or settings.DEFAULT_FROM_EMAIL)


def _sender_belongs(ticket: Ticket, address: str) -> bool:
    if not address:
        return False
    if ticket.contact_email and ticket.contact_email.lower() == address.lower():
        return True
    return ticket.client_id is not None and match_by_email(address).client == ticket.client


def _thread_of(parsed: ParsedMail) -> tuple[Ticket | None, str]:
    """The ticket this mail answers, and how it was found. A Message-ID we generated (a reply
    we sent) is unguessable and threads whoever answers it; a client's own earlier Message-ID
    or a ticket number is public enough that the sender must belong to the ticket."""
    if parsed.references:
        candidates = set(parsed.references) | {r.strip("<>") for r in parsed.references}
        events = (
            TicketEvent.objects.filter(message_id__in=candidates)
            .select_related("ticket")
            .order_by("-created_at", "-pk")
        )
        for event in events[:20]:
            if event.kind == TicketEvent.Kind.REPLY or _sender_belongs(
                event.ticket, parsed.from_address
            ):
                return event.ticket, "message-id"
    found = _NUMBER.search(parsed.subject)
    if found:
        ticket = Ticket.objects.filter(number=found.group(1).upper()).first()
        if ticket is not None and _sender_belongs(ticket, parsed.from_address):
            return ticket, "subject"
    return None, ""


def _body(parsed: ParsedMail) -> str:
    text = parsed.text.strip() or "（邮件正文为空）"
    kept = {f.name for f in parsed.files}
    lost = [name for name in parsed.attachments if name not in kept]
    if lost:
        text += "\n\n附件（未能读取，请向客户索取）：" + "、".join(lost)
    return text


def _keep(ticket: Ticket, event: TicketEvent | None, parsed: ParsedMail) -> None:
    refused = keep_files(ticket=ticket, event=event, files=parsed.files)
    if refused and event is not None:
        event.body += "\n\n附件未保存，请向客户索取：" + "、".join(refused)
        event.save(update_fields=["body"])


def _ignore(
    inbound: InboundMessage, *, parsed: ParsedMail, reason: str, source: str
) -> InboundResult:
    logger.info("忽略来信 %s（%s）：%s", parsed.message_id, source, reason)
    audit.record(
        actor=None,
        action="servicedesk.inbound_ignored",
        instance=None,
        extra={"from": parsed.from_address, "reason": reason, "via": source},
    )
    return settle(inbound, result=InboundResult("ignored", reason=f"已忽略：{reason}"))


@transaction.atomic
def receive_mail(
    raw_bytes: bytes, *, source: str = "smtp", now: dt.datetime | None = None
) -> InboundResult:
    """Turn one received mail into a ticket or a message on one; `source` names the
    transport (``smtp``, ``imap``) for the log and the inbound record's outcome."""
    now = now or timezone.now()
    parsed = parse_mail(raw_bytes)
    key = mail_key(parsed, raw_bytes)
    sender = (
        f"{parsed.from_name} <{parsed.from_address}>" if parsed.from_name else parsed.from_address
    )
    inbound = claim(source=SOURCE, external_id=key, sender=sender, now=now)
    if inbound is None:
        return duplicate_of(source=SOURCE, external_id=key)
    if parsed.auto_reason:
        return _ignore(inbound, parsed=parsed, reason=parsed.auto_reason, source=source)
    if parsed.from_address and parsed.from_address == desk_address().lower():
        return _ignore(inbound, parsed=parsed, reason="本服务台自己发出的邮件", source=source)
    if not parsed.from_address:
        return _ignore(inbound, parsed=parsed, reason="没有发件人地址", source=source)
    author = (parsed.from_name or parsed.from_address)[:120]
    body = _body(parsed)
    ticket, how = _thread_of(parsed)
    if ticket is not None and ticket.status != Ticket.Status.CLOSED:
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        event = intake.record_client_message(
            ticket=ticket,
            body=body,
            channel=Channel.EMAIL,
            author_name=author,
            message_id=key,
            now=now,
        )
        _keep(ticket, event, parsed)
        return settle(
            inbound,
            result=InboundResult("joined", ticket, event),
            outcome=f"{source}: 并入（{how}）",
        )
    match = match_by_email(parsed.from_address)
    client, contact, note = match.client, match.contact, match.note
    if ticket is not None:  # a closed ticket: a new one, naming it
        body = f"（客户就已关闭的工单 {ticket.number} 再次来信）\n\n{body}"
        if client is None and how == "message-id":
            client = ticket.client
    if note:
        body += f"\n\n（{note}）"
    subject = _NUMBER.sub("", _PREFIXES.sub("", parsed.subject)).strip()
    new = intake.open_ticket(
        actor=None,
        channel=Channel.EMAIL,
        client=client,
        contact=contact,
        subject=subject.strip() or parsed.text.strip()[:40] or "（无主题邮件）",
        description=body,
        contact_name=parsed.from_name[:60],
        contact_email=parsed.from_address if len(parsed.from_address) <= 254 else "",
        author_name=author,
        message_id=key,
        now=now,
    )
    created = new.events.order_by("pk").first()
    _keep(new, created, parsed)
    return settle(inbound, result=InboundResult("opened", new, created), outcome=f"{source}: 新建")
