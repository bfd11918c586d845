"""我的工资条 in a real Chromium: the employee of client A logs in, finds October's payslip,
opens it and sees the net pay and the year-to-date tax figures with the ID masked; the payroll
specialist opens the run's payslips and sees who is left out of the bank file."""

from __future__ import annotations

from typing import Any

import pytest

from hragency.employees.models import InsuredPerson
from tests.conftest import CANARY_PERSON_A, CANARY_PERSON_A2, Cast
from tests.payroll_support import make_payroll_specialist, make_run
from tests.test_browser import MASKED_ID, SCREENSHOTS, browser, live_cast, login, page  # noqa: F401

pytestmark = pytest.mark.browser


def test_it_shows_an_employee_their_payslip(
    page: Any,  # noqa: F811
    live_server: Any,
    live_cast: Cast,  # noqa: F811
) -> None:
    cast = live_cast
    run = make_run(cast.client_a, [cast.person_a, cast.person_a2])
    login(page, live_server.url, cast.employee_a)
    page.goto(f"{live_server.url}/payroll/payslips/")
    rows = page.get_by_test_id("payslip-row")
    assert rows.count() == 1
    assert "¥10,404.70" in rows.first.inner_text()
    page.get_by_test_id("payslip-link").first.click()
    page.wait_for_load_state()
    assert page.get_by_test_id("payslip-net").inner_text().strip() == "¥10,404.70"
    assert page.get_by_test_id("payslip-name").inner_text().strip() == CANARY_PERSON_A
    assert MASKED_ID.match(page.get_by_test_id("payslip-id").inner_text().strip())
    ytd = page.get_by_test_id("payslip-ytd").inner_text()
    assert "累计已预扣税额" in ytd and "¥105.30" in ytd
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "payroll-payslip.png"), full_page=True)
    assert CANARY_PERSON_A2 not in page.content()

    # The specialist's view of the run: every payslip, and the bank file's left-out list.
    InsuredPerson.objects.filter(pk=cast.person_a2.pk).update(bank_account="")
    specialist = make_payroll_specialist(cast)
    other = page.context.browser.new_context(locale="zh-CN")
    staff = other.new_page()
    login(staff, live_server.url, specialist)
    staff.goto(f"{live_server.url}/payroll/runs/{run.pk}/payslips/")
    assert staff.get_by_test_id("run-payslip-row").count() == 2
    staff.goto(f"{live_server.url}/payroll/runs/{run.pk}/bank/?format=ccb")
    left_out = staff.get_by_test_id("bank-left-out").inner_text()
    assert CANARY_PERSON_A2 in left_out and "未登记银行账号" in left_out
    assert staff.get_by_test_id("bank-total").inner_text().strip() == "¥10,404.70"
    staff.screenshot(path=str(SCREENSHOTS / "payroll-bank.png"), full_page=True)
    other.close()
