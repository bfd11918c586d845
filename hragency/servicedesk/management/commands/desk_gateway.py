"""``hragency desk-gateway add wecom --channel wecom [--name 企业微信] [--url https://…]``:
register a messaging gateway and print its signing secret (shown once); also ``list``,
``rotate CODE``, ``disable CODE``, ``enable CODE`` and ``callback CODE --url URL`` (where
replies are posted; ``--url ""`` clears it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hragency.core.errors import ServiceError
from hragency.servicedesk.channels import gateways
from hragency.servicedesk.models import Gateway


class Command(BaseCommand):
    help = "管理消息网关（企业微信、钉钉、短信、在线客服等）的接入与签名密钥"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action", choices=["add", "list", "rotate", "disable", "enable", "callback"]
        )
        parser.add_argument("code", nargs="?", default="", help="网关代码（即 URL 路径段）")
        parser.add_argument("--channel", default="", help="渠道：wecom、dingtalk、sms、chat、app…")
        parser.add_argument("--name", default="", help="名称")
        parser.add_argument("--url", default=None, help="回调地址（答复经此发回网关）")

    def handle(self, *args: Any, **options: Any) -> None:
        action, code = options["action"], options["code"]
        if action == "list":
            for gateway in Gateway.objects.order_by("code"):
                state = "启用" if gateway.active else "停用"
                callback = gateway.callback_url or "（未设回调）"
                self.stdout.write(
                    f"{gateway.code}\t{gateway.channel}\t{gateway.name}\t{state}\t{callback}"
                )
            return
        if not code:
            raise CommandError("请给出网关代码")
        try:
            if action == "add":
                gateway, secret = gateways.create_gateway(
                    actor=None,
                    code=code,
                    channel=options["channel"],
                    name=options["name"],
                    callback_url=options["url"] or "",
                )
                self.stdout.write(f"已添加网关 {gateway.code}（{gateway.name}）")
                self.stdout.write(f"接入地址：POST /api/desk/inbound/{gateway.code}")
                self.stdout.write(f"签名密钥（仅显示一次）：{secret}")
            elif action == "callback":
                if options["url"] is None:
                    raise CommandError('请用 --url 给出回调地址（--url "" 清除）')
                gateway = gateways.set_callback(actor=None, code=code, url=options["url"])
                shown = gateway.callback_url or "（已清除）"
                self.stdout.write(f"网关 {code} 的回调地址：{shown}")
            elif action == "rotate":
                secret = gateways.rotate_secret(actor=None, code=code)
                self.stdout.write(f"网关 {code} 的新签名密钥（仅显示一次）：{secret}")
            else:
                gateways.set_active(actor=None, code=code, active=action == "enable")
                self.stdout.write(f"网关 {code} 已{'启用' if action == 'enable' else '停用'}")
        except ServiceError as exc:
            raise CommandError(str(exc)) from exc
