"""The gateway webhook (R-DESK-1): chat, WeCom, DingTalk, SMS and app gateways post each
message a client sends to ``POST /api/desk/inbound/{gateway}``.

Request
    Headers ``X-Timestamp: <unix seconds>`` and
    ``X-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>``, where the
    secret is the gateway's (printed once by ``hragency desk-gateway add``). A timestamp more
    than ``DESK_WEBHOOK_MAX_SKEW`` seconds (default 300) away from our clock is refused as a
    possible replay.

    Body (JSON, UTF-8)::

        {
          "message_id": "wx-msg-8812",          # required, the gateway's id of this message
          "conversation_id": "room-42",         # optional: later messages of it join the ticket
          "sent_at": "2026-11-23T09:30:00+08:00",  # optional, informational
          "sender": {                            # optional, every field optional
            "name": "王经理", "phone": "13800001111", "email": "hr@example.cn",
            "client_number": "KH00001", "external_user_id": "wx-user-1"
          },
          "text": "我们公司这个月的社保为什么还没扣款？",  # required unless attachments
          "attachments": [{"name": "截图.png", "url": "https://…", "content_type": "image/png",
                           "size": 20480}]
        }

    Attachments are not downloaded: their names (and URLs) are listed in the ticket's text.

Responses
    200 ``{"ticket": "GD…", "duplicate": false, "status": "pending", "action": "opened"}``
    (``action`` is ``opened`` or ``joined``; a retry of a message id already received answers
    200 with the same ticket, ``"duplicate": true``, ``"action": "duplicate"``, and writes
    nothing); 400 bad JSON or a missing/invalid field (named in ``errors``); 401 missing or
    wrong signature, or a timestamp out of range; 404 unknown or disabled gateway.

Threading: a message whose ``conversation_id`` equals the conversation of a not-yet-closed
ticket opened through the same gateway (``Ticket.external_thread == "<code>:<conversation>"``)
joins that ticket; otherwise a new ticket is opened. Client matching: see ``common``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hragency.servicedesk import intake
from hragency.servicedesk.channels.common import (
    InboundResult,
    claim,
    duplicate_of,
    match_sender,
    settle,
    subject_from,
)
from hragency.servicedesk.models import Gateway, Ticket

DEFAULT_MAX_SKEW = 300


class SignatureRejected(Exception):
    """The request is not proven to come from the gateway (message in Chinese)."""


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Signature`` value for a body: what a gateway computes, and what we check."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify(
    gateway: Gateway, *, signature: str, timestamp: str, body: bytes, now: dt.datetime
) -> None:
    """Refuse a missing or wrong signature and a timestamp outside the allowed skew."""
    if not signature or not timestamp:
        raise SignatureRejected("缺少签名（X-Signature / X-Timestamp）")
    try:
        sent = int(timestamp.strip())
    except ValueError as exc:
        raise SignatureRejected("X-Timestamp 应为 Unix 秒数") from exc
    skew = int(getattr(settings, "DESK_WEBHOOK_MAX_SKEW", DEFAULT_MAX_SKEW))
    if abs(now.timestamp() - sent) > skew:
        raise SignatureRejected("请求时间与服务器时间相差过大，疑似重放，已拒绝")
    expected = sign(gateway.secret, timestamp.strip(), body)
    if not hmac.compare_digest(expected.encode(), signature.strip().encode()):
        raise SignatureRejected("签名校验失败")


@dataclass(frozen=True)
class Attachment:
    name: str
    url: str = ""


@dataclass(frozen=True)
class GatewayMessage:
    """A validated webhook body (see the module docstring)."""

    message_id: str
    text: str
    conversation_id: str = ""
    sender_name: str = ""
    sender_phone: str = ""
    sender_email: str = ""
    client_number: str = ""
    external_user_id: str = ""
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)


def thread_key(gateway: Gateway, conversation_id: str) -> str:
    return f"{gateway.code}:{conversation_id}" if conversation_id else ""


def _body(message: GatewayMessage) -> str:
    text = message.text.strip()
    if message.attachments:
        names = "、".join(f"{a.name}（{a.url}）" if a.url else a.name for a in message.attachments)
        text = f"{text}\n\n附件（未保存，请向客户或网关索取）：{names}".strip()
    return text


def _open_thread(gateway: Gateway, conversation_id: str) -> Ticket | None:
    key = thread_key(gateway, conversation_id)
    if not key:
        return None
    return (
        Ticket.objects.select_for_update()
        .filter(external_thread=key)
        .exclude(status=Ticket.Status.CLOSED)
        .order_by("-created_at", "-pk")
        .first()
    )


@transaction.atomic
def receive_gateway_message(
    *, gateway: Gateway, message: GatewayMessage, now: dt.datetime | None = None
) -> InboundResult:
    """Record one message from a gateway: once per (gateway, message id)."""
    now = now or timezone.now()
    source = f"gateway:{gateway.code}"
    sender = message.sender_name or message.sender_email or message.external_user_id
    inbound = claim(source=source, external_id=message.message_id, sender=sender, now=now)
    if inbound is None:
        return duplicate_of(source=source, external_id=message.message_id)
    body = _body(message)
    author = message.sender_name or message.sender_email or message.sender_phone or gateway.name
    ticket = _open_thread(gateway, message.conversation_id)
    if ticket is not None:
        event = intake.record_client_message(
            ticket=ticket,
            body=body,
            channel=gateway.channel,
            author_name=author[:120],
            message_id=message.message_id,
            now=now,
        )
        return settle(inbound, result=InboundResult("joined", ticket, event))
    match = match_sender(
        client_number=message.client_number,
        email=message.sender_email,
        phone=message.sender_phone,
    )
    description = f"{body}\n\n（{match.note}）" if match.note else body
    ticket = intake.open_ticket(
        actor=None,
        channel=gateway.channel,
        client=match.client,
        contact=match.contact,
        subject=subject_from(message.text or body),
        description=description,
        contact_name=message.sender_name[:60],
        contact_phone=message.sender_phone,
        contact_email=message.sender_email,
        author_name=author[:120],
        message_id=message.message_id,
        # Always the gateway's code, so a reply goes back through it even without a
        # conversation; only a non-empty conversation lets later messages join.
        external_thread=f"{gateway.code}:{message.conversation_id}",
        now=now,
    )
    created = ticket.events.order_by("pk").first()
    return settle(inbound, result=InboundResult("opened", ticket, created))
