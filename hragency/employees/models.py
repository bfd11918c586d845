"""The insured-person archive (参保人员档案, R-EMP-1). Documents, onboarding/offboarding steps
and field history hang off the person."""

from __future__ import annotations

import uuid

from django.conf import settings
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


def _document_path(instance: PersonDocument, filename: str) -> str:
    # A random name under a private prefix: the stored name never carries the uploader's file
    # name (personal data, path tricks), and MEDIA_ROOT is never served by URL.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    folder = f"private/people/{instance.person.client_id}/{instance.person_id}"
    return f"{folder}/{uuid.uuid4().hex}.{extension}"


class PersonDocument(models.Model):
    """A scanned or photographed document of the person's archive (R-EMP-4, 003 §4.4)."""

    class Kind(models.TextChoices):
        PHOTO = "photo", "照片"
        ID_COPY = "id_copy", "身份证复印件"
        HUKOU = "hukou", "户口本"
        DIPLOMA = "diploma", "学历证书"
        CONTRACT = "contract", "劳动合同"
        OUTSOURCING_LETTER = "outsourcing_letter", "外包告知函《关于公司实施人力资源外包事宜的函》"
        OTHER = "other", "其他"

    person = models.ForeignKey(
        InsuredPerson, verbose_name="参保人", on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField("材料类型", max_length=20, choices=Kind.choices)
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

    SCOPE_CLIENT_FIELD = "person__client"
    SCOPE_PERSON_FIELD = "person"
    # Short names for "缺：劳动合同、外包告知函".
    SHORT_LABELS = {Kind.OUTSOURCING_LETTER: "外包告知函"}
    # Kinds an archive is expected to hold (003 §4.4); "其他" is never missing.
    REQUIRED_KINDS = (
        Kind.PHOTO,
        Kind.ID_COPY,
        Kind.HUKOU,
        Kind.DIPLOMA,
        Kind.CONTRACT,
        Kind.OUTSOURCING_LETTER,
    )

    class Meta:
        verbose_name = "档案材料"
        verbose_name_plural = "档案材料"
        ordering = ["person_id", "kind", "-uploaded_at", "-id"]
        indexes = [models.Index(fields=["person", "kind"])]

    def __str__(self) -> str:
        return f"{self.short_kind}：{self.original_name}"

    @property
    def short_kind(self) -> str:
        return str(self.SHORT_LABELS.get(self.kind, self.get_kind_display()))  # type: ignore[call-overload]

    @property
    def is_image(self) -> bool:
        return self.content_type in ("image/jpeg", "image/png")


class EmploymentProcess(models.Model):
    """One onboarding (用工) or offboarding (退工) of a person, with its checklist of steps.
    A re-hired person gets a new onboarding; earlier runs stay as history."""

    class Kind(models.TextChoices):
        ONBOARDING = "onboarding", "入职办理（用工）"
        OFFBOARDING = "offboarding", "离职办理（退工）"

    person = models.ForeignKey(
        InsuredPerson, verbose_name="参保人", on_delete=models.CASCADE, related_name="processes"
    )
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    started_at = models.DateTimeField("开始时间", auto_now_add=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="完成人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    SCOPE_CLIENT_FIELD = "person__client"
    SCOPE_PERSON_FIELD = "person"

    class Meta:
        verbose_name = "用退工办理"
        verbose_name_plural = "用退工办理"
        ordering = ["person_id", "-started_at", "-id"]
        constraints = [
            # At most one open process per person: onboarding and offboarding never overlap.
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(finished_at__isnull=True),
                name="employees_one_open_process_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.finished_at is None


class ProcessStep(models.Model):
    process = models.ForeignKey(
        EmploymentProcess, verbose_name="办理", on_delete=models.CASCADE, related_name="steps"
    )
    code = models.CharField("步骤代码", max_length=30)
    title = models.CharField("步骤", max_length=60)
    position = models.PositiveSmallIntegerField("顺序")
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="完成人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField("备注", max_length=200, blank=True)

    SCOPE_CLIENT_FIELD = "process__person__client"
    SCOPE_PERSON_FIELD = "process__person"

    class Meta:
        verbose_name = "办理步骤"
        verbose_name_plural = "办理步骤"
        ordering = ["process_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["process", "code"], name="employees_step_unique_code")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None
