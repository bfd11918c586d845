"""Polling the desk's mailbox over IMAP (``hragency desk-poll-imap`` and the Huey task every
minute when ``DESK_IMAP_URL`` is set, e.g. ``imaps://user:pass@host:993/INBOX``).

Each UNSEEN mail is fetched with ``BODY.PEEK[]`` (fetching does not mark it read), handed to
``mail.receive_mail`` (its own transaction), and marked ``\\Seen`` only after that commit. A
mail whose processing fails stays unseen and is retried at the next poll; one that was
recorded but could not be marked is recognised by its Message-ID at the next poll (duplicate,
nothing written) and marked then.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from hragency.core.errors import ServiceError
from hragency.servicedesk.channels.mail import receive_mail

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImapTarget:
    secure: bool
    host: str
    port: int
    user: str
    password: str
    mailbox: str


@dataclass
class PollResult:
    fetched: int = 0
    opened: int = 0
    joined: int = 0
    duplicate: int = 0
    ignored: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)


def parse_url(url: str) -> ImapTarget:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("imap", "imaps") or not parts.hostname:
        raise ServiceError("DESK_IMAP_URL 应形如 imaps://用户:密码@主机:993/INBOX")
    secure = parts.scheme == "imaps"
    return ImapTarget(
        secure=secure,
        host=parts.hostname,
        port=parts.port or (993 if secure else 143),
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        mailbox=unquote(parts.path.lstrip("/")) or "INBOX",
    )


def _connect(target: ImapTarget, timeout: float) -> imaplib.IMAP4:
    if target.secure:
        return imaplib.IMAP4_SSL(target.host, target.port, timeout=timeout)
    return imaplib.IMAP4(target.host, target.port, timeout=timeout)


def _raw_message(data: list[object]) -> bytes | None:
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def poll_imap(url: str, *, limit: int = 200, timeout: float = 30) -> PollResult:
    """Fetch the mailbox's UNSEEN mail (at most `limit` per run) into the desk."""
    target = parse_url(url)
    result = PollResult()
    client = _connect(target, timeout)
    try:
        client.login(target.user, target.password)
        status, _ = client.select(_quote(target.mailbox))
        if status != "OK":
            raise ServiceError(f"无法打开邮箱文件夹 {target.mailbox}")
        status, found = client.search(None, "UNSEEN")
        numbers = found[0].split() if status == "OK" and found and found[0] else []
        for number in numbers[:limit]:
            _one(client, number.decode(), result)
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()
    return result


def _quote(mailbox: str) -> str:
    return mailbox if re.fullmatch(r"[A-Za-z0-9_.\-/]+", mailbox) else '"' + mailbox + '"'


def _one(client: imaplib.IMAP4, number: str, result: PollResult) -> None:
    status, data = client.fetch(number, "(BODY.PEEK[])")
    raw = _raw_message(list(data)) if status == "OK" else None
    if raw is None:
        result.failed += 1
        result.failures.append(f"{number}: 无法取回")
        return
    result.fetched += 1
    try:
        outcome = receive_mail(raw, source="imap")
    except Exception as exc:
        logger.exception("IMAP 邮件 %s 处理失败，保留未读，下次重试", number)
        result.failed += 1
        result.failures.append(f"{number}: {exc}")
        return
    setattr(result, outcome.action, getattr(result, outcome.action) + 1)
    client.store(number, "+FLAGS", "(\\Seen)")
