"""The gateway webhook: signature, replay window, idempotency, threading, client matching."""

from __future__ import annotations

import io
import json
import threading
import time
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client as HttpClient

from hragency.clients.models import Contact
from hragency.core.models import AuditLog
from hragency.servicedesk.channels import gateways
from hragency.servicedesk.channels.outbound import deliver_by_id
from hragency.servicedesk.channels.webhook import sign
from hragency.servicedesk.models import InboundMessage, Ticket, TicketEvent
from tests.conftest import Cast


def _post(
    code: str,
    payload: Any,
    secret: str,
    *,
    timestamp: str | None = None,
    signature: str | None = None,
    raw: bytes | None = None,
) -> Any:
    body = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode()
    timestamp = str(int(time.time())) if timestamp is None else timestamp
    headers = {"X-Timestamp": timestamp}
    headers["X-Signature"] = sign(secret, timestamp, body) if signature is None else signature
    return HttpClient().post(
        f"/api/desk/inbound/{code}", data=body, content_type="application/json", headers=headers
    )


@pytest.fixture
def wecom(cast: Cast) -> tuple[Any, str]:
    return gateways.create_gateway(actor=None, code="wecom", channel="wecom", name="企业微信")


def _counts() -> tuple[int, int, int, int]:
    return (
        Ticket.objects.count(),
        TicketEvent.objects.count(),
        InboundMessage.objects.count(),
        AuditLog.objects.count(),
    )


@pytest.mark.django_db
def test_it_opens_a_ticket_for_a_signed_message_of_a_known_client(cast: Cast, wecom: Any) -> None:
    _, secret = wecom
    payload = {
        "message_id": "wx-1",
        "conversation_id": "room-42",
        "sender": {"name": "王经理", "phone": "13800001111", "client_number": "KH00001"},
        "text": "本月社保为什么还没扣款？\n请尽快核实",
    }
    response = _post("wecom", payload, secret)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["duplicate"] is False and data["action"] == "opened"
    assert data["status"] == "pending"
    ticket = Ticket.objects.get(number=data["ticket"])
    assert ticket.client == cast.client_a
    assert ticket.channel == "wecom"
    assert ticket.subject == "本月社保为什么还没扣款？"
    assert ticket.contact_name == "王经理" and ticket.contact_phone == "13800001111"
    assert ticket.first_owner == cast.rep_a  # the client's rep answers it
    assert ticket.external_thread == "wecom:room-42"
    created = ticket.events.get()
    assert created.message_id == "wx-1" and created.author_name == "王经理"
    inbound = InboundMessage.objects.get(source="gateway:wecom", external_id="wx-1")
    assert inbound.ticket == ticket and inbound.event == created
    assert AuditLog.objects.filter(action="servicedesk.ticket_open", client=cast.client_a).exists()


@pytest.mark.django_db
def test_it_answers_a_retry_with_the_same_ticket_and_writes_nothing(cast: Cast, wecom: Any) -> None:
    _, secret = wecom
    payload = {"message_id": "wx-2", "text": "查询公积金", "sender": {"client_number": "KH00001"}}
    first = _post("wecom", payload, secret).json()
    before = _counts()
    again = _post("wecom", payload, secret)
    assert again.status_code == 200
    assert again.json() == {
        "ticket": first["ticket"],
        "duplicate": True,
        "status": "pending",
        "action": "duplicate",
    }
    assert _counts() == before


@pytest.mark.django_db
def test_it_joins_the_open_ticket_of_the_same_conversation(cast: Cast, wecom: Any) -> None:
    _, secret = wecom
    sender = {"client_number": "KH00001", "name": "王经理"}
    first = _post(
        "wecom",
        {"message_id": "a1", "conversation_id": "c9", "sender": sender, "text": "问题一"},
        secret,
    ).json()
    second = _post(
        "wecom",
        {"message_id": "a2", "conversation_id": "c9", "sender": sender, "text": "补充"},
        secret,
    ).json()
    assert second["ticket"] == first["ticket"] and second["action"] == "joined"
    ticket = Ticket.objects.get(number=first["ticket"])
    message = ticket.events.get(kind=TicketEvent.Kind.MESSAGE_IN)
    assert (message.body, message.channel, message.author_name) == ("补充", "wecom", "王经理")
    assert message.visible_to_client and message.message_id == "a2"

    # The same conversation id from another gateway is another conversation.
    _, other_secret = gateways.create_gateway(actor=None, code="ding", channel="dingtalk")
    other = _post(
        "ding", {"message_id": "a3", "conversation_id": "c9", "text": "钉钉"}, other_secret
    )
    assert other.json()["action"] == "opened" and other.json()["ticket"] != first["ticket"]

    # A closed ticket is not joined: the conversation continues on a new ticket.
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.CLOSED)
    later = _post("wecom", {"message_id": "a4", "conversation_id": "c9", "text": "又来了"}, secret)
    assert later.json()["action"] == "opened" and later.json()["ticket"] != first["ticket"]
    follow = _post("wecom", {"message_id": "a5", "conversation_id": "c9", "text": "再补充"}, secret)
    assert follow.json()["ticket"] == later.json()["ticket"]


@pytest.mark.django_db
def test_it_refuses_unsigned_forged_replayed_and_unknown(cast: Cast, wecom: Any) -> None:
    _, secret = wecom
    payload = {"message_id": "x", "text": "你好"}
    before = _counts()
    body = json.dumps(payload).encode()
    missing = HttpClient().post(
        "/api/desk/inbound/wecom", data=body, content_type="application/json"
    )
    assert missing.status_code == 401 and "缺少签名" in missing.json()["detail"]
    forged = _post("wecom", payload, "not-the-secret")
    assert forged.status_code == 401 and forged.json()["detail"] == "签名校验失败"
    tampered = _post("wecom", payload, secret, signature=sign(secret, "1", body))
    assert tampered.status_code == 401
    old = str(int(time.time()) - 301)
    replay = _post("wecom", payload, secret, timestamp=old)
    assert replay.status_code == 401 and "重放" in replay.json()["detail"]
    assert _post("wecom", payload, secret, timestamp="abc").status_code == 401
    assert _post("nosuch", payload, secret).status_code == 404
    gateways.set_active(actor=None, code="wecom", active=False)
    stopped = _post("wecom", payload, secret)
    assert stopped.status_code == 404 and "停用" in stopped.json()["detail"]
    assert _counts()[:3] == before[:3]


@pytest.mark.django_db
def test_it_names_the_bad_field(cast: Cast, wecom: Any) -> None:
    _, secret = wecom
    bad_json = _post("wecom", None, secret, raw=b"{not json")
    assert bad_json.status_code == 400 and bad_json.json()["errors"][0]["field"] == "body"
    no_text = _post("wecom", {"message_id": "m"}, secret)
    assert no_text.status_code == 400
    assert no_text.json()["errors"] == [{"field": "text", "reason": "必填"}]
    no_id = _post("wecom", {"text": "你好"}, secret)
    assert no_id.status_code == 400 and "「message_id」必填" in no_id.json()["detail"]
    bad_mail = _post("wecom", {"message_id": "m", "text": "x", "sender": {"email": "nope"}}, secret)
    assert bad_mail.json()["errors"] == [{"field": "sender.email", "reason": "邮箱格式不正确"}]
    listed = _post("wecom", [1, 2], secret)
    assert listed.status_code == 400
    assert Ticket.objects.count() == 0


@pytest.mark.django_db
def test_it_matches_the_client_by_email_and_otherwise_leaves_it_to_triage(
    cast: Cast, wecom: Any
) -> None:
    _, secret = wecom
    contact = Contact.objects.create(client=cast.client_a, name="赵会计", email="zhao@jia.cn")
    cast.hr_b.email = "hr@yi.cn"
    cast.hr_b.save()

    def client_of(message_id: str, sender: dict[str, str]) -> Ticket:
        response = _post(
            "wecom", {"message_id": message_id, "text": "咨询", "sender": sender}, secret
        )
        return Ticket.objects.get(number=response.json()["ticket"])

    by_contact = client_of("e1", {"email": "ZHAO@jia.cn"})
    assert (by_contact.client, by_contact.contact) == (cast.client_a, contact)
    assert client_of("e2", {"email": "hr@yi.cn"}).client == cast.client_b
    # An unknown phone is left to triage.
    by_phone = client_of("e3", {"phone": "13800001111"})
    assert by_phone.client is None and by_phone.first_owner is None
    unknown = client_of("e4", {"client_number": "KH99999"})
    assert unknown.client is None and "客户编号 KH99999 不存在" in unknown.description
    Contact.objects.create(client=cast.client_b, name="同名", email="zhao@jia.cn")
    shared = client_of("e5", {"email": "zhao@jia.cn"})
    assert shared.client is None and "对应多个客户" in shared.description


@pytest.mark.django_db
def test_it_matches_the_client_by_the_contacts_phone_whatever_its_format(
    cast: Cast, wecom: Any
) -> None:
    _, secret = wecom
    contact = Contact.objects.create(client=cast.client_a, name="钱出纳", phone="138 0000 2222")

    def ticket_for(message_id: str, phone: str) -> Ticket:
        response = _post(
            "wecom", {"message_id": message_id, "text": "咨询", "sender": {"phone": phone}}, secret
        )
        return Ticket.objects.get(number=response.json()["ticket"])

    for n, phone in enumerate(["13800002222", "+86 138-0000-2222", "008613800002222"]):
        ticket = ticket_for(f"p{n}", phone)
        assert (ticket.client, ticket.contact) == (cast.client_a, contact)
    # The index follows a changed phone.
    contact.phone = "13900003333"
    contact.save()
    assert ticket_for("p3", "13800002222").client is None
    assert ticket_for("p4", "13900003333").client == cast.client_a
    # A phone two clients share goes to triage, saying why.
    Contact.objects.create(client=cast.client_b, name="共用", phone="13900003333")
    shared = ticket_for("p5", "139 0000 3333")
    assert shared.client is None and "对应多个客户" in shared.description


@pytest.mark.django_db
def test_it_refuses_a_callback_that_is_not_http(cast: Cast, wecom: Any) -> None:
    with pytest.raises(CommandError, match="http"):
        call_command("desk_gateway", "callback", "wecom", "--url", "ftp://gw.example/cb")
    with pytest.raises(CommandError, match="--url"):
        call_command("desk_gateway", "callback", "wecom")
    out = io.StringIO()
    call_command("desk_gateway", "list", stdout=out)
    assert "未设回调" in out.getvalue()
    assert not AuditLog.objects.filter(action="servicedesk.gateway_callback").exists()


@pytest.mark.django_db
def test_it_lists_attachments_by_name(cast: Cast, wecom: Any) -> None:
    _, secret = wecom
    payload = {
        "message_id": "f1",
        "attachments": [
            {"name": "工资条.pdf", "url": "https://gw.example/f/1"},
            {"name": "截图.png"},
        ],
    }
    data = _post("wecom", payload, secret).json()
    ticket = Ticket.objects.get(number=data["ticket"])
    assert "附件（未保存，请向客户或网关索取）：工资条.pdf（https://gw.example/f/1）、截图.png" in (
        ticket.description
    )


@pytest.mark.django_db
def test_it_registers_gateways_from_the_command_line(cast: Cast) -> None:
    out = io.StringIO()
    call_command("desk-gateway", "add", "sms", "--channel", "sms", stdout=out)
    secret = out.getvalue().split("签名密钥（仅显示一次）：")[1].strip()
    assert _post("sms", {"message_id": "s1", "text": "短信咨询"}, secret).status_code == 200
    out = io.StringIO()
    call_command("desk-gateway", "rotate", "sms", stdout=out)
    new_secret = out.getvalue().split("：")[1].strip()
    assert _post("sms", {"message_id": "s2", "text": "x"}, secret).status_code == 401
    assert _post("sms", {"message_id": "s2", "text": "x"}, new_secret).status_code == 200
    with pytest.raises(CommandError, match="渠道"):
        call_command("desk-gateway", "add", "mail", "--channel", "email", stdout=io.StringIO())
    with pytest.raises(CommandError, match="已存在"):
        call_command("desk-gateway", "add", "sms", "--channel", "sms", stdout=io.StringIO())
    audit = AuditLog.objects.get(action="servicedesk.gateway_add")
    assert secret not in json.dumps(audit.changes, ensure_ascii=False)


@pytest.mark.django_db
def test_it_sends_replies_to_gateway_tickets_through_the_backend(cast: Cast, wecom: Any) -> None:
    _, secret = wecom
    data = _post(
        "wecom",
        {"message_id": "r1", "conversation_id": "room-7", "text": "咨询", "sender": {"name": "王"}},
        secret,
    ).json()
    ticket = Ticket.objects.get(number=data["ticket"])
    reply = TicketEvent.objects.create(
        ticket=ticket,
        kind=TicketEvent.Kind.REPLY,
        actor=cast.rep_a,
        body="已为您核实，明天扣款。",
        visible_to_client=True,
        created_at=ticket.created_at,
    )
    gateways.LoggingBackend.sent.clear()
    deliver_by_id(reply.pk)
    deliver_by_id(reply.pk)  # a second call sends nothing
    assert [
        (m.gateway, m.conversation_id, m.ticket, m.text) for m in gateways.LoggingBackend.sent
    ] == [("wecom", "room-7", ticket.number, "已为您核实，明天扣款。")]
    reply.refresh_from_db()
    assert reply.message_id == f"gateway:wecom:{reply.pk}"


@pytest.mark.django_db(transaction=True)
def test_it_makes_one_ticket_of_two_concurrent_deliveries(cast: Cast) -> None:
    _, secret = gateways.create_gateway(actor=None, code="app", channel="app")
    body = json.dumps({"message_id": "same", "text": "并发"}).encode()
    start = threading.Barrier(2)
    answers: list[dict[str, Any]] = []
    errors: list[BaseException] = []

    def deliver() -> None:
        try:
            start.wait()
            timestamp = str(int(time.time()))
            response = HttpClient().post(
                "/api/desk/inbound/app",
                data=body,
                content_type="application/json",
                headers={"X-Timestamp": timestamp, "X-Signature": sign(secret, timestamp, body)},
            )
            assert response.status_code == 200, response.content
            answers.append(response.json())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert sorted(a["duplicate"] for a in answers) == [False, True]
    assert answers[0]["ticket"] == answers[1]["ticket"]
    assert Ticket.objects.count() == 1
    assert InboundMessage.objects.filter(source="gateway:app").count() == 1


@pytest.mark.django_db
def test_it_posts_replies_to_the_gateway_callback_signed(
    cast: Cast, wecom: Any, settings: Any
) -> None:
    import http.server

    _, secret = wecom
    received: list[tuple[dict[str, str], bytes]] = []

    class Callback(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Callback)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.DESK_GATEWAY_BACKEND = "hragency.servicedesk.channels.gateways.HttpBackend"
    settings.DESK_GATEWAY_CALLBACKS = {"wecom": "http://127.0.0.1:9/the-setting-is-only-a-fallback"}
    out = io.StringIO()
    url = f"http://127.0.0.1:{server.server_address[1]}/cb"
    call_command("desk_gateway", "callback", "wecom", "--url", url, stdout=out)
    assert url in out.getvalue()
    try:
        data = _post("wecom", {"message_id": "h1", "conversation_id": "g1", "text": "问"}, secret)
        ticket = Ticket.objects.get(number=data.json()["ticket"])
        reply = TicketEvent.objects.create(
            ticket=ticket,
            kind=TicketEvent.Kind.REPLY,
            body="答",
            visible_to_client=True,
            created_at=ticket.created_at,
        )
        deliver_by_id(reply.pk)
    finally:
        server.shutdown()
        server.server_close()
    [(headers, body)] = received
    assert headers["X-Signature"] == sign(secret, headers["X-Timestamp"], body)
    sent = json.loads(body)
    assert (sent["gateway"], sent["conversation_id"], sent["text"]) == ("wecom", "g1", "答")
    assert sent["ticket"] == ticket.number and sent["event_id"] == reply.pk
