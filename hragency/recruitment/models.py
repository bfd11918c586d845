"""Recruitment outsourcing (招聘外包, R-SVC-1; seed 002 §2, 004).

``Requisition`` (招聘需求 ``ZP…``): one client's need for ``headcount`` people in a position,
walked through the eight stages of seed 002 (需求确认 → 职位说明 → 招聘计划 → 渠道发布 →
简历筛选 → 客户面试 → 录用 → 评估). ``Channel``: where it was published, at what cost.
``Candidate``: a person sourced for the client (phone encrypted, résumé a private file).
``Application``: a candidate on a requisition, with its own stages (初筛 → 已推荐 → 客户面试 →
已发录用 → 已入职, or 未通过/已退出 with a reason), interviews, the client's feedback and the
probation result.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from hragency.core.crypto import EncryptedTextField
from hragency.domain.masking import mask_phone


class Requisition(models.Model):
    class Stage(models.TextChoices):
        NEEDS = "needs", "需求确认"
        JD = "jd", "职位说明"
        PLAN = "plan", "招聘计划"
        CHANNELS = "channels", "渠道发布"
        SCREENING = "screening", "简历筛选"
        INTERVIEW = "interview", "客户面试"
        HIRE = "hire", "录用"
        EVALUATION = "evaluation", "评估"

    class Status(models.TextChoices):
        OPEN = "open", "招聘中"
        FILLED = "filled", "已完成"
        CANCELLED = "cancelled", "已取消"

    class Urgency(models.TextChoices):
        # 004: 紧急程度（普通/紧急/特急）
        NORMAL = "normal", "普通"
        URGENT = "urgent", "紧急"
        CRITICAL = "critical", "特急"

    number = models.CharField("编号", max_length=20, unique=True)
    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.CASCADE, related_name="requisitions"
    )
    position = models.CharField("岗位", max_length=60)
    headcount = models.PositiveSmallIntegerField("招聘人数")
    location = models.CharField("工作地点", max_length=100, blank=True)
    salary_min = models.DecimalField("薪资下限（元/月）", max_digits=12, decimal_places=2)
    salary_max = models.DecimalField("薪资上限（元/月）", max_digits=12, decimal_places=2)
    requirements = models.TextField("任职要求", blank=True)
    urgency = models.CharField(
        "紧急程度", max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提出人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField("提出时间")
    recruiter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="招聘专员",
        on_delete=models.PROTECT,
        related_name="requisitions",
    )
    stage = models.CharField(
        "阶段", max_length=12, choices=Stage.choices, default=Stage.NEEDS, db_index=True
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    contacted_at = models.DateTimeField("联系客户时间", null=True, blank=True)
    contact_note = models.TextField("需求确认记录", blank=True)
    jd = models.TextField("岗位说明书", blank=True)
    plan_start = models.DateField("计划开始", null=True, blank=True)
    plan_end = models.DateField("计划到岗", null=True, blank=True)
    plan_note = models.TextField("招聘计划", blank=True)
    shortlist_sent_at = models.DateTimeField("首次推荐时间", null=True, blank=True)
    filled_at = models.DateTimeField("完成时间", null=True, blank=True)
    cancel_reason = models.CharField("取消原因", max_length=300, blank=True)
    satisfaction = models.PositiveSmallIntegerField("客户满意度", null=True, blank=True)
    evaluation_note = models.TextField("评价", blank=True)
    evaluated_at = models.DateTimeField("评价时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = "招聘需求"
        verbose_name_plural = "招聘需求"
        ordering = ["-requested_at", "-pk"]
        permissions = [("handle_requisition", "办理招聘需求")]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="recruitment_satisfaction_1_5",
            ),
            models.CheckConstraint(
                condition=Q(salary_max__gte=models.F("salary_min")),
                name="recruitment_salary_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.position}"

    @property
    def stage_index(self) -> int:
        return STAGE_ORDER.index(self.stage)


STAGE_ORDER = [s.value for s in Requisition.Stage]


class Channel(models.Model):
    requisition = models.ForeignKey(
        Requisition, verbose_name="招聘需求", on_delete=models.CASCADE, related_name="channels"
    )
    name = models.CharField("渠道", max_length=60)
    cost = models.DecimalField("费用（元）", max_digits=12, decimal_places=2, default=0)
    published_on = models.DateField("发布日期")
    note = models.CharField("说明", max_length=200, blank=True)

    SCOPE_CLIENT_FIELD = "requisition__client"

    class Meta:
        verbose_name = "招聘渠道"
        verbose_name_plural = "招聘渠道"
        ordering = ["published_on", "pk"]

    def __str__(self) -> str:
        return self.name


def _resume_path(instance: Candidate, filename: str) -> str:
    # A random name under a private prefix (like employees' documents); never served by URL.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"private/recruitment/{instance.client_id}/{uuid.uuid4().hex}.{extension}"


class Candidate(models.Model):
    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.CASCADE, related_name="candidates"
    )
    name = models.CharField("姓名", max_length=60)
    phone = EncryptedTextField("手机号", blank=True)
    source = models.CharField("来源渠道", max_length=60)
    resume = models.FileField("简历", upload_to=_resume_path, max_length=200, blank=True)
    resume_name = models.CharField("简历文件名", max_length=200, blank=True)
    resume_type = models.CharField("简历类型", max_length=60, blank=True)
    notes = models.TextField("备注", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = "候选人"
        verbose_name_plural = "候选人"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone) if self.phone else ""


class Application(models.Model):
    class Stage(models.TextChoices):
        SCREENING = "screening", "初筛中"
        SHORTLISTED = "shortlisted", "已推荐"
        CLIENT_INTERVIEW = "client_interview", "客户面试"
        OFFERED = "offered", "已发录用"
        HIRED = "hired", "已入职"
        REJECTED = "rejected", "未通过"
        WITHDRAWN = "withdrawn", "已退出"

    class Result(models.TextChoices):
        PASS = "pass", "通过"
        FAIL = "fail", "不通过"

    requisition = models.ForeignKey(
        Requisition, verbose_name="招聘需求", on_delete=models.CASCADE, related_name="applications"
    )
    candidate = models.ForeignKey(
        Candidate, verbose_name="候选人", on_delete=models.CASCADE, related_name="applications"
    )
    stage = models.CharField(
        "阶段", max_length=20, choices=Stage.choices, default=Stage.SCREENING, db_index=True
    )
    reason = models.CharField("未通过/退出原因", max_length=300, blank=True)
    screening_note = models.TextField("初筛评价", blank=True)
    shortlisted_at = models.DateTimeField("推荐时间", null=True, blank=True)
    interview_result = models.CharField(
        "面试结果", max_length=6, choices=Result.choices, blank=True
    )
    client_feedback = models.TextField("客户面试反馈", blank=True)
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="反馈人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    feedback_at = models.DateTimeField("反馈时间", null=True, blank=True)
    offered_at = models.DateTimeField("录用时间", null=True, blank=True)
    hire_date = models.DateField("入职日期", null=True, blank=True)
    hired_at = models.DateTimeField("确认入职时间", null=True, blank=True)
    probation_result = models.CharField(
        "试用期考核", max_length=6, choices=Result.choices, blank=True
    )
    probation_note = models.CharField("试用期评价", max_length=300, blank=True)
    person = models.ForeignKey(
        "employees.InsuredPerson",
        verbose_name="参保人档案",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    SCOPE_CLIENT_FIELD = "requisition__client"

    class Meta:
        verbose_name = "应聘记录"
        verbose_name_plural = "应聘记录"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["requisition", "candidate"], name="recruitment_one_application"
            )
        ]

    def __str__(self) -> str:
        return f"{self.candidate} → {self.requisition}"

    @property
    def visible_to_client(self) -> bool:
        """Sent to the client: shortlisted at some point (screened-out ones stay internal)."""
        return self.shortlisted_at is not None


class Interview(models.Model):
    application = models.ForeignKey(
        Application, verbose_name="应聘记录", on_delete=models.CASCADE, related_name="interviews"
    )
    at = models.DateTimeField("面试时间")
    place = models.CharField("地点", max_length=120)
    interviewer = models.CharField("面试官", max_length=60)
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    SCOPE_CLIENT_FIELD = "application__requisition__client"

    class Meta:
        verbose_name = "面试安排"
        verbose_name_plural = "面试安排"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.place}"
