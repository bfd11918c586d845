"""``hragency desk-poll-imap [--url imaps://user:pass@host:993/INBOX]``: fetch the desk
mailbox's unread mail once (the Huey task does it every minute when DESK_IMAP_URL is set)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hragency.core.errors import ServiceError
from hragency.servicedesk.channels.imap import poll_imap


class Command(BaseCommand):
    help = "轮询服务台邮箱（IMAP）：取回未读邮件并登记为工单"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="", help="邮箱地址（默认 DESK_IMAP_URL）")
        parser.add_argument("--limit", type=int, default=200, help="本次最多处理的邮件数")

    def handle(self, *args: Any, **options: Any) -> None:
        url = options["url"] or str(getattr(settings, "DESK_IMAP_URL", "") or "")
        if not url:
            raise CommandError("未配置邮箱：请设置 DESK_IMAP_URL 或使用 --url")
        try:
            result = poll_imap(url, limit=options["limit"])
        except ServiceError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"无法连接邮箱服务器：{exc}") from exc
        self.stdout.write(
            f"取回 {result.fetched} 封：新建 {result.opened}，并入 {result.joined}，"
            f"重复 {result.duplicate}，忽略 {result.ignored}，失败 {result.failed}"
        )
        for line in result.failures:
            self.stderr.write(line)
        if result.failed:
            raise CommandError(f"{result.failed} 封邮件处理失败，保留未读，下次重试")
