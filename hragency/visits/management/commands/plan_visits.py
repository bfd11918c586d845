"""``hragency plan-visits [--date 2026-11-23]``: plan the missing return visits now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hragency.core.errors import ServiceError
from hragency.core.values import InvalidValue
from hragency.core.values import date as parse_date
from hragency.visits.planning import plan_visits


class Command(BaseCommand):
    help = "按启用的回访规则为服务中的客户排期回访和本季度满意度调查（可重复执行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", default="", help="以该日期为今天排期，如 2026-11-23")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = parse_date(options["date"])
            except InvalidValue as exc:
                raise CommandError(f"日期无效：{exc}") from exc
        try:
            result = plan_visits(today=today)
        except ServiceError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"已排期回访 {result.created} 个，满意度调查 {result.surveys} 个；"
            f"取消 {result.cancelled} 个；无客服负责人的客户 {result.no_owner} 个"
        )
