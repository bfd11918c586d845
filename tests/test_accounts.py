from __future__ import annotations

import pyotp
import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError
from django.test import Client as HttpClient
from django.test import override_settings

from hragency.accounts.models import LoginFailure, User
from hragency.accounts.roles import ROLE_LABELS, ROLE_PERMISSIONS, Role
from hragency.accounts.services import create_user
from hragency.core.errors import ServiceError
from hragency.core.models import AuditLog
from tests.conftest import PASSWORD, Cast


def _login(http: HttpClient, username: str, password: str) -> object:
    return http.post("/accounts/login/", {"username": username, "password": password})


@pytest.mark.django_db
def test_it_creates_one_group_per_role_with_its_permissions() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLE_LABELS.values())
    rep = Group.objects.get(name=ROLE_LABELS[Role.CS_REP])
    codes = {f"{p.content_type.app_label}.{p.codename}" for p in rep.permissions.all()}
    assert codes == set(ROLE_PERMISSIONS[Role.CS_REP])
    assert "accounts.view_all_clients" not in codes


@pytest.mark.django_db
def test_it_hashes_passwords_with_argon2(cast: Cast) -> None:
    assert cast.rep_a.password.startswith("argon2")


@pytest.mark.django_db
def test_it_logs_in_and_out_with_the_form(cast: Cast) -> None:
    http = HttpClient()
    response = _login(http, "rep_a", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert "我的待办" in http.get("/todo/").content.decode()
    assert AuditLog.objects.filter(action="auth.login", actor=cast.rep_a).exists()
    http.post("/accounts/logout/")
    assert http.get("/todo/").status_code == 302


@pytest.mark.django_db
@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_it_throttles_repeated_failed_logins(cast: Cast) -> None:
    http = HttpClient()
    for _ in range(3):
        response = _login(http, "rep_a", "wrong-password")
        assert "用户名或密码不正确" in response.content.decode()
    # Even the right password is refused while throttled, and nothing new is counted.
    response = _login(http, "rep_a", PASSWORD)
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert LoginFailure.objects.filter(username="rep_a").count() == 3
    assert "_auth_user_id" not in http.session


@pytest.mark.django_db
def test_it_clears_failures_after_a_successful_login(cast: Cast) -> None:
    http = HttpClient()
    _login(http, "rep_a", "wrong")
    _login(http, "rep_a", PASSWORD)
    assert not LoginFailure.objects.filter(username="rep_a").exists()


@pytest.mark.django_db
def test_it_asks_a_totp_user_for_the_code(cast: Cast) -> None:
    http = HttpClient()
    response = _login(http, "admin", PASSWORD)
    assert response["Location"] == "/accounts/login/otp/"
    assert "_auth_user_id" not in http.session
    response = http.post("/accounts/login/otp/", {"code": "000000"})
    assert "动态口令不正确" in response.content.decode()
    code = pyotp.TOTP(cast.admin.totp_secret).now()
    response = http.post("/accounts/login/otp/", {"code": code})
    assert response.status_code == 302
    assert http.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_it_requires_administrators_to_set_up_totp(cast: Cast) -> None:
    create_user(username="newadmin", password=PASSWORD, roles=[Role.ADMINISTRATOR])
    http = HttpClient()
    response = _login(http, "newadmin", PASSWORD)
    assert response["Location"] == "/accounts/otp/setup/"
    # Everything else is closed until the second factor is confirmed.
    assert http.get("/todo/")["Location"] == "/accounts/otp/setup/"
    assert http.get("/api/clients/").status_code == 403
    page = http.get("/accounts/otp/setup/").content.decode()
    assert "启用动态口令" in page
    user = User.objects.get(username="newadmin")
    assert http.post("/accounts/otp/setup/", {"code": "123456"}).status_code == 200
    user.refresh_from_db()
    assert user.totp_confirmed_at is None
    response = http.post("/accounts/otp/setup/", {"code": pyotp.TOTP(user.totp_secret).now()})
    assert response["Location"] == "/todo/"
    assert http.get("/todo/").status_code == 200
    user.refresh_from_db()
    assert user.has_totp


@pytest.mark.django_db
def test_it_sends_an_admin_session_without_totp_check_back_to_login(cast: Cast) -> None:
    http = HttpClient()
    http.force_login(cast.admin)  # a session that skipped the code
    response = http.get("/todo/")
    assert response["Location"] == "/accounts/login/"


@pytest.mark.django_db
def test_it_ties_client_hr_and_employee_users_to_their_records(cast: Cast) -> None:
    with pytest.raises(ServiceError, match="企业HR用户必须指定所属客户"):
        create_user(username="x", password=PASSWORD, kind=User.Kind.CLIENT_HR)
    with pytest.raises(ServiceError, match="员工用户必须对应一名参保人"):
        create_user(username="y", password=PASSWORD, kind=User.Kind.EMPLOYEE)
    with pytest.raises(IntegrityError):
        User.objects.create(username="z", kind=User.Kind.CLIENT_HR)


@pytest.mark.django_db
def test_it_rejects_a_foreign_next_url(cast: Cast) -> None:
    http = HttpClient()
    response = http.post(
        "/accounts/login/?next=https://evil.example/", {"username": "rep_a", "password": PASSWORD}
    )
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_it_sends_the_admin_login_through_the_throttled_login(cast: Cast) -> None:
    response = HttpClient().get("/admin/login/?next=/admin/")
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


@pytest.mark.django_db
def test_it_audits_admin_edits(cast: Cast) -> None:
    http = HttpClient()
    http.force_login(cast.admin)
    session = http.session
    session["otp_verified"] = True
    session.save()
    response = http.post(
        f"/admin/clients/client/{cast.client_b.pk}/change/",
        {
            "number": "KH00002",
            "name": "乙方新名称",
            "credit_code": "",
            "grade": "vip",
            "status": "prospect",
            "service_cities": "北京",
        },
    )
    assert response.status_code == 302
    log = AuditLog.objects.get(action="admin.change.clients.client")
    assert log.actor == cast.admin and log.client == cast.client_b
    assert log.changes["grade"] == ["normal", "vip"]
    assert log.changes["name"][1] == "乙方新名称"


@pytest.mark.django_db
def test_it_keeps_the_pending_totp_secret_across_reloads(cast: Cast) -> None:
    create_user(username="newadmin2", password=PASSWORD, roles=[Role.ADMINISTRATOR])
    http = HttpClient()
    _login(http, "newadmin2", PASSWORD)
    first = http.get("/accounts/otp/setup/").content.decode()
    secret = User.objects.get(username="newadmin2").totp_secret
    assert secret and secret in first
    assert secret in http.get("/accounts/otp/setup/").content.decode()
    assert User.objects.get(username="newadmin2").totp_secret == secret
    assert AuditLog.objects.filter(action="accounts.totp_setup_started").count() == 1


@pytest.mark.django_db
def test_it_refuses_a_role_permission_that_no_model_declares(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.apps import apps
    from django.core.exceptions import ImproperlyConfigured

    from hragency.accounts import roles

    monkeypatch.setitem(roles.ROLE_PERMISSIONS, Role.TRAINER, ["training.no_such_permission"])
    first = apps.get_app_config("accounts")
    last = [a for a in apps.get_app_configs() if a.models_module is not None][-1]
    roles.sync_roles(sender=first)  # an early app's signal: later apps may still add it
    with pytest.raises(ImproperlyConfigured, match=r"training\.no_such_permission"):
        roles.sync_roles(sender=last)
