"""增减员 in a real Chromium: a client's HR submits an add order (after fixing a field error),
the SI specialist processes it from the work queue, and the HR user sees it 已办理."""

from __future__ import annotations

import re
from typing import Any

import pytest

from hragency.insurance import services
from hragency.insurance.models import Enrollment, Order
from tests.si_support import CITY, make_specialist, make_test_city
from tests.test_browser import browser, live_cast, login, page  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def test_it_hr_submits_an_add_order_and_the_specialist_processes_it_from_the_queue(
    page: Any,  # noqa: F811
    live_server: Any,
    live_cast: Any,  # noqa: F811
) -> None:
    make_test_city()
    specialist = make_specialist(live_cast)
    person = live_cast.person_a
    base = live_server.url

    login(page, base, live_cast.hr_a)
    page.goto(f"{base}/insurance/orders/")
    page.get_by_role("link", name="新建增减员").click()
    page.wait_for_url(re.compile(r"/insurance/orders/new/$"))
    assert page.get_by_label("生效月份").input_value() == str(services.earliest_open_period())
    page.get_by_role("combobox", name=re.compile(r"^人员")).select_option(str(person.pk))
    page.get_by_label("参保城市").select_option(CITY)
    page.get_by_role("button", name="提交").click()
    error = page.get_by_test_id("error-wage")
    error.wait_for()
    assert "增员必须填写申报工资" in error.inner_text()
    assert not Order.objects.exists()

    page.get_by_label("申报工资（元）", exact=True).fill("8,800.00")
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(re.compile(r"/insurance/orders/\d+/$"))
    order = Order.objects.get()
    assert page.get_by_test_id("order-status").inner_text() == "待办理"
    assert order.number in page.locator("h1").inner_text()
    hr_url = page.url

    context = page.context.browser.new_context(locale="zh-CN")
    other = context.new_page()
    try:
        login(other, base, specialist)
        other.goto(f"{base}/insurance/queue/")
        row = other.get_by_test_id(f"queue-row-{order.number}")
        assert person.name in row.inner_text()
        other.get_by_label(f"选择 {order.number}").check()
        other.get_by_role("button", name="批量办理").click()
        other.wait_for_load_state()
        assert other.get_by_text("已办理 1 单").is_visible()
        assert other.get_by_test_id(f"queue-row-{order.number}").count() == 0
    finally:
        context.close()

    page.goto(hr_url)
    assert page.get_by_test_id("order-status").inner_text() == "已办理"
    enrollment = Enrollment.objects.get(person=person)
    assert enrollment.start_month == services.earliest_open_period().first_day
