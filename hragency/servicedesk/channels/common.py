"""What the gateway webhook and the mail receiver share: the result of one inbound message,
the idempotency claim on `InboundMessage`, and matching a sender to a client.

Client matching. A client number (KH…) sent by a gateway wins. Otherwise the sender's e-mail
address is compared (case-insensitively) with the clients' contacts (`clients.Contact.email`)
and their HR users (`accounts.User.email`, kind 企业HR, active). Then the sender's phone is
compared with the contacts' phones through their blind index (`Contact.phone_index`, digits
only, without +86). An address or phone that belongs to more than one client matches none:
the message goes to triage (未归属来件) rather than to a guessed client.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from hragency.clients.models import Client, Contact
from hragency.servicedesk.models import InboundMessage, Ticket, TicketEvent


@dataclass(frozen=True)
class InboundResult:
    """What became of one inbound message. `action` is ``opened`` (a new ticket),
    ``joined`` (a message on an existing ticket), ``duplicate`` (seen before: nothing written)
    or ``ignored`` (an auto-reply or bounce: no ticket)."""

    action: str
    ticket: Ticket | None = None
    event: TicketEvent | None = None
    reason: str = ""

    @property
    def duplicate(self) -> bool:
        return self.action == "duplicate"


@dataclass(frozen=True)
class ClientMatch:
    client: Client | None
    contact: Contact | None
    note: str = ""  # why nothing matched, for the rep (shown in the description)


def claim(*, source: str, external_id: str, sender: str, now: dt.datetime) -> InboundMessage | None:
    """Insert the (source, external id) row, or return None when it exists: the unique
    constraint decides, inside a savepoint, so two concurrent deliveries of one message cannot
    both pass (on PostgreSQL the second INSERT waits for the first transaction and fails)."""
    try:
        with transaction.atomic():
            return InboundMessage.objects.create(
                source=source, external_id=external_id, received_at=now, sender=sender[:250]
            )
    except IntegrityError:
        return None


def duplicate_of(*, source: str, external_id: str) -> InboundResult:
    """The result recorded for a message seen before."""
    seen = (
        InboundMessage.objects.select_related("ticket")
        .filter(source=source, external_id=external_id)
        .first()
    )
    return InboundResult(
        action="duplicate",
        ticket=seen.ticket if seen is not None else None,
        reason=seen.outcome if seen is not None else "",
    )


def settle(inbound: InboundMessage, *, result: InboundResult, outcome: str = "") -> InboundResult:
    """Record on the claim row what the message became."""
    inbound.ticket = result.ticket
    inbound.event = result.event
    inbound.outcome = (outcome or result.reason or result.action)[:200]
    inbound.save(update_fields=["ticket", "event", "outcome"])
    return result


def match_by_number(number: str) -> Client | None:
    number = number.strip().upper()
    if not number:
        return None
    return Client.objects.filter(number=number).first()


def match_by_email(address: str) -> ClientMatch:
    """The one client whose contact or HR user has this address; none if unknown or shared."""
    from hragency.accounts.models import User

    address = address.strip()
    if not address:
        return ClientMatch(None, None)
    contacts = list(Contact.objects.filter(email__iexact=address).select_related("client"))
    hr_clients = set(
        User.objects.filter(
            kind=User.Kind.CLIENT_HR, is_active=True, email__iexact=address
        ).values_list("client_id", flat=True)
    )
    client_ids = {c.client_id for c in contacts} | {pk for pk in hr_clients if pk}
    if len(client_ids) != 1:
        note = f"邮箱 {address} 对应多个客户，请人工归属" if len(client_ids) > 1 else ""
        return ClientMatch(None, None, note)
    (client_id,) = client_ids
    contact = next((c for c in contacts if c.client_id == client_id), None)
    client = contact.client if contact is not None else Client.objects.get(pk=client_id)
    return ClientMatch(client, contact)


def match_by_phone(phone: str) -> ClientMatch:
    """The one client with a contact at this phone; none if unknown or shared."""
    from hragency.core.crypto import blind_index, normalize_phone

    if len(normalize_phone(phone)) < 7:
        return ClientMatch(None, None)
    contacts = list(
        Contact.objects.filter(phone_index=blind_index(phone, normalize_phone)).select_related(
            "client"
        )
    )
    client_ids = {c.client_id for c in contacts}
    if len(client_ids) != 1:
        note = f"电话 {phone.strip()} 对应多个客户，请人工归属" if len(client_ids) > 1 else ""
        return ClientMatch(None, None, note)
    return ClientMatch(contacts[0].client, contacts[0])


def match_sender(*, client_number: str = "", email: str = "", phone: str = "") -> ClientMatch:
    """Client number first, then the e-mail address, then the phone (see module)."""
    notes = []
    if client_number.strip():
        client = match_by_number(client_number)
        if client is not None:
            by_mail = match_by_email(email)
            contact = by_mail.contact if by_mail.client == client else None
            return ClientMatch(client, contact)
        notes.append(f"客户编号 {client_number.strip()} 不存在")
    by_mail = match_by_email(email)
    if by_mail.client is not None:
        return by_mail
    if by_mail.note:
        notes.append(by_mail.note)
    by_phone = match_by_phone(phone)
    if by_phone.client is not None:
        return by_phone
    if by_phone.note:
        notes.append(by_phone.note)
    return ClientMatch(None, None, "；".join(notes))


def subject_from(text: str, limit: int = 60) -> str:
    """A ticket title from the first non-blank line of a message."""
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= limit else line[: limit - 1] + "…"
    return "（无标题）"
