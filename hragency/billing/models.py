"""Month close, fee statements (《费用明细表》, R-FEE-1/2). Amounts are integer fen."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CloseRun(models.Model):
    """One run of the month close for a period. A run that was interrupted is resumed by the
    next ``close-month`` for the same period: clients already written in this run are skipped."""

    class Status(models.TextChoices):
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"

    period = models.DateField("所属期")
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField("开始时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    clients_total = models.PositiveIntegerField("客户数", default=0)
    clients_done = models.PositiveIntegerField("已完成客户数", default=0)
    people = models.PositiveIntegerField("人数", default=0)
    problems = models.JSONField("问题", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "月结批次"
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.get_status_display()}"


class Statement(models.Model):
    """《费用明细表》: one client's bill for one month. The per-person, per-item detail is the
    client's ``insurance.Contribution`` rows for the period."""

    class Status(models.TextChoices):
        DRAFT = "draft", "待客户确认"
        CONFIRMED = "confirmed", "客户已确认"
        DISPUTED = "disputed", "客户有异议"

    number = models.CharField("编号", max_length=20, unique=True)
    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.PROTECT, related_name="statements"
    )
    period = models.DateField("所属期")
    run = models.ForeignKey(
        CloseRun, verbose_name="月结批次", on_delete=models.PROTECT, related_name="statements"
    )
    headcount = models.PositiveIntegerField("人数")
    wages_fen = models.BigIntegerField("申报工资合计（分）")
    si_employer_fen = models.BigIntegerField("社保单位部分（分）")
    si_employee_fen = models.BigIntegerField("社保个人部分（分）")
    hf_employer_fen = models.BigIntegerField("公积金单位部分（分）")
    hf_employee_fen = models.BigIntegerField("公积金个人部分（分）")
    fee_model = models.CharField("收费方式", max_length=12, blank=True)
    service_fee_fen = models.BigIntegerField("服务费（分）")
    tax_fen = models.BigIntegerField("相关税费（分）", default=0)
    risk_reserve_fen = models.BigIntegerField("风险预控金（分）", default=0)
    # 补缴 (positive) and 退费 (negative) billed this month (insurance.Adjustment.bill_month).
    adjust_si_fen = models.BigIntegerField("补缴/退费·社保（分）", default=0)
    adjust_hf_fen = models.BigIntegerField("补缴/退费·公积金（分）", default=0)
    total_fen = models.BigIntegerField("应付合计（分）")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    computed_at = models.DateTimeField("核算时间")
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    responded_at = models.DateTimeField("确认时间", null=True, blank=True)
    dispute_reason = models.TextField("异议说明", blank=True)

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = verbose_name_plural = "费用明细表"
        ordering = ["-period", "client_id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "period"], name="statement_unique")
        ]
        permissions = [
            ("close_month", "执行月结"),
            ("respond_statement", "确认或对费用明细表提出异议"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.period:%Y-%m}"

    @property
    def si_fen(self) -> int:
        """Social insurance collected this month, back-payments and refunds included."""
        return self.si_employer_fen + self.si_employee_fen + self.adjust_si_fen

    @property
    def hf_fen(self) -> int:
        return self.hf_employer_fen + self.hf_employee_fen + self.adjust_hf_fen

    @property
    def si_hf_fen(self) -> int:
        return self.si_fen + self.hf_fen


# --- client fund account (代收代付, R-FEE-4) and invoices (R-FEE-3) ------------------------


class FundEntry(models.Model):
    """One movement of a client's money held by the agency (代收代付). Amounts are positive
    fen; the kind gives the direction. Entries are never edited or deleted: a mistake is
    corrected with an adjustment, so the ledger is its own history."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", "客户来款"
        SI_PAYMENT = "si_payment", "缴纳社保"
        HF_PAYMENT = "hf_payment", "缴纳公积金"
        REFUND = "refund", "退款"
        ADJUST_IN = "adjust_in", "调整（调增）"
        ADJUST_OUT = "adjust_out", "调整（调减）"

    INFLOWS = ("receipt", "adjust_in")

    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.PROTECT, related_name="fund_entries"
    )
    date = models.DateField("日期")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    amount_fen = models.BigIntegerField("金额（分）")
    reference = models.CharField("银行流水号/凭证号", max_length=60, blank=True)
    statement = models.ForeignKey(
        Statement,
        verbose_name="费用明细表",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fund_entries",
    )
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = verbose_name_plural = "资金往来"
        ordering = ["client_id", "date", "pk"]
        indexes = [models.Index(fields=["client", "date"], name="fundentry_client_date")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_fen__gt=0), name="fundentry_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        from hragency.domain.money import format_cny

        return f"{self.date} {self.get_kind_display()} {format_cny(self.amount_fen)}"

    @property
    def signed_fen(self) -> int:
        return self.amount_fen if self.kind in self.INFLOWS else -self.amount_fen


class Invoice(models.Model):
    """The agency's invoice for a paid statement (R-FEE-3), due within 10 working days of the
    payment. The three lines always sum to the statement's total."""

    class Status(models.TextChoices):
        PENDING = "pending", "待开具"
        ISSUED = "issued", "已开具"
        VOID = "void", "已作废"

    number = models.CharField("编号", max_length=20, unique=True)
    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.PROTECT, related_name="invoices"
    )
    statement = models.ForeignKey(
        Statement, verbose_name="费用明细表", on_delete=models.PROTECT, related_name="invoices"
    )
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.PENDING)
    total_fen = models.BigIntegerField("价税合计（分）")
    paid_on = models.DateField("付清日期")
    requested_at = models.DateTimeField("申请时间")
    due_at = models.DateTimeField("开票截止时间")
    deadline = models.ForeignKey(
        "core.Deadline",
        verbose_name="时限",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_at = models.DateTimeField("开具时间", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="开票人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    invoice_code = models.CharField("发票代码", max_length=20, blank=True)
    invoice_number = models.CharField("发票号码", max_length=20, blank=True)
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="作废人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    void_reason = models.CharField("作废原因", max_length=200, blank=True)

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = verbose_name_plural = "发票"
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement"],
                condition=~models.Q(status="void"),
                name="invoice_one_live_per_statement",
            ),
        ]
        permissions = [("issue_invoice", "开具或作废发票")]

    def __str__(self) -> str:
        return self.number


class InvoiceLine(models.Model):
    """One of the three lines of an invoice: 代缴社会保险费, 代缴住房公积金费, 服务费."""

    invoice = models.ForeignKey(
        Invoice, verbose_name="发票", on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveSmallIntegerField("行号")
    item = models.CharField("项目", max_length=40)
    amount_fen = models.BigIntegerField("金额（分）")

    SCOPE_CLIENT_FIELD = "invoice__client"

    class Meta:
        verbose_name = verbose_name_plural = "发票明细"
        ordering = ["invoice_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="invoiceline_unique")
        ]

    def __str__(self) -> str:
        from hragency.domain.money import format_cny

        return f"{self.item} {format_cny(self.amount_fen)}"
