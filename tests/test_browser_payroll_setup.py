"""Payroll set-up in a real Chromium: the payroll specialist creates client A's default items,
adds an allowance, sets the pay day, gives person A a salary and records overtime beyond the
legal limit (accepted with a warning); employee A declares a deduction from the portal, is told
why a wrong amount is refused, and declares the right one."""

from __future__ import annotations

import re
from typing import Any

import pytest

from hragency.payroll.models import PayrollSettings, PersonSalary, SpecialDeduction
from tests.conftest import CANARY_CLIENT_A, CANARY_CLIENT_B, Cast
from tests.payroll_support import make_payroll_specialist
from tests.test_browser import TIMEOUT_MS, browser, live_cast, login  # noqa: F401

pytestmark = pytest.mark.browser


def _page(browser: Any) -> Any:  # noqa: F811
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def test_it_sets_up_a_clients_payroll_and_an_employee_declares(
    browser: Any,  # noqa: F811
    live_server: Any,
    live_cast: Cast,  # noqa: F811
) -> None:
    cast = live_cast
    base = live_server.url
    specialist = make_payroll_specialist(cast)

    page = _page(browser)
    login(page, base, specialist)
    # (The menu entry 薪酬 › 工资项目 is the lead's: payroll:setup_home.)
    page.goto(f"{base}/payroll/setup/")
    assert CANARY_CLIENT_B in page.get_by_test_id("setup-clients").inner_text()
    page.get_by_role("link", name=CANARY_CLIENT_A).click()
    page.get_by_test_id("create-defaults").click()
    items = page.get_by_test_id("salary-items")
    assert "全年一次性奖金" in items.inner_text() and "餐费补贴" in items.inner_text()

    form = page.get_by_test_id("item-form")
    form.get_by_label("代码").fill("gaowen")
    form.get_by_label("名称").fill("高温津贴")
    form.get_by_label("类别").select_option(label="应发项")
    form.get_by_label("取数方式").select_option(label="每月录入/导入")
    form.get_by_label("计入日薪基数（加班费、缺勤扣款按 基数÷21.75 计算）").check()
    form.get_by_role("button", name="添加").click()
    assert page.get_by_test_id("item-error").inner_text() == "请修改标红的字段后重新提交"
    assert "只有按人员定薪的应发项可以计入日薪基数" in page.content()
    form = page.get_by_test_id("item-form")
    form.get_by_label("计入日薪基数（加班费、缺勤扣款按 基数÷21.75 计算）").uncheck()
    form.get_by_role("button", name="添加").click()
    page.get_by_text("已添加工资项目「高温津贴」").wait_for()

    settings = page.get_by_test_id("settings-form")
    settings.get_by_label("发薪日（每月几日）").fill("10")
    settings.get_by_label("病假工资比例（%）").fill("80")
    settings.get_by_role("button", name="保存发薪设置").click()
    page.get_by_text("发薪设置已保存").wait_for()
    row = PayrollSettings.objects.get(client=cast.client_a)
    assert (row.pay_day, row.sick_leave_paid_ppm) == (10, 800_000)

    # Person A's payroll page: a base salary, then November's attendance.
    page.goto(f"{base}/payroll/setup/people/{cast.person_a.pk}/?month=2026-11")
    salary = page.get_by_test_id("salary-form")
    salary.get_by_label("工资项目").select_option(label="基本工资")
    salary.get_by_label("每月金额（元）").fill("12,000")
    salary.get_by_label("生效月份").fill("2026-01")
    salary.get_by_role("button", name="保存定薪").click()
    page.wait_for_url(re.compile(r"/payroll/setup/people/\d+/$"))
    assert page.get_by_test_id("salary-current-base").inner_text() == "¥12,000.00"
    assert PersonSalary.objects.get(person=cast.person_a).amount_fen == 1_200_000

    page.goto(f"{base}/payroll/setup/people/{cast.person_a.pk}/?month=2026-11")
    attendance = page.get_by_test_id("attendance-form")
    attendance.get_by_label("工作日加班小时").fill("30")
    attendance.get_by_label("休息日加班小时").fill("8")
    attendance.get_by_role("button", name="保存考勤与绩效").click()
    warning = "加班合计 38.00 小时，超过《劳动法》第四十一条规定的每月 36 小时上限"
    page.get_by_text(warning).wait_for()
    assert page.get_by_label("休息日加班小时").input_value() == "8"

    # Employee A declares from the portal.
    me = _page(browser)
    login(me, base, cast.employee_a)
    me.goto(f"{base}/payroll/setup/my/deductions/")
    declare = me.get_by_test_id("deduction-form")
    declare.get_by_label("扣除项目").select_option(label="住房租金")
    declare.get_by_label("每月金额（元）").fill("1200")
    declare.get_by_label("起始月份").fill("2026-11")
    declare.get_by_role("button", name="提交申报").click()
    assert "住房租金按城市每月扣除 1,500.00 元" in me.content()
    declare = me.get_by_test_id("deduction-form")
    declare.get_by_label("每月金额（元）").fill("1500")
    declare.get_by_role("button", name="提交申报").click()
    me.get_by_text("已申报：住房租金，自 2026-11 起").wait_for()
    assert "员工申报" in me.get_by_test_id("deductions").inner_text()
    assert SpecialDeduction.objects.get(person=cast.person_a).amount_fen == 150_000
