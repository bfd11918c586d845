"""Fee statements (R-FEE-1): the client's HR confirms or disputes; a dispute notifies the
specialist and runs against a one-working-day deadline; the specialist's resolution sends the
statement back for confirmation; a confirmed statement is frozen. Screens and API, scoped."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from hragency.billing import services
from hragency.billing.close import close_month
from hragency.billing.models import Statement
from hragency.core.errors import ServiceError
from hragency.core.models import AuditLog, Deadline, Notification
from hragency.core.worktime import due_after
from hragency.domain.insurance import Period
from hragency.insurance.models import Enrollment
from tests.conftest import (
    CANARY_CLIENT_A,
    CANARY_CLIENT_B,
    CANARY_PERSON_A,
    CANARY_PERSON_B,
    Cast,
    login_client,
)
from tests.si_support import activate, enroll, make_specialist, make_test_city, set_rates

NOV = Period(2026, 11)
A_TOTAL = "¥10,300.59"  # hand-checked in tests/test_month_close.py


@dataclass
class Closed:
    cast: Cast
    specialist: Any
    a: Statement
    b: Statement

    def fresh(self, which: str = "a") -> Statement:
        return Statement.objects.get(pk=getattr(self, which).pk)


def close_november(cast: Cast) -> Closed:
    make_test_city()
    activate(cast.client_a, fee_model="per_head", per_head="80.00")
    activate(cast.client_b, fee_model="percentage", rate="9")
    set_rates(cast.client_a, injury="0.004", hf="0.12")
    set_rates(cast.client_b, injury="0.01", hf="0.05")
    enroll(cast.person_a, "12345.67")
    enroll(cast.person_a2, "3000.00")
    enroll(cast.person_b, "20000.00")
    specialist = make_specialist(cast)
    close_month(period=NOV)
    return Closed(
        cast,
        specialist,
        Statement.objects.get(client=cast.client_a, period=NOV.first_day),
        Statement.objects.get(client=cast.client_b, period=NOV.first_day),
    )


@pytest.fixture
def closed(cast: Cast) -> Closed:
    return close_november(cast)


def _audit(action: str) -> list[AuditLog]:
    return list(AuditLog.objects.filter(action=action))


# ---- services --------------------------------------------------------------------------------


def test_it_freezes_a_statement_the_client_confirmed(closed: Closed) -> None:
    hr_a = closed.cast.hr_a
    services.confirm_statement(actor=hr_a, statement=closed.a)
    a = closed.fresh()
    assert a.status == Statement.Status.CONFIRMED
    assert a.responded_by == hr_a and a.responded_at is not None
    [row] = _audit("billing.statement_confirm")
    assert row.client_id == closed.cast.client_a.pk and row.actor == hr_a
    # The month close no longer touches it, whatever changed meanwhile.
    Enrollment.objects.filter(person=closed.cast.person_a).update(wage="99999.00")
    close_month(period=NOV)
    assert closed.fresh().total_fen == 1030059
    assert closed.fresh().status == Statement.Status.CONFIRMED
    with pytest.raises(ServiceError, match="客户已确认"):
        services.confirm_statement(actor=hr_a, statement=closed.a)
    with pytest.raises(ServiceError, match="只有待客户确认的费用明细表可以提出异议"):
        services.dispute_statement(actor=hr_a, statement=closed.a, reason="基数不对")


@pytest.mark.parametrize("who", ["rep_a", "hr_b", "admin", "employee_a", "specialist"])
def test_it_lets_only_the_clients_hr_respond(closed: Closed, who: str) -> None:
    actor = closed.specialist if who == "specialist" else getattr(closed.cast, who)
    before = AuditLog.objects.count()
    with pytest.raises(PermissionDenied):
        services.confirm_statement(actor=actor, statement=closed.a)
    with pytest.raises(PermissionDenied):
        services.dispute_statement(actor=actor, statement=closed.a, reason="不对")
    assert closed.fresh().status == Statement.Status.DRAFT
    assert AuditLog.objects.count() == before


def test_it_opens_a_one_day_deadline_and_tells_the_specialist(closed: Closed) -> None:
    hr_a, specialist = closed.cast.hr_a, closed.specialist
    services.dispute_statement(
        actor=hr_a, statement=closed.a, reason="  李甲二 11 月工资 3,000 元，公积金基数有误  "
    )
    a = closed.fresh()
    assert a.status == Statement.Status.DISPUTED
    assert a.dispute_reason == "李甲二 11 月工资 3,000 元，公积金基数有误"
    deadline = Deadline.objects.get(kind="billing.statement_dispute")
    assert deadline.owner == specialist
    assert deadline.client == closed.cast.client_a
    assert deadline.title == f"处理费用异议 {a.number}（{CANARY_CLIENT_A} 2026-11）"
    assert deadline.due_at == due_after(a.responded_at, days=1)
    assert deadline.link == f"/billing/statements/{a.pk}/"
    note = Notification.objects.get(recipient=specialist)
    assert note.title.startswith("客户对费用明细表提出异议：FY")
    assert "公积金基数有误" in note.body and note.deadline == deadline
    assert not Notification.objects.filter(recipient=closed.cast.rep_a).exists()


def test_it_refuses_an_empty_dispute_and_writes_nothing(closed: Closed) -> None:
    before = AuditLog.objects.count()
    with pytest.raises(ServiceError, match="请填写异议说明"):
        services.dispute_statement(actor=closed.cast.hr_a, statement=closed.a, reason="   ")
    with pytest.raises(ServiceError, match="不能超过 2000 字"):
        services.dispute_statement(actor=closed.cast.hr_a, statement=closed.a, reason="长" * 2001)
    assert closed.fresh().status == Statement.Status.DRAFT
    assert (
        not Deadline.objects.filter(kind="billing.statement_dispute").exists()
        and AuditLog.objects.count() == before
    )


def test_it_resolves_a_dispute_back_to_draft_and_closes_the_deadline(closed: Closed) -> None:
    hr_a, specialist = closed.cast.hr_a, closed.specialist
    with pytest.raises(ServiceError, match="没有待处理的异议"):
        services.resolve_dispute(actor=specialist, statement=closed.a, note="无")
    services.dispute_statement(actor=hr_a, statement=closed.a, reason="养老基数不对")
    with pytest.raises(PermissionDenied):
        services.resolve_dispute(actor=hr_a, statement=closed.a, note="自己处理")
    with pytest.raises(Http404):  # rep_b does not serve client A (and may not close anyway)
        services.resolve_dispute(actor=make_specialist_b(closed), statement=closed.a, note="x")
    with pytest.raises(ServiceError, match="请填写处理说明"):
        services.resolve_dispute(actor=specialist, statement=closed.a, note="")
    services.resolve_dispute(
        actor=specialist, statement=closed.a, note="已核对：3,000 元低于下限，按下限 5,000 元缴纳"
    )
    a = closed.fresh()
    assert a.status == Statement.Status.DRAFT and a.responded_by is None
    deadline = Deadline.objects.get(kind="billing.statement_dispute")
    assert deadline.status == Deadline.Status.MET and deadline.closed_at is not None
    [row] = _audit("billing.statement_resolve")
    assert row.changes["note"].startswith("已核对") and row.client_id == a.client_id
    told = Notification.objects.get(recipient=hr_a)
    assert told.title == f"费用异议已处理，请重新核对确认：{a.number}"
    services.confirm_statement(actor=hr_a, statement=a)
    assert closed.fresh().status == Statement.Status.CONFIRMED


def make_specialist_b(closed: Closed) -> Any:
    """A specialist serving only client B."""
    from hragency.accounts.roles import Role
    from hragency.accounts.services import assign_client, create_user

    user = create_user(username="si_b", password="Cast@2026pass", roles=[Role.SI_SPECIALIST])
    assign_client(client_id=closed.cast.client_b.pk, user=user)
    return user


def test_it_keeps_the_dispute_open_when_the_close_recomputes(closed: Closed) -> None:
    hr_a, specialist = closed.cast.hr_a, closed.specialist
    services.dispute_statement(actor=hr_a, statement=closed.a, reason="工资有误")
    Enrollment.objects.filter(person=closed.cast.person_a2).update(wage="6000.00")
    close_month(period=NOV)
    a = closed.fresh()
    assert a.status == Statement.Status.DRAFT and a.total_fen != 1030059
    deadline = Deadline.objects.get(kind="billing.statement_dispute")
    assert deadline.status == Deadline.Status.OPEN
    # The specialist still records the outcome after recomputing …
    services.resolve_dispute(actor=specialist, statement=a, note="已更正工资并重新核算")
    assert Deadline.objects.get(pk=deadline.pk).status == Deadline.Status.MET
    # … or the client's confirmation of the recomputed figures ends the dispute.
    services.dispute_statement(actor=hr_a, statement=a, reason="还是不对")
    close_month(period=NOV)
    services.confirm_statement(actor=hr_a, statement=closed.fresh())
    assert not Deadline.objects.filter(status=Deadline.Status.OPEN).exists()


def test_it_refuses_figures_recomputed_since_the_user_looked(closed: Closed) -> None:
    seen = closed.a.computed_at
    close_month(period=NOV)
    with pytest.raises(ServiceError, match="已重新核算"):
        services.confirm_statement(
            actor=closed.cast.hr_a, statement=closed.fresh(), seen_computed_at=seen
        )
    fresh = closed.fresh()
    services.confirm_statement(
        actor=closed.cast.hr_a, statement=fresh, seen_computed_at=fresh.computed_at
    )


def test_it_refuses_a_blacklisted_client(closed: Closed) -> None:
    from hragency.clients.models import Client

    Client.objects.filter(pk=closed.cast.client_a.pk).update(
        status=Client.Status.BLACKLISTED, blacklist_reason="伪造资料"
    )
    with pytest.raises(ServiceError, match="失信客户名单"):
        services.confirm_statement(actor=closed.cast.hr_a, statement=closed.a)
    assert closed.fresh().status == Statement.Status.DRAFT


def test_it_labels_billing_actions_on_the_client_timeline(closed: Closed) -> None:
    from hragency.billing.timeline_labels import register
    from hragency.clients.timeline import ACTION_LABELS, client_visible_actions

    register()
    assert ACTION_LABELS["billing.statement_dispute"][0] == "客户对《费用明细表》提出异议"
    assert "billing.statement_confirm" in client_visible_actions()
    assert "billing.statement_export" not in client_visible_actions()


# ---- screens ---------------------------------------------------------------------------------


def test_it_lists_only_the_statements_a_user_may_see(closed: Closed) -> None:
    cast = closed.cast
    page = login_client(cast.hr_a).get("/billing/statements/").content.decode()
    assert closed.a.number in page and closed.b.number not in page
    assert CANARY_CLIENT_B not in page and A_TOTAL in page
    rep = login_client(cast.rep_a).get("/billing/statements/").content.decode()
    assert closed.a.number in rep and closed.b.number not in rep
    admin = login_client(cast.admin)
    both = admin.get("/billing/statements/?period=2026年11月&status=draft").content.decode()
    assert closed.a.number in both and closed.b.number in both
    only_b = admin.get(f"/billing/statements/?client={cast.client_b.pk}").content.decode()
    assert closed.a.number not in only_b and closed.b.number in only_b
    assert closed.a.number not in admin.get("/billing/statements/?period=2026-10").content.decode()
    assert login_client(cast.employee_a).get("/billing/statements/").status_code == 403


def test_it_explains_a_bad_filter(closed: Closed) -> None:
    response = login_client(closed.cast.hr_a).get("/billing/statements/?period=2026-13")
    assert response.status_code == 400
    assert "月份无效：13" in response.content.decode()
    response = login_client(closed.cast.hr_a).get("/billing/statements/?status=paid")
    assert response.status_code == 400 and "状态无效" in response.content.decode()


def test_it_answers_404_for_another_clients_statement(closed: Closed) -> None:
    cast = closed.cast
    for path in ("", "excel/", "pdf/"):
        assert (
            login_client(cast.hr_a).get(f"/billing/statements/{closed.b.pk}/{path}").status_code
            == 404
        )
        assert (
            login_client(cast.rep_b).get(f"/billing/statements/{closed.a.pk}/{path}").status_code
            == 404
        )
    response = login_client(cast.hr_b).post(f"/billing/statements/{closed.a.pk}/confirm/")
    assert response.status_code == 404
    assert closed.fresh().status == Statement.Status.DRAFT


def test_it_shows_the_header_and_the_people_with_masked_ids(closed: Closed) -> None:
    cast = closed.cast
    page = login_client(cast.hr_a).get(f"/billing/statements/{closed.a.pk}/").content.decode()
    assert CANARY_CLIENT_A in page and CANARY_PERSON_A in page and CANARY_PERSON_B not in page
    assert A_TOTAL in page and "¥160.00" in page  # total, 2 × ¥80.00 service fee
    assert "¥4,631.30" in page and "¥1,827.29" in page  # SI employer / employee
    assert cast.person_a.id_number not in page and cast.person_a.id_number_masked in page
    assert "养老保险" in page and "生育保险" not in page  # 示例 levies no maternity item
    assert 'data-testid="confirm-statement"' in page
    b = login_client(cast.admin).get(f"/billing/statements/{closed.b.pk}/").content.decode()
    # 9 % of ¥20,000.00 = ¥1,800.00: VAT ¥101.89, risk reserve ¥180.00, service ¥1,518.11.
    assert "¥1,800.00" in b and "¥101.89" in b and "¥180.00" in b and "¥1,518.11" in b
    assert 'data-testid="confirm-statement"' not in b  # staff do not confirm for the client


def test_it_pages_people_within_a_query_budget(
    closed: Closed, django_assert_max_num_queries: Any
) -> None:
    from hragency.domain.idcard import make_id_number
    from hragency.employees.models import InsuredPerson

    def born(i: int) -> dt.date:
        return dt.date(1991, 1, 1 + i // 100)

    cast = closed.cast
    people = InsuredPerson.objects.bulk_create(
        InsuredPerson(
            client=cast.client_a,
            name=f"批量{i:03d}",
            id_number=make_id_number(
                region_code="310115", birth_date=born(i), sequence=i % 100, gender="M"
            ),
            birth_date=born(i),
            gender="M",
        )
        for i in range(150)
    )
    for person in people:
        enroll(person, "8000.00")
    close_month(period=NOV)
    http = login_client(cast.hr_a)
    url = f"/billing/statements/{closed.a.pk}/"
    http.get(url)
    with django_assert_max_num_queries(15):
        first = http.get(url).content.decode()
    with django_assert_max_num_queries(15):
        last = http.get(url + "?page=2").content.decode()
    assert first.count('data-testid="line"') == 100
    assert last.count('data-testid="line"') == 52
    assert "共 152 人" in first and "全部合计（152 人）" in last


def test_it_confirms_disputes_and_resolves_through_the_screens(closed: Closed) -> None:
    cast = closed.cast
    hr = login_client(cast.hr_a)
    url = f"/billing/statements/{closed.a.pk}/"
    response = hr.post(url + "dispute/", {"reason": ""})
    assert response.status_code == 400
    assert "请填写异议说明" in response.content.decode()
    assert closed.fresh().status == Statement.Status.DRAFT
    response = hr.post(url + "dispute/", {"reason": "张甲的养老基数应为 12,345.67"})
    assert response.status_code == 302 and response["Location"] == url
    page = hr.get(url).content.decode()
    assert "客户有异议" in page and "张甲的养老基数应为 12,345.67" in page
    specialist = login_client(closed.specialist)
    page = specialist.get(url).content.decode()
    assert 'data-testid="resolve-dispute"' in page and "处理期限" in page
    assert login_client(cast.rep_a).post(url + "resolve/", {"note": "x"}).status_code == 403
    response = specialist.post(url + "resolve/", {"note": "基数无误，已向客户解释"})
    assert response.status_code == 302
    page = hr.get(url).content.decode()
    assert "登记处理结果（基数无误，已向客户解释）" in page
    computed = closed.fresh().computed_at.isoformat()
    response = hr.post(url + "confirm/", {"computed_at": computed})
    assert response.status_code == 302
    assert closed.fresh().status == Statement.Status.CONFIRMED
    page = hr.get(url).content.decode()
    assert "已确认费用明细表" in page and 'data-testid="confirm-statement"' not in page
    response = hr.post(url + "confirm/", {"computed_at": computed}, follow=True)
    assert "当前状态为“客户已确认”" in response.content.decode()


# ---- API -------------------------------------------------------------------------------------


def test_it_serves_statements_over_the_api(closed: Closed) -> None:
    cast = closed.cast
    hr = login_client(cast.hr_a)
    listing = hr.get("/api/billing/statements?period=2026-11").json()
    assert listing["count"] == 1 and listing["items"][0]["number"] == closed.a.number
    detail = hr.get(f"/api/billing/statements/{closed.a.pk}").json()
    assert detail["total"] == "10300.59" and detail["service_fee"] == "160.00"
    assert (detail["si_employer"], detail["hf_employee"]) == ("4631.30", "1841.00")
    lines = hr.get(f"/api/billing/statements/{closed.a.pk}/lines?limit=1").json()
    assert lines["count"] == 2 and len(lines["items"]) == 1
    first = lines["items"][0]
    assert first["name"] == CANARY_PERSON_A and first["wage"] == "12345.67"
    assert "*" in first["id_number_masked"]
    pension = next(i for i in first["items"] if i["item"] == "pension")
    assert (pension["base"], pension["employer"]) == ("12345.67", "1975.31")
    b = login_client(cast.admin).get(f"/api/billing/statements/{closed.b.pk}").json()
    assert (b["service_fee"], b["tax"], b["risk_reserve"]) == ("1800.00", "101.89", "180.00")
    assert hr.get(f"/api/billing/statements/{closed.b.pk}").status_code == 404
    assert hr.get("/api/billing/statements?period=13").status_code == 400
    assert login_client(cast.employee_a).get("/api/billing/statements").status_code == 403


def test_it_takes_responses_over_the_api(closed: Closed) -> None:
    cast = closed.cast
    hr = login_client(cast.hr_a)
    base = f"/api/billing/statements/{closed.a.pk}"
    empty = hr.post(base + "/dispute", {"reason": " "}, content_type="application/json")
    assert empty.status_code == 400 and empty.json()["detail"] == "请填写异议说明"
    response = hr.post(base + "/dispute", {"reason": "人数不对"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "disputed"
    denied = hr.post(base + "/resolve", {"note": "x"}, content_type="application/json")
    assert denied.status_code == 403
    other = login_client(cast.hr_b).post(base + "/confirm")
    assert other.status_code == 404
    specialist = login_client(closed.specialist)
    response = specialist.post(
        base + "/resolve", {"note": "已核对"}, content_type="application/json"
    )
    assert response.json()["status"] == "draft"
    assert hr.post(base + "/confirm").json()["status"] == "confirmed"
    again = hr.post(base + "/confirm")
    assert again.status_code == 400 and "客户已确认" in again.json()["detail"]
