"""Agent assessment (R-WFM-2): the month computed from the service desk's real QA scores and
client ratings, manual dimensions, confirmation rules, training cadence and scoping."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from hragency.agents import services, training
from hragency.agents.models import AgentEvent, AgentProfile, MonthlyAssessment
from hragency.core.errors import InvalidFields, ServiceError
from hragency.core.models import AuditLog, Deadline
from tests.desk_care_support import local, open_ticket, resolve

D = Decimal
MONTH = "2026-11"


def make_agents(cast: Any) -> dict[str, Any]:
    """Rep A and rep B on the cast's team (客服部), the supervisor as its manager."""
    return {
        "rep_a": AgentProfile.objects.create(
            user=cast.rep_a, team=cast.department, hire_date=dt.date(2025, 3, 1)
        ),
        "rep_b": AgentProfile.objects.create(
            user=cast.rep_b, team=cast.department, hire_date=dt.date(2026, 11, 16)
        ),
        "supervisor": AgentProfile.objects.create(
            user=cast.supervisor,
            team=cast.department,
            hire_date=dt.date(2024, 1, 2),
            position=AgentProfile.Position.MANAGER,
        ),
    }


def desk_month(cast: Any) -> None:
    """Rep A's November at the desk, through the desk's own services: two tickets resolved on
    two days (one quality sample each, scored 90 and 85 by the supervisor), rated 5 and 4."""
    from hragency.servicedesk import quality
    from hragency.servicedesk.feedback import rate_ticket

    scores = [
        {"conduct": 20, "resolution": 18, "communication": 17, "compliance": 20, "record": 15},
        {"conduct": 17, "resolution": 17, "communication": 17, "compliance": 17, "record": 17},
    ]
    for day, score, stars in (
        (dt.date(2026, 11, 20), scores[0], 5),
        (dt.date(2026, 11, 23), scores[1], 4),
    ):
        ticket = open_ticket(cast, now=local(day.year, day.month, day.day, 9, 0))
        ticket = resolve(ticket, at=local(day.year, day.month, day.day, 15, 0))
        [sample] = quality.sample_day(day)
        quality.score_sample(actor=cast.supervisor, sample=sample, scores=score)
        ticket.refresh_from_db()
        rate_ticket(
            token=ticket.feedback_token,
            score=stars,
            now=local(day.year, day.month, day.day, 17, 0),
        )


def events(cast: Any, agent: AgentProfile) -> None:
    record = services.record_event
    record(
        actor=cast.supervisor,
        agent=agent,
        kind="exam",
        happened_on="2026-11-15",
        title="11月政策考试",
        score="92",
    )
    record(
        actor=cast.supervisor,
        agent=agent,
        kind="skill",
        happened_on="2026-11-18",
        title="社保业务技能评定",
        score="80",
    )
    record(
        actor=cast.supervisor,
        agent=agent,
        kind="discipline",
        happened_on="2026-11-05",
        title="迟到",
        points="5",
    )
    record(
        actor=cast.supervisor,
        agent=agent,
        kind="discipline",
        happened_on="2026-11-12",
        title="未按规范结束通话",
        points="10",
    )
    # outside the month: not counted
    record(
        actor=cast.supervisor,
        agent=agent,
        kind="exam",
        happened_on="2026-10-31",
        title="10月考试",
        score="40",
    )


@pytest.fixture
def month(cast: Any) -> dict[str, Any]:
    agents = make_agents(cast)
    desk_month(cast)
    events(cast, agents["rep_a"])
    return agents


def test_it_computes_the_month_from_desk_scores_ratings_and_events(cast, month):
    result = services.compute_month(actor=cast.supervisor, month=MONTH)
    assert (result.created, result.updated, result.kept) == (2, 0, [])
    row = MonthlyAssessment.objects.get(agent=month["rep_a"], month=MONTH)
    assert row.quality == D("87.50")  # (90 + 85) / 2
    assert row.satisfaction == D("90.00")  # (5 + 4) / 2 = 4.5 stars × 20
    assert row.exams == D("92.00")
    assert row.skills == D("80.00")
    assert row.discipline == D("85.00")  # 100 − 5 − 10
    assert row.utilisation is None  # no telephony: the supervisor enters it
    assert "由主管录入" in row.sources["utilisation"]
    assert row.total is None and row.status == "draft"
    # the manager is not assessed; rep B (hired 16 Nov) has only discipline so far
    assert not MonthlyAssessment.objects.filter(agent=month["supervisor"]).exists()
    b = MonthlyAssessment.objects.get(agent=month["rep_b"], month=MONTH)
    assert (b.quality, b.discipline) == (None, D("100.00"))


def test_it_rates_once_the_supervisor_enters_utilisation(cast, month):
    services.compute_month(actor=cast.supervisor, month=MONTH)
    row = MonthlyAssessment.objects.get(agent=month["rep_a"], month=MONTH)
    row = services.edit_assessment(
        actor=cast.supervisor, assessment=row, scores={"utilisation": "76"}
    )
    # 87.5×30 + 80×15 + 85×15 + 90×20 + 76×10 + 92×10 = 2625 + 1200 + 1275 + 1800 + 760 + 920
    # = 8580 → 85.80 → B → 1.0
    assert (row.total, row.grade, row.coefficient) == (D("85.80"), "B", D("1.0000"))
    assert row.manual == ["utilisation"]
    # recomputing a draft keeps what the supervisor entered and overwrites the rest
    services.record_event(
        actor=cast.supervisor,
        agent=month["rep_a"],
        kind="exam",
        happened_on="2026-11-28",
        title="补考",
        score="100",
    )
    result = services.compute_month(actor=cast.supervisor, month=MONTH)
    assert result.updated == 2
    row.refresh_from_db()
    assert (row.utilisation, row.exams) == (D("76.00"), D("96.00"))
    # 8580 − 920 + 960 = 8620 → 86.20
    assert row.total == D("86.20")


def test_it_refuses_bad_manual_scores(cast, month):
    services.compute_month(actor=cast.supervisor, month=MONTH)
    row = MonthlyAssessment.objects.get(agent=month["rep_a"], month=MONTH)
    with pytest.raises(InvalidFields) as exc:
        services.edit_assessment(
            actor=cast.supervisor, assessment=row, scores={"utilisation": "101"}
        )
    assert exc.value.by_field() == {"utilisation": "应在 0–100 之间：101.00"}
    with pytest.raises(PermissionDenied):
        services.edit_assessment(actor=cast.rep_b, assessment=row, scores={"utilisation": "80"})


def test_it_confirms_complete_drafts_but_never_ones_own(cast, month):
    month["supervisor"].position = AgentProfile.Position.REP  # a supervisor who takes calls
    month["supervisor"].save()
    services.compute_month(actor=cast.supervisor, month=MONTH)
    rows = {r.agent_id: r for r in MonthlyAssessment.objects.filter(month=MONTH)}
    for row in rows.values():
        services.edit_assessment(
            actor=cast.supervisor,
            assessment=row,
            scores={
                d: "80"
                for d in ("quality", "satisfaction", "skills", "exams", "utilisation")
                if getattr(row, d) is None
            },
        )
    own = rows[month["supervisor"].pk]
    with pytest.raises(ServiceError, match="不能确认自己的考核"):
        services.confirm_assessment(actor=cast.supervisor, assessment=own)
    result = services.confirm_month(actor=cast.supervisor, month=MONTH)
    assert sorted(result.done) == ["林悦", "陈晓"]
    assert result.refused == [("吴主管", "不能确认自己的考核")]
    a = MonthlyAssessment.objects.get(agent=month["rep_a"], month=MONTH)
    assert (a.status, a.confirmed_by) == ("confirmed", cast.supervisor)
    # a confirmed month is left alone by a recomputation and cannot be edited
    again = services.compute_month(actor=cast.supervisor, month=MONTH)
    assert sorted(again.kept) == ["林悦", "陈晓"]
    with pytest.raises(ServiceError, match="已确认"):
        services.edit_assessment(actor=cast.supervisor, assessment=a, scores={"exams": "10"})
    # the rep is told
    assert cast.rep_a.notifications.filter(title__startswith="2026-11 月度考核已确认").exists()
    assert AuditLog.objects.filter(action="agents.assessment_confirm").count() == 2


def test_it_refuses_to_confirm_an_incomplete_assessment(cast, month):
    services.compute_month(actor=cast.supervisor, month=MONTH)
    row = MonthlyAssessment.objects.get(agent=month["rep_a"], month=MONTH)
    with pytest.raises(ServiceError, match="缺少：工时利用率"):
        services.confirm_assessment(actor=cast.supervisor, assessment=row)


def test_it_refuses_events_without_their_figures(cast, month):
    with pytest.raises(InvalidFields) as exc:
        services.record_event(
            actor=cast.supervisor,
            agent=month["rep_a"],
            kind="discipline",
            happened_on="2026-11-05",
            title="迟到",
        )
    assert exc.value.by_field() == {"points": "纪律事件请填写扣分 1–100"}
    with pytest.raises(InvalidFields):
        services.record_event(
            actor=cast.supervisor,
            agent=month["rep_a"],
            kind="exam",
            happened_on="2026-11-05",
            title="考试",
        )
    assert AgentEvent.objects.filter(title="考试").count() == 0


def test_it_flags_agents_without_training_in_two_weeks(cast):
    agents = make_agents(cast)
    today = dt.date(2026, 11, 30)
    session = training.create_session(
        actor=cast.supervisor, held_on="2026-11-20", topic="2026年社保基数调整政策", hours="2"
    )
    training.mark_attendance(
        actor=cast.supervisor,
        session=session,
        present=[agents["rep_b"].pk],
        scores={agents["rep_b"].pk: "95"},
    )
    flags = training.training_flags([agents["rep_a"], agents["rep_b"]], today)
    # rep A: no training since hiring (2025-03-01); rep B trained 10 days ago
    assert [(f.agent.name, f.last) for f in flags] == [("陈晓", None)]
    # the cadence deadline: rep B's is due 14 days after the session, owned by the team head
    deadline = Deadline.objects.get(
        kind=training.TRAINING_KIND, subject_id=str(agents["rep_b"].pk), status="open"
    )
    assert deadline.owner == cast.supervisor
    assert deadline.due_at.date() == dt.date(2026, 12, 4)
    plan = training.plan_cadences(today=dt.date(2026, 12, 2))
    # rep A gets one (already overdue); the manager none; B's exists
    assert plan.training_opened == 1
    assert plan.assessment_opened == 2  # November, for rep A and rep B
    assert training.plan_cadences(today=dt.date(2026, 12, 2)).training_opened == 0


def test_it_closes_the_assessment_deadline_on_confirmation(cast, month):
    training.plan_cadences(today=dt.date(2026, 12, 2))
    services.compute_month(actor=cast.supervisor, month=MONTH)
    row = MonthlyAssessment.objects.get(agent=month["rep_a"], month=MONTH)
    services.edit_assessment(actor=cast.supervisor, assessment=row, scores={"utilisation": "76"})
    services.confirm_assessment(actor=cast.supervisor, assessment=row)
    deadline = Deadline.objects.get(
        kind=training.ASSESSMENT_KIND, subject_id=f"{row.agent_id}:{MONTH}"
    )
    assert deadline.status == "met"


def test_it_versions_the_scheme(cast, month):
    from hragency.agents import schemes

    first = schemes.ensure_scheme()
    weights = {
        "quality": "40",
        "skills": "10",
        "discipline": "10",
        "satisfaction": "20",
        "utilisation": "10",
        "exams": "10",
    }
    bands = [["A", "95"], ["B", "85"], ["C", "0"]]
    coefficients = {"A": "1.5", "B": "1.0", "C": "0.5"}
    second = schemes.save_scheme(
        actor=cast.supervisor,
        name="2027版",
        weights=weights,
        bands=bands,
        coefficients=coefficients,
    )
    first.refresh_from_db()
    assert (first.active, second.active, second.version) == (False, True, 2)
    with pytest.raises(InvalidFields, match="权重合计应为 100%，现为 110%"):
        schemes.save_scheme(
            actor=cast.supervisor,
            name="x",
            weights={**weights, "quality": "50"},
            bands=bands,
            coefficients=coefficients,
        )
    services.compute_month(actor=cast.supervisor, month=MONTH)
    row = MonthlyAssessment.objects.get(agent=month["rep_a"], month=MONTH)
    row = services.edit_assessment(
        actor=cast.supervisor, assessment=row, scores={"utilisation": "76"}
    )
    # 87.5×40 + 80×10 + 85×10 + 90×20 + 76×10 + 92×10 = 3500 + 800 + 850 + 1800 + 760 + 920
    # = 8630 → 86.30 → B (85 ≤ 86.30 < 95) → 1.0
    assert (row.scheme.version, row.total, row.grade) == (2, D("86.30"), "B")


def test_it_scopes_agents_and_assessments(cast, month, as_user):
    services.compute_month(actor=cast.supervisor, month=MONTH)
    a = MonthlyAssessment.objects.get(agent=month["rep_a"], month=MONTH)
    b = MonthlyAssessment.objects.get(agent=month["rep_b"], month=MONTH)
    rep_a = as_user(cast.rep_a)
    assert rep_a.get(f"/agents/assessments/{a.pk}/").status_code == 200
    assert rep_a.get(f"/agents/assessments/{b.pk}/").status_code == 404
    listed = rep_a.get("/api/agents/assessments?month=2026-11").json()["items"]
    assert [r["agent"] for r in listed] == ["陈晓"]
    assert (
        rep_a.post(
            "/api/agents/assessments/compute", {"month": MONTH}, content_type="application/json"
        ).status_code
        == 403
    )
    supervisor = as_user(cast.supervisor)
    listed = supervisor.get("/api/agents/assessments?month=2026-11").json()["items"]
    assert sorted(r["agent"] for r in listed) == ["林悦", "陈晓"]
    page = supervisor.get("/agents/assessments/?month=2026-11").content.decode()
    assert "陈晓" in page and "87.50" in page
    for outsider in (cast.hr_a, cast.employee_a):
        assert as_user(outsider).get("/agents/assessments/").status_code == 403
        assert as_user(outsider).get("/api/agents/assessments").status_code == 403


def test_it_computes_confirms_through_the_api(cast, month, as_user):
    http = as_user(cast.supervisor)
    response = http.post(
        "/api/agents/assessments/compute", {"month": MONTH}, content_type="application/json"
    )
    assert response.json() == {"month": MONTH, "created": 2, "updated": 0, "kept": []}
    row = MonthlyAssessment.objects.get(agent=month["rep_a"], month=MONTH)
    response = http.patch(
        f"/api/agents/assessments/{row.pk}",
        {"scores": {"utilisation": "76"}},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert (response.json()["total"], response.json()["grade"]) == ("85.80", "B")
    response = http.post(f"/api/agents/assessments/{row.pk}/confirm")
    assert response.json()["status"] == "confirmed"
    response = http.post(f"/api/agents/assessments/{row.pk}/confirm")
    assert response.status_code == 400
    assert "已确认" in response.json()["detail"]
    bad = http.post(
        "/api/agents/assessments/compute", {"month": "2026-13"}, content_type="application/json"
    )
    assert bad.status_code == 400


def test_it_shows_the_on_job_analysis(cast, month, as_user):
    services.update_profile(actor=cast.supervisor, profile=month["rep_b"], leave_date="2026-12-05")
    month["rep_b"].refresh_from_db()
    assert month["rep_b"].status == "left"
    from hragency.agents.queries import agents_for, headcount

    rows = headcount(agents_for(cast.supervisor), [dt.date(2026, 11, 1), dt.date(2026, 12, 1)])
    nov, dec = (r.figures for r in rows)
    # November: supervisor + rep A at the start, rep B joined → 3 at the end
    assert (nov.start, nov.joiners, nov.leavers, nov.end) == (2, 1, 0, 3)
    # December: rep B left → 1 / ((3 + 2) / 2) = 40.0 %
    assert (dec.start, dec.leavers, dec.end, dec.rate) == (3, 1, 2, D("40.0"))
    page = as_user(cast.supervisor).get("/agents/").content.decode()
    assert "40.0%" in page


def test_it_seeds_the_demo(cast):
    import random

    from hragency.agents import staffing
    from hragency.agents.demo import seed_demo

    today = dt.date(2026, 12, 7)
    users = {"supervisor": cast.supervisor, "rep_a": cast.rep_a, "rep_b": cast.rep_b}
    seed_demo(
        clients=[cast.client_a, cast.client_b], users=users, rng=random.Random(1), today=today
    )
    rows = MonthlyAssessment.objects.filter(month=MONTH)
    # rep A, rep B and the five hotline agents (zx05 worked until 18 Nov); not the manager
    assert rows.count() == 7
    assert set(rows.values_list("status", flat=True)) == {"confirmed"}
    over = {line.team.name for line in staffing.monitor() if line.check.over}
    assert over == {"热线一组"}  # four staff, no manager


def test_it_computes_and_lists_with_a_bounded_number_of_queries(cast, as_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hragency.accounts.roles import Role
    from hragency.accounts.services import create_user

    def add_agents(start: int, count: int) -> None:
        for i in range(start, start + count):
            user = create_user(
                username=f"zx{i:03d}",
                password="Cast@2026pass",
                display_name=f"坐席{i}",
                roles=[Role.CS_REP],
                department=cast.department,
            )
            agent = AgentProfile.objects.create(
                user=user, team=cast.department, hire_date=dt.date(2025, 1, 1)
            )
            services.record_event(
                actor=cast.supervisor,
                agent=agent,
                kind="exam",
                happened_on="2026-11-10",
                title="考试",
                score="90",
            )

    def measure() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as compute:
            services.compute_month(actor=cast.supervisor, month=MONTH)
        http = as_user(cast.supervisor)
        with CaptureQueriesContext(connection) as page:
            assert http.get("/agents/assessments/?month=2026-11").status_code == 200
        return len(compute), len(page)

    add_agents(0, 3)
    few = measure()
    add_agents(3, 30)
    many = measure()
    # compute: a fixed number of statements (the first run also creates the scheme); the sheet:
    # the same count for 3 agents as for 33
    assert many[0] <= few[0] <= 20, (few, many)
    assert many[1] == few[1], (few, many)


def test_it_works_through_the_screens(cast, as_user):
    http = as_user(cast.supervisor)
    assert http.get("/agents/new/").status_code == 200
    response = http.post(
        "/agents/new/",
        {
            "user": cast.rep_a.pk,
            "team": cast.department.pk,
            "position": "rep",
            "hire_date": "2025-03-01",
        },
    )
    agent = AgentProfile.objects.get(user=cast.rep_a)
    assert response.status_code == 302 and response["Location"] == f"/agents/{agent.pk}/"
    bad = http.post(
        f"/agents/{agent.pk}/events/",
        {"kind": "discipline", "title": "迟到", "happened_on": "2026-11-03"},
    )
    assert bad.status_code == 400 and "纪律事件请填写扣分" in bad.content.decode()
    http.post(
        f"/agents/{agent.pk}/events/",
        {"kind": "discipline", "title": "迟到", "happened_on": "2026-11-03", "points": "5"},
    )
    page = http.get(f"/agents/{agent.pk}/").content.decode()
    assert "迟到" in page and "扣 5 分" in page
    response = http.post(
        "/agents/trainings/", {"held_on": "2026-11-20", "topic": "医保新政", "hours": "2"}
    )
    session_url = response["Location"]
    http.post(session_url + "attendance/", {"present": [agent.pk], f"score_{agent.pk}": "88"})
    assert agent.attendance.get().attended is True
    page = http.get("/agents/scheme/").content.decode()
    assert "权重" in page
    response = http.post(
        "/agents/scheme/",
        {
            "name": "新版",
            "weight_quality": "30",
            "weight_skills": "15",
            "weight_discipline": "15",
            "weight_satisfaction": "20",
            "weight_utilisation": "10",
            "weight_exams": "20",
            "grade_0": "A",
            "low_0": "90",
            "coefficient_0": "1.2",
            "grade_1": "B",
            "low_1": "0",
            "coefficient_1": "1",
        },
    )
    assert response.status_code == 400 and "现为 110%" in response.content.decode()
    assert http.get("/agents/staffing/").status_code == 200
    assert http.post("/agents/staffing/rules/", {"limit_insured_per_rep": "450"}).status_code == 302
    from hragency.agents.staffing import limits

    assert limits()["insured_per_rep"] == 450
    # a rep has no management screens
    rep = as_user(cast.rep_a)
    assert rep.get("/agents/new/").status_code == 403
    assert rep.post("/agents/assessments/compute/", {"month": MONTH}).status_code == 403
