"""The social-insurance screens as users see them: a client's HR submits an order and sees only
their own; the specialist's queue (deadlines, overdue rows, bulk processing with per-order
failures); enrollments and the confirmation of bases; client rates; the policy library and its
export; the calculator."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.utils import timezone

from hragency.core.models import AuditLog, Deadline
from hragency.insurance import services
from hragency.insurance.models import ClientRate, Enrollment, Order, PolicyRule
from hragency.insurance.policies import CSV_COLUMNS
from tests.conftest import CANARY_CLIENT_A, CANARY_PERSON_A, Cast, login_client
from tests.si_support import CITY, enroll, make_specialist, make_test_city


@pytest.fixture
def si(cast: Cast) -> Any:
    make_test_city()
    cast.specialist = make_specialist(cast)  # type: ignore[attr-defined]
    return cast


def submit(actor: Any, person: Any, **kw: Any) -> Order:
    values: dict[str, Any] = {
        "kind": "add",
        "city": CITY,
        "period": services.earliest_open_period(),
        "wage": Decimal("8000.00"),
    }
    values.update(kw)
    return services.submit_order(actor=actor, person=person, **values)


def text(response: Any) -> str:
    return response.content.decode()


def test_it_lets_hr_submit_an_order_and_see_only_their_own(si: Cast) -> None:
    http = login_client(si.hr_a)
    page = http.get("/insurance/orders/new/")
    assert page.status_code == 200
    earliest = services.earliest_open_period()
    assert f'value="{earliest}"' in text(page)  # the month defaults to the first open one
    assert CANARY_PERSON_A in text(page)
    response = http.post(
        "/insurance/orders/new/",
        {"person": si.person_a.pk, "kind": "add", "month": str(earliest), "wage": "8,000",
         "city": CITY, "si": "1", "hf": "1"},
    )  # fmt: skip
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/insurance/orders/{order.pk}/"
    assert (order.city, order.wage, order.channel) == (CITY, Decimal("8000.00"), "portal")
    detail = http.get(response["Location"])
    assert "待办理" in text(detail) and order.number in text(detail)
    assert "已提交增员单" in text(detail)
    listing = text(http.get("/insurance/orders/"))
    assert order.number in listing and CANARY_PERSON_A in listing

    other = login_client(si.hr_b)
    assert order.number not in text(other.get("/insurance/orders/"))
    assert other.get(f"/insurance/orders/{order.pk}/").status_code == 404
    assert login_client(si.employee_a).get("/insurance/orders/").status_code == 403


def test_it_shows_field_errors_and_writes_nothing(si: Cast) -> None:
    http = login_client(si.hr_a)
    late = services.earliest_open_period().shifted(-1)
    response = http.post(
        "/insurance/orders/new/",
        {"person": si.person_a.pk, "kind": "add", "month": str(late), "wage": "abc", "city": CITY},
    )
    body = text(response)
    assert response.status_code == 400
    assert "请修改标红的字段后重新提交" in body
    assert 'data-testid="error-wage"' in body and "应为金额：abc" in body
    assert 'data-testid="error-month"' in body and "截止" in body
    # Another client's person is not offered, and is refused as if absent.
    response = http.post(
        "/insurance/orders/new/",
        {"person": si.person_b.pk, "kind": "add", "month": "2099-01", "wage": "8000"},
    )
    assert response.status_code == 400 and "请选择人员" in text(response)
    assert not Order.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="insurance.").exists()


def test_it_defaults_the_city_to_the_persons_insured_city(si: Cast) -> None:
    from hragency.employees.models import InsuredPerson

    InsuredPerson.objects.filter(pk=si.person_a.pk).update(insured_city=CITY)
    http = login_client(si.hr_a)
    http.post(
        "/insurance/orders/new/",
        {"person": si.person_a.pk, "kind": "add", "wage": "8000", "si": "1",
         "month": str(services.earliest_open_period())},
    )  # fmt: skip
    assert Order.objects.get().city == CITY


def test_it_shows_the_specialist_a_queue_by_cut_off_with_overdue_rows(si: Cast) -> None:
    first = submit(si.hr_a, si.person_a)
    second = submit(si.hr_b, si.person_b)
    past = timezone.now() - dt.timedelta(hours=2)
    Deadline.objects.filter(subject_id=str(first.pk)).update(due_at=past)
    http = login_client(si.specialist)
    body = text(http.get("/insurance/queue/"))
    assert body.index(first.number) < body.index(second.number)
    row = body[body.index(f'data-testid="queue-row-{first.number}"') - 40 :]
    assert "table-danger" in row[:80] and "已超时" in row[:800]
    assert f"{timezone.localtime(past):%Y-%m-%d %H:%M}" in body
    assert login_client(si.rep_a).get("/insurance/queue/").status_code == 403
    assert login_client(si.hr_a).get("/insurance/queue/").status_code == 403


def test_it_processes_selected_orders_and_names_each_failure(si: Cast) -> None:
    good = submit(si.hr_a, si.person_a)
    bad = submit(si.hr_a, si.person_a2)
    # Meanwhile A2 got insured elsewhere: processing the add must be refused.
    enroll(si.person_a2, "5000.00")
    http = login_client(si.specialist)
    response = http.post("/insurance/queue/process/", {"order": [good.pk, bad.pk]}, follow=True)
    body = text(response)
    assert "已办理 1 单" in body
    assert f"{bad.number}" in body and "未办理" in body and "不能重复参保" in body
    assert Order.objects.get(pk=good.pk).status == Order.Status.DONE
    assert Order.objects.get(pk=bad.pk).status == Order.Status.SUBMITTED
    # Out-of-scope ids are ignored, not processed.
    outsider = make_specialist_for_b(si)
    login_client(outsider).post("/insurance/queue/process/", {"order": [bad.pk]})
    assert Order.objects.get(pk=bad.pk).status == Order.Status.SUBMITTED


def make_specialist_for_b(cast: Cast) -> Any:
    from hragency.accounts.roles import Role
    from hragency.accounts.services import assign_client, create_user

    user = create_user(username="si_b", password="Cast@2026pass", roles=[Role.SI_SPECIALIST])
    assign_client(client_id=cast.client_b.pk, user=user)
    return user


def test_it_processes_rejects_and_cancels_from_the_detail_page(si: Cast) -> None:
    order = submit(si.hr_a, si.person_a)
    hr = login_client(si.hr_a)
    assert "办理" not in text(hr.get(f"/insurance/orders/{order.pk}/")).split("撤销")[0][-200:]
    assert hr.post(f"/insurance/orders/{order.pk}/process/").status_code == 403
    specialist = login_client(si.specialist)
    response = specialist.post(f"/insurance/orders/{order.pk}/reject/", {"reason": ""})
    assert response.status_code == 400 and "请填写退回原因" in text(response)
    response = specialist.post(
        f"/insurance/orders/{order.pk}/process/", {"note": "已申报"}, follow=True
    )
    assert f"{order.number} 已办理" in text(response)
    assert "已办理" in text(hr.get(f"/insurance/orders/{order.pk}/"))
    second = submit(si.hr_a, si.person_a2)
    response = hr.post(f"/insurance/orders/{second.pk}/cancel/", follow=True)
    assert "已撤销" in text(response)
    assert Order.objects.get(pk=second.pk).status == Order.Status.CANCELLED


def test_it_lists_orders_with_a_bounded_number_of_queries(
    si: Cast, django_assert_max_num_queries: Any
) -> None:
    month = services.earliest_open_period().first_day
    Order.objects.bulk_create(
        Order(
            number=f"ZYT{i:05d}",
            client=si.client_a,
            person=si.person_a if i % 2 else si.person_a2,
            kind="add",
            city=CITY,
            month=month,
            wage=Decimal("8000.00"),
            channel="portal",
            submitted_by=si.hr_a,
        )
        for i in range(40)
    )
    for user, url in ((si.rep_a, "/insurance/orders/"), (si.specialist, "/insurance/queue/")):
        http = login_client(user)
        http.get(url)  # warm the session
        with django_assert_max_num_queries(16):
            response = http.get(url)
        assert len(re.findall(r'href="/insurance/orders/\d+/"', text(response))) == 40


def test_it_shows_enrollments_with_masked_ids_and_lets_hr_confirm_bases(si: Cast) -> None:
    enroll(si.person_a, "3000.00")  # below the floor of 5000
    enroll(si.person_b, "9000.00")
    hr = login_client(si.hr_a)
    body = text(hr.get("/insurance/enrollments/"))
    assert CANARY_PERSON_A in body and si.person_a.id_number not in body
    assert si.person_a.id_number_masked in body
    assert "¥3,000.00" in body and "¥5,000.00" in body  # declared wage and clamped base
    assert "待确认 1 人" in body and "确认缴费基数" in body
    response = hr.post("/insurance/enrollments/confirm/", follow=True)
    assert "已确认 1 人本月的缴费基数" in text(response)
    assert Enrollment.objects.get(person=si.person_a).bases_confirmed_at is not None
    assert Enrollment.objects.get(person=si.person_b).bases_confirmed_at is None
    staff = text(login_client(si.rep_a).get("/insurance/enrollments/?month=2025-12"))
    assert CANARY_PERSON_A not in staff and "该月没有在保人员" in staff
    assert login_client(si.rep_a).post("/insurance/enrollments/confirm/").status_code == 403


def test_it_lets_staff_set_client_rates_and_hr_read_them(si: Cast) -> None:
    http = login_client(si.specialist)
    url = f"/insurance/rates/?client={si.client_a.pk}"
    response = http.post(
        "/insurance/rates/",
        {"client": si.client_a.pk, "city": CITY, "injury_rate": "0.4", "hf_rate": "15"},
    )
    assert response.status_code == 400 and f"高于{CITY}允许的上限 12%" in text(response)
    assert not ClientRate.objects.exists()
    response = http.post(
        "/insurance/rates/",
        {"client": si.client_a.pk, "city": CITY, "injury_rate": "0.4", "hf_rate": "12"},
    )
    assert response.status_code == 302
    rate = ClientRate.objects.get()
    assert (rate.injury_rate, rate.hf_rate) == (Decimal("0.004"), Decimal("0.12"))
    assert "0.4%" in text(http.get(url)) and "12%" in text(http.get(url))
    hr = login_client(si.hr_a)
    body = text(hr.get("/insurance/rates/"))
    assert "0.4%" in body and 'data-testid="rate-form"' not in body
    hr_post = {"client": si.client_a.pk, "city": CITY, "hf_rate": "5"}
    assert hr.post("/insurance/rates/", hr_post).status_code == 403
    assert login_client(si.rep_b).get(url).status_code == 404


def test_it_shows_the_policy_library_by_month_with_history_and_badges(si: Cast) -> None:
    PolicyRule.objects.create(
        city=CITY,
        item="pension",
        effective_from=dt.date(2026, 7, 1),
        base_floor=Decimal("5200.00"),
        base_ceiling=Decimal("31000.00"),
        employer_rate=Decimal("0.15"),
        employee_rate=Decimal("0.08"),
        certainty="待核实",
        source="2026年度调整通知",
    )
    http = login_client(si.hr_a)
    body = text(http.get("/insurance/policies/?period=2026-11"))
    assert f'data-testid="city-{CITY}"' in body
    city = body[body.index(f'data-testid="city-{CITY}"') :]
    city = city[: city.index("</table>")]
    assert "¥5,200.00" in city and "15%" in city and "9.8%" in city
    assert "待核实" in city and "已核实" in city and "2026年度调整通知" in city
    assert "按客户设定（5%–12%）" in city and "四舍五入到元" in city
    march = text(http.get("/insurance/policies/?period=2026-03"))
    march = march[march.index(f'data-testid="city-{CITY}"') :]
    assert "¥5,000.00" in march[: march.index("</table>")]
    before = text(http.get("/insurance/policies/?period=2025-12"))
    assert f'data-testid="city-{CITY}"' not in before and "尚无生效政策：" in before
    history = text(http.get(f"/insurance/policies/{CITY}/?period=2026-03"))
    assert history.count("养老保险") >= 2 and "当期生效" in history
    assert http.get("/insurance/policies/火星/").status_code == 404


def test_it_exports_the_library_in_the_seed_layout_as_decimal_strings(si: Cast) -> None:
    response = login_client(si.rep_a).get("/insurance/policies/export/")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert list(rows[0]) == CSV_COLUMNS
    mine = [r for r in rows[1:] if r[0] == CITY]
    assert len(mine) == 5
    pension = next(r for r in mine if r[1] == "pension")
    assert pension[2:7] == ("2026-01", "5000.00", "30000.00", "0.16", "0.08")
    assert all(isinstance(v, str) for r in rows for v in r if v is not None)
    assert len(rows) - 1 == PolicyRule.objects.count()


def test_it_calculates_in_the_page_with_the_apis_figures(si: Cast) -> None:
    http = login_client(si.hr_a)
    assert http.get("/insurance/calculator/").status_code == 200
    data = {"city": CITY, "period": "2026-11", "wage": "12345.67", "hf_rate": "12",
            "injury_rate": "0.4"}  # fmt: skip
    response = http.post("/insurance/calculator/", data, HTTP_HX_REQUEST="true")
    body = text(response)
    assert response.status_code == 200 and "<html" not in body
    assert 'data-testid="calc-total">¥7,557.59' in body
    assert 'data-testid="calc-employer">¥4,777.30' in body
    assert "待核实" not in body
    PolicyRule.objects.filter(city=CITY, item="pension").update(certainty="待核实")
    body = text(http.post("/insurance/calculator/", data, HTTP_HX_REQUEST="true"))
    assert "尚待核实" in body and "养老保险" in body
    body = text(http.post("/insurance/calculator/", {**data, "hf_rate": ""}, HTTP_HX_REQUEST="1"))
    assert 'data-testid="error-hf_rate"' in body and "公积金缴存比例" in body
    body = text(http.post("/insurance/calculator/", {**data, "period": "2025-01"}))
    assert "没有生效的社保政策" in body
    assert login_client(si.employee_a).get("/insurance/calculator/").status_code == 403


def test_it_labels_order_events_on_the_clients_timeline_for_hr(si: Cast) -> None:
    order = submit(si.hr_a, si.person_a)
    services.process_order(actor=si.specialist, order=order)
    body = text(login_client(si.hr_a).get(f"/clients/{si.client_a.pk}/timeline/"))
    assert "提交增减员单" in body and "增减员单已办理" in body
    assert "开始计时" not in body
    assert CANARY_CLIENT_A in body
