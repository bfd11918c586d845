"""The insured-person archive: create/update with per-field errors, list filters, detail,
field history, eligibility checks, API and the blacklist gate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from hragency.core.crypto import blind_index
from hragency.core.errors import InvalidFields, ServiceError
from hragency.core.models import AuditLog
from hragency.domain.idcard import make_id_number
from hragency.employees import services
from hragency.employees.eligibility import OTHER_CLIENT_GENERIC, check_many, check_person
from hragency.employees.models import InsuredPerson
from tests.conftest import CANARY_CLIENT_B, Cast, login_client

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


def id_number(birth: dt.date, seq: int = 40, gender: str = "M") -> str:
    return make_id_number(region_code="310115", birth_date=birth, sequence=seq, gender=gender)


def blacklist(client: Any) -> None:
    client.status = "blacklisted"
    client.blacklist_reason = "伪造营业执照"
    client.save()


# ---- create and update ---------------------------------------------------------------------


def test_it_creates_a_person_with_every_field_and_audits_it(cast: Cast) -> None:
    person = services.create_person(
        client_id=cast.client_a.pk,
        actor=cast.hr_a,
        name="赵新",
        id_number=id_number(dt.date(1995, 6, 1)),
        phone="13900002222",
        hukou_type="农村",
        hukou_place="安徽省合肥市",
        education="大学本科",
        salary="8,500.50",
        contract_type="fixed",
        contract_start="2026-01-01",
        contract_end="2028-12-31",
        insured_city="上海",
    )
    person.refresh_from_db()
    assert person.salary == Decimal("8500.50")
    assert (person.hukou_type, person.education) == ("rural", "bachelor")
    assert (person.gender, person.retirement_category) == ("M", "male_60")
    log = AuditLog.objects.get(action="employees.create", object_id=str(person.pk))
    assert log.actor == cast.hr_a and log.client == cast.client_a
    assert person.id_number not in str(log.changes)


def test_it_returns_every_field_error_at_once_and_writes_nothing(cast: Cast) -> None:
    before = (InsuredPerson.objects.count(), AuditLog.objects.count())
    with pytest.raises(InvalidFields) as caught:
        services.create_person(
            client_id=cast.client_a.pk,
            name="",
            id_number="310115199001011234",
            phone="2345",
            salary="12.345",
            contract_start="2026-05-01",
            contract_end="2026-01-01",
        )
    errors = caught.value.by_field()
    assert set(errors) >= {"name", "id_number", "phone", "salary", "contract_end"}
    assert "校验位错误" in errors["id_number"]
    assert (InsuredPerson.objects.count(), AuditLog.objects.count()) == before


def test_it_refuses_a_second_record_for_the_same_id_number_at_one_client(cast: Cast) -> None:
    with pytest.raises(InvalidFields, match="该客户下已有此身份证号的档案"):
        services.create_person(
            client_id=cast.client_a.pk, name="重复", id_number=cast.person_a.id_number.lower()
        )


def test_it_creates_through_the_form_showing_errors_beside_fields(cast: Cast) -> None:
    http = login_client(cast.hr_a)
    assert http.get("/people/new/").status_code == 200
    response = http.post(
        "/people/new/", {"name": "钱多", "id_number": "12345", "phone": "13900001234"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="error-id_number"' in page and "长度错误" in page
    assert 'value="钱多"' in page  # what was typed stays
    assert not InsuredPerson.objects.filter(name="钱多").exists()
    good = id_number(dt.date(1992, 2, 2), seq=51)
    response = http.post(
        "/people/new/",
        {"name": "钱多", "id_number": good, "phone": "13900001234", "status": "onboarding"},
    )
    person = InsuredPerson.objects.get(name="钱多")
    assert response.status_code == 302 and response["Location"] == f"/people/{person.pk}/"
    assert person.client == cast.client_a and person.status == "onboarding"


def test_it_lets_staff_create_only_for_a_client_in_their_scope(cast: Cast) -> None:
    http = login_client(cast.rep_a)
    number = id_number(dt.date(1992, 2, 2), seq=52)
    response = http.post(
        "/people/new/", {"client": cast.client_b.pk, "name": "越权", "id_number": number}
    )
    assert response.status_code == 400 and "请选择客户" in response.content.decode()
    assert CANARY_CLIENT_B not in response.content.decode()
    response = http.post(
        "/people/new/", {"client": cast.client_a.pk, "name": "合规", "id_number": number}
    )
    assert response.status_code == 302
    assert login_client(cast.employee_a).get("/people/new/").status_code == 403


def test_it_edits_through_the_form_keeping_masked_fields_unless_retyped(cast: Cast) -> None:
    person = cast.person_a2
    http = login_client(cast.hr_a)
    form = http.get(f"/people/{person.pk}/edit/").content.decode()
    assert person.id_number not in form and "13812345678" not in form
    assert person.phone_masked in form
    response = http.post(
        f"/people/{person.pk}/edit/",
        {"name": person.name, "id_number": "", "phone": "", "position": "仓库主管"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.position == "仓库主管" and person.phone == "13812345678"
    response = http.post(f"/people/{person.pk}/edit/", {"name": "", "salary": "abc"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="error-name"' in page and 'data-testid="error-salary"' in page
    person.refresh_from_db()
    assert person.name and person.salary is None


# ---- list and detail -----------------------------------------------------------------------


def test_it_filters_the_list_and_finds_an_exact_id_number_by_blind_index(cast: Cast) -> None:
    services.update_person(person=cast.person_a2, data={"employee_number": "A-0002"}, actor=None)
    http = login_client(cast.rep_a)

    def names(query: str) -> str:
        return http.get(f"/people/?{query}").content.decode()

    assert cast.person_a.name in names("") and cast.person_b.name not in names("")
    assert cast.person_a.name not in names("q=A-0002") and cast.person_a2.name in names("q=A-0002")
    by_id = names(f"q={cast.person_a.id_number.lower()}")
    assert cast.person_a.name in by_id and cast.person_a2.name not in by_id
    # An ID number of client B's person finds nothing for rep A.
    assert cast.person_b.name not in names(f"q={cast.person_b.id_number}")
    assert cast.person_a.name not in names("status=left")
    assert cast.person_a.name not in names("city=北京") and cast.person_a.name in names("city=上海")


def test_it_lists_a_page_with_a_bounded_number_of_queries(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    for seq in range(60):
        services.create_person(
            client_id=cast.client_a.pk,
            name=f"批量{seq}",
            id_number=id_number(dt.date(1980 + seq % 20, 1 + seq % 12, 3), seq=seq, gender="F"),
        )
    http = login_client(cast.rep_a)
    http.get("/people/")
    with django_assert_max_num_queries(14):
        page = http.get("/people/?page=2").content.decode()
    assert "第 2 / 2 页" in page


def test_it_shows_age_and_statutory_retirement_on_the_detail_page(cast: Cast) -> None:
    page = login_client(cast.rep_a).get(f"/people/{cast.person_a.pk}/").content.decode()
    # Born 1990-03-07, male: the 2025 reform puts him at 63.
    assert "63岁，2053-03-07 退休" in page
    assert cast.person_a.id_number not in page and cast.person_a.id_number_masked in page
    assert "缺：照片、身份证复印件、户口本、学历证书、劳动合同、外包告知函" in page


# ---- history -------------------------------------------------------------------------------


def test_it_renders_the_field_history_with_encrypted_fields_as_changed_only(cast: Cast) -> None:
    person = cast.person_a2
    services.update_person(
        person=person,
        data={"name": "李甲改", "phone": "13600001111", "education": "master"},
        actor=cast.hr_a,
    )
    services.reveal(person=person, field="id_number", actor=cast.hr_a)
    page = login_client(cast.rep_a).get(f"/people/{person.pk}/history/").content.decode()
    assert "姓名：李甲二CANARYPERSONA2 → 李甲改" in page
    assert "学历：（空） → 硕士研究生" in page
    assert "手机号：已变更" in page
    assert "13600001111" not in page and "13812345678" not in page
    assert "查看了完整身份证号" in page and "创建档案" in page
    assert str(cast.hr_a) in page
    # Scoped like the person.
    assert login_client(cast.rep_b).get(f"/people/{person.pk}/history/").status_code == 404
    api = login_client(cast.hr_a).get(f"/api/people/{person.pk}/history").json()
    first = api["items"][0]
    assert first["title"] == "查看了完整身份证号"
    changes = {c["field"]: c for c in api["items"][1]["changes"]}
    assert changes["phone"]["encrypted"] and changes["name"]["new"] == "李甲改"


# ---- eligibility ---------------------------------------------------------------------------


def test_it_warns_past_and_near_statutory_retirement(cast: Cast) -> None:
    old = services.create_person(
        client_id=cast.client_a.pk,
        name="老王",
        id_number=id_number(dt.date(1963, 5, 10), seq=60),
    )
    codes = [w.code for w in check_person(old, today=TODAY)]
    assert codes == ["retirement_past"]
    # Born 1966-09: 60 years 6 months → 2027-03-23; within six months of TODAY.
    soon = services.create_person(
        client_id=cast.client_a.pk,
        name="老李",
        id_number=id_number(dt.date(1966, 9, 23), seq=61),
    )
    warnings = check_person(soon, today=TODAY)
    assert [w.code for w in warnings] == ["retirement_soon"]
    assert "60岁6个月，2027-03-23 退休" in warnings[0].message
    assert check_person(cast.person_a, today=TODAY) == []


def test_it_warns_of_active_insurance_at_another_client_naming_it_only_to_who_may_see_it(
    cast: Cast,
) -> None:
    twin = services.create_person(
        client_id=cast.client_b.pk, name="双份", id_number=cast.person_a2.id_number
    )
    for viewer in (cast.hr_a, cast.rep_a, None):
        [warning] = check_person(cast.person_a2, viewer=viewer, today=TODAY)
        assert warning.code == "other_client"
        assert OTHER_CLIENT_GENERIC in warning.message
        assert CANARY_CLIENT_B not in warning.message
    [warning] = check_person(cast.person_a2, viewer=cast.admin, today=TODAY)
    assert CANARY_CLIENT_B in warning.message
    page = login_client(cast.hr_a).get(f"/people/{cast.person_a2.pk}/").content.decode()
    assert OTHER_CLIENT_GENERIC in page and CANARY_CLIENT_B not in page
    api = login_client(cast.hr_a).get(f"/api/people/{cast.person_a2.pk}/eligibility").json()
    assert api[0]["code"] == "other_client" and CANARY_CLIENT_B not in str(api)
    # Once the other record has left, there is nothing to warn about.
    InsuredPerson.objects.filter(pk=twin.pk).update(status="left")
    assert check_person(cast.person_a2, viewer=cast.admin, today=TODAY) == []


def test_it_warns_outside_the_clients_age_limits(cast: Cast) -> None:
    cast.client_a.min_age, cast.client_a.max_age = 18, 30
    cast.client_a.save()
    # person_a is 36 on TODAY.
    [warning] = check_person(cast.person_a, today=TODAY)
    assert warning.code == "above_max_age" and "36 岁" in warning.message
    cast.client_a.min_age, cast.client_a.max_age = 40, None
    cast.client_a.save()
    assert [w.code for w in check_person(cast.person_a, today=TODAY)] == ["below_min_age"]


def test_it_checks_a_thousand_rows_in_a_few_queries(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    rows = [
        (
            cast.client_a.pk,
            blind_index(id_number(dt.date(1960 + i % 40, 1 + i % 12, 1 + i % 28), seq=i % 100)),
            dt.date(1960 + i % 40, 1 + i % 12, 1 + i % 28),
            "male_60",
        )
        for i in range(1000)
    ]
    rows.append((cast.client_b.pk, cast.person_a.id_number_index, dt.date(1990, 3, 7), "male_60"))
    with django_assert_max_num_queries(4):
        result = check_many(rows, today=TODAY)
    assert len(result) == 1001
    assert [w.code for w in result[-1]] == ["other_client"]
    assert any(w.code == "retirement_past" for w in result[0])


def test_it_saves_despite_warnings_and_returns_them_from_the_api(cast: Cast) -> None:
    http = login_client(cast.hr_b)
    response = http.post(
        "/api/people/",
        {"name": "兼职者", "id_number": cast.person_a.id_number, "status": "active"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [w["code"] for w in body["warnings"]] == ["other_client"]
    assert body["warnings"][0]["message"].startswith(OTHER_CLIENT_GENERIC)
    assert "CANARYCLIENTA" not in response.content.decode()


# ---- API -----------------------------------------------------------------------------------


def test_it_answers_api_create_errors_per_field_in_chinese(cast: Cast) -> None:
    http = login_client(cast.rep_a)
    before = InsuredPerson.objects.count()
    response = http.post(
        "/api/people/",
        {"client_id": cast.client_a.pk, "name": "", "id_number": "1", "salary": "-5"},
        content_type="application/json",
    )
    assert response.status_code == 400
    fields = {e["field"]: e for e in response.json()["errors"]}
    assert set(fields) >= {"name", "id_number", "salary"}
    assert fields["salary"]["label"] == "月工资" and fields["salary"]["reason"] == "不能为负数"
    response = http.post("/api/people/", {"name": "x"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "client_id"
    response = http.post(
        "/api/people/",
        {"client_id": cast.client_b.pk, "name": "越权", "id_number": id_number(TODAY, seq=5)},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert InsuredPerson.objects.count() == before


def test_it_patches_only_the_given_fields_and_refuses_without_permission(cast: Cast) -> None:
    url = f"/api/people/{cast.person_a.pk}"
    response = login_client(cast.rep_a).patch(
        url, {"position": "组长", "salary": 9200.5}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["salary"] == "9200.50" and response.json()["position"] == "组长"
    response = login_client(cast.rep_a).patch(
        url, {"contract_start": "2026-13-01"}, content_type="application/json"
    )
    assert response.status_code == 400 and "合同开始日期" in response.json()["detail"]
    assert (
        login_client(cast.rep_b).patch(url, {}, content_type="application/json").status_code == 404
    )
    response = login_client(cast.employee_a).patch(
        url, {"position": "经理"}, content_type="application/json"
    )
    assert response.status_code == 403
    cast.person_a.refresh_from_db()
    assert cast.person_a.position == "组长"
    detail = login_client(cast.employee_a).get(url).json()
    assert detail["retirement_age"] == "63岁" and detail["retirement_date"] == "2053-03-07"
    assert detail["id_number_masked"] == cast.person_a.id_number_masked
    assert cast.person_a.id_number not in str(detail)


def test_it_filters_the_api_list(cast: Cast) -> None:
    http = login_client(cast.admin)
    items = http.get(f"/api/people/?q={cast.person_b.id_number}").json()["items"]
    assert [i["id"] for i in items] == [cast.person_b.pk]
    items = http.get(f"/api/people/?client_id={cast.client_a.pk}&insured_city=上海").json()
    assert {i["id"] for i in items["items"]} == {cast.person_a.pk, cast.person_a2.pk}


# ---- blacklisted client --------------------------------------------------------------------


def test_it_refuses_every_change_for_a_blacklisted_client(cast: Cast) -> None:
    blacklist(cast.client_a)
    before = AuditLog.objects.count()
    with pytest.raises(ServiceError, match="失信客户名单"):
        services.update_person(person=cast.person_a, data={"position": "x"}, actor=cast.rep_a)
    with pytest.raises(ServiceError, match="失信客户名单"):
        services.create_person(
            client_id=cast.client_a.pk, name="新人", id_number=id_number(TODAY, seq=7)
        )
    with pytest.raises(ServiceError, match="失信客户名单"):
        services.start_offboarding(
            person=cast.person_a, actor=cast.rep_a, leave_date="2026-12-31", reason="辞职"
        )
    response = login_client(cast.hr_a).patch(
        f"/api/people/{cast.person_a.pk}", {"position": "x"}, content_type="application/json"
    )
    assert response.status_code == 400 and "伪造营业执照" in response.json()["detail"]
    response = login_client(cast.hr_a).post(
        f"/people/{cast.person_a.pk}/edit/", {"name": cast.person_a.name, "position": "y"}
    )
    assert response.status_code == 400 and "失信客户名单" in response.content.decode()
    assert AuditLog.objects.count() == before
    cast.person_a.refresh_from_db()
    assert cast.person_a.position == "" and cast.person_a.status == "active"
