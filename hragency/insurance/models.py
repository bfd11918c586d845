"""Social insurance and housing fund (R-SI): the city policy library, each client's rates,
add/remove orders (增减员), enrollments and the monthly contribution rows.

Money in policies and orders is ``Decimal`` yuan; the month's contribution rows are integer fen
(written in bulk by the month close, summed by SQL).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from hragency.domain.insurance import ITEMS, Item, ItemRule, Period
from hragency.domain.money import RoundingRule, to_fen

ITEM_CHOICES = [(item.value, item.label) for item in Item]
ROUNDING_CHOICES = [(rule.value, rule.label) for rule in RoundingRule]


def rate_field(label: str) -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(label, max_digits=8, decimal_places=6, null=True, blank=True)


class PolicyRule(models.Model):
    """One item of one city's policy from one month on (R-SI-1). A new policy year is a new row;
    the row in force for a month is the latest ``effective_from`` on or before it."""

    class Certainty(models.TextChoices):
        CONFIRMED = "已核实", "已核实"
        UNCERTAIN = "待核实", "待核实"

    city = models.CharField("城市", max_length=20)
    item = models.CharField("险种", max_length=24, choices=ITEM_CHOICES)
    effective_from = models.DateField("生效月份", help_text="每月 1 日")
    base_floor = models.DecimalField("基数下限", max_digits=12, decimal_places=2)
    base_ceiling = models.DecimalField("基数上限", max_digits=12, decimal_places=2)
    employer_rate = rate_field("单位费率")
    employee_rate = rate_field("个人费率")
    employer_fixed = models.DecimalField(
        "单位固定金额", max_digits=10, decimal_places=2, default=Decimal("0.00")
    )
    employee_fixed = models.DecimalField(
        "个人固定金额", max_digits=10, decimal_places=2, default=Decimal("0.00")
    )
    rounding = models.CharField(
        "舍入规则", max_length=12, choices=ROUNDING_CHOICES, default=RoundingRule.FEN.value
    )
    rate_min = rate_field("费率下限（按客户设定时）")
    rate_max = rate_field("费率上限（按客户设定时）")
    certainty = models.CharField(
        "核实状态", max_length=4, choices=Certainty.choices, default=Certainty.UNCERTAIN
    )
    source = models.TextField("来源", blank=True)
    note = models.TextField("说明", blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "社保公积金政策"
        ordering = ["city", "item", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "item", "effective_from"], name="policy_rule_unique"
            ),
            models.CheckConstraint(
                condition=Q(base_ceiling__gte=models.F("base_floor")), name="policy_floor_ceiling"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city} {self.get_item_display()} {self.effective_from:%Y-%m}起"

    @property
    def period(self) -> Period:
        return Period.of(self.effective_from)

    def to_rule(self) -> ItemRule:
        return ItemRule(
            item=Item(self.item),
            base_floor_fen=to_fen(self.base_floor),
            base_ceiling_fen=to_fen(self.base_ceiling),
            employer_rate=self.employer_rate,
            employee_rate=self.employee_rate,
            employer_fixed_fen=to_fen(self.employer_fixed),
            employee_fixed_fen=to_fen(self.employee_fixed),
            rounding=RoundingRule(self.rounding),
            rate_min=self.rate_min,
            rate_max=self.rate_max,
        )


class ClientRate(models.Model):
    """A client's own rates in one city: work injury by its industry class, housing fund within
    the city's range (R-SI-1)."""

    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.PROTECT, related_name="si_rates"
    )
    city = models.CharField("参保城市", max_length=20)
    injury_rate = rate_field("工伤费率")
    hf_rate = rate_field("公积金缴存比例")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = verbose_name_plural = "客户参保费率"
        ordering = ["client_id", "city"]
        constraints = [
            models.UniqueConstraint(fields=["client", "city"], name="client_rate_unique")
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.city}"


class Enrollment(models.Model):
    """A person insured through us in one city from one month (参保记录). Opened by an add
    order, ended by a remove order; the month close charges every enrollment in force."""

    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.PROTECT, related_name="enrollments"
    )
    person = models.ForeignKey(
        "employees.InsuredPerson",
        verbose_name="参保人员",
        on_delete=models.PROTECT,
        related_name="enrollments",
    )
    city = models.CharField("参保城市", max_length=20)
    wage = models.DecimalField("申报工资", max_digits=12, decimal_places=2)
    hf_wage = models.DecimalField(
        "公积金申报工资", max_digits=12, decimal_places=2, null=True, blank=True
    )
    si = models.BooleanField("参加社保", default=True)
    hf = models.BooleanField("缴存公积金", default=True)
    start_month = models.DateField("起始月份")
    end_month = models.DateField("截止月份", null=True, blank=True, help_text="最后缴费月份")
    bases_confirmed_at = models.DateTimeField("客户确认基数时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    SCOPE_CLIENT_FIELD = "client"
    SCOPE_PERSON_FIELD = "person"

    class Meta:
        verbose_name = verbose_name_plural = "参保记录"
        ordering = ["client_id", "person_id", "-start_month"]
        indexes = [models.Index(fields=["start_month", "end_month"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_month__isnull=True) | Q(end_month__gte=models.F("start_month")),
                name="enrollment_months",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.city} {self.start_month:%Y-%m}起"


class Order(models.Model):
    """增减员单 (R-SI-2): the client asks us to add a person to, or remove them from, social
    insurance and the housing fund from a month on. Must be processed before the cut-off
    (the 5th of that month)."""

    class Kind(models.TextChoices):
        ADD = "add", "增员"
        REMOVE = "remove", "减员"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待办理"
        DONE = "done", "已办理"
        REJECTED = "rejected", "已退回"
        CANCELLED = "cancelled", "已撤销"

    class Channel(models.TextChoices):
        PORTAL = "portal", "客户门户"
        API = "api", "接口"
        EXCEL = "excel", "Excel 名单"
        STAFF = "staff", "客服代录"

    number = models.CharField("单号", max_length=20, unique=True)
    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.PROTECT, related_name="si_orders"
    )
    person = models.ForeignKey(
        "employees.InsuredPerson",
        verbose_name="人员",
        on_delete=models.PROTECT,
        related_name="si_orders",
    )
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    city = models.CharField("参保城市", max_length=20)
    month = models.DateField("生效月份")
    wage = models.DecimalField("申报工资", max_digits=12, decimal_places=2, null=True, blank=True)
    hf_wage = models.DecimalField(
        "公积金申报工资", max_digits=12, decimal_places=2, null=True, blank=True
    )
    si = models.BooleanField("参加社保", default=True)
    hf = models.BooleanField("缴存公积金", default=True)
    reason = models.CharField("减员原因", max_length=200, blank=True)
    channel = models.CharField("提交渠道", max_length=8, choices=Channel.choices)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
    )
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办理人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    handled_at = models.DateTimeField("办理时间", null=True, blank=True)
    handling_note = models.CharField("办理说明", max_length=300, blank=True)
    enrollment = models.ForeignKey(
        Enrollment,
        verbose_name="参保记录",
        on_delete=models.PROTECT,
        related_name="orders",
        null=True,
        blank=True,
    )

    SCOPE_CLIENT_FIELD = "client"
    SCOPE_PERSON_FIELD = "person"

    class Meta:
        verbose_name = verbose_name_plural = "增减员单"
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["status", "month"])]
        permissions = [("handle_order", "办理增减员")]

    def __str__(self) -> str:
        return self.number


class Contribution(models.Model):
    """One enrollment's contributions for one month, every item in one row (integer fen).

    Wide rather than one row per item: the month close writes a million of these, and the
    statement reads them per client. Written only by the month close (``COPY`` on PostgreSQL);
    a re-run for the same month replaces a client's rows, so there is never a duplicate.
    """

    period = models.DateField("所属期")
    # No foreign-key constraints or single-column indexes: a derived table written a million
    # rows at a time; the indexes below serve every read (client statement, person history).
    client = models.ForeignKey(
        "clients.Client",
        verbose_name="客户",
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    person = models.ForeignKey(
        "employees.InsuredPerson",
        verbose_name="人员",
        on_delete=models.DO_NOTHING,
        related_name="contributions",
        db_constraint=False,
        db_index=False,
    )
    enrollment = models.ForeignKey(
        Enrollment,
        verbose_name="参保记录",
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    city = models.CharField("参保城市", max_length=20)
    wage_fen = models.BigIntegerField("申报工资（分）")
    employer_fen = models.BigIntegerField("单位合计（分）")
    employee_fen = models.BigIntegerField("个人合计（分）")

    SCOPE_CLIENT_FIELD = "client"
    SCOPE_PERSON_FIELD = "person"

    class Meta:
        verbose_name = verbose_name_plural = "月度缴费明细"
        ordering = ["period", "client_id", "person_id"]
        constraints = [
            models.UniqueConstraint(fields=["period", "enrollment"], name="contribution_unique")
        ]
        indexes = [
            models.Index(fields=["client", "period"]),
            models.Index(fields=["person", "period"]),
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.person_id}"


# Per-item columns (base, employer, employee in fen; null when the item is not levied), added
# to Contribution in ITEMS order so the engine's wide frame maps one to one onto the table.
ITEM_COLUMNS: list[str] = []
for _item in ITEMS:
    for _suffix, _label in (("base", "基数"), ("er", "单位"), ("ee", "个人")):
        _name = f"{_item.value}_{_suffix}"
        ITEM_COLUMNS.append(_name)
        models.BigIntegerField(f"{_item.label}{_label}（分）", null=True).contribute_to_class(
            Contribution, _name
        )


class Incident(models.Model):
    """A social-insurance exception (异常事件, R-SI-6): a failed payment, a benefit-claim problem,
    a rejected declaration. Response within 1 hour, solution within 24 hours, an 《异常处理报告》
    for every one, and every one closed (100 % closure)."""

    class Kind(models.TextChoices):
        PAYMENT_FAILURE = "payment_failure", "缴费失败"
        BENEFIT_CLAIM = "benefit_claim", "待遇申领问题"
        DECLARATION = "declaration", "申报异常"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        OPEN = "open", "待响应"
        RESPONDED = "responded", "处理中"
        RESOLVED = "resolved", "已解决"
        CLOSED = "closed", "已关闭"

    number = models.CharField("编号", max_length=20, unique=True)
    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.PROTECT, related_name="si_incidents"
    )
    person = models.ForeignKey(
        "employees.InsuredPerson",
        verbose_name="涉及人员",
        on_delete=models.PROTECT,
        related_name="si_incidents",
        null=True,
        blank=True,
    )
    kind = models.CharField("异常类型", max_length=20, choices=Kind.choices)
    description = models.TextField("异常描述")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报告人", on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField("报告时间", auto_now_add=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    responded_at = models.DateTimeField("响应时间", null=True, blank=True)
    response_note = models.TextField("初步响应", blank=True)
    # 《异常处理报告》
    cause = models.TextField("原因分析", blank=True)
    handling = models.TextField("处理过程", blank=True)
    result = models.TextField("处理结果", blank=True)
    prevention = models.TextField("预防措施", blank=True)
    resolved_at = models.DateTimeField("解决时间", null=True, blank=True)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="关闭人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    SCOPE_CLIENT_FIELD = "client"
    SCOPE_PERSON_FIELD = "person"

    class Meta:
        verbose_name = verbose_name_plural = "社保异常事件"
        ordering = ["-reported_at", "-id"]
        permissions = [("handle_incident", "处理社保异常")]

    def __str__(self) -> str:
        return self.number


class Adjustment(models.Model):
    """补缴 or 退费 (R-SI-5): contributions for past months that were missed (a late add, a base
    corrected upwards) or paid without being owed (a late removal). Each month is computed with
    the policy in force in that month; the months and amounts are kept, and the total is billed
    on the statement of ``bill_month``."""

    class Kind(models.TextChoices):
        BACK_PAY = "back_pay", "补缴"
        REFUND = "refund", "退费"

    class Status(models.TextChoices):
        DRAFT = "draft", "待申报"
        DECLARED = "declared", "已申报"
        CANCELLED = "cancelled", "已撤销"

    number = models.CharField("编号", max_length=20, unique=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    client = models.ForeignKey(
        "clients.Client",
        verbose_name="客户",
        on_delete=models.PROTECT,
        related_name="si_adjustments",
    )
    person = models.ForeignKey(
        "employees.InsuredPerson",
        verbose_name="人员",
        on_delete=models.PROTECT,
        related_name="si_adjustments",
    )
    city = models.CharField("参保城市", max_length=20)
    first_month = models.DateField("起始月份")
    last_month = models.DateField("截止月份")
    wage = models.DecimalField("申报工资", max_digits=12, decimal_places=2)
    reason = models.CharField("原因", max_length=200)
    # [{"month": "2026-09", "employer_fen": …, "employee_fen": …, "items": {item: [base, er, ee]}}]
    months = models.JSONField("逐月明细", default=list)
    employer_fen = models.BigIntegerField("单位合计（分）", help_text="退费为负数")
    employee_fen = models.BigIntegerField("个人合计（分）", help_text="退费为负数")
    bill_month = models.DateField("计入费用明细表的所属期")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    SCOPE_CLIENT_FIELD = "client"
    SCOPE_PERSON_FIELD = "person"

    class Meta:
        verbose_name = verbose_name_plural = "补缴与退费"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client", "bill_month"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_month__gte=models.F("first_month")), name="adjustment_months"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"


def declaration_file_path(instance: Declaration, filename: str) -> str:
    import uuid

    extension = filename.rsplit(".", 1)[-1].lower()
    return f"private/declarations/{instance.client_id}/{uuid.uuid4().hex}.{extension}"


class DeclarationFormat(models.Model):
    """The column layout of a city's declaration file (申报模板). Bureaus change their templates,
    so the layout is data an administrator edits: ``columns`` is a list of
    ``{"header": "证件号码", "field": "id_number"}``; fields are those of ``DECLARATION_FIELDS``."""

    city = models.CharField("城市", max_length=20)
    kind = models.CharField(
        "类型", max_length=4, choices=[("si", "社会保险"), ("hf", "住房公积金")]
    )
    title = models.CharField("模板名称", max_length=100)
    columns = models.JSONField("列")
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "申报模板"
        constraints = [
            models.UniqueConstraint(fields=["city", "kind"], name="declaration_format_unique")
        ]

    def __str__(self) -> str:
        return f"{self.city} {self.title}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from hragency.insurance.declarations import DECLARATION_FIELDS

        known = "、".join(DECLARATION_FIELDS)
        if not isinstance(self.columns, list) or not self.columns:
            raise ValidationError(
                {"columns": '应为非空列表，如 [{"header": "姓名", "field": "name"}]'}
            )
        for index, column in enumerate(self.columns, start=1):
            if not isinstance(column, dict) or not str(column.get("header", "")).strip():
                raise ValidationError({"columns": f"第 {index} 列缺少 header"})
            field = column.get("field")
            if field not in DECLARATION_FIELDS:
                reason = f"第 {index} 列的 field「{field}」无效，可用：{known}"
                raise ValidationError({"columns": reason})


class Declaration(models.Model):
    """One month's declaration of one client in one city to the SI bureau or the HF centre
    (R-SI-4): generated, declared, then succeeded (with receipt and payment proof) or failed.
    The client sees the status and may download the proof."""

    class Kind(models.TextChoices):
        SI = "si", "社会保险"
        HF = "hf", "住房公积金"

    class Status(models.TextChoices):
        PREPARED = "prepared", "待申报"
        DECLARED = "declared", "已申报"
        SUCCEEDED = "succeeded", "申报成功"
        FAILED = "failed", "申报失败"

    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.PROTECT, related_name="declarations"
    )
    city = models.CharField("参保城市", max_length=20)
    month = models.DateField("所属期")
    kind = models.CharField("类型", max_length=4, choices=Kind.choices)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.PREPARED
    )
    headcount = models.PositiveIntegerField("人数", default=0)
    amount_fen = models.BigIntegerField("应缴金额（分）", default=0)
    prepared_at = models.DateTimeField("生成时间", auto_now_add=True)
    declared_at = models.DateTimeField("申报时间", null=True, blank=True)
    completed_at = models.DateTimeField("结果时间", null=True, blank=True)
    receipt_number = models.CharField("回执编号", max_length=60, blank=True)
    receipt_file = models.FileField(
        "申报回执", upload_to=declaration_file_path, blank=True, max_length=200
    )
    proof_file = models.FileField(
        "缴费凭证", upload_to=declaration_file_path, blank=True, max_length=200
    )
    failure_reason = models.CharField("失败原因", max_length=300, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = verbose_name_plural = "申报记录"
        ordering = ["-month", "client_id", "city", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "city", "month", "kind"], name="declaration_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.client_id} {self.city} {self.month:%Y-%m} {self.get_kind_display()}"
