"""Agent assessment into payroll (R-WFM-2 → R-PAY) and the staffing-ratio monitor (R-WFM-3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from hragency.agents import services, staffing
from hragency.agents.models import AgentProfile, MonthlyAssessment
from hragency.core.errors import ServiceError
from hragency.domain.insurance import Period
from tests.payroll_support import make_payroll_specialist, prepare_hand_checked

D = Decimal
NOV = Period(2026, 11)


def confirmed_november(cast: Any, agent: AgentProfile, grade_scores: str) -> MonthlyAssessment:
    services.compute_month(actor=cast.supervisor, month="2026-11")
    row = MonthlyAssessment.objects.get(agent=agent, month="2026-11")
    services.edit_assessment(
        actor=cast.supervisor,
        assessment=row,
        scores={
            d: grade_scores
            for d in ("quality", "skills", "discipline", "satisfaction", "utilisation", "exams")
        },
    )
    return services.confirm_assessment(actor=cast.supervisor, assessment=row)


@pytest.fixture
def linked(cast: Any) -> dict[str, Any]:
    """Rep A's own payroll record is person A2 (the hand-checked payroll set-up: performance
    standing amount 2,000.00, November attendance 1 day's leave, 10 h overtime, coefficient
    1.2); rep B has no payroll record."""
    person, items = prepare_hand_checked(cast, cast.person_a2)
    return {
        "person": person,
        "items": items,
        "specialist": make_payroll_specialist(cast),
        "rep_a": AgentProfile.objects.create(
            user=cast.rep_a, team=cast.department, hire_date=dt.date(2025, 3, 1), person=person
        ),
        "rep_b": AgentProfile.objects.create(
            user=cast.rep_b, team=cast.department, hire_date=dt.date(2025, 3, 1)
        ),
    }


def test_it_applies_the_coefficient_that_payroll_then_pays(cast, linked):
    from hragency.payroll.models import Attendance, PayrollLine
    from hragency.payroll.services import calculate_run

    # all dimensions 75 → total 75.00 → C → coefficient 0.8
    row = confirmed_november(cast, linked["rep_a"], "75")
    assert (row.total, row.grade, row.coefficient) == (D("75.00"), "C", D("0.8000"))
    confirmed_november(cast, linked["rep_b"], "95")
    result = services.apply_month(actor=linked["specialist"], month="2026-11")
    assert result.done == ["陈晓"]
    assert result.skipped == ["林悦"]  # no payroll record
    assert result.refused == []
    attendance = Attendance.objects.get(person=linked["person"], period=dt.date(2026, 11, 1))
    # the coefficient changed; the leave and overtime the client sent are kept
    assert attendance.performance_coefficient == D("0.8000")
    assert (attendance.personal_leave_days, attendance.overtime_workday_hours) == (D(1), D(10))
    row.refresh_from_db()
    assert (row.status, row.applied_by) == ("applied", linked["specialist"])
    calculate_run(actor=linked["specialist"], client=cast.client_a, period=NOV)
    line = PayrollLine.objects.get(person=linked["person"], period=NOV.first_day)
    # performance 2,000.00 × 0.8 = 1,600.00 instead of × 1.2 = 2,400.00; the gross of the
    # hand-checked month (16,382.76) is 800.00 lower
    assert line.items["perf"] == 160_000
    assert line.gross_fen == 1_638_276 - 80_000


def test_it_surfaces_the_payroll_month_lock(cast, linked):
    from hragency.payroll.models import Attendance, PayrollRun
    from hragency.payroll.services import calculate_run, submit_run

    row = confirmed_november(cast, linked["rep_a"], "95")
    calculate_run(actor=linked["specialist"], client=cast.client_a, period=NOV)
    submit_run(
        actor=linked["specialist"],
        run=PayrollRun.objects.get(client=cast.client_a, period=NOV.first_day),
    )
    with pytest.raises(ServiceError, match=r"待审核.*不能再修改该月的考勤"):
        services.apply_assessment(actor=linked["specialist"], assessment=row)
    result = services.apply_month(actor=linked["specialist"], month="2026-11")
    assert result.done == []
    [(name, reason)] = result.refused
    assert name == "陈晓" and "如需修改，请先将工资表退回" in reason
    row.refresh_from_db()
    assert row.status == "confirmed"
    attendance = Attendance.objects.get(person=linked["person"], period=dt.date(2026, 11, 1))
    assert attendance.performance_coefficient == D("1.2000")


def test_it_refuses_to_apply_a_draft_or_without_rights(cast, linked):
    services.compute_month(actor=cast.supervisor, month="2026-11")
    row = MonthlyAssessment.objects.get(agent=linked["rep_a"], month="2026-11")
    with pytest.raises(ServiceError, match="尚未确认"):
        services.apply_assessment(actor=linked["specialist"], assessment=row)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.apply_assessment(actor=cast.supervisor, assessment=row)


def test_it_applies_from_the_command_line(cast, linked, capsys):
    from hragency.payroll.models import Attendance

    services.compute_month(actor=cast.supervisor, month="2026-11")
    for row in MonthlyAssessment.objects.filter(month="2026-11"):
        services.edit_assessment(
            actor=cast.supervisor,
            assessment=row,
            scores={
                "quality": "60",
                "utilisation": "60",
                "satisfaction": "60",
                "skills": "60",
                "exams": "60",
                "discipline": "60",
            },
        )
    call_command(
        "assess-agents",
        "--month",
        "2026-11",
        "--user",
        "supervisor",
        "--confirm-as",
        "supervisor",
        "--apply-as",
        linked["specialist"].username,
    )
    out = capsys.readouterr().out
    assert "确认 2 人" in out and "计入工资 1 人" in out and "跳过（未关联工资档案）：林悦" in out
    attendance = Attendance.objects.get(person=linked["person"], period=dt.date(2026, 11, 1))
    assert attendance.performance_coefficient == D("0.6000")  # 60 → D


# --- staffing ratios ---------------------------------------------------------------------------


def add_people(client: Any, count: int, start: int = 0) -> None:
    from hragency.employees.models import InsuredPerson

    InsuredPerson.objects.bulk_create(
        [
            InsuredPerson(
                client=client,
                name=f"测试{start + i}",
                gender="M",
                birth_date=dt.date(1990, 1, 1),
                id_number=f"T{start + i:08d}",
            )
            for i in range(count)
        ]
    )


def test_it_flags_a_team_over_500_insured_per_rep(cast, as_user):
    from hragency.clients.models import Agreement

    AgentProfile.objects.create(
        user=cast.rep_a, team=cast.department, hire_date=dt.date(2025, 3, 1)
    )
    AgentProfile.objects.create(
        user=cast.rep_b, team=cast.department, hire_date=dt.date(2025, 3, 1)
    )
    # client A: 2 cast people + 899 = 901; client B: 1 + 200 = 201, under a dispatch agreement
    add_people(cast.client_a, 899)
    add_people(cast.client_b, 200, start=1000)
    Agreement.objects.create(
        client=cast.client_b,
        number="XY-T1",
        kind="dispatch",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2027, 12, 31),
        fee_model="per_head",
        status="active",
    )
    [line] = staffing.monitor()
    assert (line.load.reps, line.load.staff, line.load.managers) == (2, 2, 1)  # head counts
    assert (line.load.insured, line.load.dispatched) == (1102, 201)
    insured, dispatched, managers = line.check.checks
    # ⌈1102 / 500⌉ = 3 reps needed for 2 → 1 missing; 201 dispatched need 1 staff (have 2)
    assert (insured.need, insured.missing, insured.over) == (3, 1, True)
    assert (dispatched.need, dispatched.over) == (1, False)
    assert (managers.need, managers.over) == (1, False)
    assert (line.check.staff_to_add, line.check.managers_to_add) == (1, 0)
    by_rep = {r.agent.name: (r.insured, r.check.over) for r in line.reps}
    assert by_rep == {"陈晓": (901, True), "林悦": (201, False)}
    page = as_user(cast.supervisor).get("/agents/staffing/").content.decode()
    assert "超配比" in page and "table-danger" in page
    assert as_user(cast.rep_a).get("/agents/staffing/").status_code == 403
    api = as_user(cast.supervisor).get("/api/agents/staffing").json()
    assert api[0]["over"] is True and api[0]["staff_to_add"] == 1


def test_it_tells_the_director_once_until_read(cast):
    from hragency.accounts.roles import Role
    from hragency.accounts.services import create_user

    director = create_user(
        username="director",
        password="Cast@2026pass",
        display_name="郑总监",
        roles=[Role.CS_DIRECTOR],
    )
    AgentProfile.objects.create(
        user=cast.rep_a, team=cast.department, hire_date=dt.date(2025, 3, 1)
    )
    add_people(cast.client_a, 600)
    assert len(staffing.notify_over()) == 1
    staffing.notify_over()
    [message] = director.notifications.all()
    assert message.title == "人员配比超标：客服部"
    assert "缺 1 人" in message.body


def test_it_lets_managers_edit_the_limits_and_prints_the_monitor(cast, capsys):
    AgentProfile.objects.create(
        user=cast.rep_a, team=cast.department, hire_date=dt.date(2025, 3, 1)
    )
    services.set_ratio_limit(actor=cast.supervisor, kind="insured_per_rep", limit="1")
    with pytest.raises(SystemExit) as exc:
        call_command("staffing-ratios")
    assert exc.value.code == 1
    out = capsys.readouterr().out
    assert (
        "每名客服服务参保人数 ≤ 1" in out and "【超配比】" in out and "陈晓：1 家客户，2 人" in out
    )
    with pytest.raises(Exception, match="无权"):
        services.set_ratio_limit(actor=cast.rep_a, kind="insured_per_rep", limit="500")
