"""End-to-end checks in a real Chromium (Playwright, sync API) against pytest-django's live server.

The live server runs in another thread, so every test uses ``transactional_db``: the cast must be
committed for the server to see it. Screenshots land in var/screenshots/ (git-ignored).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest

from hragency.accounts.roles import ROLE_LABELS, Role
from tests.conftest import PASSWORD, Cast, build_cast

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
MASKED_ID = re.compile(r"^\d{6}\*{8}\d{3}[\dX]$")
FULL_ID = re.compile(r"^\d{17}[\dX]$")
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium package to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()


def restore_seeded_rows() -> None:
    """Put back the rows data migrations seed (service levels, classification keywords,
    synonyms, the search index state, the visit deadline policy): a transactional test ends
    with a flush that empties them, and the next browser test must not depend on test order."""
    from importlib import import_module

    from django.apps import apps

    from hragency.knowledge.models import IndexState, Synonym

    import_module("hragency.servicedesk.migrations.0002_seed_desk").seed(apps, None)
    import_module("hragency.visits.migrations.0002_deadline_policy").add_policy(apps, None)
    IndexState.objects.get_or_create(pk=1, defaults={"version": 0, "token": "initial"})
    if not Synonym.objects.exists():
        synonyms = import_module("hragency.knowledge.migrations.0002_fulltext_and_synonyms")
        Synonym.objects.bulk_create(Synonym(words=w, note=n) for w, n in synonyms.SYNONYMS)


@pytest.fixture
def live_cast(transactional_db: None, live_server: Any) -> Cast:
    restore_seeded_rows()
    return build_cast()


def submit_login(page: Any, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def login(page: Any, base_url: str, user: Any) -> None:
    """Log in through the real form; an administrator with TOTP also passes the code step."""
    submit_login(page, base_url, user.username, PASSWORD)
    if user.has_totp:
        page.wait_for_url(re.compile(r"/accounts/login/otp/$"))
        page.get_by_label("动态口令", exact=True).fill(pyotp.TOTP(user.totp_secret).now())
        page.get_by_role("button", name="验证并登录").click()
        page.wait_for_load_state()


def nav_labels(page: Any) -> list[str]:
    texts = page.locator("nav .navbar-nav .nav-link").all_inner_texts()
    # Strip any unread badge ("我的待办 3").
    return [re.sub(r"\s*\d+$", "", t).strip() for t in texts]


EXPECTED_NAV: dict[str, tuple[set[str], set[str]]] = {
    # role: (must appear, must not appear)
    "rep_a": ({"我的待办", "客户", "员工档案"}, {"我的企业", "我的信息", "系统管理", "审计日志"}),
    "rep_b": ({"我的待办", "客户", "员工档案"}, {"我的企业", "我的信息", "系统管理", "审计日志"}),
    "hr_a": ({"我的待办", "我的企业", "员工档案"}, {"客户", "我的信息", "系统管理", "审计日志"}),
    "hr_b": ({"我的待办", "我的企业", "员工档案"}, {"客户", "我的信息", "系统管理", "审计日志"}),
    "employee_a": ({"我的待办", "我的信息"}, {"客户", "我的企业", "员工档案", "系统管理"}),
    "admin": ({"我的待办", "客户", "员工档案", "系统管理", "审计日志"}, {"我的企业", "我的信息"}),
}


@pytest.mark.parametrize("role", list(EXPECTED_NAV))
def test_it_login_lands_on_todo_with_role_navigation(
    page: Any, live_server: Any, live_cast: Cast, role: str
) -> None:
    user = live_cast.members()[role]
    login(page, live_server.url, user)

    page.wait_for_url(re.compile(r"/todo/$"))
    assert page.locator("h1").inner_text().strip() == "我的待办"
    assert page.get_by_test_id("whoami").is_visible()

    labels = set(nav_labels(page))
    must, must_not = EXPECTED_NAV[role]
    assert must <= labels, f"{role} navbar {labels} lacks {must - labels}"
    assert not (must_not & labels), f"{role} navbar {labels} shows {must_not & labels}"

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"{role}.png"
    shot.unlink(missing_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    assert shot.exists()
    assert shot.stat().st_size > 0


def test_it_rep_sees_masked_id_without_reveal_button(
    page: Any, live_server: Any, live_cast: Cast
) -> None:
    """A customer-service rep (客服专员) lacks accounts.reveal_personal_data: masked only."""
    person = live_cast.person_a2
    login(page, live_server.url, live_cast.rep_a)
    page.goto(f"{live_server.url}/people/{person.pk}/")

    assert person.name in page.locator("h1").inner_text()
    masked = page.locator("#reveal-id_number").inner_text().strip()
    assert MASKED_ID.match(masked), masked
    assert person.id_number not in page.content()
    assert page.get_by_test_id("reveal-id").count() == 0


@pytest.mark.parametrize("role", ["supervisor", "hr_a"])
def test_it_reveal_full_id_number_is_audited(
    page: Any, live_server: Any, live_cast: Cast, role: str
) -> None:
    from hragency.core.models import AuditLog

    person = live_cast.person_a2
    user = getattr(live_cast, role)
    login(page, live_server.url, user)
    page.goto(f"{live_server.url}/people/{person.pk}/")

    masked = page.locator("#reveal-id_number").inner_text().strip()
    assert MASKED_ID.match(masked), masked
    assert masked[:6] == person.id_number[:6]
    assert masked[-4:] == person.id_number[-4:]
    assert person.id_number not in page.content()

    page.get_by_test_id("reveal-id").click()
    revealed = page.get_by_test_id("revealed-id_number")
    revealed.wait_for()
    full = revealed.inner_text().strip()
    assert FULL_ID.match(full), full
    assert full == person.id_number

    assert AuditLog.objects.filter(
        action="reveal.id_number", object_id=str(person.pk), actor=user
    ).exists()


def test_it_wrong_password_three_times_is_refused(
    page: Any, live_server: Any, live_cast: Cast
) -> None:
    for _ in range(3):
        submit_login(page, live_server.url, live_cast.rep_a.username, "not-the-password")
        assert "用户名或密码不正确" in page.get_by_role("alert").inner_text()
        assert page.url.rstrip("/").endswith("/accounts/login")
    assert page.locator("nav.navbar").count() == 0


def test_it_admin_without_totp_must_enable_it(page: Any, live_server: Any, live_cast: Cast) -> None:
    from hragency.accounts.roles import Role
    from hragency.accounts.services import create_user

    create_user(
        username="newadmin", password=PASSWORD, roles=[Role.ADMINISTRATOR], is_superuser=True
    )
    submit_login(page, live_server.url, "newadmin", PASSWORD)

    page.wait_for_url(re.compile(r"/accounts/otp/setup/$"))
    assert "启用动态口令" in page.locator("h1").inner_text()
    assert page.title().startswith("启用动态口令")
    assert page.get_by_test_id("totp-qr").locator("svg").count() == 1

    # Going elsewhere first is not allowed: the middleware sends the admin back to set-up.
    page.goto(f"{live_server.url}/todo/")
    page.wait_for_url(re.compile(r"/accounts/otp/setup/$"))

    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    page.get_by_label("动态口令", exact=True).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="确认启用").click()

    page.wait_for_url(re.compile(r"/todo/$"))
    assert page.locator("h1").inner_text().strip() == "我的待办"
    assert "系统管理" in nav_labels(page)


def test_it_anonymous_clients_redirects_to_login(
    page: Any, live_server: Any, transactional_db: None
) -> None:
    page.goto(f"{live_server.url}/clients/")
    page.wait_for_url(re.compile(r"/accounts/login/\?next=/clients/$"))
    assert page.get_by_label("用户名", exact=True).is_visible()
    assert page.get_by_role("button", name="登录").is_visible()
    assert page.locator("nav.navbar").count() == 0


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_it_logs_in_as_every_role_and_screenshots_the_todo_page(
    page: Any, live_server: Any, live_cast: Cast, role: str
) -> None:
    from hragency.accounts.services import create_user

    existing = {
        Role.CLIENT_HR: live_cast.hr_a,
        Role.EMPLOYEE: live_cast.employee_a,
        Role.ADMINISTRATOR: live_cast.admin,
    }
    user = existing.get(Role(role)) or create_user(
        username=f"u_{role}", password=PASSWORD, roles=[Role(role)], department=live_cast.department
    )
    login(page, live_server.url, user)
    page.wait_for_url(re.compile(r"/todo/$"))
    assert ROLE_LABELS[role] in page.get_by_test_id("whoami").inner_text()
    folder = SCREENSHOTS / "roles"
    folder.mkdir(parents=True, exist_ok=True)
    shot = folder / f"{role}.png"
    shot.unlink(missing_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
