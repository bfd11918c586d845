"""Result feedback and satisfaction (R-DESK-7).

``send_result`` runs inside the resolve service's transaction: it writes the 结果反馈 event the
client sees, stamps ``feedback_sent_at`` and puts the result in the client HR users' inboxes.
The e-mail (contact and HR) and the SMS (contact phone) with the rating link leave after commit
as two Huey tasks (``tasks_care.email_result`` / ``sms_result``), each retried by Huey (3 times,
5 minutes apart) when the mail server or the SMS backend fails; the inbox rows and the portal
event already exist, so nothing is lost meanwhile.

The client rates once, 1–5, on the anonymous page ``/desk/care/rate/<token>/`` (or from the
portal). A rating of 4 or 5 on a resolved ticket closes it (the client confirms the result). A
rating of 3 or lower keeps it resolved and opens a supervisor ``FollowUp`` (``followups``).
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import secrets
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from hragency.core import audit
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.notifications import notify
from hragency.servicedesk.models import Ticket, TicketEvent

logger = logging.getLogger(__name__)

RATE_PATH = "/desk/care/rate/{token}/"
DEFAULT_SITE_URL = "http://127.0.0.1:8000"
SCORES = range(1, 6)
SATISFIED_FROM = 4  # 4 and 5 close the ticket; 3 and lower start a follow-up
COMMENT_LENGTH = 2000


def rating_url(ticket: Ticket) -> str:
    """The absolute rating link (``settings.SITE_URL``, default http://127.0.0.1:8000)."""
    base = str(getattr(settings, "SITE_URL", "") or DEFAULT_SITE_URL).rstrip("/")
    return base + RATE_PATH.format(token=ticket.feedback_token)


def _result_text(ticket: Ticket) -> str:
    return (
        f"您的工单 {ticket.number}「{ticket.subject}」已处理完毕。\n"
        f"处理结果：{ticket.solution or '（见工单记录）'}\n"
        f"请对本次服务评分（1–5 分）：{rating_url(ticket)}"
    )


@transaction.atomic
def send_result(ticket: Ticket, *, actor: Any, now: dt.datetime | None = None) -> TicketEvent:
    """Tell the client the result of a resolved ticket, with the rating link: a 结果反馈 event
    (visible in the portal), the HR users' inbox now, e-mail and SMS after commit."""
    from hragency.accounts.queries import client_hr_users

    now = now or timezone.now()
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status not in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED):
        raise ServiceError("工单尚未解决，不能发送结果反馈")
    # The token is a bearer secret (it lets anyone rate): never in the audit trail.
    before = audit.snapshot(ticket, ["feedback_sent_at"])
    if not ticket.feedback_token:
        ticket.feedback_token = secrets.token_urlsafe(32)
    ticket.feedback_sent_at = now
    ticket.save(update_fields=["feedback_token", "feedback_sent_at"])
    event = TicketEvent.objects.create(
        ticket=ticket,
        client_id=ticket.client_id,
        kind=TicketEvent.Kind.FEEDBACK_SENT,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        body=_result_text(ticket),
        visible_to_client=True,
        created_at=now,
    )
    audit.record(
        actor=actor,
        action="servicedesk.feedback_send",
        instance=ticket,
        before=before,
        after=audit.snapshot(ticket, ["feedback_sent_at"]),
    )
    if ticket.client_id:
        notify(
            recipients=client_hr_users(ticket.client_id),
            title=f"工单 {ticket.number} 已解决，请评价",
            body=_result_text(ticket),
            link=RATE_PATH.format(token=ticket.feedback_token),
        )
    ticket_id = ticket.pk

    def deliver() -> None:
        from hragency.servicedesk.tasks_care import email_result, sms_result

        email_result(ticket_id)
        sms_result(ticket_id)

    transaction.on_commit(deliver)
    return event


def result_recipients(ticket: Ticket) -> list[str]:
    """The contact's e-mail and the client HR users' addresses, each once."""
    from hragency.accounts.queries import client_hr_users

    addresses = [ticket.contact_email] if ticket.contact_email else []
    if ticket.client_id:
        addresses += [u.email for u in client_hr_users(ticket.client_id) if u.email]
    seen: dict[str, None] = {}
    for address in addresses:
        seen.setdefault(address.strip().lower(), None)
    return list(seen)


def deliver_result_email(ticket_id: int) -> int:
    """Send the result e-mail (one message per address); raises on a mail failure so that the
    Huey task retries. Returns the number of messages sent."""
    ticket = Ticket.objects.get(pk=ticket_id)
    addresses = result_recipients(ticket)
    if not addresses:
        return 0
    subject = f"【服务结果反馈】工单 {ticket.number} 已解决，请评价"
    body = _result_text(ticket) + "\n\n如对处理结果不满意，请在评价中说明，客服主管将跟进。"
    messages = [
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in addresses
    ]
    return get_connection(fail_silently=False).send_messages(messages) or 0


# --- SMS: a pluggable backend (DESIGN: SMS/WeCom backends are pluggable; logging by default) ---


def log_sms(phone: str, text: str) -> None:
    """The default SMS backend: writes the message to the log (no gateway configured)."""
    logger.info("短信（未配置短信网关，仅记录）→ %s：%s", phone, text)


def send_sms(phone: str, text: str) -> None:
    """Send through ``settings.SMS_BACKEND`` (dotted path of a ``(phone, text)`` callable)."""
    path = getattr(settings, "SMS_BACKEND", "") or "hragency.servicedesk.feedback.log_sms"
    module, _, name = path.rpartition(".")
    getattr(importlib.import_module(module), name)(phone, text)


def deliver_result_sms(ticket_id: int) -> bool:
    """The short result message with the rating link to the contact's phone, if any."""
    ticket = Ticket.objects.get(pk=ticket_id)
    if not ticket.contact_phone:
        return False
    send_sms(
        ticket.contact_phone,
        f"您的工单{ticket.number}已处理完毕，请为本次服务评分：{rating_url(ticket)}",
    )
    return True


# --- Rating ---


def ticket_for_token(token: str) -> Ticket:
    """The ticket behind a rating link; 404 for an unknown or empty token."""
    ticket = (
        Ticket.objects.filter(feedback_token=token).select_related("first_owner").first()
        if token
        else None
    )
    if ticket is None:
        raise Http404("评价链接无效")
    return ticket


def parse_score(value: Any) -> int:
    try:
        score = int(str(value).strip())
    except (TypeError, ValueError):
        score = 0
    if score not in SCORES:
        raise InvalidFields([FieldError("score", "评分", "请选择 1–5 分")])
    return score


@transaction.atomic
def rate_ticket(
    *,
    token: str,
    score: Any,
    comment: str = "",
    actor: Any = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """Record the client's one rating. 4–5 closes the resolved ticket; ≤ 3 opens the
    supervisor's follow-up and an improvement case. ``actor`` is the HR user rating from the
    portal (only for their own company) or a rep taking the score by phone (R-DESK-10); None
    for the anonymous link."""
    from hragency.servicedesk import followups

    ticket = ticket_for_token(token)
    if getattr(actor, "kind", None) == "client_hr" and actor.client_id != ticket.client_id:
        raise Http404("评价链接无效")
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    value = parse_score(score)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_LENGTH:
        raise InvalidFields([FieldError("comment", "评价意见", f"最多 {COMMENT_LENGTH} 字")])
    if ticket.rated_at is not None:
        raise ServiceError("该工单已评价，感谢您的反馈")
    if ticket.status not in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED):
        raise ServiceError("工单尚未处理完毕，暂不能评价")
    now = now or timezone.now()
    actor = actor if getattr(actor, "is_authenticated", False) else None
    before = audit.snapshot(ticket)
    ticket.satisfaction = value
    ticket.satisfaction_comment = comment
    ticket.rated_at = now
    closes = value >= SATISFIED_FROM and ticket.status == Ticket.Status.RESOLVED
    if closes:
        ticket.status = Ticket.Status.CLOSED
        ticket.closed_at = now
    ticket.save()
    TicketEvent.objects.create(
        ticket=ticket,
        client_id=ticket.client_id,
        kind=TicketEvent.Kind.RATED,
        actor=actor,
        author_name=ticket.contact_name,
        body=f"满意度 {value} 分" + (f"：{comment}" if comment else ""),
        visible_to_client=True,
        created_at=now,
    )
    if closes:
        TicketEvent.objects.create(
            ticket=ticket,
            client_id=ticket.client_id,
            kind=TicketEvent.Kind.CLOSE,
            body="客户评价满意，工单关闭",
            visible_to_client=True,
            created_at=now,
        )
    audit.record(
        actor=actor,
        action="servicedesk.ticket_rate",
        instance=ticket,
        before=before,
        after=audit.snapshot(ticket),
    )
    if value < SATISFIED_FROM:
        followups.open_follow_up(ticket, score=value, comment=comment, now=now)
    return ticket
