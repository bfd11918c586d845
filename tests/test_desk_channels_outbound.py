"""Replies out by e-mail, threaded so that the client's answer joins the same ticket."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from hragency.clients.models import Contact
from hragency.core.models import AuditLog
from hragency.servicedesk import intake
from hragency.servicedesk.channels.mail import receive_mail
from hragency.servicedesk.channels.outbound import deliver_by_id
from hragency.servicedesk.models import Ticket, TicketEvent
from tests.conftest import Cast

FIRST = (
    "From: 赵会计 <zhao@jia.cn>\r\nTo: service@desk.example\r\nSubject: 社保基数\r\n"
    "Message-ID: <first@jia.cn>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    "今年的社保基数什么时候调整？\r\n"
).encode()


@pytest.fixture
def desk(settings: Any) -> None:
    settings.DESK_MAIL_ADDRESS = "service@desk.example"
    settings.DESK_MAIL_DOMAIN = "desk.example"


def _reply(ticket: Ticket, user: Any, body: str, *, visible: bool = True) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        client=ticket.client,
        kind=TicketEvent.Kind.REPLY,
        actor=user,
        body=body,
        visible_to_client=visible,
        created_at=ticket.created_at,
    )


@pytest.mark.django_db
def test_it_mails_a_threaded_reply_and_threads_the_answer_back(
    cast: Cast, desk: None, smtp_server: Any
) -> None:
    Contact.objects.create(client=cast.client_a, name="赵会计", email="zhao@jia.cn")
    ticket = receive_mail(FIRST, source="test").ticket
    assert ticket is not None
    reply = _reply(ticket, cast.rep_a, "7 月 1 日起按新基数申报。")
    deliver_by_id(reply.pk)
    deliver_by_id(reply.pk)  # sent once
    assert len(smtp_server.messages) == 1
    sent = smtp_server.messages[0]
    reply.refresh_from_db()
    assert sent["Subject"] == f"Re: [{ticket.number}] 社保基数"
    assert sent["From"] == "service@desk.example" and sent["Reply-To"] == "service@desk.example"
    assert sent["To"] == "zhao@jia.cn"
    assert sent["Message-ID"] == reply.message_id and reply.message_id.endswith("@desk.example>")
    assert sent["In-Reply-To"] == "<first@jia.cn>" and sent["References"] == "<first@jia.cn>"
    text = sent.get_content()
    assert (
        "赵会计，您好：" in text and "7 月 1 日起按新基数申报。" in text and ticket.number in text
    )
    assert AuditLog.objects.filter(
        action="servicedesk.reply_delivered", client=cast.client_a
    ).exists()

    answer = (
        f"From: zhao@jia.cn\r\nTo: service@desk.example\r\nSubject: {sent['Subject']}\r\n"
        f"Message-ID: <answer@jia.cn>\r\nIn-Reply-To: {reply.message_id}\r\n"
        f"References: <first@jia.cn> {reply.message_id}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        "明白了，谢谢。\r\n\r\n-----原始邮件-----\r\n7 月 1 日起按新基数申报。\r\n"
    ).encode()
    result = receive_mail(answer, source="test")
    assert (result.action, result.ticket) == ("joined", ticket)
    assert ticket.events.get(kind=TicketEvent.Kind.MESSAGE_IN).body == "明白了，谢谢。"

    second = _reply(ticket, cast.rep_a, "不客气。")
    deliver_by_id(second.pk)
    latest = smtp_server.messages[-1]
    assert latest["In-Reply-To"] == "<answer@jia.cn>"
    assert latest["References"] == f"<first@jia.cn> {reply.message_id} <answer@jia.cn>"


@pytest.mark.django_db
def test_it_mails_portal_tickets_with_an_address_and_skips_the_rest(
    cast: Cast, desk: None, smtp_server: Any
) -> None:
    cast.hr_a.email = "hr@jia.cn"
    cast.hr_a.save()
    portal = intake.open_ticket(
        actor=cast.hr_a, channel="portal", client=cast.client_a, subject="发票", description="开票"
    )
    deliver_by_id(_reply(portal, cast.rep_a, "已开具。").pk)
    assert [m["To"] for m in smtp_server.messages] == ["hr@jia.cn"]
    assert "In-Reply-To" not in smtp_server.messages[0]
    phone = intake.open_ticket(
        actor=cast.rep_a, channel="phone", client=cast.client_a, subject="电话", description="x"
    )
    deliver_by_id(_reply(phone, cast.rep_a, "好的").pk)  # no address: nothing to send
    deliver_by_id(_reply(portal, cast.rep_a, "内部", visible=False).pk)  # not for the client
    note = TicketEvent.objects.create(
        ticket=portal, kind=TicketEvent.Kind.NOTE, body="备注", created_at=portal.created_at
    )
    deliver_by_id(note.pk)
    deliver_by_id(999999)
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_it_logs_a_failed_send_and_lets_a_later_call_retry(
    cast: Cast, desk: None, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port
    ticket = receive_mail(FIRST, source="test").ticket
    assert ticket is not None
    reply = _reply(ticket, cast.rep_a, "答复")
    deliver_by_id(reply.pk)  # does not raise
    reply.refresh_from_db()
    assert reply.message_id == ""
    assert "答复邮件发送失败" in caplog.text
    assert not AuditLog.objects.filter(action="servicedesk.reply_delivered").exists()


@pytest.mark.django_db
def test_it_retries_a_failed_reply_later_and_only_within_a_day(
    cast: Cast, desk: None, settings: Any
) -> None:
    import datetime as dt

    from django.utils import timezone

    from hragency.servicedesk.channels.outbound import retry_undelivered

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port
    ticket = receive_mail(FIRST, source="test").ticket
    assert ticket is not None
    now = timezone.now()
    failed = _reply(ticket, cast.rep_a, "第一次答复")
    stale = _reply(ticket, cast.rep_a, "两天前的答复")
    TicketEvent.objects.filter(pk=failed.pk).update(created_at=now - dt.timedelta(minutes=10))
    TicketEvent.objects.filter(pk=stale.pk).update(created_at=now - dt.timedelta(days=2))
    deliver_by_id(failed.pk)  # the server is down: nothing sent, the claim released
    failed.refresh_from_db()
    assert failed.message_id == ""

    # The server comes back on the same port.
    received: list[Any] = []
    from aiosmtpd.controller import Controller

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            received.append(envelope.content)
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=closed_port)
    controller.start()
    try:
        assert retry_undelivered(now=now) == 1  # the two-day-old reply is left alone
        assert retry_undelivered(now=now) == 0  # sent once, not again
    finally:
        controller.stop()
    failed.refresh_from_db()
    assert failed.message_id.startswith("<") and len(received) == 1
    import email
    import email.policy

    sent = email.message_from_bytes(received[0], policy=email.policy.default)
    assert "第一次答复" in sent.get_body().get_content()  # type: ignore[union-attr]
    stale.refresh_from_db()
    assert stale.message_id == ""
