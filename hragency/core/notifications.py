"""The one entry point for telling people things: inbox always, e-mail after commit.

``notify`` tells one group of people one thing; ``notify_all`` takes many messages and writes
every inbox row in one insert (the deadlines engine tells thousands of owners at once).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from hragency.core.models import Deadline, Notification

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    recipients: Sequence[Any]
    title: str
    body: str = ""
    link: str = ""
    level: str = Notification.Level.INFO
    deadline: Deadline | None = None
    email: bool = False


def notify(
    *,
    recipients: Iterable[Any],
    title: str,
    body: str = "",
    link: str = "",
    level: str = Notification.Level.INFO,
    deadline: Deadline | None = None,
    email: bool = False,
) -> list[Notification]:
    return notify_all([Message(list(recipients), title, body, link, level, deadline, email)])


def notify_all(messages: Iterable[Message]) -> list[Notification]:
    rows: list[Notification] = []
    mails: list[tuple[str, str, str, list[str]]] = []
    for message in messages:
        people = {user.pk: user for user in message.recipients if user is not None}
        rows.extend(
            Notification(
                recipient_id=pk,
                title=message.title,
                body=message.body,
                link=message.link,
                level=message.level,
                deadline=message.deadline,
            )
            for pk in people
        )
        if message.email:
            mails.extend(
                (
                    message.title,
                    message.body or message.title,
                    settings.DEFAULT_FROM_EMAIL,
                    [u.email],
                )
                for u in people.values()
                if u.email
            )
    created = Notification.objects.bulk_create(rows, batch_size=1000)
    if mails:
        transaction.on_commit(lambda: _send(mails))
    return created


def _send(mails: list[tuple[str, str, str, list[str]]]) -> None:
    # The inbox row already exists, so a mail server outage loses no information; it is logged.
    try:
        send_mass_mail(mails, fail_silently=False)
    except Exception:
        logger.exception("发送通知邮件失败（%d 封）", len(mails))


def mark_read(*, user: Any, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all unread ones when no ids are given)."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
