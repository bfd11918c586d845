"""Receiving the desk's mail over SMTP: an aiosmtpd server (``hragency desk-mail-server``)
that accepts mail for addresses of ``DESK_MAIL_DOMAIN`` and hands each one to
``mail.receive_mail``. aiosmtpd is then a runtime dependency of this command.

Run it behind the organisation's MX (a relay forwarding the desk's domain to it), bound to
127.0.0.1 or an internal interface: it does no authentication or TLS of its own.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from django.conf import settings
from django.db import close_old_connections

from hragency.servicedesk.channels.mail import receive_mail

logger = logging.getLogger(__name__)


def desk_domain() -> str:
    return str(getattr(settings, "DESK_MAIL_DOMAIN", "") or "desk.localhost").lower()


def _receive(content: bytes) -> str:
    close_old_connections()
    try:
        result = receive_mail(content, source="smtp")
    finally:
        close_old_connections()
    return result.action


class DeskHandler:
    """aiosmtpd handler: refuses other domains at RCPT, records the mail at DATA."""

    def __init__(self, domain: str | None = None) -> None:
        self.domain = (domain or desk_domain()).lower()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if not address.lower().endswith("@" + self.domain):
            return "550 5.1.1 not a mailbox of this service desk"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        loop = asyncio.get_running_loop()
        try:
            action = await loop.run_in_executor(None, _receive, content)
        except Exception:
            logger.exception("收信处理失败，已要求对方稍后重试")
            return "451 4.3.0 temporary failure, please retry"
        logger.info("收到邮件：%s", action)
        return "250 OK"


def make_controller(host: str, port: int, domain: str | None = None) -> Any:
    from aiosmtpd.controller import Controller

    # decode_data=False keeps the raw bytes (8-bit GBK bodies and headers arrive intact).
    return Controller(DeskHandler(domain), hostname=host, port=port, decode_data=False)
