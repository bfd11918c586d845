"""Keeping the files a client sends with a message on the ticket (e-mail attachments).

Limits: at most ``MAX_FILES`` per message and ``MAX_BYTES`` each; what is over is not kept and
is named in the message's text so the rep can ask for it. Files are stored under a random name
in private media and only ever served as a download (never inline), through the ticket's
scoping (``queries.attachment_for``).
"""

from __future__ import annotations

from django.core.files.base import ContentFile

from hragency.servicedesk.channels.mailparse import MailFile
from hragency.servicedesk.models import Ticket, TicketAttachment, TicketEvent

MAX_FILES = 10
MAX_BYTES = 10 * 1024 * 1024


def keep_files(*, ticket: Ticket, event: TicketEvent | None, files: list[MailFile]) -> list[str]:
    """Store the files on the ticket (and the event they came with); returns the names of
    those not kept, each with the reason."""
    refused: list[str] = []
    kept = 0
    for item in files:
        name = (item.name or "附件").strip()[:200]
        if len(item.data) > MAX_BYTES:
            refused.append(f"{name}（超过 10 MB）")
            continue
        if kept >= MAX_FILES:
            refused.append(f"{name}（每封邮件最多保存 {MAX_FILES} 个附件）")
            continue
        attachment = TicketAttachment(
            ticket=ticket,
            event=event,
            client_id=ticket.client_id,
            original_name=name,
            content_type=item.content_type[:100],
            size=len(item.data),
        )
        attachment.file.save(name, ContentFile(item.data), save=False)
        attachment.save()
        kept += 1
    return refused
