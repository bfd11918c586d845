"""Result feedback in a real Chromium: the client opens the rating link without logging in,
gives 2 stars after a refused empty submit, and the supervisor records the adjusted plan and
the second visit on the follow-up page."""

from __future__ import annotations

import re
from typing import Any

import pytest

from hragency.servicedesk.models import FollowUp, Ticket
from tests.desk_care_support import local, open_ticket, resolve
from tests.test_browser import browser, live_cast, login, page  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def test_it_rates_by_link_and_the_supervisor_follows_up(
    page: Any,  # noqa: F811
    live_server: Any,
    live_cast: Any,  # noqa: F811
) -> None:
    ticket = resolve(open_ticket(live_cast), at=local(2026, 11, 20, 15, 0))
    base = live_server.url

    page.goto(f"{base}/desk/care/rate/{ticket.feedback_token}/")
    assert page.get_by_test_id("rate-number").inner_text() == ticket.number
    page.get_by_role("button", name="提交评价").click()
    page.get_by_test_id("score-error").wait_for()
    page.get_by_label(re.compile(r"^2 ")).check()
    page.get_by_label("意见或建议（选填）").fill("等了三天才答复")
    page.get_by_role("button", name="提交评价").click()
    page.get_by_test_id("rated").wait_for()
    assert "2 分" in page.get_by_test_id("rated").inner_text()
    follow_up = FollowUp.objects.get(ticket=ticket)

    login(page, base, live_cast.supervisor)
    page.goto(f"{base}/desk/care/followups/")
    page.get_by_role("link", name=ticket.number).click()
    page.wait_for_url(re.compile(rf"/desk/care/followups/{follow_up.pk}/$"))
    page.get_by_label("调整方案").fill("社保专员当面核对基数并书面答复")
    page.get_by_role("button", name="保存调整方案").click()
    page.get_by_test_id("followup-status").wait_for()
    assert page.get_by_test_id("followup-status").inner_text() == "已制定方案"
    page.get_by_label("二次回访记录").fill("客户认可")
    page.get_by_label("二次回访满意度").select_option("5")
    page.get_by_role("button", name="记录二次回访").click()
    page.wait_for_function(
        "document.querySelector('[data-testid=followup-status]').innerText === '已二次回访'"
    )
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.CLOSED
