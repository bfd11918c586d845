"""``hragency assess-agents --month 2026-11 [--confirm-as supervisor] [--apply-as payroll]
[--plan]``: compute the month's agent assessments (drafts overwritten, confirmed ones kept),
optionally confirm them as a supervisor and write the coefficients into payroll."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from hragency.agents import services
from hragency.agents.common import previous_month
from hragency.agents.training import plan_cadences
from hragency.core.errors import ServiceError


def _user(username: str) -> Any:
    from hragency.accounts.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"用户不存在：{username}")
    return user


class Command(BaseCommand):
    help = "计算坐席月度考核（可选：以主管身份确认、以薪酬专员身份计入工资）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", default="", help="考核月份，如 2026-11（默认上月）")
        parser.add_argument("--user", default="admin", help="计算人（需有管理坐席考核权限）")
        parser.add_argument("--confirm-as", default="", help="以该用户确认全部草稿")
        parser.add_argument("--apply-as", default="", help="以该用户将已确认考核计入工资")
        parser.add_argument("--plan", action="store_true", help="同时补建培训与考核时限")

    def handle(self, *args: Any, **options: Any) -> None:
        month = options["month"] or previous_month(timezone.localdate())
        try:
            result = services.compute_month(actor=_user(options["user"]), month=month)
            self.stdout.write(
                f"{result.month}：新建 {result.created}，更新 {result.updated}"
                + (f"，已确认未改动 {len(result.kept)}" if result.kept else "")
            )
            for name, label in (("confirm_as", "确认"), ("apply_as", "计入工资")):
                if not options[name]:
                    continue
                actor = _user(options[name])
                work = services.confirm_month if name == "confirm_as" else services.apply_month
                batch = work(actor=actor, month=month)
                self.stdout.write(f"{label} {len(batch.done)} 人")
                for skipped in batch.skipped:
                    self.stdout.write(f"  跳过（未关联工资档案）：{skipped}")
                for agent, reason in batch.refused:
                    self.stdout.write(f"  未{label}：{agent}：{reason}")
            if options["plan"]:
                plan = plan_cadences()
                self.stdout.write(
                    f"培训时限 {plan.training_opened}，考核时限 {plan.assessment_opened}"
                )
        except (ServiceError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc
