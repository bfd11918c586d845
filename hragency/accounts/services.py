"""Every write to users, departments, assignments and login state."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyotp
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hragency.accounts.models import ClientAssignment, Department, LoginFailure, User
from hragency.accounts.roles import ROLE_LABELS, Role
from hragency.core import audit
from hragency.core.errors import ServiceError

TOTP_ISSUER = "HR Agency"


def login_throttled(*, username: str, ip: str | None, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    since = now - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    recent = LoginFailure.objects.filter(at__gte=since)
    limit = settings.LOGIN_FAILURE_LIMIT
    by_user = recent.filter(username__iexact=username).count()
    # An address may try more names than one user may be tried, but not unboundedly.
    by_ip = recent.filter(ip=ip).count() if ip else 0
    return by_user >= limit or by_ip >= limit * 4


@transaction.atomic
def record_login_failure(*, username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=username[:150], ip=ip)
    audit.record(actor=None, action="auth.login_failed", extra={"username": username[:150]})


def record_login_success(*, user: User) -> None:
    LoginFailure.objects.filter(username__iexact=user.username).delete()
    audit.record(actor=user, action="auth.login", instance=user)


@transaction.atomic
def create_user(
    *,
    username: str,
    password: str,
    display_name: str = "",
    roles: list[Role] | None = None,
    kind: str = User.Kind.STAFF,
    department: Department | None = None,
    client_id: int | None = None,
    insured_person_id: int | None = None,
    email: str = "",
    is_superuser: bool = False,
    actor: Any = None,
) -> User:
    if User.objects.filter(username__iexact=username).exists():
        raise ServiceError(f"用户名已存在：{username}")
    if kind == User.Kind.CLIENT_HR and client_id is None:
        raise ServiceError("企业HR用户必须指定所属客户")
    if kind == User.Kind.EMPLOYEE and insured_person_id is None:
        raise ServiceError("员工用户必须对应一名参保人")
    user = User(
        username=username,
        display_name=display_name,
        kind=kind,
        department=department,
        client_id=client_id,
        insured_person_id=insured_person_id,
        email=email,
        is_superuser=is_superuser,
        is_staff=is_superuser or (roles is not None and Role.ADMINISTRATOR in roles),
    )
    user.set_password(password)
    user.save()
    from django.contrib.auth.models import Group

    if roles:
        user.groups.set(Group.objects.filter(name__in=[ROLE_LABELS[r] for r in roles]))
    audit.record(
        actor=actor,
        action="accounts.create_user",
        instance=user,
        after=audit.snapshot(user, ["username", "kind", "department", "client", "insured_person"]),
    )
    return user


@transaction.atomic
def assign_client(
    *,
    client_id: int,
    user: User | None = None,
    department: Department | None = None,
    responsibility: str = "",
    actor: Any = None,
) -> ClientAssignment:
    if (user is None) == (department is None):
        raise ServiceError("客户分配必须指定一名员工或一个部门（二选一）")
    if user is not None and user.kind != User.Kind.STAFF:
        raise ServiceError("只能把客户分配给机构员工")
    assignment, _ = ClientAssignment.objects.get_or_create(
        client_id=client_id,
        user=user,
        department=department,
        defaults={"responsibility": responsibility},
    )
    audit.record(
        actor=actor,
        action="accounts.assign_client",
        instance=assignment,
        client_id=client_id,
        after=audit.snapshot(assignment),
    )
    return assignment


@transaction.atomic
def unassign_client(
    *,
    client_id: int,
    user: User | None = None,
    department: Department | None = None,
    actor: Any = None,
) -> int:
    condition = Q(user=user) if user is not None else Q(department=department)
    deleted, _ = ClientAssignment.objects.filter(condition, client_id=client_id).delete()
    audit.record(
        actor=actor,
        action="accounts.unassign_client",
        client_id=client_id,
        extra={"removed": deleted},
    )
    return deleted


def totp_for(user: User) -> pyotp.TOTP:
    return pyotp.TOTP(user.totp_secret)


def totp_uri(user: User) -> str:
    return totp_for(user).provisioning_uri(name=user.username, issuer_name=TOTP_ISSUER)


@transaction.atomic
def begin_totp_setup(*, user: User) -> None:
    """Give the user a new secret to scan; it takes effect only once confirmed with a code."""
    if user.has_totp:
        raise ServiceError("已启用动态口令；如需更换请联系管理员重置")
    user.totp_secret = pyotp.random_base32()
    user.save(update_fields=["totp_secret"])
    audit.record(actor=user, action="accounts.totp_setup_started", instance=user)


@transaction.atomic
def confirm_totp(*, user: User, code: str) -> None:
    if not user.totp_secret:
        raise ServiceError("请先生成动态口令密钥")
    if not totp_for(user).verify(code.strip(), valid_window=1):
        raise ServiceError("动态口令不正确，请核对手机上的6位数字后重试")
    user.totp_confirmed_at = timezone.now()
    user.save(update_fields=["totp_confirmed_at"])
    audit.record(actor=user, action="accounts.totp_enabled", instance=user)


def verify_totp(*, user: User, code: str) -> bool:
    return bool(user.has_totp and totp_for(user).verify(code.strip(), valid_window=1))


@transaction.atomic
def reset_totp(*, user: User, actor: Any) -> None:
    user.totp_secret = ""
    user.totp_confirmed_at = None
    user.save(update_fields=["totp_secret", "totp_confirmed_at"])
    audit.record(actor=actor, action="accounts.totp_reset", instance=user)
