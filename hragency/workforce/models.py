"""Hotline workforce (R-WFM-1): contact volumes, service targets, forecast and staffing,
shift templates, weekly shift plans with named assignments, hand-overs and peak warnings.

None of these rows belongs to a client: the hotline serves every client at once, so reads are
gated by permission (``workforce.manage_workforce``) and, for a rep, by their own name
(``queries.py``), not by client scope.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Channel(models.TextChoices):
    PHONE = "phone", "电话"
    CHAT = "chat", "在线客服"
    WECOM = "wecom", "企业微信"
    EMAIL = "email", "邮件"


class ContactVolume(models.Model):
    """One channel's contacts in one 15- or 30-minute interval, from the telephony system."""

    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    interval_start = models.DateTimeField("时段开始")
    interval_minutes = models.PositiveSmallIntegerField("时长（分钟）", default=30)
    offered = models.PositiveIntegerField("呼入量", default=0)
    answered = models.PositiveIntegerField("接通量", default=0)
    abandoned = models.PositiveIntegerField("放弃量", default=0)
    answered_in_target = models.PositiveIntegerField("达标接通量", default=0)
    aht_seconds = models.PositiveIntegerField("平均处理时长（秒）", default=0)
    imported_at = models.DateTimeField("导入时间", auto_now=True)

    class Meta:
        verbose_name = "话务量"
        verbose_name_plural = "话务量"
        ordering = ["interval_start", "channel"]
        permissions = [("manage_workforce", "管理话务排班（预测、班次、排班、预警）")]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "interval_start"], name="workforce_volume_unique"
            )
        ]
        indexes = [models.Index(fields=["interval_start"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.interval_start:%Y-%m-%d %H:%M}"


class ServiceTarget(models.Model):
    """The service level a channel is staffed for (R-DESK-4: phone 95 % in 15 s, chat 30 s)."""

    channel = models.CharField("渠道", max_length=10, choices=Channel.choices, unique=True)
    target_pct = models.DecimalField("目标服务水平（%）", max_digits=5, decimal_places=2)
    threshold_seconds = models.PositiveIntegerField("目标应答时间（秒）")
    aht_seconds = models.PositiveIntegerField("默认平均处理时长（秒）")
    shrinkage_pct = models.DecimalField("缺勤与非话务时间占比（%）", max_digits=5, decimal_places=2)
    max_occupancy_pct = models.DecimalField(
        "最高占用率（%）", max_digits=5, decimal_places=2, null=True, blank=True
    )
    min_agents = models.PositiveSmallIntegerField("每时段最少在岗人数", default=1)
    concurrency = models.PositiveSmallIntegerField(
        "同时接待数", default=1, help_text="在线客服一人可同时接待的会话数"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "服务水平目标"
        verbose_name_plural = "服务水平目标"
        ordering = ["channel"]

    def __str__(self) -> str:
        return (
            f"{self.get_channel_display()}：{self.target_pct.normalize():f}% "
            f"{self.threshold_seconds} 秒内应答"
        )


class StaffingRequirement(models.Model):
    """Forecast volume and the agents it needs, per channel and planning interval."""

    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    interval_start = models.DateTimeField("时段开始")
    interval_minutes = models.PositiveSmallIntegerField("时长（分钟）", default=30)
    forecast_volume = models.DecimalField("预测话务量", max_digits=10, decimal_places=1)
    aht_seconds = models.PositiveIntegerField("平均处理时长（秒）")
    agents = models.PositiveIntegerField("所需坐席（在线）")
    scheduled = models.PositiveIntegerField("应排人数（含缺勤）")
    service_level = models.DecimalField("预计服务水平（%）", max_digits=5, decimal_places=1)
    computed_at = models.DateTimeField("计算时间", auto_now=True)

    class Meta:
        verbose_name = "人力需求"
        verbose_name_plural = "人力需求"
        ordering = ["interval_start", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "interval_start"], name="workforce_requirement_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.interval_start:%Y-%m-%d %H:%M}"


class ShiftTemplate(models.Model):
    name = models.CharField("班次名称", max_length=20, unique=True)
    start_time = models.TimeField("开始时间")
    length_minutes = models.PositiveSmallIntegerField("时长（分钟）")
    break_minutes = models.PositiveSmallIntegerField("休息（分钟，不计薪）", default=0)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "班次模板"
        verbose_name_plural = "班次模板"
        ordering = ["start_time", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.start_time:%H:%M} 起 {self.length_minutes // 60} 小时）"

    @property
    def end_label(self) -> str:
        minutes = self.start_time.hour * 60 + self.start_time.minute + self.length_minutes
        day, minutes = divmod(minutes, 24 * 60)
        return f"{'次日' if day else ''}{minutes // 60:02d}:{minutes % 60:02d}"

    @property
    def paid_minutes(self) -> int:
        return self.length_minutes - self.break_minutes


class ShiftPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    number = models.CharField("排班编号", max_length=20, unique=True)
    week_start = models.DateField("周一日期", unique=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    interval_minutes = models.PositiveSmallIntegerField("时段（分钟）", default=30)
    channels = models.CharField("覆盖渠道", max_length=60, default="phone,chat")
    paid_minutes = models.PositiveIntegerField("计薪总分钟", default=0)
    shifts = models.PositiveIntegerField("班次数", default=0)
    unfilled = models.PositiveIntegerField("未排人员班次", default=0)
    short_intervals = models.PositiveIntegerField("人手不足时段", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="编排人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("编排时间", auto_now_add=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "排班计划"
        verbose_name_plural = "排班计划"
        ordering = ["-week_start"]

    def __str__(self) -> str:
        return f"{self.number}（{self.week_start:%Y-%m-%d} 起一周）"

    @property
    def paid_hours(self) -> float:
        return self.paid_minutes / 60


class ShiftAssignment(models.Model):
    plan = models.ForeignKey(
        ShiftPlan, verbose_name="排班计划", on_delete=models.CASCADE, related_name="assignments"
    )
    template = models.ForeignKey(
        ShiftTemplate, verbose_name="班次", on_delete=models.PROTECT, related_name="+"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="坐席",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="shift_assignments",
    )
    date = models.DateField("日期")
    starts_at = models.DateTimeField("上班时间")
    ends_at = models.DateTimeField("下班时间")
    break_starts_at = models.DateTimeField("休息开始", null=True, blank=True)
    break_ends_at = models.DateTimeField("休息结束", null=True, blank=True)
    paid_minutes = models.PositiveSmallIntegerField("计薪分钟")

    class Meta:
        verbose_name = "排班"
        verbose_name_plural = "排班"
        ordering = ["starts_at", "template_id", "pk"]
        indexes = [
            models.Index(fields=["agent", "starts_at"]),
            models.Index(fields=["starts_at", "ends_at"]),
        ]

    def __str__(self) -> str:
        who = self.agent.display_name if self.agent_id else "待补人员"  # type: ignore[union-attr]
        return f"{self.date:%m-%d} {self.template.name} {who}"


class HandoverRecord(models.Model):
    """交接班记录: what the outgoing agent leaves to the incoming one, acknowledged by them."""

    number = models.CharField("交接编号", max_length=20, unique=True)
    from_template = models.ForeignKey(
        ShiftTemplate, verbose_name="交班班次", on_delete=models.PROTECT, related_name="+"
    )
    to_template = models.ForeignKey(
        ShiftTemplate, verbose_name="接班班次", on_delete=models.PROTECT, related_name="+"
    )
    shift_date = models.DateField("日期")
    outgoing = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="交班人",
        on_delete=models.PROTECT,
        related_name="handovers_given",
    )
    incoming = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接班人",
        on_delete=models.PROTECT,
        related_name="handovers_taken",
    )
    open_tickets = models.PositiveIntegerField("未结工单数", default=0)
    tickets_snapshot = models.JSONField("未结工单清单", default=list, blank=True)
    pending_callbacks = models.PositiveIntegerField("待回电数", default=0)
    callback_notes = models.TextField("待回电事项", blank=True)
    notes = models.TextField("交接事项", blank=True)
    created_at = models.DateTimeField("交班时间", auto_now_add=True)
    acknowledged_at = models.DateTimeField("接班确认时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledge_note = models.CharField("接班意见", max_length=300, blank=True)

    class Meta:
        verbose_name = "交接班记录"
        verbose_name_plural = "交接班记录"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.from_template.name}→{self.to_template.name}"


class PeakWarning(models.Model):
    class Kind(models.TextChoices):
        UNDERSTAFFED = "understaffed", "排班人数不足"
        SURGE = "surge", "话务量超预测"

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        ACKNOWLEDGED = "acknowledged", "已确认"

    kind = models.CharField("类型", max_length=15, choices=Kind.choices)
    channel = models.CharField("渠道", max_length=10, blank=True)  # '' = all channels together
    interval_start = models.DateTimeField("时段开始")
    interval_minutes = models.PositiveSmallIntegerField("时长（分钟）", default=30)
    forecast_volume = models.DecimalField(
        "预测话务量", max_digits=10, decimal_places=1, null=True, blank=True
    )
    actual_volume = models.PositiveIntegerField("实际呼入量", null=True, blank=True)
    required = models.PositiveIntegerField("应排人数", default=0)
    scheduled = models.PositiveIntegerField("已排人数", default=0)
    status = models.CharField("状态", max_length=15, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField("预警时间", auto_now_add=True)
    acknowledged_at = models.DateTimeField("确认时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField("处理说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "高峰预警"
        verbose_name_plural = "高峰预警"
        ordering = ["-interval_start", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "channel", "interval_start"], name="workforce_warning_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.interval_start:%Y-%m-%d %H:%M}"

    @property
    def channel_label(self) -> str:
        return Channel(self.channel).label if self.channel else "全部渠道"

    @property
    def gap(self) -> int:
        return max(0, self.required - self.scheduled)
