"""The fixed cast every test uses: two reps, two clients' HR users, an employee of client A,
an administrator and an anonymous visitor, over two clients whose names carry canary strings
so a leak of one client's data to another's users is visible in any response body."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client as HttpClient

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM use there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")

CANARY_CLIENT_A = "甲方科技有限公司CANARYCLIENTA"
CANARY_CLIENT_B = "乙方物流有限公司CANARYCLIENTB"
CANARY_PERSON_A = "张甲CANARYPERSONA"
CANARY_PERSON_A2 = "李甲二CANARYPERSONA2"
CANARY_PERSON_B = "王乙CANARYPERSONB"
PASSWORD = "Cast@2026pass"


@dataclass
class Cast:
    client_a: Any
    client_b: Any
    person_a: Any
    person_a2: Any
    person_b: Any
    department: Any
    supervisor: Any
    rep_a: Any
    rep_b: Any
    hr_a: Any
    hr_b: Any
    employee_a: Any
    admin: Any

    def members(self) -> dict[str, Any]:
        return {
            "rep_a": self.rep_a,
            "rep_b": self.rep_b,
            "hr_a": self.hr_a,
            "hr_b": self.hr_b,
            "employee_a": self.employee_a,
            "admin": self.admin,
            "anonymous": None,
        }


def build_cast() -> Cast:
    from django.utils import timezone

    from hragency.accounts.models import Department, User
    from hragency.accounts.roles import Role
    from hragency.accounts.services import assign_client, create_user
    from hragency.clients.models import Client
    from hragency.domain.idcard import make_id_number
    from hragency.employees.services import create_person

    client_a = Client.objects.create(number="KH00001", name=CANARY_CLIENT_A, service_cities="上海")
    client_b = Client.objects.create(number="KH00002", name=CANARY_CLIENT_B, service_cities="北京")

    def person(client: Any, name: str, seq: int, gender: str) -> Any:
        number = make_id_number(
            region_code="310115", birth_date=dt.date(1990, 3, 7), sequence=seq, gender=gender
        )
        return create_person(
            client_id=client.pk,
            name=name,
            id_number=number,
            phone="13812345678",
            bank_account="6222021234567890123",
            insured_city=client.service_cities,
        )

    person_a = person(client_a, CANARY_PERSON_A, 11, "M")
    person_a2 = person(client_a, CANARY_PERSON_A2, 12, "F")
    person_b = person(client_b, CANARY_PERSON_B, 13, "M")

    department = Department.objects.create(name="客服部")
    supervisor = create_user(
        username="supervisor",
        password=PASSWORD,
        display_name="吴主管",
        roles=[Role.CS_SUPERVISOR],
        department=department,
    )
    department.head = supervisor
    department.save()
    rep_a = create_user(
        username="rep_a",
        password=PASSWORD,
        display_name="陈晓",
        roles=[Role.CS_REP],
        department=department,
        email="rep_a@example.cn",
    )
    rep_b = create_user(
        username="rep_b",
        password=PASSWORD,
        display_name="林悦",
        roles=[Role.CS_REP],
        department=department,
    )
    assign_client(client_id=client_a.pk, user=rep_a)
    assign_client(client_id=client_b.pk, user=rep_b)
    hr_a = create_user(
        username="hr_a",
        password=PASSWORD,
        kind=User.Kind.CLIENT_HR,
        roles=[Role.CLIENT_HR],
        client_id=client_a.pk,
    )
    hr_b = create_user(
        username="hr_b",
        password=PASSWORD,
        kind=User.Kind.CLIENT_HR,
        roles=[Role.CLIENT_HR],
        client_id=client_b.pk,
    )
    employee_a = create_user(
        username="employee_a",
        password=PASSWORD,
        kind=User.Kind.EMPLOYEE,
        roles=[Role.EMPLOYEE],
        insured_person_id=person_a.pk,
    )
    admin = create_user(
        username="admin", password=PASSWORD, roles=[Role.ADMINISTRATOR], is_superuser=True
    )
    # The cast's admin has a confirmed second factor, as every administrator must.
    import pyotp

    admin.totp_secret = pyotp.random_base32()
    admin.totp_confirmed_at = timezone.now()
    admin.save()
    return Cast(
        client_a,
        client_b,
        person_a,
        person_a2,
        person_b,
        department,
        supervisor,
        rep_a,
        rep_b,
        hr_a,
        hr_b,
        employee_a,
        admin,
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(request: pytest.FixtureRequest) -> None:
    # Domain tests may run without pytest-django (-p no:django); they hash nothing.
    if request.config.pluginmanager.hasplugin("django"):
        settings = request.getfixturevalue("settings")
        settings.PASSWORD_HASHERS = ["tests.fast_hasher.FastArgon2PasswordHasher"]


@pytest.fixture
def cast(db: Any) -> Cast:
    return build_cast()


def login_client(user: Any) -> HttpClient:
    """A test browser session for `user` (None = anonymous), past the admin TOTP step."""
    http = HttpClient()
    if user is not None:
        http.force_login(user)
        if user.is_administrator:
            session = http.session
            session["otp_verified"] = True
            session.save()
    return http


@pytest.fixture
def as_user():
    return login_client


@dataclass
class SmtpServer:
    host: str
    port: int
    messages: list[Any]


@pytest.fixture
def smtp_server(settings: Any) -> Any:
    """A real SMTP server on 127.0.0.1 (aiosmtpd) with Django's SMTP backend pointed at it."""
    import email
    import email.policy
    import socket

    from aiosmtpd.controller import Controller

    received: list[Any] = []

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            received.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    try:
        yield SmtpServer("127.0.0.1", port, received)
    finally:
        controller.stop()
