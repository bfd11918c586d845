"""The insured-person archive (参保人员档案, R-EMP-1). Documents, onboarding/offboarding steps
and field history hang off the person."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from hragency.core.crypto import BlindIndexField, EncryptedTextField
from hragency.domain.masking import mask_bank_account, mask_id_number, mask_phone


class InsuredPerson(models.Model):
    class Gender(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    class Status(models.TextChoices):
        ONBOARDING = "onboarding", "入职办理中"
        ACTIVE = "active", "在职在保"
        OFFBOARDING = "offboarding", "离职办理中"
        LEFT = "left", "已离职"

    class HukouType(models.TextChoices):
        URBAN = "urban", "城镇"
        RURAL = "rural", "农村"

    class Education(models.TextChoices):
        DOCTORATE = "doctorate", "博士研究生"
        MASTER = "master", "硕士研究生"
        BACHELOR = "bachelor", "大学本科"
        COLLEGE = "college", "大学专科"
        SECONDARY = "secondary", "中专/技校"
        HIGH_SCHOOL = "high_school", "高中"
        JUNIOR = "junior", "初中及以下"

    class ContractType(models.TextChoices):
        FIXED = "fixed", "固定期限"
        OPEN_ENDED = "open_ended", "无固定期限"
        TASK = "task", "以完成一定工作任务为期限"
        PART_TIME = "part_time", "非全日制"
        LABOUR_SERVICE = "service", "劳务协议"

    class RetirementCategory(models.TextChoices):
        # The pre-reform pensionable age the 2025 decision raises gradually.
        MALE = "male_60", "男职工（原60岁）"
        FEMALE_CADRE = "female_55", "女干部/管理技术岗（原55岁）"
        FEMALE_WORKER = "female_50", "女职工（原50岁）"

    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.PROTECT, related_name="people"
    )
    name = models.CharField("姓名", max_length=60)
    id_number = EncryptedTextField("身份证号")
    id_number_index = BlindIndexField(source="id_number")
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("出生日期")
    retirement_category = models.CharField(
        "退休类别", max_length=10, choices=RetirementCategory.choices
    )
    phone = EncryptedTextField("手机号", blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    hukou_type = models.CharField("户籍性质", max_length=10, choices=HukouType.choices, blank=True)
    hukou_place = models.CharField("户籍所在地", max_length=120, blank=True)
    education = models.CharField("学历", max_length=12, choices=Education.choices, blank=True)
    bank_name = models.CharField("开户银行", max_length=60, blank=True)
    bank_account = EncryptedTextField("银行账号", blank=True)
    employee_number = models.CharField("工号", max_length=30, blank=True)
    position = models.CharField("岗位", max_length=60, blank=True)
    salary = models.DecimalField("月工资", max_digits=12, decimal_places=2, null=True, blank=True)
    contract_type = models.CharField(
        "合同类型", max_length=12, choices=ContractType.choices, blank=True
    )
    contract_start = models.DateField("合同开始日期", null=True, blank=True)
    contract_end = models.DateField("合同结束日期", null=True, blank=True)
    probation_end = models.DateField("试用期截止日期", null=True, blank=True)
    hire_date = models.DateField("入职日期", null=True, blank=True)
    leave_date = models.DateField("离职日期", null=True, blank=True)
    leave_reason = models.CharField("离职原因", max_length=200, blank=True)
    insured_city = models.CharField("参保城市", max_length=40, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    SCOPE_CLIENT_FIELD = "client"
    SCOPE_PERSON_FIELD = "pk"
    # Fields whose full value is shown only through a logged reveal (R-SEC-2).
    REVEALABLE_FIELDS = {"id_number": "身份证号", "phone": "手机号", "bank_account": "银行账号"}

    class Meta:
        verbose_name = "参保人"
        verbose_name_plural = "参保人"
        ordering = ["client_id", "name", "id"]
        constraints = [
            # One archive record per person per client; re-hiring reuses it.
            models.UniqueConstraint(
                fields=["client", "id_number_index"], name="employees_person_unique_per_client"
            ),
            models.CheckConstraint(
                condition=Q(contract_end__isnull=True)
                | Q(contract_start__isnull=True)
                | Q(contract_end__gte=models.F("contract_start")),
                name="employees_person_contract_dates",
            ),
        ]
        indexes = [models.Index(fields=["client", "status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def bank_account_masked(self) -> str:
        return mask_bank_account(self.bank_account)
