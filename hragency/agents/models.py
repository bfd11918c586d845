"""Agent assessment and staffing ratios (R-WFM-2, R-WFM-3, part of R-WFM-4).

``AgentProfile``: a member of the agency's seat staff (user one-to-one, team, hire/leave dates,
on-job/left, position, the agency's own payroll record). ``RatingScheme``: weights, grade bands
and coefficients, versioned, exactly one active. ``MonthlyAssessment``: one agent's month
(草稿 → 已确认 → 已计入工资). ``TrainingSession`` + ``TrainingAttendance``: internal training.
``AgentEvent``: an exam, a discipline incident or a skill assessment/certification.
``StaffingRatioRule``: the editable ratio limits.

These are staff records, not client records: they carry no client and are scoped by
``agents.queries`` (a rep sees themself, a supervisor their teams, managers everyone).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hragency.domain.agent_rating import DEFAULT_LIMITS, RATIO_KINDS, RATIO_LABELS

SCORE = {"max_digits": 5, "decimal_places": 2, "null": True, "blank": True}


class AgentProfile(models.Model):
    class Status(models.TextChoices):
        ON_JOB = "on_job", "在职"
        LEFT = "left", "离职"

    class Position(models.TextChoices):
        REP = "rep", "客服专员"
        SPECIALIST = "specialist", "专职服务人员"
        MANAGER = "manager", "业务经理/主管"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.PROTECT,
        related_name="agent_profile",
    )
    team = models.ForeignKey(
        "accounts.Department",
        verbose_name="班组",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agents",
    )
    position = models.CharField(
        "岗位", max_length=12, choices=Position.choices, default=Position.REP
    )
    hire_date = models.DateField("入职日期")
    leave_date = models.DateField("离职日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=8, choices=Status.choices, default=Status.ON_JOB, db_index=True
    )
    person = models.ForeignKey(
        "employees.InsuredPerson",
        verbose_name="本公司工资档案",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    skills = models.JSONField("技能标签", default=list, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "坐席档案"
        verbose_name_plural = "坐席档案"
        ordering = ["team_id", "pk"]
        permissions = [
            ("manage_assessment", "管理坐席考核"),
            ("apply_assessment", "将考核结果计入工资"),
            ("view_all_agents", "查看全部坐席"),
            ("view_staffing", "查看人员配比"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        user = self.user
        return user.display_name or user.username


class RatingScheme(models.Model):
    """Weights (per cent, Σ = 100), bands ([[grade, lowest total], …]) and coefficients
    ({grade: "1.2"}), stored as exact decimal strings. A change is a new version."""

    version = models.PositiveIntegerField("版本", unique=True)
    name = models.CharField("名称", max_length=60)
    weights = models.JSONField("权重（%）")
    bands = models.JSONField("等级分数线")
    coefficients = models.JSONField("绩效系数")
    active = models.BooleanField("启用", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="agents_one_active_scheme"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（第 {self.version} 版）"


class MonthlyAssessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        CONFIRMED = "confirmed", "已确认"
        APPLIED = "applied", "已计入工资"

    agent = models.ForeignKey(
        AgentProfile, verbose_name="坐席", on_delete=models.PROTECT, related_name="assessments"
    )
    month = models.CharField("考核月份", max_length=7, db_index=True)  # "2026-11"
    scheme = models.ForeignKey(
        RatingScheme, verbose_name="考核方案", on_delete=models.PROTECT, related_name="+"
    )
    quality = models.DecimalField("服务质量", **SCORE)
    skills = models.DecimalField("业务技能", **SCORE)
    discipline = models.DecimalField("工作纪律", **SCORE)
    satisfaction = models.DecimalField("客户满意度", **SCORE)
    utilisation = models.DecimalField("工时利用率", **SCORE)
    exams = models.DecimalField("考试成绩", **SCORE)
    # Dimensions a supervisor entered by hand (kept when the month is recomputed).
    manual = models.JSONField("手工录入维度", default=list, blank=True)
    # Where each computed figure came from, e.g. {"quality": "质检 3 单平均"}.
    sources = models.JSONField("数据来源", default=dict, blank=True)
    total = models.DecimalField("总分", max_digits=5, decimal_places=2, null=True, blank=True)
    grade = models.CharField("等级", max_length=4, blank=True)
    coefficient = models.DecimalField(
        "绩效系数", max_digits=6, decimal_places=4, null=True, blank=True
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="计入工资人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    applied_at = models.DateTimeField("计入工资时间", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "月度考核"
        verbose_name_plural = "月度考核"
        ordering = ["-month", "agent_id"]
        constraints = [
            models.UniqueConstraint(fields=["agent", "month"], name="agents_one_assessment")
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.agent_id}"


class TrainingSession(models.Model):
    held_on = models.DateField("培训日期", db_index=True)
    topic = models.CharField("培训主题", max_length=100)
    category = models.CharField("培训类别", max_length=30, blank=True)  # 政策/业务/服务技巧
    trainer = models.CharField("讲师", max_length=60, blank=True)
    hours = models.DecimalField("时长（小时）", max_digits=4, decimal_places=1, default=1)
    team = models.ForeignKey(
        "accounts.Department",
        verbose_name="班组",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    attendees = models.ManyToManyField(
        AgentProfile, through="TrainingAttendance", related_name="trainings"
    )

    class Meta:
        verbose_name = "内部培训"
        verbose_name_plural = "内部培训"
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"


class TrainingAttendance(models.Model):
    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendance"
    )
    agent = models.ForeignKey(AgentProfile, on_delete=models.PROTECT, related_name="attendance")
    attended = models.BooleanField("出勤", default=False)
    score = models.DecimalField("培训考核得分", **SCORE)

    class Meta:
        verbose_name = "培训签到"
        verbose_name_plural = "培训签到"
        constraints = [
            models.UniqueConstraint(fields=["session", "agent"], name="agents_one_attendance")
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.agent_id}"


class AgentEvent(models.Model):
    class Kind(models.TextChoices):
        EXAM = "exam", "考试成绩"
        DISCIPLINE = "discipline", "纪律事件"
        SKILL = "skill", "技能评定/认证"

    agent = models.ForeignKey(
        AgentProfile, verbose_name="坐席", on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    happened_on = models.DateField("日期", db_index=True)
    title = models.CharField("事项", max_length=100)
    score = models.DecimalField("得分（0–100）", **SCORE)
    points = models.PositiveSmallIntegerField("扣分", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "考核事件"
        verbose_name_plural = "考核事件"
        ordering = ["-happened_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title}"


class StaffingRatioRule(models.Model):
    class Kind(models.TextChoices):
        INSURED_PER_REP = "insured_per_rep", "每名客服服务参保人数"
        DISPATCHED_PER_STAFF = "dispatched_per_staff", "每名专职人员服务派遣员工数"
        STAFF_PER_MANAGER = "staff_per_manager", "每名业务经理管理专职人员数"

    kind = models.CharField("配比", max_length=24, choices=Kind.choices, unique=True)
    limit = models.PositiveIntegerField("上限")
    source = models.CharField("依据", max_length=100, blank=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "人员配比规则"
        verbose_name_plural = "人员配比规则"
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ≤ {self.limit}"


RATIO_SOURCES = {
    "insured_per_rep": "社保代理服务规范 3.2.4：每名客服服务的代理人数应在500名之内",
    "dispatched_per_staff": "人力资源外包方案 §4：每800名派遣员工配备1名专职工作人员",
    "staff_per_manager": "人力资源外包方案 §4：每四名专职工作人员配备1位业务经理",
}
assert set(RATIO_SOURCES) == set(RATIO_KINDS) == set(DEFAULT_LIMITS)
assert all(RATIO_LABELS[k] == label for k, label in StaffingRatioRule.Kind.choices)
