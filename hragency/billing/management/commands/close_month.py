"""``hragency close-month --period 2026-11``: the month close (see ``billing.close``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Sum

from hragency.accounts.models import User
from hragency.billing.close import close_month
from hragency.billing.models import CloseRun
from hragency.clients.models import Client
from hragency.domain.insurance import PolicyError, parse_period
from hragency.domain.money import format_cny


class Command(BaseCommand):
    help = (
        "月结：核算所属期内全部在保人员的社保公积金，生成各客户的《费用明细表》"
        "（可重复执行、可断点续跑）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="所属期，如 2026-11")
        parser.add_argument(
            "--client", action="append", default=[], help="只核算该客户（客户编号，可重复）"
        )
        parser.add_argument("--user", default="", help="以该用户身份执行（记入审计日志）")
        parser.add_argument("--chunk", type=int, default=500, help="每个事务写入的客户数")

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
            if not actor.has_perm("billing.close_month"):
                raise CommandError(f"用户 {actor.username} 无权执行月结")
        client_ids = None
        if options["client"]:
            found = dict(
                Client.objects.filter(number__in=options["client"]).values_list("number", "pk")
            )
            unknown = sorted(set(options["client"]) - set(found))
            if unknown:
                raise CommandError(f"客户不存在：{'、'.join(unknown)}")
            client_ids = list(found.values())
        resumed = CloseRun.objects.filter(
            period=period.first_day, status=CloseRun.Status.RUNNING
        ).exists()
        if resumed:
            self.stdout.write(f"继续上次未完成的 {period} 月结")

        def progress(run: CloseRun) -> None:
            self.stdout.write(f"  已写入 {run.clients_done}/{run.clients_total} 个客户")

        report = close_month(
            period=period,
            actor=actor,
            chunk_clients=options["chunk"],
            client_ids=client_ids,
            after_chunk=progress if options["verbosity"] > 1 else None,
        )
        run = report.run
        sums = run.statements.aggregate(total=Sum("total_fen"), fee=Sum("service_fee_fen"))
        total, fee = format_cny(int(sums["total"] or 0)), format_cny(int(sums["fee"] or 0))
        self.stdout.write(
            f"{period} 月结完成：本次核算 {report.clients_written} 个客户、"
            f"{report.people_written} 人；本批次合计应收 {total}（其中服务费 {fee}）"
        )
        timing = "，".join(f"{k} {v:.1f} 秒" for k, v in report.seconds.items())
        self.stdout.write(f"用时：{timing}")
        for line in report.skipped:
            self.stdout.write(f"跳过：{line}")
        for line in report.warnings:
            self.stdout.write(f"提示：{line}")
        for line in report.problems:
            self.stderr.write(f"问题：{line}")
        if report.problems:
            raise CommandError(
                f"有 {len(report.problems)} 条问题，相关人员未核算，请处理后重新执行"
            )
