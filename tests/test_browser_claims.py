"""A work injury in a real Chromium (R-SI-9): the client's HR reports it from the portal, the
SI specialist uploads the three report documents and completes the first step; HR is told."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD, Cast
from tests.test_browser import browser, live_cast, login, page  # noqa: F401

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _specialist(cast: Cast) -> Any:
    from hragency.accounts.roles import Role
    from hragency.accounts.services import assign_client, create_user

    user = create_user(
        username="si_guo", password=PASSWORD, display_name="郭社保", roles=[Role.SI_SPECIALIST]
    )
    assign_client(client_id=cast.client_a.pk, user=user)
    return user


def test_it_reports_a_work_injury_and_completes_the_first_step(
    page: Any,  # noqa: F811
    live_server: Any,
    live_cast: Cast,  # noqa: F811
    settings: Any,
    tmp_path: Any,
) -> None:
    from hragency.claims.models import Claim
    from hragency.core.models import Deadline, Notification

    settings.MEDIA_ROOT = tmp_path
    specialist = _specialist(live_cast)
    base = live_server.url
    incident = timezone.localdate() - dt.timedelta(days=3)

    # The client's HR reports from the portal menu.
    login(page, base, live_cast.hr_a)
    page.goto(f"{base}/claims/new/")
    page.get_by_label("出险人员").select_option(str(live_cast.person_a.pk))
    page.get_by_label("类型").select_option("work_injury")
    page.get_by_label("出险日期").fill(incident.isoformat())
    page.get_by_label("就诊医院").fill("上海市第六人民医院")
    page.get_by_label("经过说明").fill("搬运货物时右手被压伤，已送医院急诊。")
    page.get_by_role("button", name="提交报案").click()
    page.get_by_test_id("claim-status").wait_for()
    claim = Claim.objects.get()
    assert claim.number in page.locator("h1").inner_text()
    assert claim.owner == specialist
    assert page.locator("[data-step=report]").get_attribute("data-status") == "pending"
    assert Deadline.objects.get(kind="claims.injury_recognition").status == "open"

    # The specialist uploads the three documents of the report step and completes it.
    page.context.clear_cookies()
    login(page, base, specialist)
    page.goto(f"{base}/claims/{claim.pk}/")
    step = page.get_by_test_id("step-report")
    for kind in ("accident_statement", "diagnosis", "recognition_application"):
        form = page.get_by_test_id("upload-report")
        form.locator("select[name=kind]").select_option(kind)
        form.locator("input[type=file]").set_input_files(
            files=[{"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        form.get_by_role("button", name="上传").click()
        page.get_by_text("材料已上传").wait_for()
        assert step.locator(f"[data-doc={kind}]").inner_text().startswith("✓")
    complete = page.get_by_test_id("complete-report")
    complete.get_by_label("办理说明").fill("已递交工伤认定申请")
    complete.get_by_role("button", name="完成「出险报案」").click()
    page.get_by_text("已完成「出险报案」").first.wait_for()
    assert page.locator("[data-step=report]").get_attribute("data-status") == "done"
    assert "办理中" in page.locator("[data-step=transfer]").inner_text()

    claim.refresh_from_db()
    assert claim.current_step == "transfer"
    assert Deadline.objects.get(kind="claims.injury_recognition").status == "met"
    assert Notification.objects.filter(
        recipient=live_cast.hr_a, title__contains="已完成「出险报案」"
    ).exists()
