"""/api/insurance: orders (submit, read, process, reject, cancel), enrollments in force, client
rates and the policy library — status codes, payloads as decimal strings, scoping (404) and
permissions (403)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from hragency.insurance import services
from hragency.insurance.models import ClientRate, Order
from tests.conftest import CANARY_CLIENT_A, Cast, login_client
from tests.si_support import CITY, enroll, make_specialist, make_test_city

API = "/api/insurance"


@pytest.fixture
def si(cast: Cast) -> Any:
    make_test_city()
    cast.specialist = make_specialist(cast)  # type: ignore[attr-defined]
    return cast


def call(user: Any, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    http = login_client(user)
    if method == "get":
        response = http.get(f"{API}{path}")
    else:
        response = getattr(http, method)(
            f"{API}{path}", json.dumps(body or {}), content_type="application/json"
        )
    return response.status_code, response.json() if response.content else None


def new_order(si: Cast, **kw: Any) -> dict[str, Any]:
    body = {
        "person_id": si.person_a.pk,
        "kind": "add",
        "city": CITY,
        "month": str(services.earliest_open_period()),
        "wage": "8000",
        "hf_wage": "6000.5",
    }
    body.update(kw)
    return body


def test_it_submits_an_order_and_returns_decimal_strings(si: Cast) -> None:
    status, body = call(si.hr_a, "post", "/orders", new_order(si))
    assert status == 201, body
    assert body["number"].startswith("ZY") and body["status"] == "submitted"
    assert (body["wage"], body["hf_wage"]) == ("8000.00", "6000.50")
    assert body["status_label"] == "待办理" and body["kind_label"] == "增员"
    assert body["id_number_masked"] == si.person_a.id_number_masked
    assert body["month"] == str(services.earliest_open_period())
    assert Order.objects.get().channel == Order.Channel.API
    status, same = call(si.hr_a, "get", f"/orders/{body['id']}")
    assert status == 200 and same == body


def test_it_answers_bad_input_with_400_and_the_fields(si: Cast) -> None:
    late = str(services.earliest_open_period().shifted(-1))
    status, body = call(si.hr_a, "post", "/orders", new_order(si, month=late, wage="12.345"))
    assert status == 400
    fields = {e["field"]: e["reason"] for e in body["errors"]}
    assert fields["wage"] == "最多 2 位小数：12.345"
    assert f"{late} 的增减员已于" in fields["month"] and set(fields) == {"wage", "month"}
    status, body = call(si.hr_a, "post", "/orders", new_order(si, month=late))
    assert status == 400 and "截止" in {e["field"]: e["reason"] for e in body["errors"]}["month"]
    status, body = call(si.hr_a, "post", "/orders", new_order(si, kind="transfer"))
    assert status == 400 and body["errors"][0]["field"] == "kind"
    status, body = call(si.hr_a, "post", "/orders", {"person_id": si.person_a.pk})
    assert status == 422 and "month" in body["detail"]
    assert not Order.objects.exists()


def test_it_scopes_orders_and_checks_permissions(si: Cast) -> None:
    status, _ = call(si.hr_a, "post", "/orders", new_order(si, person_id=si.person_b.pk))
    assert status == 404
    status, created = call(si.hr_a, "post", "/orders", new_order(si))
    order_id = created["id"]
    assert call(si.hr_b, "get", f"/orders/{order_id}")[0] == 404
    status, listing = call(si.hr_b, "get", "/orders")
    assert status == 200 and listing["count"] == 0
    status, listing = call(si.rep_a, "get", "/orders?status=submitted&kind=add")
    assert listing["count"] == 1 and listing["items"][0]["client_name"] == CANARY_CLIENT_A
    assert call(si.rep_a, "get", "/orders?month=2020-01")[1]["count"] == 0
    assert call(si.rep_a, "get", "/orders?month=abc")[0] == 400
    assert call(si.employee_a, "get", "/orders")[0] == 403
    assert call(si.employee_a, "post", "/orders", new_order(si))[0] == 403
    assert call(None, "get", "/orders")[0] == 401
    assert call(si.hr_a, "post", f"/orders/{order_id}/process")[0] == 403
    assert call(si.hr_b, "post", f"/orders/{order_id}/cancel")[0] == 404


def test_it_processes_rejects_and_cancels(si: Cast) -> None:
    _, first = call(si.hr_a, "post", "/orders", new_order(si))
    status, done = call(si.specialist, "post", f"/orders/{first['id']}/process", {"note": "已申报"})
    assert status == 200 and done["status"] == "done" and done["enrollment_id"]
    assert done["handled_by"] == str(si.specialist) and done["handling_note"] == "已申报"
    status, again = call(si.specialist, "post", f"/orders/{first['id']}/process")
    assert status == 400 and "已办理" in again["detail"]

    _, second = call(si.hr_a, "post", "/orders", new_order(si, person_id=si.person_a2.pk))
    status, body = call(si.specialist, "post", f"/orders/{second['id']}/reject", {"reason": ""})
    assert status == 400 and body["errors"][0]["field"] == "reason"
    status, body = call(
        si.specialist, "post", f"/orders/{second['id']}/reject", {"reason": "缺材料"}
    )
    assert status == 200 and body["status"] == "rejected" and body["handling_note"] == "缺材料"

    _, third = call(si.hr_a, "post", "/orders", new_order(si, person_id=si.person_a2.pk))
    status, body = call(si.hr_a, "post", f"/orders/{third['id']}/cancel")
    assert status == 200 and body["status"] == "cancelled"


def test_it_lists_enrollments_in_force_for_a_month(si: Cast) -> None:
    import datetime as dt

    enroll(si.person_a, "9000.00")
    enroll(si.person_a2, "7000.00", month=dt.date(2026, 1, 1), end_month=dt.date(2026, 3, 1))
    enroll(si.person_b, "9000.00")
    status, body = call(si.rep_a, "get", f"/enrollments?client_id={si.client_a.pk}&month=2026-06")
    assert status == 200 and body["count"] == 1
    row = body["items"][0]
    assert row["person_id"] == si.person_a.pk and row["wage"] == "9000.00"
    assert row["start_month"] == "2026-01" and row["end_month"] is None
    assert call(si.rep_a, "get", "/enrollments?month=2026-02")[1]["count"] == 2
    assert call(si.hr_b, "get", f"/enrollments?client_id={si.client_a.pk}")[1]["count"] == 0
    status, body = call(si.hr_a, "post", "/enrollments/confirm", {})
    assert status == 200 and body["confirmed"] == 1
    assert call(si.rep_a, "post", "/enrollments/confirm", {"client_id": si.client_a.pk})[0] == 403


def test_it_reads_and_sets_client_rates(si: Cast) -> None:
    body = {"client_id": si.client_a.pk, "city": CITY, "injury_rate": "0.004", "hf_rate": "0.12"}
    assert call(si.rep_a, "put", "/rates", body)[0] == 403
    status, out = call(si.specialist, "put", "/rates", body)
    assert status == 200
    assert (out["injury_rate"], out["hf_rate"], out["city"]) == ("0.004", "0.12", CITY)
    status, out = call(si.specialist, "put", "/rates", {**body, "hf_rate": "0.2"})
    assert status == 400 and out["errors"][0]["field"] == "hf_rate"
    assert "上限 12%" in out["errors"][0]["reason"]
    status, out = call(si.specialist, "put", "/rates", {**body, "injury_rate": "abc"})
    assert status == 400 and out["errors"] == [
        {"field": "injury_rate", "label": "工伤费率", "reason": "应为数字：abc"}
    ]
    assert ClientRate.objects.get().hf_rate == Decimal("0.12")
    status, rows = call(si.hr_a, "get", "/rates")
    assert status == 200 and rows[0]["hf_rate"] == "0.12"
    assert call(si.hr_b, "get", "/rates")[1] == []
    assert call(si.hr_b, "get", f"/rates?client_id={si.client_a.pk}")[0] == 404
    only_b = _specialist_of_b(si)
    assert call(only_b, "put", "/rates", body)[0] == 404


def _specialist_of_b(cast: Cast) -> Any:
    from hragency.accounts.roles import Role
    from hragency.accounts.services import assign_client, create_user

    user = create_user(username="si_b", password="Cast@2026pass", roles=[Role.SI_SPECIALIST])
    assign_client(client_id=cast.client_b.pk, user=user)
    return user


def test_it_lists_policies_in_force_with_source_and_certainty(si: Cast) -> None:
    status, body = call(si.hr_a, "get", f"/policies?city={CITY}&period=2026-11")
    assert status == 200 and body["period"] == "2026-11"
    items = {row["item"]: row for row in body["items"]}
    assert list(items) == ["pension", "medical", "unemployment", "injury", "housing_fund"]
    assert items["pension"]["employer_rate"] == "0.16"
    assert items["pension"]["base_floor"] == "5000.00"
    assert items["medical"]["employee_fixed"] == "3.00"
    assert items["housing_fund"]["employer_rate"] is None
    assert items["housing_fund"]["rate_max"] == "0.12"
    assert items["housing_fund"]["rounding"] == "yuan"
    assert items["pension"]["certainty"] == "已核实" and items["pension"]["source"] == "测试数据"
    status, body = call(si.hr_a, "get", "/policies?city=火星")
    assert status == 400 and body["errors"][0]["field"] == "city"
    status, body = call(si.hr_a, "get", f"/policies?city={CITY}&period=2025-06")
    assert status == 400 and body["errors"][0]["field"] == "period"
    status, body = call(si.hr_a, "get", "/policies")
    assert status == 200 and len({row["city"] for row in body["items"]}) > 1
    assert call(si.employee_a, "get", "/policies")[0] == 403
