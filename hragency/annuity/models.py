"""Enterprise annuity (企业年金, R-SI-10): a client's plan, its members, monthly contributions
and withdrawals. Amounts are integer fen; rates are fractions with four places (0.0800 = 8 %).
The arithmetic is ``hragency.domain.annuity``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hragency.domain.money import RoundingRule


class AnnuityPlan(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "实施中"
        CLOSED = "closed", "已终止"

    class BaseSource(models.TextChoices):
        SI_WAGE = "si_wage", "社保申报工资"
        DECLARED = "declared", "单独申报的年金基数"

    client = models.ForeignKey(
        "clients.Client",
        verbose_name="客户",
        on_delete=models.PROTECT,
        related_name="annuity_plans",
    )
    name = models.CharField("方案名称", max_length=100)
    employer_rate = models.DecimalField("单位缴费比例", max_digits=6, decimal_places=4)
    employee_rate = models.DecimalField("个人缴费比例", max_digits=6, decimal_places=4)
    base_source = models.CharField(
        "缴费基数来源", max_length=10, choices=BaseSource.choices, default=BaseSource.SI_WAGE
    )
    base_floor_fen = models.BigIntegerField("基数下限（分）", null=True, blank=True)
    base_ceiling_fen = models.BigIntegerField("基数上限（分）", null=True, blank=True)
    rounding = models.CharField(
        "舍入规则",
        max_length=10,
        choices=[(r.value, r.label) for r in RoundingRule],
        default=RoundingRule.FEN,
    )
    effective_from = models.DateField("生效月份", help_text="每月 1 日")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ACTIVE)
    trustee = models.CharField("受托人", max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = "企业年金方案"
        verbose_name_plural = "企业年金方案"
        ordering = ["client_id", "-effective_from", "pk"]
        permissions = [("manage_annuity", "办理企业年金")]

    def __str__(self) -> str:
        return self.name


class VestingRule(models.Model):
    """From ``years`` completed years of service, ``percent`` of the employer part is vested."""

    plan = models.ForeignKey(
        AnnuityPlan, verbose_name="方案", on_delete=models.CASCADE, related_name="vesting"
    )
    years = models.PositiveSmallIntegerField("工作年限（满）")
    percent = models.PositiveSmallIntegerField("归属比例（%）")

    SCOPE_CLIENT_FIELD = "plan__client"

    class Meta:
        verbose_name = verbose_name_plural = "归属规则"
        ordering = ["plan_id", "years"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "years"], name="annuity_vesting_unique"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="annuity_vesting_pct"),
        ]

    def __str__(self) -> str:
        return f"满 {self.years} 年归属 {self.percent}%"


class AnnuityDataCheck(models.Model):
    """One 数据核对 run: per person, what stands in the way of enrolment."""

    plan = models.ForeignKey(
        AnnuityPlan, verbose_name="方案", on_delete=models.CASCADE, related_name="checks"
    )
    month = models.CharField("核对月份", max_length=7)
    results = models.JSONField("核对结果", default=list)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="核对人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_at = models.DateTimeField("核对时间", auto_now_add=True)

    SCOPE_CLIENT_FIELD = "plan__client"

    class Meta:
        verbose_name = verbose_name_plural = "年金数据核对"
        ordering = ["-checked_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.plan.name} {self.month} 数据核对"

    @property
    def passed(self) -> int:
        return sum(1 for r in self.results if not r.get("problems"))


class AnnuityMember(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "缴费中"
        WITHDRAWN = "withdrawn", "已支取/转出"

    plan = models.ForeignKey(
        AnnuityPlan, verbose_name="方案", on_delete=models.PROTECT, related_name="members"
    )
    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "employees.InsuredPerson",
        verbose_name="参保人",
        on_delete=models.PROTECT,
        related_name="annuity_memberships",
    )
    joined = models.DateField("加入月份")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ACTIVE)
    declared_base_fen = models.BigIntegerField("申报年金基数（分）", null=True, blank=True)
    check_result = models.CharField("核对结果", max_length=300, blank=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    enrolled_at = models.DateTimeField("办理时间", auto_now_add=True)

    SCOPE_CLIENT_FIELD = "client"
    SCOPE_PERSON_FIELD = "person"

    class Meta:
        verbose_name = verbose_name_plural = "年金成员"
        ordering = ["plan_id", "person__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "person"], name="annuity_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.plan.name}）"


class AnnuityContribution(models.Model):
    """One member's month. Written only by ``services.compute_contributions``."""

    plan = models.ForeignKey(
        AnnuityPlan, verbose_name="方案", on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        AnnuityMember,
        verbose_name="成员",
        on_delete=models.PROTECT,
        related_name="contributions",
    )
    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "employees.InsuredPerson", verbose_name="参保人", on_delete=models.PROTECT, related_name="+"
    )
    month = models.CharField("缴费月份", max_length=7)  # "2026-11"
    base_fen = models.BigIntegerField("缴费基数（分）")
    employer_fen = models.BigIntegerField("单位缴费（分）")
    employee_fen = models.BigIntegerField("个人缴费（分）")
    computed_at = models.DateTimeField("计算时间", auto_now=True)

    SCOPE_CLIENT_FIELD = "client"
    SCOPE_PERSON_FIELD = "person"

    class Meta:
        verbose_name = verbose_name_plural = "年金缴费"
        ordering = ["plan_id", "month", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="annuity_contribution_unique")
        ]
        indexes = [models.Index(fields=["plan", "month"])]

    def __str__(self) -> str:
        return f"{self.person.name} {self.month}"

    @property
    def total_fen(self) -> int:
        return self.employer_fen + self.employee_fen


class AnnuityWithdrawal(models.Model):
    class Reason(models.TextChoices):
        RETIREMENT = "retirement", "退休"
        EMIGRATION = "emigration", "出国（境）定居"
        DEATH = "death", "身故"
        LEAVE = "leave", "离职转出"

    member = models.OneToOneField(
        AnnuityMember, verbose_name="成员", on_delete=models.PROTECT, related_name="withdrawal"
    )
    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "employees.InsuredPerson", verbose_name="参保人", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField("原因", max_length=12, choices=Reason.choices)
    date = models.DateField("支取日期")
    years_of_service = models.PositiveSmallIntegerField("工作年限（满）")
    vested_percent = models.PositiveSmallIntegerField("归属比例（%）")
    employer_balance_fen = models.BigIntegerField("单位缴费及收益（分）")
    employee_balance_fen = models.BigIntegerField("个人缴费及收益（分）")
    returns_fen = models.BigIntegerField("记账收益（分）", default=0)
    vested_fen = models.BigIntegerField("归属个人的单位部分（分）")
    forfeited_fen = models.BigIntegerField("未归属回流（分）")
    payable_fen = models.BigIntegerField("应付金额（分）")
    paid_at = models.DateTimeField("支付时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("办理时间", auto_now_add=True)

    SCOPE_CLIENT_FIELD = "client"
    SCOPE_PERSON_FIELD = "person"

    class Meta:
        verbose_name = verbose_name_plural = "年金支取"
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.person.name} {self.get_reason_display()}"
