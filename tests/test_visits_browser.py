"""Return visits in a real Chromium: rep A completes a visit from the list, client A's HR fills
the quarter's survey in the portal, the supervisor opens the quarterly report."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hragency.visits.models import SurveyResponse, VisitTask
from hragency.visits.planning import plan_visits
from tests.conftest import CANARY_CLIENT_A, CANARY_CLIENT_B, Cast
from tests.test_browser import SCREENSHOTS, TIMEOUT_MS, browser, live_cast, login  # noqa: F401
from tests.test_visits_support import grant_visit_roles, in_service

pytestmark = pytest.mark.browser


def _page(browser: Any) -> Any:  # noqa: F811
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def test_it_completes_a_visit_and_answers_the_survey(
    browser: Any,  # noqa: F811
    live_server: Any,
    live_cast: Cast,  # noqa: F811
) -> None:
    cast = live_cast
    base = live_server.url
    grant_visit_roles()
    in_service(cast.client_a, dt.date(2026, 1, 10))
    in_service(cast.client_b, dt.date(2026, 1, 10))
    plan_visits(today=dt.date(2026, 11, 1))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    rep = _page(browser)
    login(rep, base, cast.rep_a)
    rep.goto(f"{base}/visits/?view=mine")
    table = rep.get_by_test_id("visit-list")
    assert CANARY_CLIENT_B not in table.inner_text()
    rep.get_by_role("link", name=CANARY_CLIENT_A).first.click()
    rep.get_by_label("回访方式").select_option(label="上门")
    rep.get_by_label("回访记录").fill("上门拜访人事经理，确认12月增员计划。")
    rep.get_by_label("客户提出的问题").fill("希望提前告知基数调整时间")
    rep.get_by_role("button", name="完成回访").click()
    rep.wait_for_load_state()
    assert "回访已完成" in rep.content()
    assert rep.get_by_test_id("visit-status").inner_text() == "已完成"
    rep.screenshot(path=str(SCREENSHOTS / "visits-task-done.png"), full_page=True)

    hr = _page(browser)
    login(hr, base, cast.hr_a)
    hr.goto(f"{base}/visits/survey/")
    for field, score in (
        ("服务效率", 5),
        ("专业能力", 4),
        ("沟通体验", 5),
        ("准确性", 4),
        ("总体满意度", 5),
    ):
        hr.get_by_label(f"{field} {score} 分").check()
    hr.get_by_label("建议").fill("希望增加线上进度查询")
    hr.screenshot(path=str(SCREENSHOTS / "visits-survey-form.png"), full_page=True)
    hr.get_by_role("button", name="提交").click()
    hr.wait_for_load_state()
    assert "感谢您的评价" in hr.content()
    answer = SurveyResponse.objects.get(client=cast.client_a)
    assert (answer.overall, answer.channel) == (5, "portal")
    assert VisitTask.objects.get(client=cast.client_a, kind="survey").status == "done"

    boss = _page(browser)
    login(boss, base, cast.supervisor)
    boss.goto(f"{base}/visits/report/")
    assert "达标" in boss.get_by_test_id("report-headline").inner_text()
    boss.screenshot(path=str(SCREENSHOTS / "visits-report.png"), full_page=True)
