"""``hragency build-shift-plan --week 2026-12-07 [--publish]``: build (or rebuild) the week's
draft plan with the optimiser, optionally publish it; prints the roster summary."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hragency.core import values
from hragency.core.errors import ServiceError
from hragency.workforce.planning import build_shift_plan, publish_plan, roster


class Command(BaseCommand):
    help = "按预测人力需求自动编排一周排班（HiGHS 优化），可直接发布"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--week", required=True, help="排班周的周一，如 2026-12-07")
        parser.add_argument("--publish", action="store_true", help="编排后立即发布")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            week = values.date(options["week"])
            plan = build_shift_plan(actor=None, week_start=week)
            if options["publish"]:
                plan = publish_plan(actor=None, plan=plan)
        except (values.InvalidValue, ServiceError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{plan.number}（{plan.get_status_display()}）：{plan.shifts} 个班次，"
            f"计薪 {plan.paid_hours:.1f} 小时，待补人员 {plan.unfilled} 个班次，"
            f"人手不足 {plan.short_intervals} 个时段"
        )
        grid = roster(plan)
        for row in grid["rows"]:
            counts = " ".join(f"{len(cell):>2}" for cell in row["cells"])
            self.stdout.write(f"{row['template'].name:<6} {counts}")
