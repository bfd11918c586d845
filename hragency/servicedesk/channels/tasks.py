"""Huey periodic task of the channels: poll the desk's IMAP mailbox every minute when
``DESK_IMAP_URL`` is set. Imported by ``hragency/servicedesk/tasks.py`` (Huey discovers only
an app's top-level ``tasks`` module)."""

from __future__ import annotations

import logging

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from hragency.servicedesk.channels.imap import PollResult, poll_imap
from hragency.servicedesk.channels.outbound import retry_undelivered

logger = logging.getLogger(__name__)

__all__ = ["poll_desk_imap_every_minute", "retry_desk_replies"]


@db_periodic_task(crontab(minute="*"))
@lock_task("desk-poll-imap")
def poll_desk_imap_every_minute() -> PollResult | None:
    url = str(getattr(settings, "DESK_IMAP_URL", "") or "")
    if not url:
        return None
    try:
        return poll_imap(url)
    except Exception:
        logger.exception("轮询服务台邮箱失败")
        return None


@db_periodic_task(crontab(minute="*/5"))
@lock_task("desk-retry-replies")
def retry_desk_replies() -> int:
    return retry_undelivered()
