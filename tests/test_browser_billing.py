"""The month close and a statement's round trip in a real Chromium: the SI specialist runs the
close for 2026-11 from the screen, client A's HR opens the statement and disputes it, the
specialist records the outcome, and the HR user confirms."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from hragency.billing.models import Statement
from hragency.core.models import Deadline
from tests.conftest import CANARY_CLIENT_A, CANARY_CLIENT_B, CANARY_PERSON_A, Cast
from tests.si_support import activate, enroll, make_specialist, make_test_city, set_rates
from tests.test_browser import TIMEOUT_MS, browser, live_cast, login  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def huey_now() -> Iterator[None]:
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = True
    try:
        yield
    finally:
        HUEY.immediate = before


def _page(browser: Any) -> Any:  # noqa: F811
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def test_it_closes_the_month_and_settles_a_dispute(
    browser: Any,  # noqa: F811
    live_server: Any,
    live_cast: Cast,  # noqa: F811
    huey_now: None,
) -> None:
    cast = live_cast
    base = live_server.url
    make_test_city()
    activate(cast.client_a, fee_model="per_head", per_head="80.00")
    activate(cast.client_b, fee_model="percentage", rate="9")
    set_rates(cast.client_a, injury="0.004", hf="0.12")
    set_rates(cast.client_b, injury="0.01", hf="0.05")
    enroll(cast.person_a, "12345.67")
    enroll(cast.person_a2, "3000.00")
    enroll(cast.person_b, "20000.00")
    specialist = make_specialist(cast)

    # The specialist runs the close from the screen.
    si = _page(browser)
    login(si, base, specialist)
    # (The menu entries are the lead's: billing:statements and billing:close.)
    si.goto(f"{base}/billing/statements/")
    si.get_by_role("link", name="月结", exact=True).click()
    si.wait_for_url(re.compile(r"/billing/close/$"))
    si.get_by_label("所属期").fill("2026-11")
    si.get_by_test_id("start-close").click()
    si.get_by_test_id("run-status").filter(has_text="已完成").wait_for()
    row = si.get_by_test_id("run-row").first.inner_text()
    assert "2026-11" in row and "2 / 2" in row
    # A second run of the same month starts afresh (the field defaults to this month again).
    si.get_by_label("所属期").fill("2026-11")
    si.get_by_test_id("start-close").click()
    si.get_by_test_id("run-row").nth(1).wait_for()

    # Client A's HR finds the statement and disputes it.
    hr = _page(browser)
    login(hr, base, cast.hr_a)
    hr.goto(f"{base}/billing/statements/")
    listing = hr.get_by_test_id("statement-list").inner_text()
    assert "¥10,300.59" in listing and CANARY_CLIENT_B not in hr.content()
    hr.get_by_test_id("statement-link").first.click()
    assert CANARY_CLIENT_A in hr.get_by_test_id("statement-client").inner_text()
    assert hr.get_by_test_id("statement-total").inner_text().strip() == "¥10,300.59"
    assert CANARY_PERSON_A in hr.get_by_test_id("statement-lines").inner_text()
    hr.get_by_label("异议说明").fill("李甲二的公积金基数应为 3,000 元，请核对")
    hr.get_by_test_id("dispute-statement").click()
    hr.get_by_test_id("dispute-reason").wait_for()
    assert "李甲二的公积金基数应为 3,000 元" in hr.get_by_test_id("dispute-reason").inner_text()
    statement = Statement.objects.get(client=cast.client_a)
    assert statement.status == Statement.Status.DISPUTED
    deadline = Deadline.objects.get(kind="billing.statement_dispute")
    assert deadline.owner_id == specialist.pk

    # The specialist sees the dispute in the to-do list and records the outcome.
    si.goto(f"{base}/todo/")
    si.get_by_text(f"处理费用异议 {statement.number}").first.click()
    si.wait_for_url(re.compile(rf"/billing/statements/{statement.pk}/$"))
    si.get_by_label("处理说明").fill("已核对：公积金基数下限 2,500 元，3,000 元无误，已电话说明")
    si.get_by_test_id("resolve-dispute").click()
    si.get_by_text("已登记处理结果").wait_for()

    # The HR user reads the answer and confirms.
    hr.reload()
    history = hr.get_by_test_id("statement-history").inner_text()
    assert "已电话说明" in history
    hr.get_by_test_id("confirm-statement").click()
    hr.get_by_test_id("confirmed-note").wait_for()
    assert "客户已确认" in hr.get_by_test_id("statement-status").first.inner_text()
    assert Statement.objects.get(pk=statement.pk).status == Statement.Status.CONFIRMED
    assert Deadline.objects.get(pk=deadline.pk).status == Deadline.Status.MET
    for page in (si, hr):
        page.context.close()
