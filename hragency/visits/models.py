"""Return visits and satisfaction surveys (R-VISIT-1/2, R-DESK-10).

``VisitRuleSet`` + ``VisitRule``: the configurable schedule (by size or by relationship; exactly
one set is active). ``VisitTask``: one visit (or survey call, or low-score follow-up) with an
owner, a due date and a ``core`` deadline. ``Survey``: one per quarter ("2026Q4").
``SurveyResponse``: one per client per quarter, scores 1–5 on five dimensions.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

DIMENSIONS: list[tuple[str, str]] = [
    ("efficiency", "服务效率"),
    ("expertise", "专业能力"),
    ("communication", "沟通体验"),
    ("accuracy", "准确性"),
    ("overall", "总体满意度"),
]
DIMENSION_LABELS = dict(DIMENSIONS)


class VisitRuleSet(models.Model):
    class Basis(models.TextChoices):
        SIZE = "size", "按客户规模"
        RELATIONSHIP = "relationship", "按客户关系"

    name = models.CharField("名称", max_length=60, unique=True)
    basis = models.CharField("依据", max_length=20, choices=Basis.choices)
    active = models.BooleanField("启用", default=False)
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "回访规则集"
        verbose_name_plural = "回访规则集"
        ordering = ["pk"]
        permissions = [("manage_rules", "配置回访规则")]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="visits_one_active_rule_set"
            )
        ]

    def __str__(self) -> str:
        return self.name


class VisitRule(models.Model):
    class Condition(models.TextChoices):
        SMALL = "small", "小型客户（100人以内）"
        MEDIUM = "medium", "中型客户（101–299人）"
        LARGE = "large", "大型客户（300人以上）"
        NEW_CLIENT = "new_client", "新客户（首次签约）"
        EXISTING = "existing", "老客户"
        KEY_ACCOUNT = "key_account", "重点客户（VIP）"

    rule_set = models.ForeignKey(
        VisitRuleSet, verbose_name="规则集", on_delete=models.CASCADE, related_name="rules"
    )
    condition = models.CharField("适用客户", max_length=20, choices=Condition.choices)
    interval_months = models.PositiveSmallIntegerField("回访周期（月）", default=0)
    within_days = models.PositiveSmallIntegerField("签约后几日内首访", default=0)
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "回访规则"
        verbose_name_plural = "回访规则"
        ordering = ["rule_set_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "condition"], name="visits_rule_condition_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_condition_display()}：{self.describe()}"

    def describe(self) -> str:
        if self.condition == self.Condition.NEW_CLIENT:
            return f"首次签约后 {self.within_days} 日内回访一次"
        return f"每 {self.interval_months} 个月回访一次"


class Survey(models.Model):
    """The quarter's satisfaction survey; holds no client data (responses do)."""

    quarter = models.CharField("季度", max_length=6, unique=True)  # "2026Q4"
    title = models.CharField("标题", max_length=100)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("截止日期")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "满意度调查"
        verbose_name_plural = "满意度调查"
        ordering = ["-quarter"]
        permissions = [("view_satisfaction_report", "查看客户满意度分析报告")]

    def __str__(self) -> str:
        return self.title


class VisitTask(models.Model):
    class Kind(models.TextChoices):
        ROUTINE = "routine", "定期回访"
        FIRST = "first", "新客户首访"
        SURVEY = "survey", "满意度调查"
        LOW_SCORE = "low_score", "低分回访"

    class Status(models.TextChoices):
        OPEN = "open", "待回访"
        DONE = "done", "已完成"
        CANCELLED = "cancelled", "已取消"

    class Method(models.TextChoices):
        PHONE = "phone", "电话"
        ONSITE = "onsite", "上门"
        ONLINE = "online", "线上"

    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.CASCADE, related_name="visit_tasks"
    )
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    rule = models.ForeignKey(
        VisitRule,
        verbose_name="依据规则",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    survey = models.ForeignKey(
        Survey,
        verbose_name="调查",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    due_date = models.DateField("应回访日期", db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="负责人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visit_tasks",
    )
    deadline = models.ForeignKey(
        "core.Deadline", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    method = models.CharField("回访方式", max_length=10, choices=Method.choices, blank=True)
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    summary = models.TextField("回访记录", blank=True)
    issues = models.TextField("客户提出的问题", blank=True)
    next_actions = models.TextField("后续跟进", blank=True)
    note = models.CharField("改期/取消原因", max_length=300, blank=True)
    reason = models.CharField("触发原因", max_length=200, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="回访人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = "回访任务"
        verbose_name_plural = "回访任务"
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "kind"],
                condition=Q(status="open"),
                name="visits_one_open_task_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class SurveyResponse(models.Model):
    class Channel(models.TextChoices):
        PHONE = "phone", "电话"
        ONSITE = "onsite", "上门"
        ONLINE = "online", "线上"
        PORTAL = "portal", "客户门户"

    survey = models.ForeignKey(
        Survey, verbose_name="调查", on_delete=models.PROTECT, related_name="responses"
    )
    client = models.ForeignKey(
        "clients.Client",
        verbose_name="客户",
        on_delete=models.CASCADE,
        related_name="survey_responses",
    )
    task = models.ForeignKey(
        VisitTask,
        verbose_name="回访任务",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responses",
    )
    respondent_name = models.CharField("受访人", max_length=60)
    respondent_role = models.CharField("受访人职务", max_length=60, blank=True)
    channel = models.CharField("调查方式", max_length=10, choices=Channel.choices)
    efficiency = models.PositiveSmallIntegerField("服务效率")
    expertise = models.PositiveSmallIntegerField("专业能力")
    communication = models.PositiveSmallIntegerField("沟通体验")
    accuracy = models.PositiveSmallIntegerField("准确性")
    overall = models.PositiveSmallIntegerField("总体满意度")
    comments = models.TextField("意见", blank=True)
    suggestions = models.TextField("建议", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提交时间")

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = "满意度调查答卷"
        verbose_name_plural = "满意度调查答卷"
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "client"], name="visits_one_response_per_quarter"
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{field}__gte": 1, f"{field}__lte": 5}),
                    name=f"visits_response_{field}_1_5",
                )
                for field, _label in DIMENSIONS
            ],
        ]

    def __str__(self) -> str:
        return f"{self.survey.quarter} 满意度答卷 #{self.pk}"

    def scores(self) -> list[tuple[str, int]]:
        return [(label, getattr(self, field)) for field, label in DIMENSIONS]

    @property
    def lowest(self) -> int:
        return min(getattr(self, field) for field, _label in DIMENSIONS)
