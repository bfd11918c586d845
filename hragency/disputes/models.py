"""Labour-dispute cases (劳动争议, R-SVC-3, seed 001 §10 劳资纠纷处理服务).

``DisputeCase`` (``LD…``): one dispute between a client (the employer we serve) and a worker,
from the first consultation through mediation, arbitration and litigation to its outcome.
``CaseHearing``: a mediation session or hearing, each with a preparation deadline.
``CaseDocument``: evidence and rulings (private files). ``CaseNote``: the handling log.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models


class DisputeCase(models.Model):
    class Category(models.TextChoices):
        DISMISSAL = "dismissal", "开除、除名、辞退"
        WAGES = "wages", "工资报酬"
        INSURANCE_BENEFITS = "insurance_benefits", "社会保险、福利、培训、劳动保护"
        CONTRACT = "contract", "劳动合同条款"
        OTHER = "other", "其他劳动争议"

    class Stage(models.TextChoices):
        CONSULTATION = "consultation", "咨询"
        MEDIATION = "mediation", "调解"
        ARBITRATION = "arbitration", "仲裁"
        LITIGATION = "litigation", "诉讼"
        CLOSED = "closed", "已结案"

    class Outcome(models.TextChoices):
        WITHDRAWN = "withdrawn", "撤回"
        MEDIATED = "mediated", "调解结案"
        AWARD = "award", "仲裁裁决"
        JUDGMENT = "judgment", "法院判决"

    number = models.CharField("案件编号", max_length=20, unique=True)
    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.PROTECT, related_name="disputes"
    )
    person = models.ForeignKey(
        "employees.InsuredPerson",
        verbose_name="涉及人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disputes",
    )
    claimant = models.CharField("申请人（劳动者）", max_length=60, blank=True)
    category = models.CharField("争议类型", max_length=20, choices=Category.choices)
    title = models.CharField("案由", max_length=120)
    description = models.TextField("争议经过")
    # [{"item": "经济补偿金", "amount": "12000.00"}, …]: exact decimal strings, never float.
    demands = models.JSONField("申请人请求事项", default=list, blank=True)
    claimed_total = models.DecimalField("请求金额合计", max_digits=12, decimal_places=2, default=0)
    stage = models.CharField(
        "阶段", max_length=12, choices=Stage.choices, default=Stage.CONSULTATION, db_index=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="劳动关系专员",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dispute_cases",
    )
    legal = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="法务（仲裁支持）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dispute_cases_legal",
    )
    known_on = models.DateField("知道权利被侵害之日", null=True, blank=True)
    unpaid_wages_ongoing = models.BooleanField("劳动关系存续期间拖欠劳动报酬", default=False)
    employment_ended_on = models.DateField("劳动关系终止日", null=True, blank=True)
    limitation_ends_on = models.DateField("仲裁时效届满日", null=True, blank=True, db_index=True)
    limitation_deadline = models.ForeignKey(
        "core.Deadline", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField("结果", max_length=10, choices=Outcome.choices, blank=True)
    amount_awarded = models.DecimalField(
        "裁决/调解金额", max_digits=12, decimal_places=2, null=True, blank=True
    )
    amount_paid = models.DecimalField(
        "实际支付金额", max_digits=12, decimal_places=2, null=True, blank=True
    )
    cost_to_client = models.DecimalField(
        "客户承担费用", max_digits=12, decimal_places=2, null=True, blank=True
    )
    lessons = models.TextField("经验教训", blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_at = models.DateTimeField("登记时间", auto_now_add=True, db_index=True)
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = verbose_name_plural = "劳动争议案件"
        ordering = ["-opened_at", "-pk"]
        permissions = [("handle_dispute", "处理劳动争议")]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.stage != self.Stage.CLOSED

    @property
    def demand_rows(self) -> list[tuple[str, Decimal]]:
        return [(d["item"], Decimal(d["amount"])) for d in self.demands or []]


class CaseHearing(models.Model):
    class Kind(models.TextChoices):
        MEDIATION = "mediation", "调解会"
        ARBITRATION = "arbitration", "仲裁庭审"
        COURT = "court", "法院庭审"

    case = models.ForeignKey(
        DisputeCase, verbose_name="案件", on_delete=models.CASCADE, related_name="hearings"
    )
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    at = models.DateTimeField("开庭时间")
    place = models.CharField("地点", max_length=120, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    deadline = models.ForeignKey(
        "core.Deadline", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    SCOPE_CLIENT_FIELD = "case__client"

    class Meta:
        verbose_name = verbose_name_plural = "开庭/调解安排"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


def _document_path(instance: CaseDocument, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    folder = f"private/disputes/{instance.case.client_id}/{instance.case_id}"
    return f"{folder}/{uuid.uuid4().hex}.{extension}"


class CaseDocument(models.Model):
    class Kind(models.TextChoices):
        EVIDENCE = "evidence", "证据材料"
        APPLICATION = "application", "仲裁申请书/起诉状"
        DEFENCE = "defence", "答辩状"
        RULING = "ruling", "调解书/裁决书/判决书"
        OTHER = "other", "其他"

    case = models.ForeignKey(
        DisputeCase, verbose_name="案件", on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField("材料类型", max_length=12, choices=Kind.choices)
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

    SCOPE_CLIENT_FIELD = "case__client"

    class Meta:
        verbose_name = verbose_name_plural = "案件材料"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class CaseNote(models.Model):
    case = models.ForeignKey(
        DisputeCase, verbose_name="案件", on_delete=models.CASCADE, related_name="notes"
    )
    text = models.TextField("内容")
    visible_to_client = models.BooleanField("客户可见", default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)

    SCOPE_CLIENT_FIELD = "case__client"

    class Meta:
        verbose_name = verbose_name_plural = "案件记录"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:30]
