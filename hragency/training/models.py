"""Training for clients (培训服务, R-SVC-2; seed 002 §3: needs → resources → sessions →
evaluation).

``TrainingProgramme`` (``PX…``): a client's training need and its answer — needs analysis,
objectives, audience; resources (an internal trainer or an external one, venue, budget,
materials); sessions; and the overall evaluation on Kirkpatrick's four levels. ``Session``: a
date and place (or online link) with a capacity. ``Enrolment``: an insured person of that client
(or a named participant), attendance, satisfaction 1–5 and test score.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class TrainingProgramme(models.Model):
    class Status(models.TextChoices):
        NEEDS = "needs", "需求分析"
        RESOURCES = "resources", "资源配置"
        SCHEDULED = "scheduled", "已排课"
        DELIVERED = "delivered", "已实施"
        EVALUATED = "evaluated", "已评估"
        CANCELLED = "cancelled", "已取消"

    class Format(models.TextChoices):
        ONSITE = "onsite", "现场授课"
        ONLINE = "online", "线上直播"
        BLENDED = "blended", "线上线下结合"

    number = models.CharField("编号", max_length=20, unique=True)
    client = models.ForeignKey(
        "clients.Client",
        verbose_name="客户",
        on_delete=models.CASCADE,
        related_name="training_programmes",
    )
    title = models.CharField("培训主题", max_length=100)
    needs = models.TextField("需求分析")
    objectives = models.TextField("培训目标", blank=True)
    audience = models.CharField("培训对象", max_length=200, blank=True)
    format = models.CharField("培训形式", max_length=10, choices=Format.choices, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.NEEDS, db_index=True
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
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="负责培训专员",
        on_delete=models.PROTECT,
        related_name="training_programmes",
    )
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="内部讲师",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    external_trainer = models.CharField("外部讲师", max_length=100, blank=True)
    venue = models.CharField("场地", max_length=120, blank=True)
    budget = models.DecimalField(
        "预算（元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    pass_score = models.PositiveSmallIntegerField("考核合格分", default=60)
    reaction = models.TextField("反应层（满意度）", blank=True)
    learning = models.TextField("学习层（知识技能）", blank=True)
    behaviour = models.TextField("行为层（工作表现）", blank=True)
    results = models.TextField("结果层（业务成效）", blank=True)
    evaluated_at = models.DateTimeField("评估时间", null=True, blank=True)
    cancel_reason = models.CharField("取消原因", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = "培训项目"
        verbose_name_plural = "培训项目"
        ordering = ["-requested_at", "-pk"]
        permissions = [("manage_training", "管理培训项目")]
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_score__lte=100), name="training_pass_score_le_100"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def trainer_label(self) -> str:
        if self.trainer_id:
            return f"{self.trainer}（内部）"
        return f"{self.external_trainer}（外部）" if self.external_trainer else ""


def _material_path(instance: Material, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"private/training/{instance.programme.client_id}/{uuid.uuid4().hex}.{extension}"


class Material(models.Model):
    programme = models.ForeignKey(
        TrainingProgramme,
        verbose_name="培训项目",
        on_delete=models.CASCADE,
        related_name="materials",
    )
    file = models.FileField("文件", upload_to=_material_path, max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    content_type = models.CharField("文件类型", max_length=60)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    SCOPE_CLIENT_FIELD = "programme__client"

    class Meta:
        verbose_name = "培训资料"
        verbose_name_plural = "培训资料"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class Session(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "待实施"
        DELIVERED = "delivered", "已实施"
        CANCELLED = "cancelled", "已取消"

    programme = models.ForeignKey(
        TrainingProgramme,
        verbose_name="培训项目",
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    place = models.CharField("地点", max_length=120, blank=True)
    online_link = models.URLField("线上链接", max_length=300, blank=True)
    capacity = models.PositiveIntegerField("人数上限")
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    delivered_at = models.DateTimeField("实施登记时间", null=True, blank=True)

    SCOPE_CLIENT_FIELD = "programme__client"

    class Meta:
        verbose_name = "培训场次"
        verbose_name_plural = "培训场次"
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.programme.title} {self.starts_at:%Y-%m-%d %H:%M}"


class Enrolment(models.Model):
    session = models.ForeignKey(
        Session, verbose_name="场次", on_delete=models.CASCADE, related_name="enrolments"
    )
    person = models.ForeignKey(
        "employees.InsuredPerson",
        verbose_name="参保人",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    participant_name = models.CharField("学员", max_length=60)
    attended = models.BooleanField("出勤", null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField("满意度", null=True, blank=True)
    score = models.PositiveSmallIntegerField("考核成绩", null=True, blank=True)
    comment = models.CharField("学员意见", max_length=300, blank=True)
    enrolled_at = models.DateTimeField("报名时间", auto_now_add=True)

    SCOPE_CLIENT_FIELD = "session__programme__client"

    class Meta:
        verbose_name = "培训报名"
        verbose_name_plural = "培训报名"
        ordering = ["participant_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=Q(person__isnull=False),
                name="training_one_enrolment_per_person",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="training_satisfaction_1_5",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=100), name="training_score_le_100"
            ),
        ]

    def __str__(self) -> str:
        return self.participant_name
