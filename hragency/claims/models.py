"""Claims (出险理赔, R-SI-9): a work injury, medical or maternity case of an insured person,
carried through six steps (``workflow.STEPS``) with the documents each step needs.

Amounts are integer fen: claimed (待遇申请), approved by the bureau (核定), paid so far.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from hragency.claims.workflow import DOCUMENT_KINDS, DOCUMENT_LABELS, STEP_LABELS, STEPS


class Claim(models.Model):
    class Kind(models.TextChoices):
        WORK_INJURY = "work_injury", "工伤"
        MEDICAL = "medical", "医疗"
        MATERNITY = "maternity", "生育"

    class Status(models.TextChoices):
        OPEN = "open", "办理中"
        CLOSED = "closed", "已结案"
        WITHDRAWN = "withdrawn", "已撤销"

    number = models.CharField("理赔编号", max_length=20, unique=True)
    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.PROTECT, related_name="claims"
    )
    person = models.ForeignKey(
        "employees.InsuredPerson",
        verbose_name="出险人员",
        on_delete=models.PROTECT,
        related_name="claims",
    )
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    incident_date = models.DateField("出险日期")
    reported_at = models.DateTimeField("报案时间")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报案人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = models.TextField("经过说明")
    hospital = models.CharField("就诊医院", max_length=120, blank=True)
    current_step = models.CharField(
        "当前环节", max_length=12, choices=STEPS, blank=True, db_index=True
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="代偿专员",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claims",
    )
    claimed_fen = models.BigIntegerField("申请金额（分）", default=0)
    approved_fen = models.BigIntegerField("核定金额（分）", null=True, blank=True)
    paid_fen = models.BigIntegerField("已支付金额（分）", default=0)
    outcome = models.TextField("结果", blank=True)
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)

    SCOPE_CLIENT_FIELD = "client"
    SCOPE_PERSON_FIELD = "person"

    class Meta:
        verbose_name = "出险理赔"
        verbose_name_plural = "出险理赔"
        ordering = ["-reported_at", "-pk"]
        permissions = [("handle_claim", "办理出险理赔")]
        indexes = [models.Index(fields=["client", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(paid_fen__gte=0) & Q(claimed_fen__gte=0), name="claims_amounts"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.person.name} {self.get_kind_display()}"

    @property
    def current_step_label(self) -> str:
        return STEP_LABELS.get(self.current_step, "")


class ClaimStep(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待办理"
        DONE = "done", "已完成"
        SKIPPED = "skipped", "不适用/跳过"

    claim = models.ForeignKey(
        Claim, verbose_name="理赔", on_delete=models.CASCADE, related_name="steps"
    )
    code = models.CharField("环节", max_length=12, choices=STEPS)
    position = models.PositiveSmallIntegerField("顺序")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    done_at = models.DateTimeField("办理时间", null=True, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    deadline = models.ForeignKey(
        "core.Deadline", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    SCOPE_CLIENT_FIELD = "claim__client"
    SCOPE_PERSON_FIELD = "claim__person"

    class Meta:
        verbose_name = "理赔环节"
        verbose_name_plural = "理赔环节"
        ordering = ["claim_id", "position"]
        constraints = [models.UniqueConstraint(fields=["claim", "code"], name="claims_step_unique")]

    def __str__(self) -> str:
        return STEP_LABELS.get(self.code, self.code)


def _document_path(instance: ClaimDocument, filename: str) -> str:
    # Random name under a private prefix (never served by URL), as for PersonDocument.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    claim = instance.claim
    return f"private/claims/{claim.client_id}/{claim.pk}/{uuid.uuid4().hex}.{extension}"


class ClaimDocument(models.Model):
    claim = models.ForeignKey(
        Claim, verbose_name="理赔", on_delete=models.CASCADE, related_name="documents"
    )
    step = models.CharField("环节", max_length=12, choices=STEPS)
    kind = models.CharField("材料类型", max_length=30, choices=DOCUMENT_KINDS)
    file = models.FileField("文件", upload_to=_document_path, max_length=200)
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

    SCOPE_CLIENT_FIELD = "claim__client"
    SCOPE_PERSON_FIELD = "claim__person"

    class Meta:
        verbose_name = "理赔材料"
        verbose_name_plural = "理赔材料"
        ordering = ["claim_id", "step", "kind", "-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["claim", "step"])]

    def __str__(self) -> str:
        return DOCUMENT_LABELS.get(self.kind, self.kind)
