"""Screens and API of visits and surveys, with scoping: rep B sees none of client A's tasks or
answers, the client's HR fills its own survey and sees no visit notes, the report needs its
permission; every refused form answers 4xx."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from hragency.visits.models import SurveyResponse, VisitRuleSet, VisitTask
from hragency.visits.planning import plan_visits
from tests.conftest import CANARY_CLIENT_A, CANARY_CLIENT_B, login_client
from tests.test_visits_support import SCORES_5, grant_visit_roles, in_service

pytestmark = pytest.mark.django_db

NOV_23 = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _roles(db):
    grant_visit_roles()


@pytest.fixture
def planned(cast):
    in_service(cast.client_a, dt.date(2026, 9, 1))
    in_service(cast.client_b, dt.date(2026, 9, 1))
    plan_visits(today=NOV_23)
    return VisitTask.objects.get(client=cast.client_a, kind="routine")


def test_it_lists_only_the_tasks_in_scope(cast, planned):
    body = login_client(cast.rep_a).get("/visits/").content.decode()
    assert CANARY_CLIENT_A in body and CANARY_CLIENT_B not in body
    body = login_client(cast.rep_b).get("/visits/?view=mine&kind=routine").content.decode()
    assert CANARY_CLIENT_B in body and CANARY_CLIENT_A not in body
    assert login_client(cast.rep_b).get(f"/visits/tasks/{planned.pk}/").status_code == 404
    response = login_client(cast.rep_b).post(
        f"/visits/tasks/{planned.pk}/complete/", {"method": "phone", "summary": "x"}
    )
    assert response.status_code == 404
    # The client's HR sees none of the agency's visit tasks or notes.
    assert login_client(cast.hr_a).get("/visits/").status_code == 403
    assert login_client(cast.hr_a).get(f"/visits/tasks/{planned.pk}/").status_code == 403
    overdue = login_client(cast.rep_a).get("/visits/?view=overdue").content.decode()
    assert CANARY_CLIENT_A not in overdue  # due next March


def test_it_completes_from_the_detail_page(cast, planned):
    http = login_client(cast.rep_a)
    page = http.get(f"/visits/tasks/{planned.pk}/")
    assert page.status_code == 200 and 'data-testid="complete-form"' in page.content.decode()
    refused = http.post(f"/visits/tasks/{planned.pk}/complete/", {"method": "", "summary": ""})
    assert refused.status_code == 400
    assert "请选择电话、上门或线上" in refused.content.decode()
    done = http.post(
        f"/visits/tasks/{planned.pk}/complete/",
        {"method": "onsite", "summary": "上门回访，客户满意", "issues": "", "next_actions": ""},
    )
    assert done.status_code == 302
    planned.refresh_from_db()
    assert planned.status == "done" and planned.method == "onsite"
    assert VisitTask.objects.filter(client=cast.client_a, kind="routine", status="open").exists()


def test_it_reschedules_and_cancels_from_the_page(cast, planned):
    http = login_client(cast.rep_a)
    refused = http.post(f"/visits/tasks/{planned.pk}/reschedule/", {"due_date": "x", "reason": ""})
    assert refused.status_code == 400
    moved = http.post(
        f"/visits/tasks/{planned.pk}/reschedule/", {"due_date": "2027-04-01", "reason": "客户搬迁"}
    )
    assert moved.status_code == 302
    planned.refresh_from_db()
    assert planned.due_date == dt.date(2027, 4, 1)
    assert http.post(f"/visits/tasks/{planned.pk}/cancel/", {}).status_code == 400
    assert (
        http.post(f"/visits/tasks/{planned.pk}/cancel/", {"reason": "客户要求"}).status_code == 302
    )
    planned.refresh_from_db()
    assert planned.status == "cancelled"


def test_it_configures_rules_on_the_screen(cast):
    assert login_client(cast.rep_a).get("/visits/rules/").status_code == 403
    http = login_client(cast.admin)
    page = http.get("/visits/rules/")
    assert page.status_code == 200 and "按客户规模" in page.content.decode()
    size = VisitRuleSet.objects.get(basis="size")
    refused = http.post(f"/visits/rules/{size.pk}/", {"small": "99", "medium": "3", "large": "2"})
    assert refused.status_code == 400 and "应为 1–24 个月" in refused.content.decode()
    saved = http.post(f"/visits/rules/{size.pk}/", {"small": "5", "medium": "3", "large": "2"})
    assert saved.status_code == 302
    assert size.rules.get(condition="small").interval_months == 5
    relationship = VisitRuleSet.objects.get(basis="relationship")
    assert http.post(f"/visits/rules/{relationship.pk}/activate/").status_code == 302
    relationship.refresh_from_db()
    assert relationship.active
    assert http.post("/visits/plan/").status_code == 302


def test_it_lets_the_hr_fill_the_portal_survey(cast, planned):
    http = login_client(cast.hr_a)
    page = http.get("/visits/survey/")
    assert page.status_code == 200 and CANARY_CLIENT_A in page.content.decode()
    refused = http.post("/visits/survey/", {"efficiency": "7"})
    assert refused.status_code == 400 and "应为 1–5 的整数" in refused.content.decode()
    answered = http.post(
        "/visits/survey/", {**{k: str(v) for k, v in SCORES_5.items()}, "comments": "很满意"}
    )
    assert answered.status_code == 302
    response = SurveyResponse.objects.get(client=cast.client_a)
    assert response.channel == "portal" and response.comments == "很满意"
    again = http.get("/visits/survey/").content.decode()
    assert 'data-testid="already-answered"' in again
    listing = http.get("/visits/responses/").content.decode()
    assert "很满意" not in listing and CANARY_CLIENT_A in listing
    assert http.get(f"/visits/responses/{response.pk}/").status_code == 200
    assert login_client(cast.hr_b).get(f"/visits/responses/{response.pk}/").status_code == 404
    assert login_client(cast.rep_b).get(f"/visits/responses/{response.pk}/").status_code == 404
    # The survey task of the quarter is closed by the client's answer.
    assert VisitTask.objects.get(client=cast.client_a, kind="survey").status == "done"


def test_it_lets_the_rep_key_in_an_answer_from_the_task(cast, planned):
    task = VisitTask.objects.get(client=cast.client_a, kind="survey")
    http = login_client(cast.rep_a)
    assert http.get(f"/visits/responses/new/?task={task.pk}").status_code == 200
    assert http.get("/visits/responses/new/?task=abc").status_code == 200
    data = {
        **{k: str(v) for k, v in SCORES_5.items()},
        "respondent_name": "赵敏",
        "channel": "phone",
    }
    done = http.post("/visits/responses/new/", {**data, "task": str(task.pk)})
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.status == "done" and task.method == "phone"
    other = http.post("/visits/responses/new/", {**data, "client": str(cast.client_b.pk)})
    assert other.status_code == 404
    assert http.post("/visits/responses/new/", {**data, "client": "x"}).status_code == 400


def test_it_shows_the_report_to_holders_of_the_permission(cast, planned):
    assert login_client(cast.rep_a).get("/visits/report/").status_code == 403
    http = login_client(cast.supervisor)
    page = http.get("/visits/report/?quarter=2026Q4")
    assert page.status_code == 200 and "客户满意度分析报告" in page.content.decode()
    assert http.get("/visits/report/?quarter=2026Q9").status_code == 404


def test_it_serves_the_api(cast, planned):
    rep_a, rep_b = login_client(cast.rep_a), login_client(cast.rep_b)
    items = rep_a.get("/api/visits/tasks?kind=routine").json()["items"]
    assert [i["id"] for i in items] == [planned.pk] and items[0]["due_date"] == "2027-03-01"
    assert all(
        i["client_id"] == cast.client_b.pk for i in rep_b.get("/api/visits/tasks").json()["items"]
    )
    assert rep_b.get(f"/api/visits/tasks/{planned.pk}").status_code == 404
    url = f"/api/visits/tasks/{planned.pk}/complete"
    bad = rep_a.post(
        url, json.dumps({"method": "x", "summary": ""}), content_type="application/json"
    )
    assert bad.status_code == 400 and {e["field"] for e in bad.json()["errors"]} == {
        "method",
        "summary",
    }
    missing = rep_a.post(url, "{}", content_type="application/json")
    assert missing.status_code == 422 and missing.json()["detail"].startswith("请求参数无效")
    ok = rep_a.post(
        url, json.dumps({"method": "phone", "summary": "电话回访"}), content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["status"] == "done"

    hr = login_client(cast.hr_a)
    payload = {"client_id": cast.client_a.pk, **SCORES_5, "overall": 4, "comments": "不错"}
    created = hr.post("/api/visits/responses", json.dumps(payload), content_type="application/json")
    assert created.status_code == 201 and created.json()["channel"] == "portal"
    wrong = {**payload, "client_id": cast.client_b.pk}
    assert (
        hr.post(
            "/api/visits/responses", json.dumps(wrong), content_type="application/json"
        ).status_code
        == 404
    )
    assert [r["client_id"] for r in hr.get("/api/visits/responses").json()["items"]] == [
        cast.client_a.pk
    ]
    assert login_client(cast.hr_b).get("/api/visits/responses").json()["items"] == []
    assert hr.get("/api/visits/tasks").status_code == 403

    assert rep_a.get("/api/visits/report").status_code == 403
    boss = login_client(cast.admin)
    report = boss.get("/api/visits/report?quarter=2026Q4").json()
    assert (
        report["current"]["responses"] == 1 and report["current"]["satisfaction_rate"] == "100.00"
    )
    assert report["current"]["target_met"] is True and report["target"] == "95.00"
    assert boss.get("/api/visits/report?quarter=xx").status_code == 400


def test_it_sweeps_the_visits_endpoints_with_the_roles_granted(cast, planned):
    """The scoping sweep over /visits/ and /api/visits, with the visit permissions granted to
    the roles (the global sweep runs with whatever roles.py grants)."""
    from tests import sweep_visits, test_sweep

    params = {**test_sweep.PARAMS, **sweep_visits.PARAMS}
    routes = [
        r for r in test_sweep.all_routes() if r.startswith(("visits/", "api/visits", "^visits"))
    ]
    assert len(routes) >= 20, routes
    failures: list[str] = []
    saved = dict(test_sweep.PARAMS)
    test_sweep.PARAMS.update(params)
    try:
        for route in routes:
            path = test_sweep.fill(route, cast)
            methods = test_sweep.api_methods(path) if path.startswith("/api/") else ["GET", "POST"]
            for name, user in cast.members().items():
                http = login_client(user)
                for method in methods:
                    before = test_sweep._writes_on_client_a(cast)
                    response = test_sweep._request(http, method, path)
                    body = response.content.decode("utf-8", "replace")
                    where = f"{method} {path} as {name} → {response.status_code}"
                    if response.status_code >= 500:
                        failures.append(f"server error: {where}")
                    failures += [
                        f"leak of {c}: {where}" for c in test_sweep.FORBIDDEN[name] if c in body
                    ]
                    if (
                        name in test_sweep.OUTSIDERS
                        and test_sweep._writes_on_client_a(cast) != before
                    ):
                        failures.append(f"write by outsider: {where}")
    finally:
        test_sweep.PARAMS.clear()
        test_sweep.PARAMS.update(saved)
    assert not failures, "\n".join(failures)
