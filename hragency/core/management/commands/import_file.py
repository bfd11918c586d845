"""`hragency import-file <kind> <path>`: validate (and with --commit import) a file from the
command line through the same pipeline as the screens and the API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hragency.core.errors import ServiceError
from hragency.core.imports import pipeline


class Command(BaseCommand):
    help = "校验并（加 --commit 时）导入一个 Excel/CSV 文件；有错误时退出码非零"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="导入类型，如 employees、clients")
        parser.add_argument("path", help=".xlsx、.xls 或 .csv 文件")
        parser.add_argument("--client", help="客户编号（KH…），导入员工时必填（企业HR用户可省略）")
        parser.add_argument("--mode", choices=["create", "upsert"], default=None)
        parser.add_argument("--commit", action="store_true", help="校验通过后立即导入")
        parser.add_argument("--user", help="以哪个用户的身份导入（默认：第一个超级管理员）")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.apps import apps

        user_model = apps.get_model("accounts", "User")
        client_model = apps.get_model("clients", "Client")
        if options["user"]:
            actor = user_model.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"用户不存在：{options['user']}")
        else:
            actor = user_model.objects.filter(is_superuser=True).order_by("pk").first()
            if actor is None:
                raise CommandError("没有超级管理员，请用 --user 指定导入人")
        client_id = None
        if options["client"]:
            client_id = (
                client_model.objects.filter(number=options["client"])
                .values_list("pk", flat=True)
                .first()
            )
            if client_id is None:
                raise CommandError(f"客户不存在：{options['client']}")
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            batch = pipeline.start_import(
                kind=options["kind"],
                actor=actor,
                data=path.read_bytes(),
                filename=path.name,
                client_id=client_id,
                mode=options["mode"],
                run=False,
            )
        except (ServiceError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc
        batch = pipeline.validate_batch(batch.pk)
        self._report(batch)
        if batch.status != batch.Status.VALID:
            raise CommandError(batch.message or "校验未通过，未导入")
        if not options["commit"]:
            self.stdout.write("校验通过。加 --commit 参数即可导入。")
            return
        batch = pipeline.request_commit(batch=batch, actor=actor, run=False)
        batch = pipeline.commit_batch(batch.pk)
        if batch.status != batch.Status.COMMITTED:
            self._report(batch)
            raise CommandError(batch.message or "导入失败，已全部回滚")
        labels = {"created": "新增", "updated": "更新", "unchanged": "无变化"}
        counts = "，".join(f"{labels.get(k, k)} {v} 条" for k, v in batch.result.items())
        self.stdout.write(self.style.SUCCESS(f"导入完成（批次 {batch.pk}）：{counts}"))

    def _report(self, batch: Any) -> None:
        for error in batch.errors:
            self.stdout.write(f"第 {error['row']} 行「{error['column']}」：{error['reason']}")
        if batch.error_count > len(batch.errors):
            self.stdout.write(f"……另有 {batch.error_count - len(batch.errors)} 处错误未列出")
        self.stdout.write(
            f"批次 {batch.pk}：{batch.total_rows} 行，{batch.error_count} 处错误，"
            f"{batch.warning_count} 处提示，状态：{batch.get_status_display()}"
        )
