"""A month's payroll round trip in a real Chromium: the payroll specialist calculates client A's
November payroll from the screen and submits it, client A's HR approves it, the specialist
pays it, and the employee opens the payslip in the portal (figures of
tests/payroll_support.prepare_hand_checked: net 13,494.37, tax 185.39)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from hragency.payroll.models import PayrollRun
from tests.conftest import CANARY_CLIENT_B, Cast
from tests.payroll_support import make_payroll_specialist, prepare_hand_checked
from tests.test_browser import TIMEOUT_MS, browser, live_cast, login  # noqa: F401

pytestmark = pytest.mark.browser


def _page(browser: Any) -> Any:  # noqa: F811
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def test_it_runs_a_month_from_calculation_to_payslip(
    browser: Any,  # noqa: F811
    live_server: Any,
    live_cast: Cast,  # noqa: F811
) -> None:
    cast = live_cast
    base = live_server.url
    prepare_hand_checked(cast, cast.person_a)
    specialist = make_payroll_specialist(cast)

    pay = _page(browser)
    login(pay, base, specialist)
    pay.goto(f"{base}/payroll/runs/")
    pay.get_by_label("客户").select_option(label=cast.client_a.name)
    pay.get_by_label("所属月份", exact=True).first.fill("2026-11")
    pay.get_by_role("button", name="计算工资").click()
    pay.wait_for_url(re.compile(r"/payroll/runs/\d+/$"))
    assert pay.get_by_test_id("run-net").inner_text() == "¥13,494.37"
    lines = pay.get_by_test_id("run-lines").inner_text()
    assert "¥185.39" in lines and "¥1,034.48" in lines
    pay.get_by_test_id("submit-run").click()
    pay.get_by_test_id("run-status").filter(has_text="待审核").wait_for()
    assert pay.get_by_test_id("approve-run").count() == 0  # not the specialist's to approve

    hr = _page(browser)
    login(hr, base, cast.hr_a)
    hr.goto(f"{base}/payroll/runs/")
    assert CANARY_CLIENT_B not in hr.content()
    hr.get_by_test_id("run-link").first.click()
    hr.get_by_test_id("approve-run").click()
    hr.get_by_test_id("run-status").filter(has_text="已审核").wait_for()

    pay.reload()
    pay.get_by_test_id("pay-run").click()
    pay.get_by_test_id("run-status").filter(has_text="已发放").wait_for()
    assert PayrollRun.objects.get(client=cast.client_a).status == PayrollRun.Status.PAID

    me = _page(browser)
    login(me, base, cast.employee_a)
    me.get_by_role("link", name="我的工资条").click()
    me.get_by_test_id("payslip-list").get_by_role("link").first.click()
    assert me.get_by_test_id("payslip-net").inner_text() == "¥13,494.37"
    assert "¥185.39" in me.get_by_test_id("payslip-summary").inner_text()
