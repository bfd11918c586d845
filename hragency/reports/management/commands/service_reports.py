"""``hragency service-reports --period 2026-11 [--client KH00001] [--annual] [--publish]``:
generate (and optionally publish) the service reports of a period now, through the same job
as the screen and the schedule."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hragency.clients.models import Client
from hragency.core.errors import ServiceError
from hragency.reports import services
from hragency.reports.jobs import run_job
from hragency.reports.models import Job, ServiceReport


class Command(BaseCommand):
    help = "生成服务报告（月度或年度，PDF 与 Excel），可选直接发布到客户门户"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="月度 2026-11；年度 2026")
        parser.add_argument("--client", default="", help="客户编号，如 KH00001；默认全部服务中客户")
        parser.add_argument("--annual", action="store_true", help="生成年度报告")
        parser.add_argument("--publish", action="store_true", help="生成后发布并通知客户HR")
        parser.add_argument("--user", default="", help="记为操作人的用户名")

    def handle(self, *args: Any, **options: Any) -> None:
        from hragency.accounts.models import User

        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"用户不存在：{options['user']}")
        client = None
        if options["client"]:
            client = Client.objects.filter(number=options["client"]).first()
            if client is None:
                raise CommandError(f"客户不存在：{options['client']}")
        kind = ServiceReport.Kind.ANNUAL if options["annual"] else ServiceReport.Kind.MONTHLY
        try:
            job = services.start_generation(
                actor=actor,
                kind=kind,
                period=options["period"],
                client=client,
                publish=options["publish"],
            )
        except ServiceError as exc:
            raise CommandError(str(exc)) from exc
        done = run_job(job.pk)  # already run if Huey is immediate; else run here, now
        job.refresh_from_db()
        if job.status != Job.Status.DONE:
            if job.status == Job.Status.FAILED:
                raise CommandError(f"生成失败：{job.error}")
            raise CommandError(f"任务状态：{job.get_status_display()}")
        del done
        reports = ServiceReport.objects.filter(job=job).count()
        self.stdout.write(f"{job.title}：已生成 {reports} 份（任务 {job.pk}）")
