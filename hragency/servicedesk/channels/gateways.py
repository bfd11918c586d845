"""Messaging gateways: registering one (with its signing secret) and sending a reply back
through one.

Sending is pluggable: ``DESK_GATEWAY_BACKEND`` names a class with ``send(message)``; the
default ``LoggingBackend`` logs the message and keeps it in ``LoggingBackend.sent`` (in this
process). ``HttpBackend`` POSTs the message as JSON to the gateway's callback URL
(``Gateway.callback_url``, set with ``hragency desk-gateway callback CODE --url …``; the
setting ``DESK_GATEWAY_CALLBACKS = {"wecom": "https://…"}`` is the fallback), signed exactly
like the webhook (``X-Timestamp``, ``X-Signature: sha256=HMAC(secret, timestamp + "." + body)``).
"""

from __future__ import annotations

import json
import logging
import secrets
import time
import urllib.request
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from hragency.core import audit
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.servicedesk.models import Channel, Gateway

logger = logging.getLogger(__name__)

DEFAULT_BACKEND = "hragency.servicedesk.channels.gateways.LoggingBackend"
GATEWAY_CHANNELS = {
    Channel.CHAT,
    Channel.WECOM,
    Channel.DINGTALK,
    Channel.SMS,
    Channel.WEIBO,
    Channel.APP,
    Channel.KIOSK,
}


def _audit_view(gateway: Gateway) -> dict[str, Any]:
    # Never the secret, not even encrypted.
    return {
        "code": gateway.code,
        "name": gateway.name,
        "channel": gateway.channel,
        "active": gateway.active,
        "callback_url": gateway.callback_url,
    }


def _check_callback(url: str) -> str:
    url = url.strip()
    if url and not url.lower().startswith(("http://", "https://")):
        raise InvalidFields(
            [FieldError("callback_url", "回调地址", "应以 http:// 或 https:// 开头")]
        )
    if len(url) > 200:
        raise InvalidFields([FieldError("callback_url", "回调地址", "最多 200 个字符")])
    return url


@transaction.atomic
def create_gateway(
    *, actor: Any, code: str, channel: str, name: str = "", callback_url: str = ""
) -> tuple[Gateway, str]:
    """Register a gateway; returns it and its generated secret (shown once)."""
    callback_url = _check_callback(callback_url)
    code = code.strip().lower()
    errors = []
    if not code or not all(ch.isalnum() or ch in "-_" for ch in code) or len(code) > 40:
        errors.append(FieldError("code", "代码", "只能包含字母、数字、- 和 _，最多 40 位"))
    elif Gateway.objects.filter(code=code).exists():
        errors.append(FieldError("code", "代码", f"网关 {code} 已存在"))
    if channel not in GATEWAY_CHANNELS:
        allowed = "、".join(sorted(GATEWAY_CHANNELS))
        errors.append(FieldError("channel", "渠道", f"应为 {allowed} 之一"))
    if errors:
        raise InvalidFields(errors)
    secret = secrets.token_urlsafe(32)
    gateway = Gateway.objects.create(
        code=code,
        name=name.strip() or f"{Channel(channel).label}网关",
        channel=channel,
        secret=secret,
        callback_url=callback_url,
    )
    audit.record(
        actor=actor, action="servicedesk.gateway_add", instance=gateway, after=_audit_view(gateway)
    )
    return gateway, secret


@transaction.atomic
def rotate_secret(*, actor: Any, code: str) -> str:
    gateway = Gateway.objects.select_for_update().filter(code=code).first()
    if gateway is None:
        raise ServiceError(f"网关 {code} 不存在")
    gateway.secret = secrets.token_urlsafe(32)
    gateway.save(update_fields=["secret"])
    audit.record(
        actor=actor,
        action="servicedesk.gateway_rotate",
        instance=gateway,
        after={"secret": "（已更换）"},
    )
    return str(gateway.secret)


@transaction.atomic
def set_active(*, actor: Any, code: str, active: bool) -> Gateway:
    gateway = Gateway.objects.select_for_update().filter(code=code).first()
    if gateway is None:
        raise ServiceError(f"网关 {code} 不存在")
    before = _audit_view(gateway)
    gateway.active = active
    gateway.save(update_fields=["active"])
    audit.record(
        actor=actor,
        action="servicedesk.gateway_active",
        instance=gateway,
        before=before,
        after=_audit_view(gateway),
    )
    return gateway


@transaction.atomic
def set_callback(*, actor: Any, code: str, url: str) -> Gateway:
    """Where replies to this gateway's tickets are posted ("" clears it)."""
    url = _check_callback(url)
    gateway = Gateway.objects.select_for_update().filter(code=code).first()
    if gateway is None:
        raise ServiceError(f"网关 {code} 不存在")
    before = _audit_view(gateway)
    gateway.callback_url = url
    gateway.save(update_fields=["callback_url"])
    audit.record(
        actor=actor,
        action="servicedesk.gateway_callback",
        instance=gateway,
        before=before,
        after=_audit_view(gateway),
    )
    return gateway


@dataclass(frozen=True)
class OutboundMessage:
    """A reply to send through a gateway."""

    gateway: str
    conversation_id: str
    ticket: str
    event_id: int
    text: str
    to_name: str = ""
    to_phone: str = ""
    to_email: str = ""


class LoggingBackend:
    """Logs each message and keeps it in `sent` (per process): the default until a gateway
    accepts callbacks."""

    sent: ClassVar[list[OutboundMessage]] = []

    def send(self, message: OutboundMessage) -> None:
        logger.info("网关回复 %s → %s：%s", message.ticket, message.gateway, message.text[:80])
        LoggingBackend.sent.append(message)


class HttpBackend:
    """POSTs the message as JSON to the gateway's callback URL, signed like the webhook."""

    timeout = 10

    def send(self, message: OutboundMessage) -> None:
        from hragency.servicedesk.channels.webhook import sign

        gateway = Gateway.objects.get(code=message.gateway)
        urls: dict[str, str] = getattr(settings, "DESK_GATEWAY_CALLBACKS", {}) or {}
        url = gateway.callback_url or urls.get(message.gateway, "")
        if not url:
            raise ServiceError(f"网关 {message.gateway} 未配置回调地址")
        body = json.dumps(asdict(message), ensure_ascii=False).encode()
        timestamp = str(int(time.time()))
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "X-Timestamp": timestamp,
                "X-Signature": sign(str(gateway.secret), timestamp, body),
            },
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            if response.status >= 300:
                raise ServiceError(f"网关回调返回 {response.status}")


def backend() -> Any:
    return import_string(getattr(settings, "DESK_GATEWAY_BACKEND", "") or DEFAULT_BACKEND)()
