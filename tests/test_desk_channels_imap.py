"""The IMAP poller against a minimal in-process IMAP4 server (CAPABILITY, LOGIN, SELECT,
SEARCH UNSEEN, FETCH BODY.PEEK[], STORE +FLAGS \\Seen, LOGOUT over plain TCP; no TLS, no
UIDs)."""

from __future__ import annotations

import io
import re
import socketserver
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from hragency.core.errors import ServiceError
from hragency.servicedesk.channels.imap import parse_url, poll_imap
from hragency.servicedesk.models import Ticket
from tests.conftest import Cast


@dataclass
class Mailbox:
    user: str = "desk"
    password: str = "p@ss word"
    messages: list[bytes] = field(default_factory=list)
    seen: set[int] = field(default_factory=set)
    commands: list[str] = field(default_factory=list)


class _Handler(socketserver.StreamRequestHandler):
    mailbox: Mailbox

    def _send(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        box = self.server.mailbox  # type: ignore[attr-defined]
        self._send("* OK [CAPABILITY IMAP4rev1] test server ready")
        while line := self.rfile.readline():
            tag, command, *rest = line.decode().rstrip("\r\n").split(" ", 2)
            args = rest[0] if rest else ""
            box.commands.append(command.upper())
            if not self._dispatch(box, tag, command.upper(), args):
                return

    def _dispatch(self, box: Mailbox, tag: str, command: str, args: str) -> bool:
        if command == "CAPABILITY":
            self._send("* CAPABILITY IMAP4rev1")
            self._send(f"{tag} OK CAPABILITY completed")
        elif command == "LOGIN":
            user, password = [
                v.strip('"').replace('\\"', '"') for v in re.findall(r'"(?:[^"\\]|\\.)*"|\S+', args)
            ]
            ok = (user, password) == (box.user, box.password)
            self._send(f"{tag} OK LOGIN completed" if ok else f"{tag} NO bad credentials")
        elif command == "SELECT":
            self._send(f"* {len(box.messages)} EXISTS")
            self._send(f"{tag} OK [READ-WRITE] SELECT completed")
        elif command == "SEARCH":
            unseen = [str(n) for n in range(1, len(box.messages) + 1) if n not in box.seen]
            self._send("* SEARCH" + "".join(f" {n}" for n in unseen))
            self._send(f"{tag} OK SEARCH completed")
        elif command == "FETCH":
            number = int(args.split()[0])
            raw = box.messages[number - 1]
            self.wfile.write(
                f"* {number} FETCH (BODY[] {{{len(raw)}}}\r\n".encode() + raw + b")\r\n"
            )
            self._send(f"{tag} OK FETCH completed")
        elif command == "STORE":
            number = int(args.split()[0])
            box.seen.add(number)
            self._send(f"* {number} FETCH (FLAGS (\\Seen))")
            self._send(f"{tag} OK STORE completed")
        elif command == "LOGOUT":
            self._send("* BYE logging out")
            self._send(f"{tag} OK LOGOUT completed")
            return False
        else:
            self._send(f"{tag} BAD unknown command")
        return True


@pytest.fixture
def imap_server() -> Iterator[tuple[Mailbox, str]]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.mailbox = Mailbox()  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    try:
        yield server.mailbox, f"imap://desk:p%40ss%20word@127.0.0.1:{port}/INBOX"  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


def _mail(number: int, subject: str) -> bytes:
    return (
        f"From: hr{number}@jia.cn\r\nTo: service@desk.example\r\nSubject: {subject}\r\n"
        f"Message-ID: <imap{number}@jia.cn>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"第 {number} 封邮件\r\n"
    ).encode()


@pytest.mark.django_db
def test_it_fetches_unseen_mail_and_marks_it_seen_after_recording(
    cast: Cast, imap_server: tuple[Mailbox, Any]
) -> None:
    box, url = imap_server
    box.messages = [_mail(1, "社保咨询"), _mail(2, "已读邮件"), _mail(3, "公积金咨询")]
    box.seen = {2}
    result = poll_imap(url)
    assert (result.fetched, result.opened, result.failed) == (2, 2, 0)
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["公积金咨询", "社保咨询"]
    assert box.seen == {1, 2, 3}
    assert box.commands[:4] == ["CAPABILITY", "LOGIN", "SELECT", "SEARCH"]
    assert box.commands[-1] == "LOGOUT"
    # Recorded but left unseen (say the STORE was lost): the next poll marks it, writes nothing.
    box.seen.discard(3)
    again = poll_imap(url)
    assert (again.fetched, again.duplicate, again.opened) == (1, 1, 0)
    assert box.seen == {1, 2, 3} and Ticket.objects.count() == 2


@pytest.mark.django_db
def test_it_polls_from_the_command_line(
    cast: Cast, settings: Any, imap_server: tuple[Mailbox, Any]
) -> None:
    box, url = imap_server
    box.messages = [_mail(1, "命令行")]
    settings.DESK_IMAP_URL = url
    out = io.StringIO()
    call_command("desk-poll-imap", stdout=out)
    assert "取回 1 封：新建 1，并入 0，重复 0，忽略 0，失败 0" in out.getvalue()
    settings.DESK_IMAP_URL = ""
    with pytest.raises(CommandError, match="DESK_IMAP_URL"):
        call_command("desk-poll-imap", stdout=io.StringIO())
    with pytest.raises(CommandError, match="无法连接"):
        call_command(
            "desk-poll-imap", "--url", "imap://u:p@127.0.0.1:1/INBOX", stdout=io.StringIO()
        )


def test_it_reads_the_mailbox_url() -> None:
    target = parse_url("imaps://desk%40jia.cn:s%3Acret@mail.jia.cn/%E6%94%B6%E4%BB%B6%E7%AE%B1")
    assert (target.secure, target.host, target.port) == (True, "mail.jia.cn", 993)
    assert (target.user, target.password, target.mailbox) == ("desk@jia.cn", "s:cret", "收件箱")
    assert parse_url("imap://u:p@h").port == 143 and parse_url("imap://u:p@h").mailbox == "INBOX"
    with pytest.raises(ServiceError):
        parse_url("http://h/")


@pytest.mark.django_db
def test_it_polls_every_minute_only_when_a_mailbox_is_configured(
    cast: Cast, settings: Any, imap_server: tuple[Mailbox, Any]
) -> None:
    from hragency.servicedesk.channels.tasks import poll_desk_imap_every_minute

    box, url = imap_server
    box.messages = [_mail(1, "定时轮询")]
    settings.DESK_IMAP_URL = ""
    assert poll_desk_imap_every_minute.call_local() is None
    assert box.commands == []
    settings.DESK_IMAP_URL = url
    result = poll_desk_imap_every_minute.call_local()
    assert result is not None and result.opened == 1
    assert Ticket.objects.get().subject == "定时轮询"
