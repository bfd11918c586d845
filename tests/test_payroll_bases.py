"""R-PAY-4 调基建议: last year's average monthly wage from paid payslips (hand-checked), applied
as a new enrollment segment from July; the Excel round-trip through the si_bases import;
scoping (HR of B sees nothing of A, HR of A may look but not apply) and the API's 4xx."""

from __future__ import annotations

import datetime as dt
import io
import json
import types
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from hragency.core.models import AuditLog
from hragency.domain.insurance import Period
from hragency.insurance.models import Enrollment
from hragency.payroll import bases
from hragency.payroll.models import PayrollLine, PersonSalary, SalaryItem
from tests.payroll_support import make_items, make_payroll_specialist, make_run
from tests.si_support import enroll

D = Decimal
JULY = Period(2027, 7)
PAGE = "/payroll/bases/"
API = "/api/payroll/base-proposals"


def month(year: int, m: int) -> dt.date:
    return dt.date(year, m, 1)


def pay(client, period, items_by_person, status="paid"):
    """A run of ``client`` for ``period`` whose lines carry exactly ``items_by_person``."""
    people = list(items_by_person)
    run = make_run(client, people, period=period, status=status)
    for person, items in items_by_person.items():
        PayrollLine.objects.filter(run=run, person=person).update(items=items)
    return run


def new_person(cast, name, seq, hire_date):
    from hragency.domain.idcard import make_id_number
    from hragency.employees.services import create_person

    number = make_id_number(
        region_code="310115", birth_date=dt.date(1992, 5, 9), sequence=seq, gender="M"
    )
    person = create_person(
        client_id=cast.client_a.pk,
        name=name,
        id_number=number,
        phone="13812345679",
        insured_city=cast.client_a.service_cities,
    )
    type(person).objects.filter(pk=person.pk).update(hire_date=hire_date)
    person.refresh_from_db()
    return person


@pytest.fixture
def payroll(cast):
    """Client A's 2026 payroll and enrollments:

    * person A, insured since 2026-01 at 12,345.67: base 11,000 + post 1,000 in January–October,
      base 14,000 + post 1,000 in November–December, plus a meal subsidy of 500 every month
      that is not in the SI base → (10 × 12,000 + 2 × 15,000) ÷ 12 = 12,500.00.
    * person A2, insured since 2026-06 at 9,000: base 10,000 in June–December, an absence
      deduction of 1,000 in December, an annual bonus of 7,000 in December, an annuity (other
      deductible) of 500 and a post-tax deduction of 100 every month (never wages)
      → (7 × 10,000 − 1,000 + 7,000) ÷ 7 = 76,000 ÷ 7 = 10,857.142857… → 10,857.14.
    * person A3, hired 2027-03-15, insured 2027-03 at 6,000: March (part month) 6,000, April
      20,000 → the first full month, April: 20,000.00.
    * person A4, insured since 2026-01 at 8,000, never paid through us → no proposal.
    """
    items = make_items(cast.client_a)
    SalaryItem.objects.filter(pk=items["meal"].pk).update(in_si_base=False)
    a3 = new_person(cast, "赵甲三CANARYPERSONA3", 21, dt.date(2027, 3, 15))
    a4 = new_person(cast, "钱甲四CANARYPERSONA4", 23, None)
    enroll(cast.person_a, "12345.67")
    enroll(cast.person_a2, "9000.00", month=month(2026, 6))
    enroll(a3, "6000.00", month=month(2027, 3))
    enroll(a4, "8000.00")
    for m in range(1, 13):
        base = 1_100_000 if m <= 10 else 1_400_000
        lines = {cast.person_a: {"base": base, "post": 100_000, "meal": 50_000}}
        if m >= 6:
            a2 = {"base": 1_000_000, "annuity": 50_000, "post_tax": 10_000}
            if m == 12:
                a2.update(absence=100_000, annual_bonus=700_000)
            lines[cast.person_a2] = a2
        pay(cast.client_a, month(2026, m), lines)
    pay(cast.client_a, month(2027, 3), {a3: {"base": 600_000}})
    pay(cast.client_a, month(2027, 4), {a3: {"base": 2_000_000}})
    # Client B's person is paid and insured too: nothing of it may show for client A.
    make_items(cast.client_b)
    enroll(cast.person_b, "7000.00")
    pay(cast.client_b, month(2026, 5), {cast.person_b: {"base": 700_000}})
    return types.SimpleNamespace(a3=a3, a4=a4, items=items)


@pytest.fixture
def specialist(cast):
    return make_payroll_specialist(cast)


@pytest.fixture
def api_mounted(settings):
    """The lead mounts ``api_bases.router`` at /api/payroll; until then the tests mount it on a
    test API with the real exception handlers, so the same URLs answer the same way."""
    from hragency.api import api

    if "/api/payroll/base-proposals" in api.get_openapi_schema()["paths"]:
        return
    from django.urls import include, path
    from ninja import NinjaAPI
    from ninja.security import django_auth

    from hragency.payroll.api_bases import router

    test_api = getattr(router, "_test_api", None)
    if test_api is None:
        test_api = NinjaAPI(auth=django_auth, urls_namespace="payroll_bases_test", docs_url=None)
        test_api._exception_handlers = api._exception_handlers
        test_api.add_router("/payroll", router)
        router._test_api = test_api  # type: ignore[attr-defined]

    class UrlConf:  # hashable, unlike SimpleNamespace: Django caches resolvers by urlconf
        urlpatterns = [path("api/", test_api.urls), path("", include(settings.ROOT_URLCONF))]

    settings.ROOT_URLCONF = UrlConf()


def by_name(proposals):
    return {p.name: p for p in proposals}


# ---- the average -------------------------------------------------------------------------------


def test_it_averages_last_years_wages_by_hand(cast, payroll, specialist):
    proposals = by_name(bases.proposed_bases(user=specialist, client=cast.client_a, year=2027))
    assert set(proposals) == {
        cast.person_a.name,
        cast.person_a2.name,
        payroll.a3.name,
        payroll.a4.name,
    }
    a = proposals[cast.person_a.name]
    assert (a.proposed_wage, a.current_wage, a.difference) == (
        D("12500.00"),
        D("12345.67"),
        D("154.33"),
    )
    assert (a.months, a.basis, a.note) == (12, "previous_year", "")
    a2 = proposals[cast.person_a2.name]
    assert (a2.proposed_wage, a2.months) == (D("10857.14"), 7)
    assert a2.note == "2026年仅 7 个月有工资（6–12月），按 7 个月平均"
    a3 = proposals[payroll.a3.name]
    assert (a3.proposed_wage, a3.basis) == (D("20000.00"), "first_month")
    assert a3.note == "2026年无工资记录，按2027年首个完整月（4月）工资"
    a4 = proposals[payroll.a4.name]
    assert (a4.proposed_wage, a4.basis, a4.difference) == (None, "none", None)
    assert a4.note == "2026年及2027年均无已发放的工资记录，无法计算"


def test_it_counts_only_paid_runs_and_rounds_half_up(cast, payroll, specialist):
    # December's run is only approved: (10 × 12,000 + 15,000) ÷ 11 = 12,272.7272… → 12,272.73.
    from hragency.payroll.models import PayrollRun

    PayrollRun.objects.filter(client=cast.client_a, period=month(2026, 12)).update(
        status=PayrollRun.Status.APPROVED
    )
    proposals = by_name(bases.proposed_bases(user=specialist, client=cast.client_a, year=2027))
    a = proposals[cast.person_a.name]
    assert (a.proposed_wage, a.months) == (D("12272.73"), 11)
    assert a.note == "2026年仅 11 个月有工资（1–11月），按 11 个月平均"
    # Half a fen rounds up: 1 + 2 fen over two months = 1.5 fen → 2.
    assert bases._average({month(2026, 1): 1, month(2026, 2): 2}) == (2, 2)


def test_it_flags_a_salary_changed_since_the_segment_started(cast, payroll, specialist):
    base = payroll.items["base"]
    PersonSalary.objects.create(
        client=cast.client_a,
        person=cast.person_a,
        item=base,
        amount_fen=1_100_000,
        effective_from=month(2026, 1),
    )
    PersonSalary.objects.create(
        client=cast.client_a,
        person=cast.person_a,
        item=base,
        amount_fen=1_400_000,
        effective_from=month(2026, 11),
    )
    proposals = by_name(bases.proposed_bases(user=specialist, client=cast.client_a, year=2027))
    assert proposals[cast.person_a.name].salary_changed_on == month(2026, 11)
    assert not proposals[cast.person_a2.name].salary_changed


# ---- applying ----------------------------------------------------------------------------------


def test_it_applies_a_new_segment_from_july(cast, payroll, specialist):
    counts = bases.apply_proposed_bases(
        actor=specialist,
        client=cast.client_a,
        year=2027,
        effective_month=JULY,
        person_ids=[cast.person_a.pk, cast.person_a2.pk],
    )
    assert counts == {"adjusted": 2, "unchanged": 0}
    segments = Enrollment.objects.filter(person=cast.person_a).order_by("start_month")
    assert [(s.start_month, s.end_month, s.wage) for s in segments] == [
        (month(2026, 1), month(2027, 6), D("12345.67")),
        (month(2027, 7), None, D("12500.00")),
    ]
    assert Enrollment.objects.get(person=cast.person_a2, end_month=None).wage == D("10857.14")
    # Nobody else was touched.
    assert Enrollment.objects.filter(person=payroll.a4).count() == 1
    log = AuditLog.objects.get(action="payroll.base_proposals_apply")
    assert log.client_id == cast.client_a.pk
    assert log.changes["month"] == "2027-07" and log.changes["adjusted"] == 2


@pytest.mark.parametrize(
    ("people", "month_", "reason"),
    [
        ([], JULY, "请选择要调整基数的人员"),
        (["a4"], JULY, "以下人员没有建议基数：钱甲四CANARYPERSONA4：2026年及2027年均无"),
        (["b"], JULY, "有 1 人在 2027-07 没有本单位的参保记录"),
        (["a"], Period(2028, 1), "生效月份应在 2027 年内"),
    ],
)
def test_it_refuses_and_changes_nothing(cast, payroll, specialist, people, month_, reason):
    ids = {"a": cast.person_a.pk, "a4": payroll.a4.pk, "b": cast.person_b.pk}
    before = list(Enrollment.objects.order_by("pk").values_list("pk", "wage", "end_month"))
    with pytest.raises(bases.ServiceError, match=reason):
        bases.apply_proposed_bases(
            actor=specialist,
            client=cast.client_a,
            year=2027,
            effective_month=month_,
            person_ids=[ids[p] for p in people],
        )
    assert list(Enrollment.objects.order_by("pk").values_list("pk", "wage", "end_month")) == before


def test_it_refuses_a_month_whose_statement_is_confirmed(cast, payroll, specialist):
    from hragency.billing.models import CloseRun, Statement

    run = CloseRun.objects.create(period=month(2027, 8), status=CloseRun.Status.DONE)
    Statement.objects.create(
        number="FYBASES0001",
        client=cast.client_a,
        period=month(2027, 8),
        run=run,
        headcount=1,
        wages_fen=1_234_567,
        si_employer_fen=0,
        si_employee_fen=0,
        hf_employer_fen=0,
        hf_employee_fen=0,
        service_fee_fen=0,
        total_fen=0,
        status=Statement.Status.CONFIRMED,
        computed_at=timezone.now(),
    )
    with pytest.raises(bases.ServiceError, match=r"2027-08 的费用明细表客户已确认.*2027-09"):
        bases.apply_proposed_bases(
            actor=specialist,
            client=cast.client_a,
            year=2027,
            effective_month=JULY,
            person_ids=[cast.person_a.pk],
        )
    assert Enrollment.objects.filter(person=cast.person_a).count() == 1
    # September is after the confirmed month: allowed.
    bases.apply_proposed_bases(
        actor=specialist,
        client=cast.client_a,
        year=2027,
        effective_month=Period(2027, 9),
        person_ids=[cast.person_a.pk],
    )
    assert Enrollment.objects.get(person=cast.person_a, end_month=None).start_month == month(
        2027, 9
    )


def test_it_refuses_a_blacklisted_client(cast, payroll, specialist, as_user):
    from hragency.clients.models import Client

    Client.objects.filter(pk=cast.client_a.pk).update(
        status=Client.Status.BLACKLISTED, blacklist_reason="伪造资料"
    )
    response = as_user(specialist).post(
        PAGE + "apply/",
        {
            "client": cast.client_a.pk,
            "year": "2027",
            "month": "2027-07",
            "person": cast.person_a.pk,
        },
    )
    assert response.status_code == 400
    assert "伪造资料" in response.content.decode() or "失信" in response.content.decode()
    assert Enrollment.objects.filter(person=cast.person_a).count() == 1


# ---- screens -----------------------------------------------------------------------------------


def test_it_shows_and_applies_proposals_on_the_screen(cast, payroll, specialist, as_user):
    http = as_user(specialist)
    response = http.get(PAGE, {"client": cast.client_a.pk, "year": "2027"})
    body = response.content.decode()
    assert response.status_code == 200
    assert f'data-testid="proposed-{cast.person_a.pk}">¥12,500.00<' in body
    assert f'data-testid="proposed-{cast.person_a2.pk}">¥10,857.14<' in body
    assert 'name="month" value="2027-07"' in body
    assert cast.person_b.name not in body
    # ID numbers are masked on the screen.
    assert "310115********" in body
    # Another month of the year: who is insured then (A3 only from March).
    february = http.get(PAGE, {"client": cast.client_a.pk, "year": "2027", "month": "2027-02"})
    assert payroll.a3.name not in february.content.decode()
    assert 'name="month" value="2027-02"' in february.content.decode()
    wrong = http.get(PAGE, {"client": cast.client_a.pk, "year": "2027", "month": "2026-07"})
    assert wrong.status_code == 400
    assert "生效月份应在 2027 年内（调基年度），实为 2026-07" in wrong.content.decode()
    # A refused apply keeps the table and the ticks.
    form = {"client": cast.client_a.pk, "year": "2027", "person": cast.person_a.pk}
    refused = http.post(PAGE + "apply/", {**form, "month": "2028-01"})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "生效月份应在 2027 年内" in body
    assert f'value="{cast.person_a.pk}" aria-label="选择{cast.person_a.name}" checked' in body
    assert f'value="{cast.person_a2.pk}" aria-label="选择{cast.person_a2.name}">' in body
    response = http.post(
        PAGE + "apply/",
        {
            "client": cast.client_a.pk,
            "year": "2027",
            "month": "2027-07",
            "person": cast.person_a.pk,
        },
        follow=True,
    )
    assert "已从 2027-07 起调整 1 人的申报工资" in response.content.decode()
    assert Enrollment.objects.get(person=cast.person_a, end_month=None).wage == D("12500.00")


def test_it_lets_client_hr_look_at_their_own_company_only(cast, payroll, as_user):
    hr_a = as_user(cast.hr_a)
    body = hr_a.get(PAGE, {"year": "2027"}).content.decode()
    assert f'data-testid="proposed-{cast.person_a.pk}">¥12,500.00<' in body
    assert 'name="person"' not in body  # no ticks, no apply
    assert cast.client_b.name not in body
    apply = {"client": cast.client_a.pk, "year": "2027", "person": cast.person_a.pk}
    assert hr_a.post(PAGE + "apply/", apply).status_code == 403
    assert hr_a.get(PAGE + "proposals.xlsx", {"client": cast.client_a.pk}).status_code == 403
    hr_b = as_user(cast.hr_b)
    assert hr_b.get(PAGE, {"client": cast.client_a.pk, "year": "2027"}).status_code == 404
    own = hr_b.get(PAGE, {"year": "2027"}).content.decode()
    assert cast.person_a.name not in own and cast.client_a.name not in own
    assert as_user(cast.rep_a).get(PAGE).status_code == 403
    assert as_user(cast.employee_a).get(PAGE).status_code == 403
    assert as_user(None).get(PAGE).status_code == 302
    assert Enrollment.objects.filter(person=cast.person_a).count() == 1


def test_it_downloads_proposals_that_import_as_a_base_adjustment(
    cast, payroll, specialist, as_user
):
    from hragency.core.imports import pipeline

    response = as_user(specialist).get(
        PAGE + "proposals.xlsx", {"client": cast.client_a.pk, "year": "2027"}
    )
    assert response.status_code == 200
    data = response.content
    book = load_workbook(io.BytesIO(data))
    sheet = book["导入数据"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][:4]) == ["身份证号", "姓名", "生效月份", "新申报工资"]
    by_person = {row[1]: row for row in rows[1:]}
    number = type(cast.person_a).objects.get(pk=cast.person_a.pk).id_number
    assert by_person[cast.person_a.name][:4] == (number, cast.person_a.name, "2027-07", 12500)
    assert payroll.a4.name not in by_person
    assert [r[0] for r in book["无法计算"].iter_rows(values_only=True)][1:] == [payroll.a4.name]
    assert AuditLog.objects.filter(action="payroll.base_proposals_export").count() == 1
    batch = pipeline.validate_batch(
        pipeline.start_import(
            kind="si_bases",
            actor=specialist,
            data=data,
            filename="调基建议.xlsx",
            client_id=cast.client_a.pk,
            run=False,
        ).pk
    )
    assert batch.errors == []
    pipeline.request_commit(batch=batch, actor=specialist, run=False)
    done = pipeline.commit_batch(batch.pk)
    assert done.status == "committed", done.message
    assert done.result.get("调整") == 3
    assert Enrollment.objects.get(person=cast.person_a, end_month=None).wage == D("12500.00")


# ---- API ---------------------------------------------------------------------------------------


def test_it_serves_proposals_over_the_api(cast, payroll, specialist, as_user, api_mounted):
    response = as_user(specialist).get(API, {"client": cast.client_a.pk, "year": 2027})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["month"] == "2027-07"
    people = {p["name"]: p for p in body["proposals"]}
    assert people[cast.person_a.name]["proposed_wage"] == "12500.00"
    assert people[cast.person_a.name]["difference"] == "154.33"
    assert people[payroll.a4.name]["proposed_wage"] is None
    assert people[cast.person_a.name]["id_number_masked"].count("*") >= 8
    hr_a = as_user(cast.hr_a).get(API, {"client": cast.client_a.pk, "year": 2027})
    assert hr_a.status_code == 200
    hr_b = as_user(cast.hr_b).get(API, {"client": cast.client_a.pk, "year": 2027})
    assert hr_b.status_code == 404
    assert cast.person_a.name not in hr_b.content.decode()
    assert (
        as_user(cast.rep_a).get(API, {"client": cast.client_a.pk, "year": 2027}).status_code == 403
    )
    assert as_user(None).get(API, {"client": cast.client_a.pk, "year": 2027}).status_code == 401


def post_json(http, url, body):
    return http.post(url, json.dumps(body), content_type="application/json")


def test_it_applies_over_the_api_and_refuses_in_chinese(
    cast, payroll, specialist, as_user, api_mounted
):
    http = as_user(specialist)
    apply = API + "/apply"
    body = {"client": cast.client_a.pk, "year": 2027, "person_ids": [cast.person_a.pk]}
    bad_month = post_json(http, apply, {**body, "effective_month": "2026-07"})
    assert bad_month.status_code == 400
    assert bad_month.json()["detail"] == "生效月份应在 2027 年内（调基年度），实为 2026-07"
    unreadable = post_json(http, apply, {**body, "effective_month": "七月"})
    assert unreadable.status_code == 400 and "所属期格式不正确" in unreadable.json()["detail"]
    assert post_json(http, apply, {**body, "year": 1990}).status_code == 400
    missing = post_json(http, apply, {"year": 2027, "person_ids": []})
    assert missing.status_code == 422 and "client" in missing.json()["detail"]
    assert post_json(http, apply, {**body, "person_ids": [cast.person_b.pk]}).status_code == 400
    other = post_json(as_user(cast.hr_a), apply, body)
    assert other.status_code == 403
    assert post_json(as_user(cast.hr_b), apply, body).status_code == 403
    assert Enrollment.objects.filter(person=cast.person_a).count() == 1
    done = post_json(http, apply, body)
    assert done.status_code == 200, done.content
    assert done.json() == {"month": "2027-07", "adjusted": 1, "unchanged": 0}
    again = post_json(http, apply, {**body, "effective_month": "2027-07"})
    assert again.json() == {"month": "2027-07", "adjusted": 0, "unchanged": 1}
