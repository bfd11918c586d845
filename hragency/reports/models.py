"""Long jobs with progress (``Job``) and the clients' monthly and annual service reports
(``ServiceReport``, R-RPT-1 / R-SVC-5). Files live in private storage (never served directly);
downloads go through scoped views."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


def _private_path(folder: str, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"private/{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{suffix}"


def job_file_path(instance: Job, filename: str) -> str:
    return _private_path("jobs", filename)


def report_file_path(instance: ServiceReport, filename: str) -> str:
    return _private_path("reports", filename)


class Job(models.Model):
    """One long-running job (a report, an export) run by the Huey worker, with its progress and
    its result file. Started by ``reports.jobs.start_job``; the handler is registered per kind."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    kind = models.CharField("任务类型", max_length=60, db_index=True)
    title = models.CharField("任务名称", max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="report_jobs",
    )
    client = models.ForeignKey(
        "clients.Client",
        verbose_name="客户",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    params = models.JSONField("参数", default=dict, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    done = models.PositiveIntegerField("已完成", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    message = models.CharField("进度说明", max_length=300, blank=True)
    file = models.FileField("结果文件", upload_to=job_file_path, max_length=200, blank=True)
    file_name = models.CharField("文件名", max_length=255, blank=True)
    error = models.TextField("错误信息", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "created_at"], name="job_creator_created")]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_status_display()}）"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, int(self.done * 100 / self.total))

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ServiceReport(models.Model):
    """A client's monthly (period "2026-11") or annual (period "2026") service report: the
    figures are frozen in ``data`` at generation, the PDF and Excel are rendered from them."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", "月度服务报告"
        ANNUAL = "annual", "年度服务报告"

    client = models.ForeignKey(
        "clients.Client",
        verbose_name="客户",
        on_delete=models.CASCADE,
        related_name="service_reports",
    )
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    period = models.CharField("期间", max_length=7, help_text="月度 2026-11，年度 2026")
    data = models.JSONField("报告数据", default=dict, blank=True)
    generated_at = models.DateTimeField("生成时间")
    job = models.ForeignKey(
        Job,
        verbose_name="生成任务",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    pdf = models.FileField("PDF", upload_to=report_file_path, max_length=200, blank=True)
    xlsx = models.FileField("Excel", upload_to=report_file_path, max_length=200, blank=True)
    published = models.BooleanField("已发布", default=False)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = verbose_name_plural = "服务报告"
        ordering = ["-period", "client_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "kind", "period"], name="servicereport_unique"
            )
        ]
        permissions = [
            ("manage_servicereport", "生成和发布服务报告"),
            ("view_daily_report", "查看运营日报"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.get_kind_display()}"

    @property
    def title(self) -> str:
        if self.kind == self.Kind.ANNUAL:
            return f"{self.period}年度服务报告"
        year, month = self.period.split("-")
        return f"{year}年{int(month)}月服务报告"
