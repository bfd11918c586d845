"""Client screens: forms with per-field errors, list filters within a query budget, the tabs,
client HR's read-only view, and the blacklist banner."""

from __future__ import annotations

from typing import Any

import pytest

from hragency.clients import services
from hragency.clients.models import Client, Intake
from hragency.core.models import AuditLog
from tests.conftest import CANARY_CLIENT_A, CANARY_CLIENT_B, Cast, login_client
from tests.test_clients_support import GOOD_CODE, Staff, make_staff, signed_agreement


@pytest.fixture
def staff(cast: Cast) -> Staff:
    return make_staff(cast)


@pytest.mark.django_db
def test_it_shows_each_error_beside_its_field_and_saves_nothing(cast: Cast, staff: Staff) -> None:
    http = login_client(staff.sales)
    response = http.post("/clients/new/", {"name": "", "credit_code": "91350100M000100Y44"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="error-name"' in body and "必填" in body
    assert "校验位错误：应为 3，实为 4" in body
    assert Client.objects.count() == 2
    response = http.post(
        "/clients/new/", {"name": "丙方制造有限公司", "credit_code": GOOD_CODE, "grade": "vip"}
    )
    client = Client.objects.get(name="丙方制造有限公司")
    assert response.status_code == 302 and response["Location"] == f"/clients/{client.pk}/"
    page = http.get(f"/clients/{client.pk}/").content.decode()
    assert "VIP" in page and "待审核" in page and "新客户" in page


@pytest.mark.django_db
def test_it_filters_the_list_within_a_query_budget(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    http = login_client(cast.admin)
    http.get("/clients/")
    with django_assert_max_num_queries(14):
        page = http.get("/clients/?status=prospect&grade=normal&size=small&city=上海").content
    text = page.decode()
    assert CANARY_CLIENT_A in text and CANARY_CLIENT_B not in text
    assert CANARY_CLIENT_B in http.get("/clients/?q=KH00002").content.decode()
    assert CANARY_CLIENT_A not in http.get("/clients/?size=large").content.decode()


@pytest.mark.django_db
def test_it_gives_client_hr_a_read_only_page(cast: Cast, staff: Staff) -> None:
    signed_agreement(cast.client_a, staff)
    http = login_client(cast.hr_a)
    a = cast.client_a.pk
    overview = http.get(f"/clients/{a}/").content.decode()
    assert CANARY_CLIENT_A in overview
    assert "修改</a>" not in overview and "列入失信名单" not in overview
    assert "信息审核" not in overview  # internal tabs are not offered
    agreements = http.get(f"/clients/{a}/agreements/").content.decode()
    assert "社保代理协议" in agreements and "起草协议" not in agreements
    handover = http.get(f"/clients/{a}/handover/").content.decode()
    assert "营业执照复印件" in handover and "保存</button>" not in handover
    timeline = http.get(f"/clients/{a}/timeline/").content.decode()
    assert "签订服务协议" in timeline and "信息初审" not in timeline
    for path in (f"/clients/{a}/review/", f"/clients/{a}/intake/", f"/clients/{a}/edit/"):
        assert http.get(path).status_code == 403, path
    writes = AuditLog.objects.count()
    assert http.post(f"/clients/{a}/contacts/new/", {"name": "x"}).status_code == 403
    assert AuditLog.objects.count() == writes
    assert login_client(cast.hr_b).get(f"/clients/{a}/timeline/").status_code == 404


@pytest.mark.django_db
def test_it_records_intake_and_review_through_the_forms(cast: Cast, staff: Staff) -> None:
    a = cast.client_a.pk
    sales = login_client(staff.sales)
    response = sales.post(
        f"/clients/{a}/intake/",
        {"first_contact_at": "2026-11-23T08:30", "headcount": "60", "insured_cities": "上海"},
    )
    assert response.status_code == 302
    intake = Intake.objects.get(client=cast.client_a)
    response = sales.post(
        f"/clients/intakes/{intake.pk}/",
        {"headcount": "60", "insured_cities": "上海", "modules": ["si_hf"], "complete": "1"},
    )
    intake.refresh_from_db()
    assert response.status_code == 302 and intake.status == "completed"

    reviewer = login_client(staff.reviewer)
    response = reviewer.post(f"/clients/{a}/review/", {"outcome": "pass"})
    assert response.status_code == 400
    assert "重要证明资料须查看原件" in response.content.decode()
    response = reviewer.post(
        f"/clients/{a}/review/",
        {
            "originals_seen": "on",
            "outcome": "pass",
            "check_gsxt_result": "consistent",
            "check_gsxt_note": "存续",
        },
    )
    assert response.status_code == 302
    review = cast.client_a.reviews.get()
    gm = login_client(staff.gm)
    assert "提交复审" in gm.get(f"/clients/{a}/review/").content.decode()
    gm.post(f"/clients/reviews/{review.pk}/decide/", {"decision": "approve"})
    review.refresh_from_db()
    assert review.status == "approved"


@pytest.mark.django_db
def test_it_shows_the_red_banner_and_the_blacklist(cast: Cast, staff: Staff) -> None:
    gm = login_client(staff.gm)
    a = cast.client_a.pk
    assert gm.post(f"/clients/{a}/blacklist/", {"reason": ""}).status_code == 400
    response = gm.post(f"/clients/{a}/blacklist/", {"reason": "伪造营业执照"})
    assert response.status_code == 302
    page = gm.get(f"/clients/{a}/").content.decode()
    assert 'data-testid="blacklist-banner"' in page and "伪造营业执照" in page
    assert CANARY_CLIENT_A in gm.get("/clients/blacklist/").content.decode()
    assert (
        CANARY_CLIENT_A not in login_client(cast.rep_b).get("/clients/blacklist/").content.decode()
    )
    response = login_client(staff.sales).post(
        f"/clients/{a}/contacts/new/", {"name": "甲", "phone": "13900001111"}
    )
    assert response.status_code == 302
    assert not cast.client_a.contacts.exists()


@pytest.mark.django_db
def test_it_updates_handover_items_from_the_checklist(cast: Cast, staff: Staff) -> None:
    agreement = signed_agreement(cast.client_a, staff)
    item = agreement.handover_items.first()
    rep = login_client(cast.rep_a)
    rep.post(
        f"/clients/handover/{item.pk}/",
        {"received": "on", "check_result": "ok", "note": "原件核对"},
    )
    item.refresh_from_db()
    assert item.done and item.note == "原件核对"
    page = rep.get(f"/clients/{cast.client_a.pk}/handover/").content.decode()
    assert "1 / 6" in page
    services.terminate_agreement(agreement=agreement, reason="测试", actor=staff.sales)
    rep.post(f"/clients/handover/{item.pk}/", {"note": "改"})
    item.refresh_from_db()
    assert item.note == "原件核对"  # a terminated agreement's checklist is closed
