"""``hragency daily-report [--date 2026-12-06] [--mail]``: print the 运营日报 of a day (all
clients); ``--mail`` also sends it to the CS directors and general managers."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from hragency.core.values import InvalidValue
from hragency.core.values import date as parse_date
from hragency.reports.daily import daily_report, mail_daily_report, mail_text


class Command(BaseCommand):
    help = "输出某日运营日报（全部客户），可选邮件发送给客服总监和总经理"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", default="", help="日期，如 2026-12-06；默认昨天")
        parser.add_argument("--mail", action="store_true", help="同时发送给客服总监和总经理")

    def handle(self, *args: Any, **options: Any) -> None:
        import datetime as dt

        day = timezone.localdate() - dt.timedelta(days=1)
        if options["date"]:
            try:
                parsed = parse_date(options["date"])
            except InvalidValue as exc:
                raise CommandError(f"日期无效：{exc}") from exc
            if parsed is None:
                raise CommandError("日期无效")
            day = parsed
        self.stdout.write(mail_text(daily_report(day)))
        if options["mail"]:
            self.stdout.write(mail_daily_report(day))
