"""Recruitment in a real Chromium: the client's HR submits a requisition on the portal, the
recruiter records the contact (2 h deadline met) and shortlists a candidate (24 h deadline met),
and the HR sees the shortlist with the phone masked, schedules the interview and passes it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Cast
from tests.test_browser import TIMEOUT_MS, browser, live_cast, login, page  # noqa: F401

pytestmark = pytest.mark.browser


def _page(browser: Any) -> Any:  # noqa: F811
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def test_it_takes_a_requisition_to_a_passed_client_interview(
    browser: Any,  # noqa: F811
    page: Any,  # noqa: F811
    live_server: Any,
    live_cast: Cast,  # noqa: F811
) -> None:
    from hragency.core.models import Deadline
    from hragency.recruitment import pipeline, services
    from hragency.recruitment.models import Application, Requisition
    from tests.sweep_recruitment import recruiter

    user = recruiter(live_cast)
    base = live_server.url

    # The client's HR submits the need on the portal.
    login(page, base, live_cast.hr_a)
    page.goto(f"{base}/recruitment/portal/")
    form = page.get_by_test_id("portal-requisition-form")
    form.get_by_label("岗位").fill("财务助理")
    form.get_by_label("招聘人数").fill("1")
    form.get_by_label("薪资下限（元/月）").fill("7000")
    form.get_by_label("薪资上限（元/月）").fill("9000")
    form.get_by_label("工作地点").fill("上海浦东")
    form.get_by_label("任职要求").fill("会计专业，熟悉用友")
    form.get_by_role("button", name="提交需求").click()
    page.get_by_test_id("requisition-deadlines").wait_for()
    req = Requisition.objects.get(position="财务助理")
    assert "2小时内联系客户确认需求" in page.get_by_test_id("requisition-deadlines").inner_text()

    # The recruiter calls the client back and records it: the 2 h deadline is met.
    staff = _page(browser)
    login(staff, base, user)
    staff.goto(f"{base}/recruitment/")
    staff.get_by_test_id("requisition-board").get_by_role("link", name=req.number).click()
    contact = staff.get_by_test_id("contact-form")
    contact.get_by_label("需求确认记录（岗位需求、薪资范围、任职要求）").fill(
        "已电话确认：需持初级会计证，月底前到岗"
    )
    contact.get_by_role("button", name="记录联系客户").click()
    staff.get_by_test_id("contact-record").wait_for()
    assert Deadline.objects.get(kind="recruitment.contact").status == "met"

    # JD, plan, channel and a sourced candidate (the screens for these are the same kind).
    services.save_jd(actor=user, requisition=req, jd="负责凭证录入与报销审核")
    services.save_plan(
        actor=user,
        requisition=req,
        plan_start="2026-12-08",
        plan_end="2026-12-31",
        plan_note="网站",
    )
    services.add_channel(actor=user, requisition=req, name="招聘网站", cost="600")
    app = pipeline.add_candidate(
        actor=user, requisition=req, name="沈候选", phone="13912345678", source="招聘网站"
    )

    # The recruiter screens and shortlists: the 24 h deadline is met, the client is told.
    staff.reload()
    card = staff.get_by_test_id(f"application-{app.pk}")
    card.get_by_text("推荐给客户").click()
    card.get_by_label("推荐理由").fill("两年出纳经验，持初级会计证")
    card.get_by_role("button", name="推荐").click()
    staff.locator("[data-column=shortlisted]").get_by_text("沈候选").wait_for()
    assert Deadline.objects.get(kind="recruitment.shortlist").status == "met"
    staff.context.close()

    # The HR sees the shortlist, phone masked, schedules the interview and passes it.
    page.goto(f"{base}/recruitment/portal/{req.pk}/")
    row = page.get_by_test_id(f"shortlist-{app.pk}")
    assert "139****5678" in row.inner_text()
    assert "13912345678" not in page.content()
    row.get_by_text("安排面试").click()
    row.get_by_label("面试时间").fill("2026-12-10T10:00")
    row.get_by_label("地点").fill("公司会议室")
    row.get_by_label("面试官").fill("财务经理")
    row.get_by_role("button", name="安排").click()
    row = page.get_by_test_id(f"shortlist-{app.pk}")
    row.get_by_text("面试反馈").click()
    row.get_by_label("面试结果").select_option("pass")
    row.get_by_label("反馈意见").fill("专业扎实，同意录用")
    row.get_by_role("button", name="提交反馈").click()
    page.get_by_test_id(f"shortlist-{app.pk}").get_by_role("button", name="确认录用").wait_for()
    app.refresh_from_db()
    assert (app.stage, app.interview_result, app.client_feedback) == (
        Application.Stage.CLIENT_INTERVIEW,
        "pass",
        "专业扎实，同意录用",
    )
