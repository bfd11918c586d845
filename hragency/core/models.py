"""Tables of the shared mechanisms. Business apps reference these, never the other way round."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditLog(models.Model):
    """One row per service write or personal-data reveal: who, when, what, before → after.

    Personal data is never written here in the clear: snapshots mask encrypted fields.
    """

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField("操作", max_length=80, db_index=True)
    object_type = models.CharField("对象类型", max_length=80, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    client = models.ForeignKey(
        "clients.Client",
        verbose_name="客户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changes = models.JSONField("变更", default=dict, blank=True)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class NumberSequence(models.Model):
    """Per prefix and day counter behind human-readable numbers such as GD202611220001."""

    prefix = models.CharField(max_length=8)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "day"], name="core_number_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}{self.day:%Y%m%d} → {self.last}"


class HolidayCalendarDay(models.Model):
    """Admin-maintained official schedule for years the chinese-calendar package does not cover
    (and corrections to years it does). A year with any row here counts as covered."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "休息日"
        WORKDAY = "workday", "调休上班"

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("名称", max_length=40, blank=True)

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}"


class DeadlinePolicy(models.Model):
    """How a kind of deadline warns and escalates. Missing kinds use the defaults in deadlines."""

    kind = models.CharField("时限类型", max_length=60, unique=True)
    name = models.CharField("名称", max_length=80)
    warn_before_minutes = models.PositiveIntegerField("提前预警（分钟）", default=60)
    # [{"after_minutes": 0, "to": "supervisor"}, {"after_minutes": 240, "to": "director"}]
    escalation = models.JSONField("升级链", default=list, blank=True)

    class Meta:
        verbose_name = "时限规则"
        verbose_name_plural = "时限规则"

    def __str__(self) -> str:
        return f"{self.name}（{self.kind}）"


class Deadline(models.Model):
    """An obligation with a due time and an owner; driven by core.tasks.drive_deadlines."""

    class Status(models.TextChoices):
        OPEN = "open", "进行中"
        MET = "met", "按时完成"
        LATE = "late", "超时完成"
        CANCELLED = "cancelled", "已取消"

    kind = models.CharField("类型", max_length=60, db_index=True)
    title = models.CharField("事项", max_length=200)
    client = models.ForeignKey(
        "clients.Client",
        verbose_name="客户",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deadlines",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任人",
        on_delete=models.PROTECT,
        related_name="deadlines",
    )
    subject_type = models.CharField(max_length=80, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    starts_at = models.DateTimeField("开始时间")
    due_at = models.DateTimeField("截止时间", db_index=True)
    warn_at = models.DateTimeField("预警时间", null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    breached = models.BooleanField("已超时", default=False)
    closed_at = models.DateTimeField("完成时间", null=True, blank=True)
    escalation = models.JSONField(default=list, blank=True)
    escalation_level = models.PositiveSmallIntegerField("升级级别", default=0)
    next_escalation_at = models.DateTimeField(null=True, blank=True, db_index=True)

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = "时限"
        verbose_name_plural = "时限"
        ordering = ["due_at"]
        indexes = [models.Index(fields=["status", "warn_at"])]

    def __str__(self) -> str:
        return f"{self.title}（{self.due_at:%Y-%m-%d %H:%M}）"


class Notification(models.Model):
    """The in-app inbox; every notification lands here whatever other channels it uses."""

    class Level(models.TextChoices):
        INFO = "info", "通知"
        WARNING = "warning", "预警"
        DANGER = "danger", "超时升级"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.INFO)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField(max_length=300, blank=True)
    deadline = models.ForeignKey(
        Deadline, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "站内通知"
        verbose_name_plural = "站内通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


def _import_upload_path(instance: ImportBatch, filename: str) -> str:
    # A random name: the user's file name may hold personal data and is kept in original_name.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"private/imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{suffix}"


class ImportBatch(models.Model):
    """One uploaded file going through the import pipeline (core.imports): upload → validate →
    preview → commit. The file and its error report live in private storage (never served
    directly) and are deleted once the batch is committed or discarded."""

    class Status(models.TextChoices):
        VALIDATING = "validating", "校验中"
        INVALID = "invalid", "有错误"
        VALID = "valid", "待确认"
        COMMITTING = "committing", "导入中"
        COMMITTED = "committed", "已导入"
        FAILED = "failed", "导入失败"
        DISCARDED = "discarded", "已放弃"

    kind = models.CharField("导入类型", max_length=30)
    client = models.ForeignKey(
        "clients.Client",
        verbose_name="客户",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="import_batches",
    )
    file = models.FileField("文件", upload_to=_import_upload_path, max_length=200, blank=True)
    report = models.FileField("错误报告", upload_to=_import_upload_path, max_length=200, blank=True)
    original_name = models.CharField("原文件名", max_length=255)
    options = models.JSONField("选项", default=dict, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.VALIDATING
    )
    total_rows = models.PositiveIntegerField("数据行数", default=0)
    processed_rows = models.PositiveIntegerField("已处理行数", default=0)
    error_count = models.PositiveIntegerField("错误数", default=0)
    warning_count = models.PositiveIntegerField("提示数", default=0)
    errors = models.JSONField("错误（前 500 条）", default=list, blank=True)
    warnings = models.JSONField("提示（前 500 条）", default=list, blank=True)
    preview = models.JSONField("预览", default=dict, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    message = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    validated_at = models.DateTimeField("校验完成时间", null=True, blank=True)
    committed_at = models.DateTimeField("导入完成时间", null=True, blank=True)

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "created_at"])]

    def __str__(self) -> str:
        return f"{self.original_name}（{self.get_status_display()}）"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.VALIDATING, self.Status.COMMITTING)

    @property
    def status_colour(self) -> str:
        return {
            self.Status.INVALID: "danger",
            self.Status.FAILED: "danger",
            self.Status.VALID: "success",
            self.Status.COMMITTED: "primary",
            self.Status.DISCARDED: "secondary",
        }.get(self.status, "info")  # type: ignore[call-overload]

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)
