"""``hragency open-archive-month [--month 2026-11]``: open the month's filing for every client
in service (default: last month). Idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from hragency.archives.retention import parse_month
from hragency.archives.services import open_month
from hragency.archives.views import last_month


class Command(BaseCommand):
    help = "为服务中的客户开启某月的资料归档（次月15日前完成），可重复执行"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", default="", help="月份，如 2026-11；默认上个月")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = (
                parse_month(options["month"])
                if options["month"]
                else last_month(timezone.localdate())
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        result = open_month(month=month)
        self.stdout.write(
            f"{month:%Y-%m}：新开归档 {result.created} 户，已有 {result.existing} 户，"
            f"无客服负责人 {result.no_owner} 户；归档期限 次月15日 23:59"
        )
