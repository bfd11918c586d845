"""`hragency annuity-contributions --plan N --month 2026-11 [--user NAME]`: compute (or
recompute) a plan's month of contributions, as the named user (default: the first active
superuser). Exit 1 when the computation is refused."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hragency.accounts.models import User
from hragency.annuity.models import AnnuityPlan
from hragency.annuity.services import compute_contributions
from hragency.core.errors import ServiceError
from hragency.domain.money import format_cny


class Command(BaseCommand):
    help = "计算企业年金方案某月的缴费（可重算）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", type=int, required=True, help="方案编号（id）")
        parser.add_argument("--month", required=True, help="缴费月份，如 2026-11")
        parser.add_argument("--user", default="", help="以该用户身份计算（审计记录）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["user"]:
            actor = User.objects.filter(username=options["user"], is_active=True).first()
        else:
            actor = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if actor is None:
            raise CommandError("找不到执行用户")
        plan = AnnuityPlan.objects.filter(pk=options["plan"]).first()
        if plan is None:
            raise CommandError(f"方案 {options['plan']} 不存在")
        try:
            result = compute_contributions(actor=actor, plan=plan, month=options["month"])
        except ServiceError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{plan.name} {result.month}：{result.rows} 人，"
            f"单位 {format_cny(result.employer_fen)}，"
            f"个人 {format_cny(result.employee_fen)}"
        )
        for name, reason in result.skipped.items():
            self.stdout.write(f"  未计算：{name}（{reason}）")
