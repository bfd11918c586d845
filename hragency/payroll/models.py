"""Payroll and individual income tax (R-PAY). Amounts are integer fen; months are the first day.

What a client pays its people is set up as **salary items** (工资项目) per client. A person's
standing amounts (base salary, allowances, performance base) are effective-dated
``PersonSalary`` rows; what changes every month comes from ``MonthlyAmount`` (bonus, one-off
deductions) and ``Attendance`` (leave, absence, overtime hours, performance coefficient). A
``PayrollRun`` computes one client's month into ``PayrollLine`` rows: gross pay, the employee's
social-insurance and housing-fund parts (from the month close), income tax by the cumulative
withholding method (R-PAY-2) and net pay. Each line carries the year-to-date figures the next
month's tax starts from.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hragency.domain.tax import DeductionCategory


class SalaryItem(models.Model):
    """One line of a client's payslip (工资项目)."""

    class Kind(models.TextChoices):
        EARNING = "earning", "应发项"
        DEDUCTION = "deduction", "税前扣款"
        OTHER_DEDUCTIBLE = "other_deductible", "税前扣除（依法扣除）"
        POST_TAX = "post_tax", "税后扣款"
        ANNUAL_BONUS = "annual_bonus", "全年一次性奖金"

    class Source(models.TextChoices):
        FIXED = "fixed", "固定（按人员定薪）"
        MONTHLY = "monthly", "每月录入/导入"
        PERFORMANCE = "performance", "绩效（定额×绩效系数）"
        OVERTIME = "overtime", "加班（按考勤计算）"
        ABSENCE = "absence", "缺勤（按考勤计算）"

    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.PROTECT, related_name="salary_items"
    )
    code = models.SlugField("代码", max_length=30)
    name = models.CharField("名称", max_length=30)
    kind = models.CharField("类别", max_length=16, choices=Kind.choices)
    source = models.CharField("取数方式", max_length=12, choices=Source.choices)
    taxable = models.BooleanField(
        "计税", default=True, help_text="不计税的应发项作为免税收入申报（如符合规定的补贴）"
    )
    in_daily_basis = models.BooleanField(
        "计入日薪基数", default=False, help_text="加班费和缺勤扣款按（基数÷21.75）计算"
    )
    in_si_base = models.BooleanField(
        "计入社保基数", default=True, help_text="年度调基时用于计算上年度月平均工资"
    )
    order = models.PositiveSmallIntegerField("顺序", default=0)
    active = models.BooleanField("启用", default=True)

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = verbose_name_plural = "工资项目"
        ordering = ["client_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["client", "code"], name="salary_item_code"),
            models.UniqueConstraint(fields=["client", "name"], name="salary_item_name"),
        ]

    def __str__(self) -> str:
        return self.name


class PayrollSettings(models.Model):
    """A client's payroll terms (发薪设置)."""

    client = models.OneToOneField(
        "clients.Client",
        verbose_name="客户",
        on_delete=models.PROTECT,
        related_name="payroll_settings",
    )
    pay_day = models.PositiveSmallIntegerField("发薪日", default=15)
    sick_leave_paid_ppm = models.PositiveIntegerField(
        "病假工资比例（百万分之）", default=600_000, help_text="病假按日薪的此比例发放"
    )
    bank_format = models.ForeignKey(
        "payroll.BankFormat",
        verbose_name="代发银行格式",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    email_payslips = models.BooleanField("发放后邮件发送工资条", default=True)

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = verbose_name_plural = "发薪设置"

    def __str__(self) -> str:
        return f"{self.client} 发薪设置"


class PersonSalary(models.Model):
    """A person's standing amount of one fixed or performance item from a month on (定薪)."""

    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "employees.InsuredPerson",
        verbose_name="人员",
        on_delete=models.PROTECT,
        related_name="salaries",
    )
    item = models.ForeignKey(
        SalaryItem, verbose_name="工资项目", on_delete=models.PROTECT, related_name="+"
    )
    amount_fen = models.BigIntegerField("金额（分）")
    effective_from = models.DateField("生效月份")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    SCOPE_CLIENT_FIELD = "client"
    SCOPE_PERSON_FIELD = "person"

    class Meta:
        verbose_name = verbose_name_plural = "人员定薪"
        ordering = ["person_id", "item_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "item", "effective_from"], name="person_salary_month"
            ),
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="person_salary_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.item_id} {self.effective_from:%Y-%m}"


class MonthlyAmount(models.Model):
    """One month's amount of a monthly item for a person (奖金、补发、扣款…), imported/entered."""

    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "employees.InsuredPerson", verbose_name="人员", on_delete=models.PROTECT, related_name="+"
    )
    period = models.DateField("所属月份")
    item = models.ForeignKey(
        SalaryItem, verbose_name="工资项目", on_delete=models.PROTECT, related_name="+"
    )
    amount_fen = models.BigIntegerField("金额（分）")

    SCOPE_CLIENT_FIELD = "client"
    SCOPE_PERSON_FIELD = "person"

    class Meta:
        verbose_name = verbose_name_plural = "月度变动项"
        ordering = ["period", "person_id", "item_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "period", "item"], name="monthly_amount_unique"
            ),
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="monthly_amount_sign"),
        ]
        indexes = [models.Index(fields=["client", "period"])]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.person_id} {self.item_id}"


class Attendance(models.Model):
    """A person's attendance and performance for a month (考勤与绩效), imported from the client."""

    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "employees.InsuredPerson", verbose_name="人员", on_delete=models.PROTECT, related_name="+"
    )
    period = models.DateField("所属月份")
    personal_leave_days = models.DecimalField("事假天数", max_digits=5, decimal_places=2, default=0)
    sick_leave_days = models.DecimalField("病假天数", max_digits=5, decimal_places=2, default=0)
    absent_days = models.DecimalField("旷工天数", max_digits=5, decimal_places=2, default=0)
    overtime_workday_hours = models.DecimalField(
        "工作日加班小时", max_digits=6, decimal_places=2, default=0
    )
    overtime_restday_hours = models.DecimalField(
        "休息日加班小时", max_digits=6, decimal_places=2, default=0
    )
    overtime_holiday_hours = models.DecimalField(
        "法定节假日加班小时", max_digits=6, decimal_places=2, default=0
    )
    performance_coefficient = models.DecimalField(
        "绩效系数", max_digits=6, decimal_places=4, default=1
    )
    note = models.CharField("备注", max_length=200, blank=True)

    SCOPE_CLIENT_FIELD = "client"
    SCOPE_PERSON_FIELD = "person"

    class Meta:
        verbose_name = verbose_name_plural = "考勤与绩效"
        ordering = ["period", "person_id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "period"], name="attendance_unique"),
        ]
        indexes = [models.Index(fields=["client", "period"])]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.person_id}"


class SpecialDeduction(models.Model):
    """A special additional deduction the employee declared (专项附加扣除), monthly amount over a
    span of months. 继续教育 (职业资格) is one month with the 3,600 lump sum."""

    class Source(models.TextChoices):
        EMPLOYEE = "employee", "员工申报"
        STAFF = "staff", "代为录入"
        IMPORT = "import", "导入"

    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "employees.InsuredPerson",
        verbose_name="人员",
        on_delete=models.PROTECT,
        related_name="special_deductions",
    )
    category = models.CharField(
        "扣除项目",
        max_length=24,
        choices=[(c.value, c.label) for c in DeductionCategory],
    )
    amount_fen = models.BigIntegerField("每月扣除额（分）")
    start_month = models.DateField("起始月份")
    end_month = models.DateField("截止月份", null=True, blank=True)
    note = models.CharField("说明", max_length=100, blank=True, help_text="如子女姓名、房屋坐落")
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    created_at = models.DateTimeField("申报时间", auto_now_add=True)

    SCOPE_CLIENT_FIELD = "client"
    SCOPE_PERSON_FIELD = "person"

    class Meta:
        verbose_name = verbose_name_plural = "专项附加扣除"
        ordering = ["person_id", "category", "start_month"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="deduction_amount"),
            models.CheckConstraint(
                condition=Q(end_month__isnull=True) | Q(end_month__gte=models.F("start_month")),
                name="deduction_months",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_category_display()}"


class TaxYearOption(models.Model):
    """Per person and tax year: the 60,000 rule and the annual bonus method (R-PAY-2)."""

    class LowIncome(models.TextChoices):
        AUTO = "auto", "自动判断（上年度在本单位全年任职且收入不超过6万元）"
        YES = "yes", "适用"
        NO = "no", "不适用"

    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "employees.InsuredPerson", verbose_name="人员", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("纳税年度")
    low_income_rule = models.CharField(
        "6万元减除规则", max_length=4, choices=LowIncome.choices, default=LowIncome.AUTO
    )
    first_job_in_year = models.BooleanField(
        "年度首次取得工资薪金", default=False, help_text="减除费用从1月起累计（2020年第13号公告）"
    )
    bonus_separate = models.BooleanField("全年一次性奖金单独计税", default=True)

    SCOPE_CLIENT_FIELD = "client"
    SCOPE_PERSON_FIELD = "person"

    class Meta:
        verbose_name = verbose_name_plural = "个税年度选项"
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="tax_year_option_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}"


class OpeningBalance(models.Model):
    """期初累计: a person's year-to-date figures from before this system ran the client's payroll
    (the client, the withholding agent, paid and withheld itself until ``through_month``). The
    first month calculated here continues from them as if they were the previous line; once a
    line exists, lines win. Standard and special additional deductions are not carried: they are
    recomputed from the hire month and the declarations on file (``payroll.calculate``)."""

    class Source(models.TextChoices):
        IMPORT = "import", "导入"
        MANUAL = "manual", "手工"

    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "employees.InsuredPerson", verbose_name="人员", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("纳税年度")
    through_month = models.DateField("截至月份", help_text="该月及以前由原方式发放和预扣")
    cum_income_fen = models.BigIntegerField("累计收入（分）", default=0)
    cum_tax_free_fen = models.BigIntegerField("累计免税收入（分）", default=0)
    cum_special_fen = models.BigIntegerField("累计专项扣除（分）", default=0)
    cum_other_fen = models.BigIntegerField("累计依法确定的其他扣除（分）", default=0)
    cum_withheld_fen = models.BigIntegerField("累计已预缴税额（分）", default=0)
    bonus_used = models.BooleanField("本年已单独计税年终奖", default=False)
    source = models.CharField("来源", max_length=8, choices=Source.choices, default=Source.IMPORT)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    SCOPE_CLIENT_FIELD = "client"
    SCOPE_PERSON_FIELD = "person"

    class Meta:
        verbose_name = verbose_name_plural = "期初累计"
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="payroll_opening_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year} 期初累计"


class PayrollRun(models.Model):
    """One client's payroll for one month (工资表, ``GZ…``): 草稿 → 待审核 → 已审核 → 已发放."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        REVIEW = "review", "待审核"
        APPROVED = "approved", "已审核"
        PAID = "paid", "已发放"

    number = models.CharField("编号", max_length=20, unique=True)
    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.PROTECT, related_name="payroll_runs"
    )
    period = models.DateField("所属月份")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    headcount = models.PositiveIntegerField("人数", default=0)
    gross_fen = models.BigIntegerField("应发合计（分）", default=0)
    si_employee_fen = models.BigIntegerField("个人社保（分）", default=0)
    hf_employee_fen = models.BigIntegerField("个人公积金（分）", default=0)
    iit_fen = models.BigIntegerField("个税（分）", default=0)
    net_fen = models.BigIntegerField("实发合计（分）", default=0)
    si_employer_fen = models.BigIntegerField("单位社保（分）", default=0)
    hf_employer_fen = models.BigIntegerField("单位公积金（分）", default=0)
    problems = models.JSONField("问题", default=list, blank=True)
    warnings = models.JSONField("提示", default=list, blank=True)
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField("提交审核时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField("审核时间", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    paid_at = models.DateTimeField("发放时间", null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发放人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    returned_reason = models.TextField("退回原因", blank=True)

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = verbose_name_plural = "工资表"
        ordering = ["-period", "client_id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "period"], name="payroll_run_month")
        ]
        permissions = [
            ("prepare_payroll", "计算和提交工资表"),
            ("approve_payroll", "审核工资表"),
            ("pay_payroll", "发放工资"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.period:%Y-%m}"


class PayrollLine(models.Model):
    """One person's pay for one run (工资条). Written by the calculation only, many at a time.

    ``items`` maps salary-item code → fen for this month. ``cum_*`` are the year-to-date
    figures at this withholding agent after this month (累计预扣法), the next month's start.
    """

    # No database-level foreign keys on this derived table (written a million rows at a time,
    # like insurance.Contribution); the (run, person) unique index serves every read by run.
    run = models.ForeignKey(
        PayrollRun,
        verbose_name="工资表",
        on_delete=models.CASCADE,
        related_name="lines",
        db_index=False,
        db_constraint=False,
    )
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
        related_name="payroll_lines",
        db_constraint=False,
        db_index=False,
    )
    period = models.DateField("所属月份")
    items = models.JSONField("工资项目", default=dict)
    earnings_fen = models.BigIntegerField("应发项合计（分）")
    deductions_fen = models.BigIntegerField("税前扣款（分）")
    bonus_fen = models.BigIntegerField("全年一次性奖金（分）", default=0)
    bonus_separate = models.BooleanField("奖金单独计税", default=True)
    bonus_used = models.BooleanField(
        "本年已单独计税", default=False, help_text="本年度已有一次全年一次性奖金单独计税"
    )
    gross_fen = models.BigIntegerField("应发合计（分）")
    income_fen = models.BigIntegerField("本期收入（分）")
    tax_free_fen = models.BigIntegerField("本期免税收入（分）")
    si_employee_fen = models.BigIntegerField("个人社保（分）")
    hf_employee_fen = models.BigIntegerField("个人公积金（分）")
    additional_fen = models.BigIntegerField("本期专项附加扣除（分）")
    other_fen = models.BigIntegerField("本期其他扣除（分）")
    standard = models.BooleanField("本月减除费用")
    low_income = models.BooleanField("适用6万元规则")
    cum_income_fen = models.BigIntegerField("累计收入（分）")
    cum_tax_free_fen = models.BigIntegerField("累计免税收入（分）")
    cum_standard_fen = models.BigIntegerField("累计减除费用（分）")
    cum_special_fen = models.BigIntegerField("累计专项扣除（分）")
    cum_additional_fen = models.BigIntegerField("累计专项附加扣除（分）")
    cum_other_fen = models.BigIntegerField("累计其他扣除（分）")
    cum_taxable_fen = models.BigIntegerField("累计应纳税所得额（分）")
    cum_tax_fen = models.BigIntegerField("累计应纳税额（分）")
    cum_withheld_fen = models.BigIntegerField("累计已预扣税额（分）")
    rate_pct = models.PositiveSmallIntegerField("预扣率（%）")
    quick_fen = models.BigIntegerField("速算扣除数（分）")
    iit_fen = models.BigIntegerField("本月预扣个税（分）")
    bonus_tax_fen = models.BigIntegerField("奖金个税（分）", default=0)
    post_tax_fen = models.BigIntegerField("税后扣款（分）")
    net_fen = models.BigIntegerField("实发工资（分）")
    si_employer_fen = models.BigIntegerField("单位社保（分）")
    hf_employer_fen = models.BigIntegerField("单位公积金（分）")
    emailed_at = models.DateTimeField("工资条邮件发送时间", null=True, blank=True)

    SCOPE_CLIENT_FIELD = "client"
    SCOPE_PERSON_FIELD = "person"

    class Meta:
        verbose_name = verbose_name_plural = "工资条"
        ordering = ["run_id", "person_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "person"], name="payroll_line_unique")
        ]
        indexes = [models.Index(fields=["person", "period"])]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.person_id}"

    @property
    def iit_total_fen(self) -> int:
        return self.iit_fen + self.bonus_tax_fen


class BankFormat(models.Model):
    """One bank's batch-payment (代发) file layout, edited by administrators.

    ``columns`` is a list of ``{"header": "收款人账号", "field": "account"}``; the fields a
    column may take are ``payroll.bank.FIELDS``.
    """

    class FileType(models.TextChoices):
        XLSX = "xlsx", "Excel (.xlsx)"
        CSV = "csv", "CSV"
        TXT = "txt", "文本（分隔符）"

    class Encoding(models.TextChoices):
        UTF8 = "utf-8", "UTF-8"
        GB18030 = "gb18030", "GB18030（GBK）"

    code = models.SlugField("代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=60, unique=True)
    bank = models.CharField("银行", max_length=60)
    file_type = models.CharField("文件类型", max_length=4, choices=FileType.choices)
    encoding = models.CharField(
        "编码", max_length=8, choices=Encoding.choices, default=Encoding.GB18030
    )
    delimiter = models.CharField("分隔符", max_length=4, default=",", blank=True)
    header_row = models.BooleanField("包含表头", default=True)
    columns = models.JSONField("列定义", default=list)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "代发银行格式"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
