"""The clients REST API: filters, writes through the services, and the error contract —
400 with a Chinese reason naming the field, 403 without permission, 404 out of scope, never
500, and nothing written by a refused call."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hragency.clients.models import Agreement, Client, Contact, InfoReview, Intake
from hragency.core.models import AuditLog, Deadline
from tests.conftest import Cast, login_client
from tests.test_clients_support import GOOD_CODE, Staff, agreement_data, make_staff, review_data


@pytest.fixture
def staff(cast: Cast) -> Staff:
    return make_staff(cast)


def send(http: Any, method: str, path: str, body: Any = None) -> Any:
    call = getattr(http, method.lower())
    if method == "GET":
        return call(path)
    return call(path, data=json.dumps(body or {}), content_type="application/json")


@pytest.mark.django_db
def test_it_filters_the_client_list(cast: Cast, staff: Staff) -> None:
    http = login_client(cast.admin)
    Client.objects.filter(pk=cast.client_b.pk).update(grade="vip", status="active")
    rows = http.get("/api/clients/?grade=vip").json()
    assert [r["id"] for r in rows["items"]] == [cast.client_b.pk] and rows["count"] == 1
    assert http.get("/api/clients/?status=prospect").json()["count"] == 1
    assert http.get("/api/clients/?city=北京").json()["items"][0]["id"] == cast.client_b.pk
    assert http.get("/api/clients/?q=KH00001").json()["items"][0]["id"] == cast.client_a.pk
    assert http.get("/api/clients/?size=large").json()["count"] == 0
    small = http.get("/api/clients/?size=small").json()
    assert small["count"] == 2 and small["items"][0]["size_class"] == "small"
    assert {t["label"] for t in small["items"][1]["tags"]} >= {"VIP"}
    # in-service people only: both of A's people are active
    assert small["items"][0]["headcount"] == 2


@pytest.mark.django_db
def test_it_creates_and_patches_a_client_or_names_the_bad_field(cast: Cast, staff: Staff) -> None:
    http = login_client(staff.sales)
    response = send(http, "POST", "/api/clients/", {"name": "", "credit_code": "123"})
    assert response.status_code == 400
    fields = {e["field"]: e for e in response.json()["errors"]}
    assert fields["name"]["reason"] == "必填"
    assert fields["credit_code"]["label"] == "统一社会信用代码"
    assert "统一社会信用代码" in response.json()["detail"]
    response = send(
        http, "POST", "/api/clients/", {"name": "丙方制造", "credit_code": GOOD_CODE, "min_age": 18}
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "prospect" and created["min_age"] == 18
    response = send(http, "PATCH", f"/api/clients/{created['id']}", {"max_age": 16})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "max_age"
    response = send(http, "PATCH", f"/api/clients/{created['id']}", {"industry": "制造业"})
    assert response.json()["industry"] == "制造业"
    assert Client.objects.get(pk=created["id"]).min_age == 18


@pytest.mark.django_db
def test_it_answers_403_404_and_400_without_writing(cast: Cast, staff: Staff) -> None:
    a = cast.client_a.pk
    calls = [
        ("POST", "/api/clients/", {"name": "X", "credit_code": GOOD_CODE}),
        ("PATCH", f"/api/clients/{a}", {"industry": "X"}),
        ("POST", f"/api/clients/{a}/contacts", {"name": "X", "phone": "13900001111"}),
        ("POST", f"/api/clients/{a}/intakes", {"first_contact_at": "2026-01-05 09:00"}),
        ("POST", f"/api/clients/{a}/reviews", review_data()),
        ("POST", f"/api/clients/{a}/blacklist", {"reason": "伪造"}),
        ("POST", f"/api/clients/{a}/agreements", agreement_data()),
    ]
    before = AuditLog.objects.count()
    for user, expected in ((cast.hr_a, 403), (cast.rep_b, 404), (None, 401)):
        http = login_client(user)
        for method, path, body in calls:
            response = send(http, method, path, body)
            if path == "/api/clients/" and expected == 404:
                assert response.status_code == 403, path  # rep_b may not create clients
            else:
                assert response.status_code == expected, (user, method, path, response.content)
    gm, reviewer = login_client(staff.gm), login_client(staff.reviewer)
    for method, path, _body in calls[2:]:
        http = reviewer if "reviews" in path else gm
        response = send(http, method, path, {"bogus": 1} if "agreements" in path else {})
        assert response.status_code == 400, (path, response.content)
        assert response.json()["detail"]
    assert AuditLog.objects.count() == before
    assert not (Contact.objects.exists() or Intake.objects.exists() or Agreement.objects.exists())
    assert not Deadline.objects.exists()


@pytest.mark.django_db
def test_it_runs_the_whole_flow_over_the_api(cast: Cast, staff: Staff) -> None:
    a = cast.client_a.pk
    sales, reviewer, gm = (login_client(u) for u in (staff.sales, staff.reviewer, staff.gm))
    intake = send(
        sales,
        "POST",
        f"/api/clients/{a}/intakes",
        {"first_contact_at": "2026-11-23 09:00", "headcount": 50, "modules": ["si_hf"]},
    )
    assert intake.status_code == 201, intake.content
    assert intake.json()["deadline"]["kind"] == "clients.intake"
    done = send(sales, "POST", f"/api/clients/intakes/{intake.json()['id']}/complete")
    assert done.status_code == 400 and done.json()["errors"][0]["field"] == "insured_cities"
    send(sales, "PATCH", f"/api/clients/intakes/{intake.json()['id']}", {"insured_cities": "上海"})
    done = send(sales, "POST", f"/api/clients/intakes/{intake.json()['id']}/complete")
    assert done.json()["status"] == "completed"

    draft = send(sales, "POST", f"/api/clients/{a}/agreements", agreement_data())
    assert draft.status_code == 201 and draft.json()["fee_per_head"] == "80.00"
    agreement_id = draft.json()["id"]
    refused = send(sales, "POST", f"/api/clients/agreements/{agreement_id}/sign")
    assert refused.status_code == 400 and "尚未审核" in refused.json()["detail"]

    review = send(reviewer, "POST", f"/api/clients/{a}/reviews", review_data())
    assert review.status_code == 201, review.content
    assert [c["source"] for c in review.json()["checks"]] == ["gsxt", "website"]
    review_id = review.json()["id"]
    assert send(sales, "POST", f"/api/clients/reviews/{review_id}/decision").status_code == 403
    bad = send(gm, "POST", f"/api/clients/reviews/{review_id}/decision", {"decision": "ok"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "decision"
    decided = send(
        gm, "POST", f"/api/clients/reviews/{review_id}/decision", {"decision": "approve"}
    )
    assert decided.json()["status"] == InfoReview.Status.APPROVED

    signed = send(sales, "POST", f"/api/clients/agreements/{agreement_id}/sign")
    assert signed.status_code == 200 and signed.json()["status"] == "active"
    items = send(sales, "GET", f"/api/clients/agreements/{agreement_id}/handover").json()
    assert len(items) == 6
    rep = login_client(cast.rep_a)
    patched = send(
        rep,
        "PATCH",
        f"/api/clients/handover/{items[0]['id']}",
        {"received": True, "check_result": "ok"},
    )
    assert patched.json()["done"] is True
    bad = send(rep, "PATCH", f"/api/clients/handover/{items[1]['id']}", {"check_result": "maybe"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "check_result"

    renewed = send(sales, "POST", f"/api/clients/agreements/{agreement_id}/renew", {})
    assert renewed.status_code == 201 and renewed.json()["renewed_from_id"] == agreement_id
    old = send(sales, "GET", f"/api/clients/agreements/{agreement_id}").json()
    assert old["status"] == "renewed" and old["expiry_deadline"]["status"] == "met"

    timeline = send(login_client(cast.hr_a), "GET", f"/api/clients/{a}/timeline").json()
    labels = [e["label"] for e in timeline["items"]]
    assert "签订服务协议" in labels and "续签服务协议" in labels
    assert "信息初审" not in labels
    staff_labels = [
        e["label"] for e in send(gm, "GET", f"/api/clients/{a}/timeline").json()["items"]
    ]
    assert "信息初审" in staff_labels and "《服务需求表》完成" in staff_labels


@pytest.mark.django_db
def test_it_keeps_internal_records_from_client_hr(cast: Cast, staff: Staff) -> None:
    hr = login_client(cast.hr_a)
    a = cast.client_a.pk
    assert hr.get(f"/api/clients/{a}").status_code == 200
    assert hr.get(f"/api/clients/{a}/reviews").status_code == 403
    assert hr.get(f"/api/clients/{a}/intakes").status_code == 403
    assert hr.get("/api/clients/blacklist").status_code == 403
    assert hr.get(f"/api/clients/{a}/agreements").status_code == 200
    assert login_client(cast.hr_b).get(f"/api/clients/{a}/agreements").status_code == 404


@pytest.mark.django_db
def test_it_blacklists_over_the_api(cast: Cast, staff: Staff) -> None:
    gm = login_client(staff.gm)
    a = cast.client_a.pk
    response = send(gm, "POST", f"/api/clients/{a}/blacklist", {"reason": "伪造公章"})
    assert response.status_code == 200 and response.json()["status"] == "blacklisted"
    listed = gm.get("/api/clients/blacklist").json()
    assert [c["id"] for c in listed] == [a]
    refused = send(
        login_client(staff.sales),
        "POST",
        f"/api/clients/{a}/contacts",
        {"name": "甲", "phone": "13900001111"},
    )
    assert refused.status_code == 400 and "失信客户名单" in refused.json()["detail"]
