"""/api/desk: list, create, detail, actions, lookup, SLA policies; refusals as 400/403/404."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hragency.servicedesk.models import Ticket
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def _post(http: Any, url: str, data: dict[str, Any] | None = None) -> Any:
    return http.post(url, data=json.dumps(data or {}), content_type="application/json")


def test_it_runs_a_ticket_through_the_api(cast: Cast, as_user: Any) -> None:
    rep = as_user(cast.rep_a)
    created = _post(
        rep,
        "/api/desk/tickets",
        {
            "client_id": cast.client_a.pk,
            "channel": "phone",
            "subject": "减员办理",
            "description": "员工离职，需要办理社保减员",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["module"] == "payroll_si" and body["status"] == "pending"
    tid = body["id"]
    base = f"/api/desk/tickets/{tid}"
    assert _post(rep, f"{base}/accept").json()["status"] == "in_progress"
    assert _post(rep, f"{base}/note", {"body": "内部"}).status_code == 200
    assert _post(rep, f"{base}/reply", {"body": "已收到"}).status_code == 200
    assert _post(rep, f"{base}/wait", {}).json()["status"] == "waiting"
    hr = as_user(cast.hr_a)
    assert _post(hr, f"{base}/reply", {"body": "补充材料"}).json()["status"] == "in_progress"
    assert _post(hr, f"{base}/urge", {}).json()["urge_count"] == 1
    assert _post(rep, f"{base}/resolve", {"solution": ""}).status_code == 400
    resolved = _post(rep, f"{base}/resolve", {"solution": "已办理减员"}).json()
    assert resolved["status"] == "resolved"
    assert _post(rep, f"{base}/close").json()["status"] == "closed"
    assert _post(rep, f"{base}/close").status_code == 400
    hr_view = hr.get(base).json()
    assert all(e["visible_to_client"] for e in hr_view["events"])
    assert not any(e["kind"] == "note" for e in hr_view["events"])
    staff_view = rep.get(base).json()
    assert any(e["kind"] == "note" for e in staff_view["events"])


def test_it_scopes_and_refuses(cast: Cast, as_user: Any) -> None:
    hr = as_user(cast.hr_a)
    created = _post(hr, "/api/desk/tickets", {"subject": "咨询", "description": "公积金怎么提取"})
    assert created.status_code == 201
    ticket = Ticket.objects.get()
    assert ticket.channel == "portal" and ticket.client == cast.client_a
    base = f"/api/desk/tickets/{ticket.pk}"
    assert as_user(cast.rep_b).get(base).status_code == 404
    assert as_user(cast.hr_b).get(base).status_code == 404
    assert _post(as_user(cast.hr_b), f"{base}/urge").status_code == 404
    assert _post(hr, f"{base}/accept").status_code == 403
    assert _post(as_user(cast.rep_a), f"{base}/supervise").status_code == 403
    assert _post(as_user(cast.rep_a), f"{base}/reassign", {}).status_code in (400, 422)
    moved = _post(
        as_user(cast.supervisor), f"{base}/reassign", {"to_user_id": cast.rep_b.pk, "reason": "x"}
    )
    assert moved.status_code == 200 and moved.json()["handler"] == str(cast.rep_b)
    assert as_user(cast.employee_a).get("/api/desk/tickets").status_code == 403
    rep_b_list = as_user(cast.rep_b).get("/api/desk/tickets?tab=mine").json()
    assert [t["id"] for t in rep_b_list["items"]] == [ticket.pk]
    assert (
        as_user(cast.rep_b).get(f"/api/desk/tickets/lookup?number={ticket.number}").json()["id"]
        == ticket.pk
    )
    assert (
        as_user(cast.hr_b).get(f"/api/desk/tickets/lookup?number={ticket.number}").status_code
        == 404
    )
    bad = _post(
        as_user(cast.rep_a),
        "/api/desk/tickets",
        {"client_id": cast.client_b.pk, "subject": "x", "description": "y"},
    )
    assert bad.status_code == 404
    invalid = _post(
        as_user(cast.rep_a),
        "/api/desk/tickets",
        {"client_id": cast.client_a.pk, "subject": "x", "description": "y", "channel": "fax"},
    )
    assert invalid.status_code == 400 and "渠道" in invalid.json()["detail"]


def test_it_lists_sla_policies_for_staff(cast: Cast, as_user: Any) -> None:
    rows = as_user(cast.rep_a).get("/api/desk/sla-policies").json()
    assert any(r["name"] == "在线客服" and r["response_minutes"] == 1 for r in rows)
    assert as_user(cast.hr_a).get("/api/desk/sla-policies").status_code == 403


def test_it_filters_the_list(cast: Cast, as_user: Any) -> None:
    rep = as_user(cast.rep_a)
    for subject, urgency in (("普通问题", "normal"), ("紧急问题", "urgent")):
        _post(
            rep,
            "/api/desk/tickets",
            {
                "client_id": cast.client_a.pk,
                "subject": subject,
                "description": "d",
                "urgency": urgency,
            },
        )
    items = rep.get("/api/desk/tickets?urgency=urgent").json()["items"]
    assert [i["subject"] for i in items] == ["紧急问题"]
    items = rep.get("/api/desk/tickets?q=普通").json()["items"]
    assert [i["subject"] for i in items] == ["普通问题"]
