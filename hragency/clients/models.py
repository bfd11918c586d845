"""Client companies (R-CRM-1, R-CRM-2, R-CRM-5). Agreements, intake, review and hand-over live
beside the client in this app."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


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
