"""Client companies. The foundation keeps only what scoping and the cast need; the client
record of R-CRM-1…8 grows here."""

from __future__ import annotations

from django.db import models


class Client(models.Model):
    class Grade(models.TextChoices):
        NORMAL = "normal", "普通"
        VIP = "vip", "VIP"

    number = models.CharField("客户编号", max_length=20, unique=True)
    name = models.CharField("客户名称", max_length=120)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    grade = models.CharField("客户等级", max_length=10, choices=Grade.choices, default=Grade.NORMAL)
    service_cities = models.CharField("服务城市", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    SCOPE_CLIENT_FIELD = "pk"

    class Meta:
        verbose_name = "客户"
        verbose_name_plural = "客户"
        ordering = ["number"]

    def __str__(self) -> str:
        return self.name
