"""The month's agent assessment in a real Chromium (R-WFM-2): the supervisor computes November
from the desk's QA scores and ratings, enters the utilisation, confirms the month; the payroll
specialist writes the coefficients into payroll."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import Cast
from tests.test_browser import browser, live_cast, login, page  # noqa: F401

pytestmark = pytest.mark.browser


def test_it_computes_confirms_and_applies_the_month(
    page: Any,  # noqa: F811
    live_server: Any,
    live_cast: Cast,  # noqa: F811
) -> None:
    from hragency.agents.models import AgentProfile, MonthlyAssessment
    from hragency.payroll.models import Attendance
    from tests.payroll_support import make_payroll_specialist, prepare_hand_checked
    from tests.test_agents import desk_month, events

    person, _items = prepare_hand_checked(live_cast, live_cast.person_a2)
    rep = AgentProfile.objects.create(
        user=live_cast.rep_a,
        team=live_cast.department,
        hire_date=dt.date(2025, 3, 1),
        person=person,
    )
    AgentProfile.objects.create(
        user=live_cast.supervisor,
        team=live_cast.department,
        hire_date=dt.date(2024, 1, 2),
        position=AgentProfile.Position.MANAGER,
    )
    desk_month(live_cast)
    events(live_cast, rep)
    payroll = make_payroll_specialist(live_cast)
    base = live_server.url

    login(page, base, live_cast.supervisor)
    page.goto(f"{base}/agents/assessments/?month=2026-11")
    page.get_by_test_id("compute").click()
    row = page.locator("tr[data-agent='陈晓']")
    row.wait_for()
    assert "87.50" in row.inner_text()  # QA samples 90 and 85
    assert "90.00" in row.inner_text()  # ratings 5 and 4 → 4.5 × 20

    # No telephony data: the supervisor enters the utilisation on the agent's sheet.
    row.get_by_role("link", name="陈晓").click()
    page.get_by_label("工时利用率").fill("76")
    page.get_by_test_id("save-scores").click()
    page.get_by_test_id("total").get_by_text("85.80").wait_for()
    assert page.get_by_test_id("grade").inner_text() == "B"

    page.get_by_role("link", name="返回考核表").click()
    page.get_by_test_id("confirm-month").click()
    page.get_by_text("2026-11 已确认 1 人").wait_for()

    # The payroll specialist writes the coefficient into November's attendance.
    page.context.clear_cookies()
    login(page, base, payroll)
    page.goto(f"{base}/agents/assessments/?month=2026-11")
    page.get_by_test_id("apply-month").click()
    page.get_by_text("2026-11 已计入工资 1 人").wait_for()
    assert "已计入工资" in page.locator("tr[data-agent='陈晓']").inner_text()
    assessment = MonthlyAssessment.objects.get(agent=rep, month="2026-11")
    assert (assessment.status, assessment.coefficient) == ("applied", Decimal("1.0000"))
    attendance = Attendance.objects.get(person=person, period=dt.date(2026, 11, 1))
    assert attendance.performance_coefficient == Decimal("1.0000")
