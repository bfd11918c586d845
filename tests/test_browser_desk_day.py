"""A rep's day in a real Chromium (issue 6): a client calls, the rep finds the answer in the
knowledge base, opens a ticket, transfers it to the SI specialist, who resolves it; the client
rates it 2 from the link in the result e-mail and the supervisor follows up."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import PASSWORD, Cast
from tests.test_browser import browser, live_cast, login, page  # noqa: F401

pytestmark = pytest.mark.browser


def _specialist(cast: Cast) -> Any:
    from hragency.accounts.models import Department
    from hragency.accounts.roles import Role
    from hragency.accounts.services import assign_client, create_user

    team = Department.objects.create(name="社保服务组")
    user = create_user(
        username="si_guo",
        password=PASSWORD,
        display_name="郭社保",
        roles=[Role.SI_SPECIALIST],
        department=team,
    )
    assign_client(client_id=cast.client_a.pk, user=user)
    return user


def test_it_walks_through_a_reps_day(
    page: Any,  # noqa: F811
    live_server: Any,
    live_cast: Cast,  # noqa: F811
    smtp_server: Any,
) -> None:
    from hragency.servicedesk.models import FollowUp, Ticket
    from tests.desk_care_support import huey_now
    from tests.kb_support import make_kb_admin, seed

    seed(live_cast, make_kb_admin(live_cast))
    specialist = _specialist(live_cast)
    live_cast.hr_a.email = "hr_a@client-a.cn"
    live_cast.hr_a.save()
    base = live_server.url

    # The call: the client's HR asks what is needed to add a new hire to social insurance.
    login(page, base, live_cast.rep_a)
    page.goto(f"{base}/kb/")
    page.get_by_label("搜索知识库").fill("社保增员要什么材料")
    page.get_by_role("button", name="搜索").click()
    hits = page.get_by_test_id("kb-hits")
    hits.get_by_role("link").first.wait_for()
    assert "增员" in hits.get_by_role("link").first.inner_text()

    # The answer needs the specialist's check of this client's case: a ticket.
    page.goto(f"{base}/desk/new/")
    page.get_by_label("客户").select_option(str(live_cast.client_a.pk))
    page.get_by_label("标题").fill("新员工社保增员材料")
    page.get_by_label("问题描述").fill(
        "下周一入职三名员工，社保增员需要哪些材料？其中一人外地户籍。"
    )
    page.get_by_role("button", name="登记").click()
    page.get_by_test_id("ticket-status").wait_for()
    ticket = Ticket.objects.get()
    assert page.get_by_test_id("first-owner").inner_text().startswith("陈晓")
    page.get_by_test_id("kb-panel").get_by_text("复制答案").first.wait_for()

    # Transfer to the SI specialist; the rep stays the first owner.
    actions = page.get_by_test_id("ticket-actions")
    transfer = actions.locator("form[action$='/transfer/']")
    transfer.locator("select[name=to_user]").select_option(str(specialist.pk))
    transfer.locator("input[name=reason]").fill("外地户籍材料请社保专员确认")
    transfer.get_by_role("button", name="转办").click()
    page.get_by_test_id("handler").get_by_text("郭社保").wait_for()
    ticket.refresh_from_db()
    assert ticket.handler == specialist and ticket.first_owner == live_cast.rep_a

    # The specialist resolves it; the client is sent the result with the rating link (the
    # e-mail task runs at once, as a worker would run it).
    page.context.clear_cookies()
    login(page, base, specialist)
    page.goto(f"{base}/desk/tickets/{ticket.pk}/")
    page.get_by_label("解决方案").fill(
        "身份证、劳动合同、外地户籍另需户口本首页复印件；已发送清单。"
    )
    with huey_now():
        page.get_by_role("button", name="标记为已解决").click()
        page.wait_for_function(
            "document.querySelector('[data-testid=ticket-status]').innerText === '已解决'"
        )
    ticket.refresh_from_db()
    link = f"/desk/care/rate/{ticket.feedback_token}/"

    # The client rates it 2 from the link, without logging in.
    page.context.clear_cookies()
    page.goto(f"{base}{link}")
    page.get_by_label(re.compile(r"^2 ")).check()
    page.get_by_label("意见或建议（选填）").fill("答复太慢")
    page.get_by_role("button", name="提交评价").click()
    page.get_by_test_id("rated").wait_for()
    follow_up = FollowUp.objects.get(ticket=ticket)
    assert follow_up.owner == live_cast.supervisor

    # The supervisor follows up: a new plan, then the second visit.
    login(page, base, live_cast.supervisor)
    page.goto(f"{base}/desk/care/followups/{follow_up.pk}/")
    page.get_by_label("调整方案").fill("社保专员当天电话核对材料，并提供书面清单")
    page.get_by_role("button", name="保存调整方案").click()
    page.wait_for_function(
        "document.querySelector('[data-testid=followup-status]').innerText === '已制定方案'"
    )
    page.get_by_label("二次回访记录").fill("客户确认材料已备齐")
    page.get_by_label("二次回访满意度").select_option("4")
    page.get_by_role("button", name="记录二次回访").click()
    page.wait_for_function(
        "document.querySelector('[data-testid=followup-status]').innerText === '已二次回访'"
    )
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED and ticket.satisfaction == 2
    # The result e-mail went to the client's HR with the same link.
    mail = [m for m in smtp_server.messages if m["To"] == "hr_a@client-a.cn"]
    assert len(mail) == 1 and ticket.number in mail[0]["Subject"]
    assert link in mail[0].get_content()
