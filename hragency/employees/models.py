"""Insured persons (参保人). Foundation fields only; the archive of R-EMP-1 grows here."""

from __future__ import annotations

from django.db import models

from hragency.core.crypto import BlindIndexField, EncryptedTextField
from hragency.domain.masking import mask_bank_account, mask_id_number, mask_phone


class InsuredPerson(models.Model):
    class Gender(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    class Status(models.TextChoices):
        ACTIVE = "active", "在职在保"
        LEFT = "left", "已离职"

    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.PROTECT, related_name="people"
    )
    name = models.CharField("姓名", max_length=60)
    id_number = EncryptedTextField("身份证号")
    id_number_index = BlindIndexField(source="id_number")
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("出生日期")
    phone = EncryptedTextField("手机号", blank=True)
    bank_account = EncryptedTextField("银行账号", blank=True)
    insured_city = models.CharField("参保城市", max_length=40, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    SCOPE_CLIENT_FIELD = "client"
    SCOPE_PERSON_FIELD = "pk"
    # Fields whose full value is shown only through a logged reveal (R-SEC-2).
    REVEALABLE_FIELDS = {"id_number": "身份证号", "phone": "手机号", "bank_account": "银行账号"}

    class Meta:
        verbose_name = "参保人"
        verbose_name_plural = "参保人"
        ordering = ["client_id", "name", "id"]

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
