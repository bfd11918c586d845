"""A payroll run's workflow through the API and the services: who may do what, what each step
changes and tells whom, and the payslips e-mailed over SMTP when the run is paid (figures of
tests/payroll_support.prepare_hand_checked: person_a's November net pay 13,494.37)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from hragency.core.models import AuditLog, Notification
from hragency.payroll.models import PayrollRun
from tests.payroll_support import make_payroll_specialist, prepare_hand_checked


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
def month(cast):
    person = cast.person_a
    person.email = "zhang.jia@example.cn"
    person.save(update_fields=["email"])
    prepare_hand_checked(cast, person)
    return make_payroll_specialist(cast)


def _calculate(as_user, user, cast) -> dict[str, Any]:
    response = as_user(user).post(
        "/api/payroll/runs/calculate",
        {"client_id": cast.client_a.pk, "period": "2026-11"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_it_runs_the_workflow_through_the_api(
    cast, month, as_user, smtp_server, huey_now, django_capture_on_commit_callbacks
):
    run = _calculate(as_user, month, cast)
    assert (run["status"], run["net"], run["iit"], run["headcount"]) == (
        "draft",
        "13494.37",
        "185.39",
        1,
    )
    lines = as_user(cast.hr_a).get(f"/api/payroll/runs/{run['id']}/lines").json()
    assert lines["items"][0]["items"]["overtime"] == "1034.48"

    specialist = as_user(month)
    with django_capture_on_commit_callbacks(execute=True):
        submitted = specialist.post(f"/api/payroll/runs/{run['id']}/submit")
    assert submitted.json()["status"] == "review"
    assert Notification.objects.filter(recipient=cast.hr_a, title__contains="待审核").exists()

    refused = specialist.post(f"/api/payroll/runs/{run['id']}/approve")
    assert refused.status_code == 403  # a payroll specialist does not approve
    assert as_user(cast.hr_b).post(f"/api/payroll/runs/{run['id']}/approve").status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        approved = as_user(cast.hr_a).post(f"/api/payroll/runs/{run['id']}/approve")
    assert approved.json()["status"] == "approved"
    assert approved.json()["approved_at"]

    with django_capture_on_commit_callbacks(execute=True):
        paid = specialist.post(f"/api/payroll/runs/{run['id']}/pay")
    assert paid.json()["status"] == "paid"
    assert Notification.objects.filter(recipient=cast.employee_a, title__contains="工资条").exists()
    assert [m["To"] for m in smtp_server.messages] == ["zhang.jia@example.cn"]
    assert smtp_server.messages[0]["Subject"] == "2026年11月工资条"
    actions = list(
        AuditLog.objects.filter(action__startswith="payroll.", object_id=str(run["id"]))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions[:4] == ["payroll.calculate", "payroll.submit", "payroll.approve", "payroll.pay"]


def test_it_returns_a_submitted_run_with_the_reason(cast, month, as_user):
    run = _calculate(as_user, month, cast)
    as_user(month).post(f"/api/payroll/runs/{run['id']}/submit")
    empty = as_user(cast.hr_a).post(
        f"/api/payroll/runs/{run['id']}/return", {"reason": " "}, content_type="application/json"
    )
    assert empty.status_code == 400
    assert empty.json()["detail"] == "请填写退回原因"
    returned = as_user(cast.hr_a).post(
        f"/api/payroll/runs/{run['id']}/return",
        {"reason": "张甲加班时数有误"},
        content_type="application/json",
    )
    assert (returned.json()["status"], returned.json()["returned_reason"]) == (
        "draft",
        "张甲加班时数有误",
    )
    # Back in draft it can be recalculated and submitted again.
    assert _calculate(as_user, month, cast)["returned_reason"] == ""


def test_it_refuses_what_the_state_does_not_allow(cast, month, as_user):
    run = _calculate(as_user, month, cast)
    paying_a_draft = as_user(month).post(f"/api/payroll/runs/{run['id']}/pay")
    assert paying_a_draft.status_code == 400
    assert "审核通过后才能发放" in paying_a_draft.json()["detail"]
    assert PayrollRun.objects.get(pk=run["id"]).status == PayrollRun.Status.DRAFT
    bad_month = as_user(month).post(
        "/api/payroll/runs/calculate",
        {"client_id": cast.client_a.pk, "period": "2026-13"},
        content_type="application/json",
    )
    assert bad_month.status_code == 400
    other_client = as_user(cast.rep_b).post(
        "/api/payroll/runs/calculate",
        {"client_id": cast.client_a.pk, "period": "2026-11"},
        content_type="application/json",
    )
    assert other_client.status_code == 403


def test_it_lists_only_runs_in_scope(cast, month, as_user):
    _calculate(as_user, month, cast)
    assert as_user(cast.hr_a).get("/api/payroll/runs").json()["count"] == 1
    assert as_user(cast.hr_b).get("/api/payroll/runs").json()["count"] == 0
    assert as_user(cast.employee_a).get("/api/payroll/runs").status_code == 403


def test_it_tells_only_active_hr_users_of_a_submitted_run(
    cast, month, as_user, django_capture_on_commit_callbacks
):
    from hragency.accounts.models import User
    from hragency.accounts.roles import Role
    from hragency.accounts.services import create_user

    gone = create_user(
        username="hr_a_gone",
        password="Cast@2026pass",
        kind=User.Kind.CLIENT_HR,
        roles=[Role.CLIENT_HR],
        client_id=cast.client_a.pk,
    )
    User.objects.filter(pk=gone.pk).update(is_active=False)
    run = _calculate(as_user, month, cast)
    with django_capture_on_commit_callbacks(execute=True):
        as_user(month).post(f"/api/payroll/runs/{run['id']}/submit")
    told = set(
        Notification.objects.filter(title__contains="待审核").values_list("recipient", flat=True)
    )
    assert told == {cast.hr_a.pk}
