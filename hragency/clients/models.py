"""Client companies (R-CRM-1, R-CRM-2, R-CRM-5). Agreements, intake, review and hand-over live
beside the client in this app."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hragency.core.crypto import BlindIndexField, EncryptedTextField
from hragency.domain.masking import mask_phone


class Module(models.TextChoices):
    """Service modules a client can buy (000: 服务模块), shared by intake and agreements."""

    SI_HF = "si_hf", "社保公积金代理"
    PAYROLL = "payroll", "薪酬代发"
    RECRUITMENT = "recruitment", "招聘"
    TRAINING = "training", "培训"
    DISPATCH = "dispatch", "劳务派遣"
    LABOUR_RELATIONS = "labour_relations", "劳动关系管理"


def module_labels(codes: list[str] | None) -> str:
    labels = dict(Module.choices)
    return "、".join(labels.get(c, c) for c in codes or [])


class Client(models.Model):
    class Grade(models.TextChoices):
        NORMAL = "normal", "普通"
        VIP = "vip", "VIP"

    class Status(models.TextChoices):
        PROSPECT = "prospect", "意向客户"
        ACTIVE = "active", "服务中"
        TERMINATED = "terminated", "已终止"
        BLACKLISTED = "blacklisted", "失信客户"

    class Nature(models.TextChoices):
        STATE_OWNED = "state", "国有企业"
        PRIVATE = "private", "民营企业"
        FOREIGN = "foreign", "外资企业"
        JOINT = "joint", "合资企业"
        PUBLIC_INSTITUTION = "institution", "事业单位"
        SOCIAL_ORGANISATION = "social", "社会组织"
        INDIVIDUAL = "individual", "个体工商户"
        OTHER = "other", "其他"

    number = models.CharField("客户编号", max_length=20, unique=True)
    name = models.CharField("客户名称", max_length=120)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    nature = models.CharField("企业属性", max_length=12, choices=Nature.choices, blank=True)
    industry = models.CharField("所属行业", max_length=60, blank=True)
    address = models.CharField("办公地址", max_length=200, blank=True)
    grade = models.CharField("客户等级", max_length=10, choices=Grade.choices, default=Grade.NORMAL)
    status = models.CharField(
        "客户状态", max_length=12, choices=Status.choices, default=Status.PROSPECT
    )
    service_cities = models.CharField("服务城市", max_length=200, blank=True)
    # Age limits the client sets for its insured persons (R-EMP-3); empty means no limit.
    min_age = models.PositiveSmallIntegerField("最低年龄", null=True, blank=True)
    max_age = models.PositiveSmallIntegerField("最高年龄", null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="客户经理",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_clients",
    )
    # The business licence copy (R-CRM-1): a private file, read only through the scoped view.
    licence_file = models.FileField("营业执照复印件", upload_to="private/clients/", blank=True)
    licence_name = models.CharField("营业执照文件名", max_length=200, blank=True)
    licence_uploaded_at = models.DateTimeField("营业执照上传时间", null=True, blank=True)
    blacklisted_at = models.DateTimeField("列入失信名单时间", null=True, blank=True)
    blacklist_reason = models.TextField("失信原因", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    SCOPE_CLIENT_FIELD = "pk"

    class Meta:
        verbose_name = "客户"
        verbose_name_plural = "客户"
        ordering = ["number"]
        permissions = [
            ("review_client_info", "信息初审（登记、核查）"),
            ("approve_client_info", "信息复审（总经理签字）"),
            ("blacklist_client", "列入失信客户名单"),
            ("manage_agreement", "签订、续签、终止服务协议"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="clients_client_credit_code_unique",
            ),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(min_age__lte=models.F("max_age")),
                name="clients_client_age_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_blacklisted(self) -> bool:
        return self.status == self.Status.BLACKLISTED


_USER = settings.AUTH_USER_MODEL


def _user_fk(label: str) -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        _USER,
        verbose_name=label,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


class Contact(models.Model):
    """A person at the client we talk to. The phone is encrypted at rest like every phone
    number (DESIGN: personal data); it is a work number staff must call, so it is shown."""

    client = models.ForeignKey(
        Client, verbose_name="客户", on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField("姓名", max_length=60)
    title = models.CharField("职务", max_length=60, blank=True)
    phone = EncryptedTextField("电话", blank=True)
    # Lets a gateway message be matched to its client by the sender's phone.
    phone_index = BlindIndexField(source="phone", normalizer="phone")
    email = models.EmailField("电子邮箱", blank=True)
    is_primary = models.BooleanField("主要联系人", default=False)
    note = models.CharField("备注", max_length=200, blank=True)

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = "联系人"
        verbose_name_plural = "联系人"
        ordering = ["-is_primary", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(is_primary=True),
                name="clients_contact_one_primary",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class Intake(models.Model):
    """《服务需求表》 (R-CRM-3): filled by sales within 24 h of the first contact."""

    class Status(models.TextChoices):
        DRAFT = "draft", "填写中"
        COMPLETED = "completed", "已完成"

    client = models.ForeignKey(
        Client, verbose_name="客户", on_delete=models.CASCADE, related_name="intakes"
    )
    first_contact_at = models.DateTimeField("首次接触时间")
    channel = models.CharField("接触方式", max_length=30, blank=True)
    company_size = models.PositiveIntegerField("企业规模（员工总数）", null=True, blank=True)
    headcount = models.PositiveIntegerField("委托服务人数", null=True, blank=True)
    insured_cities = models.CharField("参保城市", max_length=200, blank=True)
    modules = models.JSONField("服务模块", default=list, blank=True)
    special_needs = models.TextField("特殊需求", blank=True)
    sales = models.ForeignKey(
        _USER, verbose_name="销售顾问", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    deadline = models.ForeignKey(
        "core.Deadline", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = "服务需求表"
        verbose_name_plural = "服务需求表"
        ordering = ["-first_contact_at", "-id"]

    def __str__(self) -> str:
        return f"服务需求表 #{self.pk}"

    @property
    def module_labels(self) -> str:
        return module_labels(self.modules)


class InfoReview(models.Model):
    """Two-level information review (R-CRM-4, 002 §6): the info officer's first review, then
    the general manager's decision. Only an approved latest review lets an agreement be signed."""

    class Outcome(models.TextChoices):
        PASS = "pass", "初审通过"
        REJECT = "reject", "初审不通过"
        SUSPECTED_FORGERY = "suspected_forgery", "涉嫌伪造、假冒"

    class Status(models.TextChoices):
        AWAITING_APPROVAL = "awaiting", "待总经理复审"
        APPROVED = "approved", "复审通过"
        REJECTED = "rejected", "审核未通过"
        FORGERY = "forgery", "确认伪造（已列入失信名单）"

    class Decision(models.TextChoices):
        APPROVE = "approve", "同意"
        REJECT = "reject", "不同意"
        CONFIRM_FORGERY = "confirm_forgery", "确认伪造，列入失信客户名单"

    client = models.ForeignKey(
        Client, verbose_name="客户", on_delete=models.CASCADE, related_name="reviews"
    )
    originals_seen = models.BooleanField("已查看原件", default=False)
    outcome = models.CharField("初审结论", max_length=20, choices=Outcome.choices)
    note = models.TextField("初审意见", blank=True)
    reviewer = _user_fk("初审人")
    reviewed_at = models.DateTimeField("初审时间")
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.AWAITING_APPROVAL
    )
    decision = models.CharField("复审意见", max_length=20, choices=Decision.choices, blank=True)
    decision_note = models.TextField("复审说明", blank=True)
    approver = _user_fk("复审人")
    decided_at = models.DateTimeField("复审时间", null=True, blank=True)

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = "信息审核"
        verbose_name_plural = "信息审核"
        ordering = ["-reviewed_at", "-id"]

    def __str__(self) -> str:
        return f"信息审核 #{self.pk}（{self.get_status_display()}）"


class RegistryCheck(models.Model):
    """One check of the client's information against a public source (002 §6.3)."""

    class Source(models.TextChoices):
        GSXT = "gsxt", "国家企业信用信息公示系统"
        CREDIT_CHINA = "creditchina", "信用中国"
        ASSOCIATION = "association", "行业协会网站"
        WEBSITE = "website", "企业官网"
        OTHER = "other", "其他第三方合法网站"

    class Result(models.TextChoices):
        CONSISTENT = "consistent", "信息一致"
        INCONSISTENT = "inconsistent", "信息不一致"
        NOT_FOUND = "not_found", "未查到"

    review = models.ForeignKey(
        InfoReview, verbose_name="信息审核", on_delete=models.CASCADE, related_name="checks"
    )
    source = models.CharField("核查渠道", max_length=20, choices=Source.choices)
    result = models.CharField("核查结果", max_length=20, choices=Result.choices)
    note = models.CharField("核查记录", max_length=300, blank=True)

    SCOPE_CLIENT_FIELD = "review__client"

    class Meta:
        verbose_name = "核查记录"
        verbose_name_plural = "核查记录"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_source_display()}：{self.get_result_display()}"


class Agreement(models.Model):
    """服务协议 (R-CRM-6, 003 §4.2): rights and obligations, modules, term, fees and payment,
    liability for breach. Fees are exact Decimals; never float."""

    class Kind(models.TextChoices):
        SI_AGENCY = "si_agency", "社保代理协议"
        HR_AGENCY = "hr_agency", "人事代理协议"
        PAYROLL = "payroll", "薪酬外包协议"
        DISPATCH = "dispatch", "劳务派遣协议"
        RECRUITMENT = "recruitment", "招聘服务协议"
        TRAINING = "training", "培训服务协议"
        COMPREHENSIVE = "comprehensive", "综合服务协议"

    class FeeModel(models.TextChoices):
        PER_HEAD = "per_head", "按人按月"
        PERCENTAGE = "percentage", "按工资总额比例"
        MODULAR = "modular", "按模块计费"

    class PaymentMethod(models.TextChoices):
        TRANSFER = "transfer", "银行转账"
        CHEQUE = "cheque", "支票"
        ONLINE = "online", "线上支付"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        ACTIVE = "active", "生效中"
        EXPIRED = "expired", "已到期"
        TERMINATED = "terminated", "已终止"
        RENEWED = "renewed", "已续签"

    client = models.ForeignKey(
        Client, verbose_name="客户", on_delete=models.PROTECT, related_name="agreements"
    )
    number = models.CharField("协议编号", max_length=20, unique=True)
    kind = models.CharField("协议类型", max_length=20, choices=Kind.choices)
    modules = models.JSONField("服务内容（模块）", default=list, blank=True)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    fee_model = models.CharField("收费方式", max_length=12, choices=FeeModel.choices)
    fee_per_head = models.DecimalField(
        "服务费（元/人/月）", max_digits=10, decimal_places=2, null=True, blank=True
    )
    fee_rate = models.DecimalField(
        "费率（%，占工资总额）", max_digits=6, decimal_places=3, null=True, blank=True
    )
    # {"si_hf": "1200.00", …}: monthly fee per module as exact decimal strings.
    module_fees = models.JSONField("分模块月费", default=dict, blank=True)
    payment_method = models.CharField(
        "支付方式", max_length=10, choices=PaymentMethod.choices, default=PaymentMethod.TRANSFER
    )
    payment_day = models.PositiveSmallIntegerField("每月付款日", default=10)
    rights_obligations = models.TextField("双方权利与义务", blank=True)
    breach_liability = models.TextField("违约责任", blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    signed_at = models.DateTimeField("签订时间", null=True, blank=True)
    signed_by = _user_fk("签订人")
    renewed_from = models.OneToOneField(
        "self",
        verbose_name="续签自",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="successor",
    )
    terminated_at = models.DateTimeField("终止时间", null=True, blank=True)
    termination_reason = models.CharField("终止原因", max_length=200, blank=True)
    expiry_deadline = models.ForeignKey(
        "core.Deadline", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handover_deadline = models.ForeignKey(
        "core.Deadline", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = _user_fk("创建人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = "服务协议"
        verbose_name_plural = "服务协议"
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="clients_agreement_dates",
            ),
            models.CheckConstraint(
                condition=Q(payment_day__gte=1, payment_day__lte=31),
                name="clients_agreement_payment_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"

    @property
    def module_labels(self) -> str:
        return module_labels(self.modules)


class HandoverItem(models.Model):
    """One line of the 《资料交接清单》 (R-CRM-7): received, then checked for authenticity and
    compliance. The checklist is complete when every item is received and checked as sound."""

    class Check(models.TextChoices):
        PENDING = "", "未审核"
        OK = "ok", "真实、合规"
        PROBLEM = "problem", "存疑或不合规"

    client = models.ForeignKey(
        Client, verbose_name="客户", on_delete=models.CASCADE, related_name="handover_items"
    )
    agreement = models.ForeignKey(
        Agreement, verbose_name="服务协议", on_delete=models.CASCADE, related_name="handover_items"
    )
    name = models.CharField("资料名称", max_length=80)
    position = models.PositiveSmallIntegerField("顺序", default=0)
    received = models.BooleanField("已收到", default=False)
    received_at = models.DateTimeField("收到时间", null=True, blank=True)
    received_by = _user_fk("接收人")
    check_result = models.CharField(
        "真实性、合规性审核", max_length=10, choices=Check.choices, blank=True, default=""
    )
    checked_at = models.DateTimeField("审核时间", null=True, blank=True)
    checked_by = _user_fk("审核人")
    note = models.CharField("备注", max_length=300, blank=True)

    SCOPE_CLIENT_FIELD = "client"

    class Meta:
        verbose_name = "资料交接项"
        verbose_name_plural = "资料交接清单"
        ordering = ["agreement_id", "position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def done(self) -> bool:
        return self.received and self.check_result == self.Check.OK
