"""The month-close screen and API: start a close (a Huey task, run inline here), watch its
progress, see its problems; a second click while it runs is refused, an interrupted run is
continued, and only specialists and administrators may start one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from hragency.billing.models import CloseRun, Statement
from hragency.core.models import AuditLog, Notification
from tests.conftest import Cast, login_client
from tests.si_support import activate, enroll, make_specialist, make_test_city, set_rates

pytestmark = pytest.mark.django_db
NOV = dt.date(2026, 11, 1)


@pytest.fixture
def huey_now() -> Iterator[None]:
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = True
    try:
        yield
    finally:
        HUEY.immediate = before


@pytest.fixture
def insured(cast: Cast) -> Any:
    make_test_city()
    activate(cast.client_a, fee_model="per_head", per_head="80.00")
    activate(cast.client_b, fee_model="percentage", rate="9")
    set_rates(cast.client_a, injury="0.004", hf="0.12")
    set_rates(cast.client_b, injury="0.01", hf="0.05")
    enroll(cast.person_a, "12345.67")
    enroll(cast.person_a2, "3000.00")
    enroll(cast.person_b, "20000.00")
    return make_specialist(cast)


def test_it_runs_the_close_from_the_screen(
    cast: Cast, insured: Any, huey_now: None, django_capture_on_commit_callbacks: Any
) -> None:
    http = login_client(insured)
    page = http.get("/billing/close/").content.decode()
    assert "尚未执行过月结" in page and 'name="period"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post("/billing/close/", {"period": "2026-11"})
    assert response.status_code == 302 and response["Location"] == "/billing/close/"
    run = CloseRun.objects.get()
    assert run.status == CloseRun.Status.DONE and run.started_by == insured
    assert (run.clients_done, run.clients_total, run.people) == (2, 2, 3)
    assert Statement.objects.filter(period=NOV).count() == 2
    page = http.get("/billing/close/").content.decode()
    assert "已开始 2026-11 月结" in page
    assert 'data-status="done"' in page and "2 / 2" in page
    assert "hx-trigger" not in page  # nothing left to poll
    note = Notification.objects.get(recipient=insured)
    assert note.title == "2026-11 月结完成：2 个客户、3 人"
    actions = set(AuditLog.objects.filter(object_id=str(run.pk)).values_list("action", flat=True))
    assert {"billing.close_start", "billing.close_chunk", "billing.close_finish"} <= actions


def test_it_refuses_a_second_start_while_a_run_is_going(
    cast: Cast, insured: Any, huey_now: None, django_capture_on_commit_callbacks: Any
) -> None:
    running = CloseRun.objects.create(period=NOV, clients_total=4, clients_done=1)
    http = login_client(insured)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = http.post("/billing/close/", {"period": "2026年11月"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "2026-11 的月结正在进行中（已完成 1/4 个客户），请等待完成，不要重复启动" in body
    assert callbacks == [] and CloseRun.objects.count() == 1
    assert not Statement.objects.exists()
    # The screen polls the running run and shows its progress.
    partial = http.get("/billing/close/", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and 'hx-trigger="every 1s"' in partial
    assert 'style="width: 25%"' in partial and "1 / 4" in partial
    api = login_client(insured).post(
        "/api/billing/close", {"period": "2026-11"}, content_type="application/json"
    )
    assert api.status_code == 400 and "正在进行中" in api.json()["detail"]
    assert CloseRun.objects.get().pk == running.pk


def test_it_continues_an_interrupted_run(
    cast: Cast, insured: Any, huey_now: None, django_capture_on_commit_callbacks: Any
) -> None:
    stale = CloseRun.objects.create(period=NOV, started_by=insured)
    CloseRun.objects.filter(pk=stale.pk).update(
        started_at=timezone.now() - dt.timedelta(minutes=30)
    )
    http = login_client(insured)
    page = http.get("/billing/close/").content.decode()
    assert "已中断" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post("/billing/close/", {"period": "2026-11"}, follow=True)
    assert "已继续上次未完成的 2026-11 月结" in response.content.decode()
    run = CloseRun.objects.get()  # continued, not duplicated
    assert run.pk == stale.pk and run.status == CloseRun.Status.DONE
    assert Statement.objects.filter(run=run).count() == 2


def test_it_explains_a_bad_period_and_starts_nothing(cast: Cast, insured: Any) -> None:
    http = login_client(insured)
    for typed, reason in (
        ("2026-13", "月份无效：13"),
        ("", "请填写所属期"),
        ("十一月", "格式不正确"),
    ):
        response = http.post("/billing/close/", {"period": typed})
        assert response.status_code == 400 and reason in response.content.decode(), typed
    assert not CloseRun.objects.exists()
    assert not AuditLog.objects.filter(action="billing.close_start").exists()


@pytest.mark.parametrize("who", ["rep_a", "hr_a", "employee_a"])
def test_it_lets_only_specialists_close(cast: Cast, insured: Any, who: str) -> None:
    http = login_client(getattr(cast, who))
    assert http.get("/billing/close/").status_code == 403
    assert http.post("/billing/close/", {"period": "2026-11"}).status_code == 403
    api = http.post("/api/billing/close", {"period": "2026-11"}, content_type="application/json")
    assert api.status_code == 403
    assert http.get("/api/billing/runs").status_code == 403
    assert not CloseRun.objects.exists()


def test_it_runs_the_close_over_the_api_and_lists_problems(
    cast: Cast, insured: Any, huey_now: None, django_capture_on_commit_callbacks: Any
) -> None:
    from hragency.insurance.models import ClientRate

    ClientRate.objects.filter(client=cast.client_b).update(hf_rate=None)
    http = login_client(cast.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(
            "/api/billing/close", {"period": "2026-11"}, content_type="application/json"
        )
    assert response.status_code == 202
    run_id = response.json()["id"]
    run = http.get(f"/api/billing/runs/{run_id}").json()
    assert run["status"] == "done" and run["period"] == "2026-11" and run["active"] is False
    assert any("住房公积金：需要提供缴存比例" in p for p in run["problems"])
    assert http.get("/api/billing/runs").json()["count"] == 1
    page = http.get(f"/billing/close/{run_id}/").content.decode()
    assert 'data-testid="run-problem-list"' in page and "住房公积金：需要提供缴存比例" in page
    assert http.get("/api/billing/runs/999999").status_code == 404
    bad = http.post("/api/billing/close", {"period": "2026-13"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["detail"] == "月份无效：13"
