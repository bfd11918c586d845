"""``hragency desk-mail-server --host 127.0.0.1 --port 2525``: receive the desk's mail over
SMTP (see ``servicedesk.channels.smtp_receiver``). Runs until interrupted."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hragency.servicedesk.channels.smtp_receiver import desk_domain, make_controller


class Command(BaseCommand):
    help = "服务台收信服务（SMTP）：接收发往服务台域名的邮件并登记为工单"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="监听地址")
        parser.add_argument("--port", type=int, default=2525, help="监听端口")
        parser.add_argument("--domain", default="", help="收信域名（默认 DESK_MAIL_DOMAIN）")

    def handle(self, *args: Any, **options: Any) -> None:
        domain = options["domain"] or desk_domain()
        controller = make_controller(options["host"], options["port"], domain)
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        controller.start()
        self.stdout.write(
            f"服务台收信服务已启动：{options['host']}:{options['port']}，"
            f"域名 @{domain}（Ctrl-C 退出）"
        )
        try:
            stop.wait()
        finally:
            controller.stop()
            self.stdout.write("收信服务已停止")
