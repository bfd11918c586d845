"""``hragency staffing-ratios [--notify]``: print the staffing-ratio monitor (teams over the
ratio first); exit 1 when a team is over."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hragency.agents.staffing import describe, monitor, notify_over, rules_table


class Command(BaseCommand):
    help = (
        "打印人员配比监控（每名客服≤500参保人、每800名派遣员工1名专职人员、每4名专职人员1名经理）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--notify", action="store_true", help="同时通知客服总监")

    def handle(self, *args: Any, **options: Any) -> None:
        rules = "，".join(f"{r['label']} ≤ {r['limit']}" for r in rules_table())
        self.stdout.write(f"配比上限：{rules}")
        lines = monitor()
        for line in lines:
            load = line.load
            flag = "【超配比】" if line.check.over else "正常"
            self.stdout.write(
                f"{line.team.name}\t{flag}\t客服 {load.reps} 专职 {load.staff} 经理 {load.managers}"
                f"\t参保 {load.insured} 派遣 {load.dispatched}"
            )
            if line.check.over:
                self.stdout.write(f"  {describe(line)}")
            for rep in line.reps:
                mark = "  超过上限" if rep.check.over else ""
                self.stdout.write(
                    f"  └ {rep.agent.name}：{rep.clients} 家客户，{rep.insured} 人{mark}"
                )
        if not lines:
            self.stdout.write("没有班组（坐席档案未分配班组）")
        if options["notify"]:
            notify_over()
        if any(line.check.over for line in lines):
            sys.exit(1)
