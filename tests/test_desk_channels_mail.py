"""E-mail intake: Chinese encodings, quoted replies, threading, idempotency, auto-replies, and
the SMTP receiver."""

from __future__ import annotations

import base64
import quopri
import smtplib
import socket
from typing import Any

import pytest
from django.db import connection

from hragency.clients.models import Contact
from hragency.servicedesk.channels.mail import receive_mail
from hragency.servicedesk.channels.mailparse import parse_mail, strip_quoted
from hragency.servicedesk.channels.smtp_receiver import make_controller
from hragency.servicedesk.models import InboundMessage, Ticket, TicketEvent
from tests.conftest import Cast


def b64_word(text: str, charset: str) -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode()}?="


def mail(
    *,
    subject: str,
    body: bytes,
    sender: str = "赵会计 <zhao@jia.cn>",
    message_id: str | None = "<m1@jia.cn>",
    headers: str = "",
    content_type: str = "text/plain; charset=utf-8",
    encoding: str = "8bit",
) -> bytes:
    head = f"From: {sender}\r\nTo: service@desk.example\r\nSubject: {subject}\r\n"
    if message_id:
        head += f"Message-ID: {message_id}\r\n"
    head += headers
    head += f"MIME-Version: 1.0\r\nContent-Type: {content_type}\r\n"
    head += f"Content-Transfer-Encoding: {encoding}\r\n\r\n"
    return head.encode("utf-8") + body


@pytest.fixture
def contact(cast: Cast) -> Contact:
    return Contact.objects.create(client=cast.client_a, name="赵会计", email="zhao@jia.cn")


@pytest.mark.django_db
def test_it_reads_a_gbk_mail_declared_as_gb2312(cast: Cast, contact: Contact) -> None:
    # 镕 is in GBK but not in GB2312: mail clients label such text gb2312 all the same.
    text = "朱镕基同志的社保转移怎么办理？\r\n谢谢！"
    raw = mail(
        subject=b64_word("咨询：朱镕基社保转移", "gbk").replace("gbk", "gb2312"),
        body=base64.encodebytes(text.encode("gbk")),
        content_type="text/plain; charset=gb2312",
        encoding="base64",
    )
    result = receive_mail(raw, source="test")
    assert result.action == "opened"
    ticket = result.ticket
    assert ticket is not None
    assert ticket.subject == "咨询：朱镕基社保转移"
    assert ticket.description == "朱镕基同志的社保转移怎么办理？\n谢谢！"
    assert (ticket.client, ticket.contact, ticket.channel) == (cast.client_a, contact, "email")
    assert (ticket.contact_email, ticket.contact_name) == ("zhao@jia.cn", "赵会计")
    assert ticket.first_owner == cast.rep_a
    assert ticket.events.get().message_id == "<m1@jia.cn>"


@pytest.mark.django_db
def test_it_reads_quoted_printable_html_and_raw_8bit_headers(cast: Cast) -> None:
    html = (
        "<html><style>p{color:red}</style><body>"
        "<p>工资&nbsp;发放<b>延迟</b></p><div>请回电</div></body></html>"
    )
    raw = mail(
        subject="工资发放延迟",  # raw UTF-8 in the header, no RFC 2047
        sender="=?UTF-8?B?" + base64.b64encode("钱经理".encode()).decode() + "?= <qian@x.cn>",
        body=quopri.encodestring(html.encode("utf-8")),
        content_type="text/html; charset=utf-8",
        encoding="quoted-printable",
    )
    ticket = receive_mail(raw, source="test").ticket
    assert ticket is not None
    assert ticket.subject == "工资发放延迟"
    assert ticket.description.splitlines() == ["工资 发放延迟", "", "请回电"]
    assert ticket.contact_name == "钱经理" and ticket.client is None  # unknown sender: triage


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.mark.django_db
def test_it_prefers_plain_text_and_keeps_attachments(cast: Cast, contact: Contact) -> None:
    boundary = "XYZ"
    filename = b64_word("社保清单.xlsx", "utf-8")
    body = (
        f"--{boundary}\r\nContent-Type: multipart/alternative; boundary=ALT\r\n\r\n"
        "--ALT\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n请见附件\r\n"
        "--ALT\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>HTML 版本</p>\r\n--ALT--\r\n"
        f"--{boundary}\r\nContent-Type: application/octet-stream\r\n"
        f'Content-Disposition: attachment; filename="{filename}"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\nAAAA\r\n"
        f"--{boundary}--\r\n"
    ).encode()
    raw = mail(subject="清单", body=body, content_type=f"multipart/mixed; boundary={boundary}")
    ticket = receive_mail(raw, source="test").ticket
    assert ticket is not None
    assert ticket.description == "请见附件"
    [attachment] = ticket.attachments.all()
    assert (attachment.original_name, attachment.size) == ("社保清单.xlsx", 3)
    assert attachment.file.read() == b"\x00\x00\x00"
    assert attachment.event == ticket.events.get(kind=TicketEvent.Kind.CREATED)
    assert "社保清单" not in attachment.file.name  # stored under a random name


def _mail_with_files(files: list[tuple[str, bytes]], *, message_id: str, subject: str) -> bytes:
    parts = "--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n见附件\r\n"
    for name, data in files:
        encoded = base64.encodebytes(data).decode()
        parts += (
            f"--B\r\nContent-Type: application/pdf\r\n"
            f'Content-Disposition: attachment; filename="{b64_word(name, "utf-8")}"\r\n'
            f"Content-Transfer-Encoding: base64\r\n\r\n{encoded}\r\n"
        )
    return mail(
        subject=subject,
        body=(parts + "--B--\r\n").encode(),
        message_id=message_id,
        content_type="multipart/mixed; boundary=B",
    )


@pytest.mark.django_db
def test_it_serves_attachments_only_within_the_tickets_scope(cast: Cast, contact: Contact) -> None:
    from django.test import Client as HttpClient

    from hragency.servicedesk.channels import attachments

    big = b"x" * (attachments.MAX_BYTES + 1)
    raw = _mail_with_files(
        [("合同.pdf", b"%PDF-1.4 ok"), ("扫描件.pdf", big)],
        message_id="<f1@jia.cn>",
        subject="合同",
    )
    ticket = receive_mail(raw, source="test").ticket
    assert ticket is not None and ticket.client == cast.client_a
    [kept] = ticket.attachments.all()
    created = ticket.events.get(kind=TicketEvent.Kind.CREATED)
    assert "附件未保存，请向客户索取：扫描件.pdf（超过 10 MB）" in created.body
    url = f"/desk/tickets/{ticket.pk}/files/{kept.pk}/"

    def get(user: Any) -> Any:
        client = HttpClient()
        if user is not None:
            client.force_login(user)
        return client.get(url)

    for allowed in (cast.rep_a, cast.hr_a):
        response = get(allowed)
        assert response.status_code == 200
        assert response.content == b"%PDF-1.4 ok"
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment;")
    assert get(cast.rep_b).status_code == 404
    assert get(cast.hr_b).status_code == 404
    assert get(None).status_code == 302  # to the login page
    # A client user may not fetch a file of a message they cannot see.
    TicketEvent.objects.filter(pk=created.pk).update(visible_to_client=False)
    assert get(cast.hr_a).status_code == 404
    assert get(cast.rep_a).status_code == 200


def test_it_strips_quoted_text_of_replies() -> None:
    assert strip_quoted("好的，已收到。\n\n在 2026年11月23日 10:00，客服 写道：\n> 请提供名单") == (
        "好的，已收到。"
    )
    assert strip_quoted("可以\n-----原始邮件-----\n发件人：客服\n内容") == "可以"
    assert strip_quoted("OK\n------------------ 原始邮件 ------------------\nx") == "OK"
    assert strip_quoted(
        "Thanks\nOn Mon, Nov 23, 2026 at 10:00 AM Desk <\ns@d.cn> wrote:\n> hi"
    ) == ("Thanks")
    assert strip_quoted("收到\n\n发件人: 服务台\n发送时间: 2026年11月23日\n主题: x") == "收到"
    assert strip_quoted("第一行\n> 引用\n第二行") == "第一行\n第二行"
    assert strip_quoted("> 全部是引用") == "> 全部是引用"  # nothing would remain: keep it


@pytest.mark.django_db
def test_it_threads_a_reply_by_its_references_and_strips_the_quote(
    cast: Cast, contact: Contact
) -> None:
    first = receive_mail(mail(subject="社保", body="第一封".encode()), source="test").ticket
    assert first is not None
    reply = mail(
        subject="Re: 社保",
        message_id="<m2@jia.cn>",
        headers="In-Reply-To: <m1@jia.cn>\r\nReferences: <m1@jia.cn>\r\n",
        body="补充材料已备齐\r\n\r\n在 2026年11月23日，赵会计 写道：\r\n> 第一封\r\n".encode(),
    )
    result = receive_mail(reply, source="test")
    assert (result.action, result.ticket) == ("joined", first)
    message = first.events.get(kind=TicketEvent.Kind.MESSAGE_IN)
    assert (message.body, message.channel, message.message_id) == (
        "补充材料已备齐",
        "email",
        "<m2@jia.cn>",
    )
    assert message.author_name == "赵会计"


@pytest.mark.django_db
def test_it_threads_by_ticket_number_only_for_the_ticket_s_own_people(
    cast: Cast, contact: Contact
) -> None:
    ticket = receive_mail(mail(subject="公积金", body=b"x"), source="test").ticket
    assert ticket is not None
    subject = f"回复：[{ticket.number}] 公积金"
    joined = receive_mail(mail(subject=subject, body=b"ok", message_id="<n1@jia.cn>"), source="t")
    assert (joined.action, joined.ticket) == ("joined", ticket)
    stranger = receive_mail(
        mail(subject=subject, body=b"hi", sender="x@evil.cn", message_id="<n2@evil.cn>"), source="t"
    )
    assert stranger.action == "opened" and stranger.ticket != ticket
    assert stranger.ticket is not None and stranger.ticket.subject == "公积金"
    outsider = receive_mail(
        mail(
            subject="Re: 公积金",
            body=b"hi",
            sender="y@evil.cn",
            message_id="<n3@evil.cn>",
            headers="In-Reply-To: <m1@jia.cn>\r\n",  # the client's own id: not a secret
        ),
        source="t",
    )
    assert outsider.action == "opened" and outsider.ticket != ticket
    assert ticket.events.filter(kind=TicketEvent.Kind.MESSAGE_IN).count() == 1


@pytest.mark.django_db
def test_it_opens_a_new_ticket_for_a_reply_to_a_closed_one(cast: Cast, contact: Contact) -> None:
    old = receive_mail(mail(subject="社保", body=b"x"), source="test").ticket
    assert old is not None
    Ticket.objects.filter(pk=old.pk).update(status=Ticket.Status.CLOSED)
    result = receive_mail(
        mail(
            subject=f"Re: [{old.number}] 社保",
            body="还是没解决".encode(),
            message_id="<m3@jia.cn>",
            headers="In-Reply-To: <m1@jia.cn>\r\n",
        ),
        source="test",
    )
    assert result.action == "opened" and result.ticket is not None
    assert result.ticket.description.startswith(f"（客户就已关闭的工单 {old.number} 再次来信）")
    assert result.ticket.subject == "社保" and result.ticket.client == cast.client_a
    assert old.events.count() == 1


@pytest.mark.django_db
def test_it_receives_each_mail_once(cast: Cast) -> None:
    raw = mail(subject="一次", body=b"x")
    first = receive_mail(raw, source="smtp")
    again = receive_mail(raw, source="imap")
    assert again.duplicate and again.ticket == first.ticket
    anonymous = mail(subject="无编号", body=b"y", message_id=None)
    one = receive_mail(anonymous, source="smtp")
    two = receive_mail(anonymous, source="smtp")
    assert two.duplicate and two.ticket == one.ticket
    key = InboundMessage.objects.exclude(external_id="<m1@jia.cn>").get().external_id
    assert key.startswith("sha256:") and len(key) == 7 + 64
    assert Ticket.objects.count() == 2


@pytest.mark.parametrize(
    ("headers", "sender", "subject"),
    [
        ("Auto-Submitted: auto-replied\r\n", "zhao@jia.cn", "休假"),
        ("X-Autoreply: yes\r\n", "zhao@jia.cn", "休假"),
        ("Precedence: bulk\r\n", "news@jia.cn", "月刊"),
        ("", "MAILER-DAEMON@mx.jia.cn", "Undelivered Mail"),
        ("", "zhao@jia.cn", "自动回复: 社保"),
        ("", "service@desk.example", "我们自己"),
    ],
)
@pytest.mark.django_db
def test_it_ignores_auto_replies_and_bounces(
    cast: Cast, settings: Any, headers: str, sender: str, subject: str
) -> None:
    settings.DESK_MAIL_ADDRESS = "service@desk.example"
    result = receive_mail(
        mail(subject=subject, body=b"x", sender=sender, headers=headers), source="t"
    )
    assert result.action == "ignored" and result.ticket is None
    assert Ticket.objects.count() == 0
    assert InboundMessage.objects.get().outcome.startswith("已忽略")
    assert receive_mail(
        mail(subject=subject, body=b"x", sender=sender, headers=headers), source="t"
    ).duplicate


def test_it_parses_addresses_and_message_ids() -> None:
    parsed = parse_mail(
        mail(
            subject="Re: x",
            body=b"y",
            headers="References: <a@x> <b@x>\r\nIn-Reply-To: <b@x>\r\n",
        )
    )
    assert parsed.from_address == "zhao@jia.cn" and parsed.recipients == ["service@desk.example"]
    assert parsed.references == ["<b@x>", "<a@x>", "<b@x>"] and parsed.is_reply


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.django_db(transaction=True)
def test_it_receives_mail_over_smtp_for_the_desk_domain_only(cast: Cast) -> None:
    port = _free_port()
    controller = make_controller("127.0.0.1", port, "desk.example")
    controller.start()
    try:
        raw = mail(subject="SMTP 来信", body="你好，请问社保基数".encode())
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            refused = smtp.sendmail("zhao@jia.cn", ["service@desk.example", "x@other.cn"], raw)
            assert list(refused) == ["x@other.cn"]
            with pytest.raises(smtplib.SMTPRecipientsRefused):
                smtp.sendmail("zhao@jia.cn", ["y@other.cn"], raw)
    finally:
        controller.stop()
        connection.close()
    ticket = Ticket.objects.get()
    assert (ticket.subject, ticket.description) == ("SMTP 来信", "你好，请问社保基数")
    assert InboundMessage.objects.get().outcome == "smtp: 新建"
