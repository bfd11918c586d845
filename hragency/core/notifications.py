"""The one entry point for telling people things: inbox always, e-mail after commit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from hragency.core.models import Deadline, Notification


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
    people = {user.pk: user for user in recipients if user is not None}
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=pk, title=title, body=body, link=link, level=level, deadline=deadline
            )
            for pk in people
        ]
    )
    if email:
        addresses = [user.email for user in people.values() if user.email]
        if addresses:
            messages = [(title, body or title, settings.DEFAULT_FROM_EMAIL, [a]) for a in addresses]
            transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
    return rows


def mark_read(*, user: Any, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all unread ones when no ids are given)."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
