"""A rep's month-end filing in a real Chromium (R-SVC-4): the filings board shows client A's
month with one add/remove order missing; completing is refused naming the order; the rep files
it and completes the month, which then shows 已归档."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import Cast
from tests.test_browser import browser, live_cast, login, page  # noqa: F401

pytestmark = pytest.mark.browser


def test_it_files_the_months_materials(
    page: Any,  # noqa: F811
    live_server: Any,
    live_cast: Cast,  # noqa: F811
) -> None:
    from hragency.archives.models import MonthlyFiling
    from hragency.archives.services import open_month
    from hragency.archives.views import last_month
    from hragency.clients.models import Client
    from hragency.insurance.models import Order

    Client.objects.filter(pk=live_cast.client_a.pk).update(status=Client.Status.ACTIVE)
    month = last_month(timezone.localdate())
    open_month(month=month)
    Order.objects.create(
        number=f"ZY{month:%Y%m}020001",
        client=live_cast.client_a,
        person=live_cast.person_a,
        kind=Order.Kind.ADD,
        city="上海",
        month=month,
        channel=Order.Channel.STAFF,
        status=Order.Status.DONE,
    )
    base = live_server.url
    login(page, base, live_cast.rep_a)
    page.goto(f"{base}/archives/?month={month:%Y-%m}")
    board = page.get_by_test_id("filing-board")
    board.get_by_role("link", name=live_cast.client_a.name).click()
    assert page.get_by_test_id("filing-status").inner_text() == "整理中"
    assert "未归档" in page.get_by_test_id("expected").inner_text()

    # Completing now is refused and names the missing order.
    page.get_by_role("button", name="完成归档").click()
    page.get_by_text(f"ZY{month:%Y%m}020001").first.wait_for()
    assert "尚未归档" in page.content()

    page.locator("#f-box").fill(f"{month:%Y%m}-01")
    page.get_by_role("button", name="将 1 件单据归档").click()
    page.get_by_text("已归档 1 件材料").wait_for()
    assert "已归档" in page.get_by_test_id("expected").inner_text()
    page.get_by_role("button", name="完成归档").click()
    page.get_by_test_id("filing-status").get_by_text("已归档").wait_for()
    filing = MonthlyFiling.objects.get(client=live_cast.client_a, month=month)
    assert filing.status == MonthlyFiling.Status.FILED
    assert filing.filed_by == live_cast.rep_a
    page.goto(f"{base}/archives/?month={month:%Y-%m}")
    assert "已归档" in page.get_by_test_id("filing-board").inner_text()
