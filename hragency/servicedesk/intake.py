"""Intake (R-DESK-1): the one way a ticket is opened and the one way a client's message joins
a ticket, whatever the channel — the staff form (phone, walk-in), the client portal, the
gateway webhook (chat, WeCom, DingTalk, SMS, app) and e-mail.

The desk records every contact, including one from a terminated or blacklisted client: a
former client's complaint must still be answered, so `ensure_serviceable` is not a gate here
(the operations the ticket leads to still refuse such a client).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from hragency.clients.models import Client, Contact
from hragency.core import audit
from hragency.core.errors import FieldError, InvalidFields
from hragency.core.numbering import next_number
from hragency.core.scoping import scope_queryset
from hragency.servicedesk.models import Channel, Nature, Ticket, TicketEvent, Urgency

TICKET_PREFIX = "GD"
SUBJECT_LENGTH = 200
AUDITED_FIELDS = [f.name for f in Ticket._meta.concrete_fields if f.name != "feedback_token"]


def default_owner(client: Client | None) -> Any:
    """Who answers a request nobody took in person: the client's CS rep, else none (the
    request waits in the triage queue of 未归属来件)."""
    if client is None:
        return None
    from hragency.accounts.queries import serving
    from hragency.accounts.roles import Role

    return serving(client, Role.CS_REP).first()


def _check_actor(actor: Any, client: Client | None) -> None:
    if actor is None:
        return  # a gateway or the mail receiver, already authenticated by its transport
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录")
    if actor.kind == "client_hr":
        if client is None or client.pk != actor.client_id:
            raise PermissionDenied("只能为本企业提交工单")
        return
    if actor.kind != "staff" or not actor.has_perm("servicedesk.add_ticket"):
        raise PermissionDenied("无权登记工单")
    if client is not None and not scope_queryset(Client.objects.filter(pk=client.pk), actor):
        raise PermissionDenied("无权为该客户登记工单")


def _validate(
    *, channel: str, subject: str, description: str, module: str, nature: str, urgency: str
) -> None:
    from hragency.core.business import BusinessModule

    errors = []
    if channel not in Channel.values:
        errors.append(FieldError("channel", "渠道", f"无效的渠道：{channel}"))
    if not subject.strip():
        errors.append(FieldError("subject", "标题", "必填"))
    elif len(subject) > SUBJECT_LENGTH:
        errors.append(FieldError("subject", "标题", f"最多 {SUBJECT_LENGTH} 字"))
    if not description.strip():
        errors.append(FieldError("description", "问题描述", "必填"))
    if module not in BusinessModule.values:
        errors.append(FieldError("module", "业务模块", f"无效的业务模块：{module}"))
    if nature not in Nature.values:
        errors.append(FieldError("nature", "问题性质", f"无效的问题性质：{nature}"))
    if urgency not in Urgency.values:
        errors.append(FieldError("urgency", "紧急程度", f"无效的紧急程度：{urgency}"))
    if errors:
        raise InvalidFields(errors)


@transaction.atomic
def open_ticket(
    *,
    actor: Any,
    channel: str,
    client: Client | None,
    subject: str,
    description: str,
    module: str = "",
    nature: str = "",
    urgency: str = "",
    contact: Contact | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    first_owner: Any = None,
    author_name: str = "",
    message_id: str = "",
    external_thread: str = "",
    now: dt.datetime | None = None,
) -> Ticket:
    """Open a ticket. Module, nature and urgency left blank are taken from the classification
    suggestion. The first owner (首问责任人) is the staff member taking it, or `first_owner`,
    or the client's CS rep."""
    from hragency.servicedesk import classify, hooks

    _check_actor(actor, client)
    now = now or timezone.now()
    subject = subject.strip()[:SUBJECT_LENGTH] if actor is None else subject.strip()
    if not (module and nature and urgency):
        suggestion = classify.suggest(f"{subject}\n{description}", user=actor)
        module = module or suggestion.module
        nature = nature or suggestion.nature
        urgency = urgency or suggestion.urgency
    _validate(
        channel=channel,
        subject=subject,
        description=description,
        module=module,
        nature=nature,
        urgency=urgency,
    )
    if contact is not None and (client is None or contact.client_id != client.pk):
        raise InvalidFields([FieldError("contact", "联系人", "联系人不属于该客户")])
    if contact is not None:
        contact_name = contact_name or contact.name
        contact_email = contact_email or contact.email
    if actor is not None and actor.kind == "client_hr":
        contact_name = contact_name or actor.get_full_name() or actor.username
        contact_email = contact_email or actor.email
    owner = first_owner
    if owner is None and actor is not None and actor.kind == "staff":
        owner = actor
    if owner is None:
        owner = default_owner(client)
    ticket = Ticket.objects.create(
        number=next_number(TICKET_PREFIX, on=timezone.localdate(now)),
        client=client,
        contact=contact,
        contact_name=contact_name[:60],
        contact_phone=contact_phone,
        contact_email=contact_email,
        channel=channel,
        module=module,
        nature=nature,
        urgency=urgency,
        subject=subject,
        description=description,
        first_owner=owner,
        handler=owner,
        created_by=actor if actor is not None and actor.kind == "staff" else None,
        created_at=now,
        feedback_token=secrets.token_urlsafe(32),
        external_thread=external_thread,
    )
    TicketEvent.objects.create(
        ticket=ticket,
        client=client,
        kind=TicketEvent.Kind.CREATED,
        actor=actor,
        author_name=author_name or contact_name,
        channel=channel,
        body=description,
        visible_to_client=True,
        message_id=message_id,
        created_at=now,
    )
    audit.record(
        actor=actor,
        action="servicedesk.ticket_open",
        instance=ticket,
        # The rating token lets anyone holding it rate the ticket: not for the audit log.
        after=audit.snapshot(ticket, AUDITED_FIELDS),
    )
    hooks.ticket_opened(ticket, actor=actor, now=now)
    return ticket


@transaction.atomic
def record_client_message(
    *,
    ticket: Ticket,
    body: str,
    channel: str,
    actor: Any = None,
    author_name: str = "",
    message_id: str = "",
    now: dt.datetime | None = None,
) -> TicketEvent:
    """A message from the client on an existing ticket (portal reply, e-mail reply, chat).
    A message on a ticket waiting for the client restarts its clock; on a resolved ticket it
    reopens it (the client is not satisfied); a closed ticket is not reopened — the caller
    opens a new one."""
    from hragency.servicedesk import hooks

    if not body.strip():
        raise InvalidFields([FieldError("body", "内容", "必填")])
    if actor is not None and actor.kind == "client_hr" and ticket.client_id != actor.client_id:
        raise PermissionDenied("只能回复本企业的工单")
    now = now or timezone.now()
    event = TicketEvent.objects.create(
        ticket=ticket,
        client_id=ticket.client_id,
        kind=TicketEvent.Kind.MESSAGE_IN,
        actor=actor,
        author_name=author_name
        or (actor.get_full_name() or actor.username if actor is not None else ""),
        channel=channel,
        body=body,
        visible_to_client=True,
        message_id=message_id,
        created_at=now,
    )
    audit.record(
        actor=actor,
        action="servicedesk.client_message",
        instance=ticket,
        after={"event": event.pk, "channel": channel},
    )
    hooks.client_message(ticket, event, actor=actor, now=now)
    return event
