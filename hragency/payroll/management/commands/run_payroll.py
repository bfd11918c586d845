"""``hragency run-payroll --period 2026-11``: calculate the month's draft payroll runs."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hragency.accounts.models import User
from hragency.clients.models import Client
from hragency.domain.insurance import PolicyError, parse_period
from hragency.domain.money import format_cny
from hragency.payroll.calculate import calculate_payroll
from hragency.payroll.models import SalaryItem


class Command(BaseCommand):
    help = (
        "计算工资：按定薪、变动项、考勤与绩效、社保月结结果和专项附加扣除计算各客户当月的"
        "工资表草稿（已提交、已审核、已发放的工资表不会重算）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="所属月份，如 2026-11")
        parser.add_argument(
            "--client", action="append", default=[], help="只计算该客户（客户编号，可重复）"
        )
        parser.add_argument("--user", default="", help="以该用户身份执行（记入审计日志）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = parse_period(options["period"])
        except PolicyError as exc:
            raise CommandError(str(exc)) from exc
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"用户不存在：{options['user']}")
            if not actor.has_perm("payroll.prepare_payroll"):
                raise CommandError(f"用户 {actor.username} 无权计算工资")
        if options["client"]:
            found = dict(
                Client.objects.filter(number__in=options["client"]).values_list("number", "pk")
            )
            unknown = sorted(set(options["client"]) - set(found))
            if unknown:
                raise CommandError(f"客户不存在：{'、'.join(unknown)}")
            client_ids = list(found.values())
        else:
            client_ids = list(
                SalaryItem.objects.values_list("client_id", flat=True).distinct().order_by()
            )
        started = time.perf_counter()
        report = calculate_payroll(period=period, client_ids=client_ids, actor=actor)
        seconds = time.perf_counter() - started
        net = sum(run.net_fen for run in report.runs)
        self.stdout.write(
            f"{period} 工资：{len(report.runs)} 份工资表，{report.people} 人，"
            f"实发合计 {format_cny(net)}，用时 {seconds:.1f} 秒"
        )
        for run in report.runs:
            for warning in run.warnings:
                self.stdout.write(f"  提示 {run.number}：{warning}")
        for reason in report.skipped:
            self.stderr.write(f"  未计算 {reason}")
        if report.skipped:
            raise CommandError(f"{len(report.skipped)} 个客户未能计算，见上")
