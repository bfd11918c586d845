"""Archives (档案管理, R-SVC-4, seed 003 §4.8 and §5).

``ArchiveFile`` (卷宗 ``DA…``): one per client and agreement (plus one general file for a
client's materials outside any agreement), holding the four kinds of 003 §4.8.
``ArchiveItem``: one filed material with its month, source, pages, location and retention.
``MonthlyFiling``: a client's month, filed by the 15th of the next month (003 §5.3).
``Borrowing`` (``JY…``): items lent to staff or to the client and their return.
``DestructionRecord`` (``XH…``): a client's batch of items past retention: appraisal by two
people, approval by the general manager or the director, execution with witnesses.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from hragency.archives import retention


class ArchiveFile(models.Model):
    number = models.CharField("卷宗号", max_length=20, unique=True)
    client = models.ForeignKey(
        "clients.Client",
        verbose_name="客户",
        on_delete=models.PROTECT,
        related_name="archive_files",
    )
    agreement = models.ForeignKey(
        "clients.Agreement",
        verbose_name="服务协议",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="archive_files",
    )
    title = models.CharField("卷宗名称", max_length=120)
    location = models.CharField("存放位置", max_length=60, blank=True)
    created_at = models.DateTimeField("建档时间", auto_now_add=True)

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = verbose_name_plural = "档案卷宗"
        ordering = ["client_id", "pk"]
        permissions = [
            ("manage_archive", "管理档案（归档、借阅）"),
            ("approve_destruction", "批准档案销毁"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "agreement"], name="archives_one_file_per_agreement"
            ),
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(agreement__isnull=True),
                name="archives_one_general_file_per_client",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


def _item_path(instance: ArchiveItem, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"private/archives/{instance.client_id}/{uuid.uuid4().hex}.{extension}"


class ArchiveItem(models.Model):
    class Kind(models.TextChoices):
        AGREEMENT = retention.AGREEMENT, "代理服务协议书"
        CLIENT_MATERIALS = retention.CLIENT_MATERIALS, "客户提交的资料"
        SI_CHANGES = retention.SI_CHANGES, "办理社保增减资料"
        CORRESPONDENCE = retention.CORRESPONDENCE, "双方交流函件"

    class Status(models.TextChoices):
        IN_STORE = "in_store", "在库"
        LENT = "lent", "借出"
        DESTROYED = "destroyed", "已销毁"

    archive = models.ForeignKey(
        ArchiveFile, verbose_name="卷宗", on_delete=models.PROTECT, related_name="items"
    )
    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("材料类别", max_length=20, choices=Kind.choices)
    title = models.CharField("题名", max_length=200)
    month = models.DateField("所属月份", db_index=True)
    source_type = models.CharField("来源", max_length=40, blank=True)
    source_ref = models.CharField("来源单号", max_length=40, blank=True)
    pages = models.PositiveIntegerField("页数", default=1)
    box = models.CharField("盒号", max_length=40, blank=True)
    location = models.CharField("存放位置", max_length=60, blank=True)
    description = models.TextField("内容摘要", blank=True)
    scan = models.FileField("扫描件", upload_to=_item_path, max_length=200, blank=True)
    retention_years = models.PositiveSmallIntegerField("保管期限（年）")
    destroy_after = models.DateField("保管期满日", db_index=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.IN_STORE, db_index=True
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="归档人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filed_at = models.DateTimeField("归档时间")
    destroyed_at = models.DateTimeField("销毁时间", null=True, blank=True)

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = verbose_name_plural = "档案材料"
        ordering = ["month", "kind", "pk"]
        indexes = [models.Index(fields=["client", "month"])]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_ref"],
                condition=~Q(source_ref=""),
                name="archives_one_item_per_source",
            )
        ]

    def __str__(self) -> str:
        return self.title


class MonthlyFiling(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "整理中"
        FILED = "filed", "已归档"

    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField("月份", db_index=True)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.OPEN)
    due_on = models.DateField("归档期限")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="负责人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="归档人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filed_at = models.DateTimeField("归档时间", null=True, blank=True)
    item_count = models.PositiveIntegerField("材料件数", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = verbose_name_plural = "月度归档"
        ordering = ["-month", "client_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "month"], name="archives_one_filing_per_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} 归档"


class Borrowing(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", "待审批"
        LENT = "lent", "借出中"
        RETURNED = "returned", "已归还"
        REJECTED = "rejected", "已拒绝"

    class BorrowerKind(models.TextChoices):
        STAFF = "staff", "本公司员工"
        CLIENT = "client", "客户"

    number = models.CharField("借阅单号", max_length=20, unique=True)
    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.PROTECT, related_name="+"
    )
    items = models.ManyToManyField(ArchiveItem, verbose_name="借阅材料", related_name="borrowings")
    borrower_kind = models.CharField("借阅人类别", max_length=8, choices=BorrowerKind.choices)
    borrower = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="借阅人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    borrower_name = models.CharField("借阅人姓名", max_length=60)
    purpose = models.CharField("借阅目的", max_length=200)
    days = models.PositiveSmallIntegerField("借阅天数", default=retention.BORROW_DAYS_DEFAULT)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField("登记时间", auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    borrowed_at = models.DateTimeField("借出时间", null=True, blank=True)
    due_back = models.DateField("应还日期", null=True, blank=True, db_index=True)
    returned_at = models.DateTimeField("归还时间", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    deadline = models.ForeignKey(
        "core.Deadline", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = verbose_name_plural = "档案借阅"
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return self.number


class DestructionRecord(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "待鉴定"
        APPRAISED = "appraised", "待批准"
        APPROVED = "approved", "待销毁"
        EXECUTED = "executed", "已销毁"
        REJECTED = "rejected", "已驳回"

    class Method(models.TextChoices):
        SHRED = "shred", "粉碎"
        PULP = "pulp", "化浆"
        INCINERATE = "incinerate", "焚烧"

    number = models.CharField("销毁清册号", max_length=20, unique=True)
    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.PROTECT, related_name="+"
    )
    items = models.ManyToManyField(
        ArchiveItem, verbose_name="销毁材料", related_name="destructions"
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提出人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposed_at = models.DateTimeField("提出时间", auto_now_add=True)
    appraisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="鉴定人", related_name="+", blank=True
    )
    appraisal_opinion = models.TextField("鉴定意见", blank=True)
    appraised_at = models.DateTimeField("鉴定时间", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="批准人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)
    rejection_reason = models.CharField("驳回原因", max_length=200, blank=True)
    destroyed_on = models.DateField("销毁日期", null=True, blank=True)
    method = models.CharField("销毁方式", max_length=12, choices=Method.choices, blank=True)
    witnesses = models.CharField("监销人", max_length=120, blank=True)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="执行人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    executed_at = models.DateTimeField("执行时间", null=True, blank=True)

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = verbose_name_plural = "档案销毁清册"
        ordering = ["-proposed_at", "-pk"]

    def __str__(self) -> str:
        return self.number
