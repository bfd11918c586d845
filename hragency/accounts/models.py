"""Users, departments and which clients each member of staff serves."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from hragency.core.crypto import EncryptedTextField


class Department(models.Model):
    """A department of the agency. Its head is the supervisor deadlines escalate to; the head
    of the parent department is the director after that."""

    name = models.CharField("部门名称", max_length=60, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    head = models.ForeignKey(
        "accounts.User",
        verbose_name="负责人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_departments",
    )

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    class Kind(models.TextChoices):
        STAFF = "staff", "机构员工"
        CLIENT_HR = "client_hr", "企业HR"
        EMPLOYEE = "employee", "员工/参保人"

    kind = models.CharField("用户类型", max_length=12, choices=Kind.choices, default=Kind.STAFF)
    display_name = models.CharField("姓名", max_length=60, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name="部门",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    client = models.ForeignKey(
        "clients.Client",
        verbose_name="所属客户",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hr_users",
        help_text="企业HR用户所属的客户",
    )
    insured_person = models.OneToOneField(
        "employees.InsuredPerson",
        verbose_name="对应参保人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="user",
    )
    totp_secret = EncryptedTextField("动态口令密钥", blank=True)
    totp_confirmed_at = models.DateTimeField("动态口令启用时间", null=True, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        permissions = [
            ("view_all_clients", "可查看全部客户"),
            ("reveal_personal_data", "可查看完整证件号/银行账号"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="client_hr") | Q(client__isnull=False),
                name="accounts_client_hr_has_client",
            ),
            models.CheckConstraint(
                condition=~Q(kind="employee") | Q(insured_person__isnull=False),
                name="accounts_employee_has_person",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def has_totp(self) -> bool:
        return self.totp_confirmed_at is not None

    @property
    def is_administrator(self) -> bool:
        from hragency.accounts.roles import Role

        return self.is_superuser or self.has_role(Role.ADMINISTRATOR)

    def has_role(self, role: str) -> bool:
        from hragency.accounts.roles import ROLE_LABELS

        cache = getattr(self, "_role_names", None)
        if cache is None:
            cache = set(self.groups.values_list("name", flat=True))
            self._role_names = cache
        return ROLE_LABELS.get(role, role) in cache


class ClientAssignment(models.Model):
    """Which clients a member of staff (or a whole department) serves. Scoping reads this."""

    client = models.ForeignKey(
        "clients.Client", verbose_name="客户", on_delete=models.CASCADE, related_name="assignments"
    )
    user = models.ForeignKey(
        User,
        verbose_name="员工",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="client_assignments",
    )
    department = models.ForeignKey(
        Department,
        verbose_name="部门",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="client_assignments",
    )
    responsibility = models.CharField("职责", max_length=40, blank=True)

    class Meta:
        verbose_name = "客户分配"
        verbose_name_plural = "客户分配"
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, department__isnull=True)
                | Q(user__isnull=True, department__isnull=False),
                name="accounts_assignment_user_xor_department",
            ),
            models.UniqueConstraint(
                fields=["client", "user"],
                condition=Q(user__isnull=False),
                name="accounts_assignment_unique_user",
            ),
            models.UniqueConstraint(
                fields=["client", "department"],
                condition=Q(department__isnull=False),
                name="accounts_assignment_unique_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} → {self.user or self.department}"


class LoginFailure(models.Model):
    """Failed login attempts, counted per username and per address to throttle guessing."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.username}@{self.ip} {self.at:%Y-%m-%d %H:%M}"
