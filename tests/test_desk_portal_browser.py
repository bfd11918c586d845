"""Browser: the rep's intake form suggests a classification while typing; client HR submits a
ticket on the portal and urges it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Cast
from tests.test_browser import browser, live_cast, login, page  # noqa: F401

pytestmark = pytest.mark.browser


def test_it_suggests_while_the_rep_types(page: Any, live_server: Any, live_cast: Cast) -> None:  # noqa: F811
    from hragency.servicedesk.models import Ticket

    login(page, live_server.url, live_cast.rep_a)
    page.goto(f"{live_server.url}/desk/new/")
    page.get_by_label("客户").select_option(str(live_cast.client_a.pk))
    page.get_by_label("标题").fill("离职员工申请劳动仲裁")
    page.get_by_label("标题").press("Space")
    suggestion = page.get_by_test_id("suggestion")
    suggestion.get_by_text("劳动争议", exact=True).wait_for()
    suggestion.get_by_role("button", name="采用建议").click()
    assert page.get_by_label("业务模块").input_value() == "labour_dispute"
    page.get_by_label("问题描述").fill("员工申请仲裁，要求补偿")
    page.get_by_role("button", name="登记").click()
    page.get_by_test_id("ticket-status").wait_for()
    ticket = Ticket.objects.get()
    assert ticket.module == "labour_dispute" and ticket.first_owner == live_cast.rep_a
    assert "劳动争议" in page.content()


def test_it_lets_hr_submit_and_urge(page: Any, live_server: Any, live_cast: Cast) -> None:  # noqa: F811
    from hragency.servicedesk.models import Ticket

    login(page, live_server.url, live_cast.hr_a)
    page.goto(f"{live_server.url}/desk/portal/new/")
    page.get_by_label("标题").fill("公积金提取")
    page.get_by_label("问题描述").fill("员工想提取公积金，需要什么材料？")
    page.get_by_role("button", name="提交").click()
    page.get_by_test_id("progress").wait_for()
    page.get_by_test_id("urge").click()
    page.get_by_text("已催办").first.wait_for()
    assert Ticket.objects.get().urge_count == 1
