"""The client workflow in a real Chromium: sales creates the client and the 服务需求表, the info
officer records the first review, the general manager approves, sales signs the agreement,
the hand-over checklist is worked, and the timeline shows it all; client HR sees their own
company read-only."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from hragency.accounts.roles import Role
from tests.conftest import CANARY_CLIENT_A, PASSWORD, Cast
from tests.test_browser import SCREENSHOTS, browser, live_cast, login, page  # noqa: F401
from tests.test_clients_support import GOOD_CODE

pytestmark = pytest.mark.browser


@pytest.fixture
def open_as(browser: Any, live_server: Any) -> Any:  # noqa: F811
    contexts: list[Any] = []

    def open_page(user: Any) -> Any:
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        pg = context.new_page()
        login(pg, live_server.url, user)
        return pg

    yield open_page
    for context in contexts:
        context.close()


def test_it_walks_a_client_from_first_contact_to_handover(
    live_server: Any,
    live_cast: Cast,  # noqa: F811
    open_as: Callable[[Any], Any],
) -> None:
    from hragency.accounts.services import create_user

    def user(name: str, role: Role) -> Any:
        return create_user(
            username=name, password=PASSWORD, roles=[role], department=live_cast.department
        )

    sales, reviewer, gm = (
        user("sales_b", Role.SALES),
        user("reviewer_b", Role.INFO_REVIEWER),
        user("gm_b", Role.GENERAL_MANAGER),
    )
    base = live_server.url

    # 1. Sales creates the client; a wrong credit code is named beside its field.
    pg = open_as(sales)
    pg.goto(f"{base}/clients/new/")
    pg.get_by_label("客户名称").fill("丙方制造有限公司")
    pg.get_by_label("统一社会信用代码").fill("91350100M000100Y44")
    pg.get_by_role("button", name="保存", exact=True).click()
    assert "校验位错误" in pg.get_by_test_id("error-credit_code").inner_text()
    pg.get_by_label("统一社会信用代码").fill(GOOD_CODE)
    pg.get_by_label("服务城市").fill("上海、苏州")
    pg.get_by_role("button", name="保存", exact=True).click()
    pg.wait_for_url(re.compile(r"/clients/\d+/$"))
    client_url = pg.url
    assert "丙方制造有限公司" in pg.locator("h1").inner_text()
    assert "待审核" in pg.get_by_test_id("client-tags").inner_text()

    # 2. The 服务需求表, completed at once.
    pg.get_by_role("link", name="服务需求表").click()
    contact = timezone.localtime(timezone.now() - dt.timedelta(hours=1))
    pg.get_by_label("首次接触时间").fill(f"{contact:%Y-%m-%dT%H:%M}")
    pg.get_by_label("委托服务人数").fill("80")
    pg.get_by_label("参保城市").fill("上海")
    pg.get_by_label("社保公积金代理", exact=True).check()
    pg.get_by_role("button", name="保存并确认完成").click()
    assert "已完成" in pg.get_by_test_id("intakes").inner_text()
    assert "按时完成" in pg.get_by_test_id("intakes").inner_text()

    # 3. The info officer's first review.
    pg = open_as(reviewer)
    pg.goto(client_url + "review/")
    pg.get_by_label("已查看营业执照等重要证明资料原件").check()
    pg.get_by_label("国家企业信用信息公示系统结果").select_option(label="信息一致")
    pg.get_by_label("国家企业信用信息公示系统记录").fill("存续，登记信息一致")
    pg.get_by_label("初审结论").select_option(label="初审通过")
    pg.get_by_role("button", name="提交初审").click()
    assert "待总经理复审" in pg.get_by_test_id("review-status").inner_text()

    # 4. The general manager approves.
    pg = open_as(gm)
    pg.goto(client_url + "review/")
    pg.get_by_label("复审意见").select_option(label="同意")
    pg.get_by_role("button", name="提交复审").click()
    assert "复审通过" in pg.get_by_test_id("review-status").inner_text()

    # 5. Sales drafts and signs the agreement.
    pg = open_as(sales)
    pg.goto(client_url + "agreements/")
    pg.get_by_role("link", name="起草协议").click()
    today = timezone.localdate()
    pg.get_by_label("协议类型").select_option(label="社保代理协议")
    pg.get_by_label("社保公积金代理", exact=True).check()
    pg.get_by_label("开始日期").fill(today.isoformat())
    pg.get_by_label("结束日期").fill((today + dt.timedelta(days=364)).isoformat())
    pg.get_by_label("收费方式").select_option(label="按人按月")
    pg.get_by_label("服务费（元/人/月）").fill("80.00")
    pg.get_by_role("button", name="保存", exact=True).click()
    pg.wait_for_url(re.compile(r"/clients/agreements/\d+/$"))
    pg.get_by_role("button", name="签订协议").click()
    assert pg.get_by_test_id("agreement-status").inner_text() == "生效中"
    assert "服务中" in pg.get_by_test_id("client-status").inner_text()

    # 6. The hand-over checklist: the first item received and checked.
    pg = open_as(gm)
    pg.goto(client_url + "handover/")
    assert pg.get_by_test_id("handover-progress").inner_text() == "0 / 6"
    row = pg.get_by_test_id("handover-item-1")
    row.get_by_role("checkbox").check()
    row.get_by_role("combobox").select_option(label="真实、合规")
    row.get_by_role("button", name="保存").click()
    assert pg.get_by_test_id("handover-progress").inner_text() == "1 / 6"
    assert "进行中" in pg.get_by_test_id("handover-deadline").inner_text()

    # 7. The timeline shows every step.
    pg.get_by_role("link", name="服务记录").click()
    feed = pg.get_by_test_id("timeline").inner_text()
    for label in (
        "建立客户档案",
        "《服务需求表》完成",
        "信息初审",
        "总经理复审",
        "签订服务协议",
        "资料交接：登记收到/审核",
    ):
        assert label in feed, label
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SCREENSHOTS / "client_timeline.png"), full_page=True)


def test_it_shows_client_hr_their_company_read_only(
    live_server: Any,
    live_cast: Cast,  # noqa: F811
    open_as: Callable[[Any], Any],
) -> None:
    pg = open_as(live_cast.hr_a)
    pg.get_by_role("link", name="我的企业").click()
    assert CANARY_CLIENT_A in pg.locator("h1").inner_text()
    tabs = pg.get_by_test_id("client-tabs").inner_text()
    assert "服务协议" in tabs and "资料交接" in tabs and "服务记录" in tabs
    assert "信息审核" not in tabs and "服务需求表" not in tabs
    assert pg.get_by_role("link", name="修改").count() == 0
    assert pg.get_by_role("link", name="添加联系人").count() == 0
    pg.get_by_role("link", name="服务协议").click()
    assert pg.get_by_role("link", name="起草协议").count() == 0
    pg.goto(f"{live_server.url}/clients/{live_cast.client_b.pk}/")
    assert pg.locator("h1").count() == 0 or "CANARYCLIENTB" not in pg.content()
