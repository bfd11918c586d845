"""Payroll set-up (R-PAY-1): salary items, settings, standing salaries with their history, the
month's inputs frozen once a run leaves draft, special additional deductions with the rules
that compare declarations, tax-year options — through the services, the screens and the API,
scoped like every read."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from hragency.core.errors import InvalidFields, ServiceError
from hragency.core.models import AuditLog
from hragency.payroll import queries_setup as q
from hragency.payroll import setup, setup_inputs
from hragency.payroll.models import (
    Attendance,
    MonthlyAmount,
    PersonSalary,
    SalaryItem,
    SpecialDeduction,
)
from tests.conftest import CANARY_CLIENT_A, CANARY_PERSON_A, Cast
from tests.payroll_support import make_payroll_specialist, make_run


@pytest.fixture
def pay(cast: Cast) -> Cast:
    cast.pay = make_payroll_specialist(cast)  # type: ignore[attr-defined]
    setup.ensure_default_items(actor=cast.pay, client=cast.client_a)  # type: ignore[attr-defined]
    return cast


def item(client: Any, code: str) -> SalaryItem:
    return SalaryItem.objects.get(client=client, code=code)


def reasons(exc: pytest.ExceptionInfo[Any]) -> dict[str, str]:
    return exc.value.by_field()  # type: ignore[no-any-return]


# ---- items -----------------------------------------------------------------------------------


def test_it_creates_the_default_items_once(pay: Cast) -> None:
    items = list(SalaryItem.objects.filter(client=pay.client_a).order_by("order"))
    assert [i.name for i in items] == [
        "基本工资", "岗位津贴", "绩效工资", "加班费", "餐费补贴", "奖金", "缺勤扣款",
        "全年一次性奖金", "其他税后扣款",
    ]  # fmt: skip
    base, meal = item(pay.client_a, "base"), item(pay.client_a, "meal")
    assert (base.source, base.in_daily_basis) == ("fixed", True)
    assert meal.taxable, "cash meal subsidies are taxable wages"
    assert item(pay.client_a, "absence").kind == "deduction"
    assert setup.ensure_default_items(actor=pay.pay, client=pay.client_a) == []
    assert AuditLog.objects.filter(action="payroll.item_create", client=pay.client_a).count() == 9


def test_it_refuses_items_that_cannot_work_with_the_reason(pay: Cast) -> None:
    with pytest.raises(InvalidFields) as bad:
        setup.save_salary_item(
            actor=pay.pay,
            client=pay.client_a,
            code="Base!",
            name="",
            kind="应发项",
            source="固定（按人员定薪）",
        )
    assert reasons(bad) == {
        "code": "只能由小写字母、数字和下划线组成，以字母开头，最多 30 个字符",
        "name": "必填",
    }
    with pytest.raises(InvalidFields) as twice:
        setup.save_salary_item(
            actor=pay.pay,
            client=pay.client_a,
            code="base",
            name="周末加班",
            kind="earning",
            source="overtime",
        )
    assert reasons(twice) == {
        "code": "「base」已被项目「基本工资」使用",
        "source": "每个客户只能有一个“加班（按考勤计算）”项目，已有「加班费」",
    }
    with pytest.raises(InvalidFields) as bonus:
        setup.save_salary_item(
            actor=pay.pay,
            client=pay.client_a,
            code="nianzhong",
            name="年终奖",
            kind="annual_bonus",
            source="fixed",
        )
    assert reasons(bonus) == {"source": "全年一次性奖金只能按月录入或导入"}
    # Another client may use the same codes.
    other = setup.save_salary_item(
        actor=pay.pay,
        client=pay.client_b,
        code="base",
        name="基本工资",
        kind="earning",
        source="fixed",
    )
    assert other.client_id == pay.client_b.pk


def test_it_keeps_code_kind_and_source_of_an_item_a_run_used(pay: Cast) -> None:
    run = make_run(pay.client_a, [pay.person_a], status="review")
    base = item(pay.client_a, "base")
    with pytest.raises(InvalidFields) as exc:
        setup.save_salary_item(actor=pay.pay, client=pay.client_a, item_id=base.pk, code="jiben")
    assert reasons(exc)["code"] == (
        f"该项目已用于工资表 {run.number}（2026-10），"
        "代码、类别和取数方式不能再修改；可以改名或停用后另建项目"
    )
    renamed = setup.save_salary_item(
        actor=pay.pay, client=pay.client_a, item_id=base.pk, name="基本薪资"
    )
    assert (renamed.code, renamed.name) == ("base", "基本薪资")
    assert not setup.deactivate_salary_item(actor=pay.pay, item=base).active
    change = AuditLog.objects.filter(action="payroll.item_update", object_id=str(base.pk)).get()
    assert change.changes == {"name": ["基本工资", "基本薪资"]}


def test_it_saves_payroll_settings_with_the_sick_pay_ratio_in_ppm(pay: Cast) -> None:
    row = setup.save_payroll_settings(
        actor=pay.pay,
        client=pay.client_a,
        pay_day="25",
        sick_leave_paid_pct="80",
        email_payslips=False,
    )
    assert (row.pay_day, row.sick_leave_paid_ppm, row.email_payslips) == (25, 800_000, False)
    with pytest.raises(InvalidFields) as exc:
        setup.save_payroll_settings(
            actor=pay.pay, client=pay.client_a, pay_day="32", sick_leave_paid_pct="100.5"
        )
    assert reasons(exc) == {
        "pay_day": "应在 1 到 31 之间（当月没有该日的，在月末发放）",
        "sick_leave_paid_pct": "应在 0 到 100 之间",
    }
    with pytest.raises(PermissionDenied):
        setup.save_payroll_settings(actor=pay.hr_a, client=pay.client_a, pay_day="10")


# ---- standing salaries -----------------------------------------------------------------------


def test_it_keeps_the_salary_history_as_rows_from_their_month(pay: Cast) -> None:
    base = item(pay.client_a, "base")
    setup.set_person_salary(
        actor=pay.pay, person=pay.person_a, item=base, amount="12000", effective_from="2026-11"
    )
    setup.set_person_salary(
        actor=pay.pay,
        person=pay.person_a,
        item=base,
        amount="13,500.00",
        effective_from="2027年1月",
    )
    # Re-entering a month corrects that month's row; the same amount again writes nothing.
    setup.set_person_salary(
        actor=pay.pay, person=pay.person_a, item=base, amount="12500", effective_from="2026-11"
    )
    setup.set_person_salary(
        actor=pay.pay, person=pay.person_a, item=base, amount="12500", effective_from="2026-12"
    )
    rows = PersonSalary.objects.filter(person=pay.person_a).order_by("effective_from")
    assert [(r.effective_from, r.amount_fen) for r in rows] == [
        (dt.date(2026, 11, 1), 1_250_000),
        (dt.date(2027, 1, 1), 1_350_000),
    ]
    table = q.salary_table(pay.pay, pay.person_a, on=dt.date(2026, 12, 15))
    current = {s.item.code: s.current.amount_fen for s in table if s.current}
    assert current == {"base": 1_250_000}
    assert AuditLog.objects.filter(action="payroll.salary_correct").get().changes == {
        "amount_fen": [1_200_000, 1_250_000], "item": "基本工资", "month": "2026-11"
    }  # fmt: skip


def test_it_refuses_salaries_that_would_change_a_paid_payroll(pay: Cast) -> None:
    run = make_run(pay.client_a, [pay.person_a], status="paid")
    base, bonus = item(pay.client_a, "base"), item(pay.client_a, "bonus")
    with pytest.raises(ServiceError) as exc:
        setup.set_person_salary(
            actor=pay.pay, person=pay.person_a, item=base, amount="9000", effective_from="2026-10"
        )
    assert str(exc.value) == (
        f"生效月份 2026-10 不能早于或等于工资表 {run.number}（2026-10，已发放）的所属月份："
        "该月工资已按原定薪计算；请从 2026-11 起调整"
    )
    with pytest.raises(InvalidFields) as wrong:
        setup.set_person_salary(
            actor=pay.pay, person=pay.person_a, item=bonus, amount="-1", effective_from="2026-11"
        )
    assert reasons(wrong) == {
        "item": "「奖金」不按人员定薪（每月录入/导入），只有固定项目和绩效项目可以定薪",
        "amount": "不能为负数：-1.00",
    }
    assert not PersonSalary.objects.exists()
    setup.set_person_salary(
        actor=pay.pay, person=pay.person_a, item=base, amount="9000", effective_from="2026-11"
    )


# ---- monthly inputs --------------------------------------------------------------------------


def test_it_freezes_a_month_whose_run_left_draft(pay: Cast) -> None:
    run = make_run(pay.client_a, [pay.person_a], status="review")
    bonus = item(pay.client_a, "bonus")
    with pytest.raises(ServiceError) as exc:
        setup_inputs.set_monthly_amount(
            actor=pay.pay, person=pay.person_a, item=bonus, period="2026-10", amount="500"
        )
    assert str(exc.value) == (
        f"2026-10 的工资表 {run.number} 状态为「待审核」，不能再修改该月的考勤和变动项；"
        "如需修改，请先将工资表退回"
    )
    with pytest.raises(ServiceError, match="待审核"):
        setup_inputs.record_attendance(actor=pay.hr_a, person=pay.person_a, period="2026-10")
    assert not MonthlyAmount.objects.exists() and not Attendance.objects.exists()
    # The next month is open; 0 removes an amount.
    setup_inputs.set_monthly_amount(
        actor=pay.hr_a, person=pay.person_a, item=bonus, period="2026-11", amount="500"
    )
    assert MonthlyAmount.objects.get().amount_fen == 50_000
    assert (
        setup_inputs.set_monthly_amount(
            actor=pay.pay, person=pay.person_a, item=bonus, period="2026-11", amount="0"
        )
        is None
    )
    assert not MonthlyAmount.objects.exists()


def test_it_records_attendance_and_flags_overtime_over_the_legal_limit(pay: Cast) -> None:
    row, warnings = setup_inputs.record_attendance(
        actor=pay.hr_a,
        person=pay.person_a,
        period="2026-11",
        personal_leave_days="1.5",
        overtime_workday_hours="20",
        overtime_restday_hours="16.5",
        performance_coefficient="1.2",
    )
    assert warnings == [
        "加班合计 36.50 小时，超过《劳动法》第四十一条规定的每月 36 小时上限，请核实"
    ]
    assert (row.personal_leave_days, row.performance_coefficient) == (
        Decimal("1.50"),
        Decimal("1.2000"),
    )
    with pytest.raises(InvalidFields) as bad:
        setup_inputs.record_attendance(
            actor=pay.pay,
            person=pay.person_a,
            period="2026-11",
            sick_leave_days="31",
            overtime_holiday_hours="301",
            performance_coefficient="1.23456",
        )
    assert reasons(bad) == {"performance_coefficient": "最多 4 位小数：1.23456"}
    with pytest.raises(InvalidFields) as too_long:
        setup_inputs.record_attendance(
            actor=pay.pay, person=pay.person_a, period="2026-11", sick_leave_days="31"
        )
    assert reasons(too_long) == {"sick_leave_days": "不能超过当月天数 30 天"}
    with pytest.raises(PermissionDenied):
        setup_inputs.record_attendance(actor=pay.hr_b, person=pay.person_a, period="2026-11")
    assert Attendance.objects.get().personal_leave_days == Decimal("1.5")


# ---- special additional deductions ------------------------------------------------------------


def declare(actor: Any, person: Any, category: str, amount: str, start: str, **kw: Any) -> Any:
    return setup_inputs.declare_deduction(
        actor=actor,
        person=person,
        category=category,
        monthly_amount=amount,
        start_month=start,
        **kw,
    )


def test_it_applies_the_deduction_rules_across_declarations(pay: Cast) -> None:
    a = pay.person_a
    declare(pay.pay, a, "子女教育", "2000", "2026-01", note="张小明")
    declare(pay.pay, a, "children_education", "2000", "2026-01", note="张小红")
    with pytest.raises(InvalidFields) as twice:
        declare(pay.pay, a, "子女教育", "2000", "2026-01", note="张小红")
    assert "重复" in reasons(twice)["category"]
    with pytest.raises(InvalidFields) as amount:
        declare(pay.pay, a, "子女教育", "1500", "2026-01")
    assert reasons(amount)["monthly_amount"].endswith("实为 1,500.00 元")
    declare(pay.pay, a, "住房租金", "1500", "2026-01", end_month="2026-06")
    with pytest.raises(InvalidFields) as both:
        declare(pay.pay, a, "住房贷款利息", "1000", "2026-06")
    assert reasons(both) == {
        "category": "住房贷款利息和住房租金不能在同一月份同时扣除，只能选择其中一项："
        "与已申报的住房租金（2026-01至 2026-06）重叠"
    }
    declare(pay.pay, a, "住房贷款利息", "1000", "2026-07")
    declare(pay.pay, a, "赡养老人", "1500", "2026-01", note="父亲")
    declare(pay.pay, a, "赡养老人", "1500", "2026-01", note="母亲")
    with pytest.raises(InvalidFields) as elderly:
        declare(pay.pay, a, "赡养老人", "1000", "2026-03", note="祖母")
    assert reasons(elderly)["monthly_amount"].startswith(
        "赡养老人每月合计最多扣除 ¥3,000.00，2026-03 合计为 ¥4,000.00"
    )
    declare(pay.pay, a, "个人养老金", "1000", "2026-01")
    with pytest.raises(InvalidFields) as pension:
        declare(pay.pay, a, "个人养老金", "100", "2026-06", end_month="2026-12")
    assert reasons(pension) == {
        "monthly_amount": "2026年个人养老金每年最多扣除 12,000.00 元，本年已扣除 12,000.00 元，"
        "本次 700.00 元"
    }
    assert SpecialDeduction.objects.filter(person=a).count() == 7


def test_it_lets_an_employee_declare_only_their_own(pay: Cast) -> None:
    row = declare(pay.employee_a, pay.person_a, "继续教育", "3600", "2026-09")
    assert (row.source, row.end_month) == ("employee", dt.date(2026, 9, 1))
    with pytest.raises(PermissionDenied):
        declare(pay.employee_a, pay.person_a2, "继续教育", "400", "2026-09")
    with pytest.raises(PermissionDenied):
        declare(pay.rep_a, pay.person_a, "继续教育", "400", "2026-09")
    assert list(q.deductions_for(pay.employee_a)) == [row]
    assert declare(pay.hr_a, pay.person_a2, "继续教育", "400", "2026-09").source == "staff"


def test_it_keeps_a_deduction_a_paid_run_used(pay: Cast) -> None:
    run = make_run(pay.client_a, [pay.person_a], status="paid")
    row = declare(pay.pay, pay.person_a, "子女教育", "2000", "2026-01")
    with pytest.raises(ServiceError) as withdraw:
        setup_inputs.withdraw_deduction(actor=pay.pay, deduction=row)
    assert str(withdraw.value) == (
        f"该扣除已用于工资表 {run.number}（2026-10，已发放），"
        "不能撤回；不再符合条件的，请设置截止月份"
    )
    with pytest.raises(ServiceError, match="截止月份不能早于 2026-10"):
        setup_inputs.end_deduction(actor=pay.pay, deduction=row, end_month="2026-09")
    ended = setup_inputs.end_deduction(actor=pay.employee_a, deduction=row, end_month="2026-12")
    assert ended.end_month == dt.date(2026, 12, 1)
    later = declare(pay.pay, pay.person_a, "住房租金", "800", "2026-11")
    setup_inputs.withdraw_deduction(actor=pay.employee_a, deduction=later)
    assert not SpecialDeduction.objects.filter(pk=later.pk).exists()
    assert AuditLog.objects.filter(action="payroll.deduction_withdraw").count() == 1


def test_it_saves_tax_year_options(pay: Cast) -> None:
    row = setup.save_tax_year_option(
        actor=pay.pay,
        person=pay.person_a,
        year="2026",
        low_income_rule="适用",
        first_job_in_year=True,
    )
    assert (row.low_income_rule, row.first_job_in_year, row.bonus_separate) == ("yes", True, True)
    with pytest.raises(InvalidFields) as late:
        setup.save_tax_year_option(
            actor=pay.pay, person=pay.person_a, year=2028, bonus_separate=True
        )
    assert reasons(late)["bonus_separate"].startswith(
        "全年一次性奖金单独计税政策执行至2027年12月31日"
    )
    assert not q.tax_option_of(pay.pay, pay.person_a, 2028).bonus_separate


# ---- scoping, screens and API ------------------------------------------------------------------


def test_it_scopes_every_read(pay: Cast) -> None:
    base = item(pay.client_a, "base")
    declare(pay.pay, pay.person_a2, "子女教育", "2000", "2026-01")
    with pytest.raises(Http404):
        q.item_for(pay.hr_b, base.pk)
    assert not q.items_for(pay.hr_b).filter(client=pay.client_a).exists()
    assert not q.deductions_for(pay.hr_b).exists()
    assert not q.deductions_for(pay.employee_a).exists()
    assert q.item_for(pay.hr_a, base.pk) == base
    with pytest.raises(PermissionDenied):
        q.item_for(pay.rep_a, base.pk)  # serves client A, but has no payroll permission


def test_it_shows_items_and_a_persons_salary_on_screen(pay: Cast, as_user: Any) -> None:
    base = item(pay.client_a, "base")
    setup.set_person_salary(
        actor=pay.pay, person=pay.person_a, item=base, amount="12000", effective_from="2026-01"
    )
    hr = as_user(pay.hr_a)
    page = hr.get(f"/payroll/setup/clients/{pay.client_a.pk}/").content.decode()
    assert "基本工资" in page and CANARY_CLIENT_A in page and "添加工资项目" not in page
    person = hr.get(f"/payroll/setup/people/{pay.person_a.pk}/").content.decode()
    assert "¥12,000.00" in person and pay.person_a.id_number not in person
    assert as_user(pay.hr_b).get(f"/payroll/setup/people/{pay.person_a.pk}/").status_code == 404
    staff = as_user(pay.pay)
    refused = staff.post(
        f"/payroll/setup/people/{pay.person_a.pk}/salary/",
        {"item": base.pk, "amount": "abc", "effective_from": "2026-12"},
    )
    assert refused.status_code == 400 and "应为金额：abc" in refused.content.decode()
    done = staff.post(
        f"/payroll/setup/people/{pay.person_a.pk}/salary/",
        {"item": base.pk, "amount": "12800", "effective_from": "2026-12"},
    )
    assert done.status_code == 302
    assert PersonSalary.objects.filter(person=pay.person_a).count() == 2


def test_it_lets_an_employee_declare_from_the_portal(pay: Cast, as_user: Any) -> None:
    me = as_user(pay.employee_a)
    page = me.get("/payroll/setup/my/deductions/")
    assert page.status_code == 200 and CANARY_PERSON_A in page.content.decode()
    bad = me.post(
        "/payroll/setup/my/deductions/",
        {"category": "housing_rent", "monthly_amount": "900", "start_month": "2026-11"},
    )
    assert bad.status_code == 400 and "住房租金按城市每月扣除" in bad.content.decode()
    ok = me.post(
        "/payroll/setup/my/deductions/",
        {"category": "housing_rent", "monthly_amount": "1500", "start_month": "2026-11"},
    )
    assert ok.status_code == 302
    assert SpecialDeduction.objects.get(person=pay.person_a).source == "employee"
    assert me.get(f"/payroll/setup/people/{pay.person_a2.pk}/deductions/").status_code == 404


def api(http: Any, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    if method == "get":
        return http.get(f"/api/payroll{path}")
    call = getattr(http, method)
    return call(f"/api/payroll{path}", data=json.dumps(body or {}), content_type="application/json")


def test_it_serves_the_setup_through_the_api(pay: Cast, as_user: Any) -> None:
    staff = as_user(pay.pay)
    a = pay.client_a.pk
    created = api(
        staff,
        "post",
        f"/clients/{a}/items",
        {"code": "gaowen", "name": "高温补贴", "kind": "earning", "source": "fixed"},
    )
    assert created.status_code == 201 and created.json()["source_label"] == "固定（按人员定薪）"
    item_id = created.json()["id"]
    assert api(staff, "put", f"/items/{item_id}", {"name": "高温津贴"}).json()["name"] == "高温津贴"
    bad = api(staff, "put", f"/items/{item_id}", {"kind": "post_tax", "in_daily_basis": True})
    assert bad.status_code == 400
    assert bad.json()["errors"] == [
        {
            "field": "in_daily_basis",
            "label": "计入日薪基数",
            "reason": "只有按人员定薪的应发项可以计入日薪基数",
        }
    ]
    assert (
        api(
            staff, "put", f"/clients/{a}/settings", {"pay_day": 10, "sick_leave_paid_pct": "70"}
        ).json()["sick_leave_paid_pct"]
        == "70"
    )
    p = pay.person_a.pk
    salary = api(
        staff,
        "post",
        f"/people/{p}/salaries",
        {"item": "base", "amount": "8800.50", "effective_from": "2026-01"},
    )
    assert salary.json()["amount"] == "8800.50"
    salaries = {s["item_code"]: s for s in api(staff, "get", f"/people/{p}/salaries").json()}
    assert salaries["base"]["current"]["amount"] == "8800.50"
    assert [h["effective_from"] for h in salaries["base"]["history"]] == ["2026-01"]
    attendance = api(
        staff, "post", f"/people/{p}/attendance", {"month": "2026-11", "overtime_workday_hours": 40}
    )
    assert attendance.json()["warnings"][0].startswith("加班合计 40.00 小时")
    amount = api(
        staff, "post", f"/people/{p}/amounts", {"item": "奖金", "month": "2026-11", "amount": "300"}
    )
    assert amount.json()["amount"] == "300.00"
    zero = {"item": "奖金", "month": "2026-11", "amount": 0}
    assert api(staff, "post", f"/people/{pay.person_a2.pk}/amounts", zero).status_code == 204
    listed = api(staff, "get", f"/clients/{a}/amounts?month=2026-11").json()
    assert [(r["person_name"], r["item_name"], r["amount"]) for r in listed] == [
        (CANARY_PERSON_A, "奖金", "300.00")
    ]
    declared = api(
        as_user(pay.employee_a),
        "post",
        f"/people/{p}/deductions",
        {"category": "赡养老人", "monthly_amount": "3000", "start_month": "2026-01"},
    )
    assert declared.status_code == 201 and declared.json()["source_label"] == "员工申报"
    assert (
        api(
            staff, "post", f"/deductions/{declared.json()['id']}/end", {"end_month": "2026-03"}
        ).json()["end_month"]
        == "2026-03"
    )
    assert (
        api(
            staff, "put", f"/people/{p}/tax-options", {"year": 2026, "low_income_rule": "no"}
        ).json()["low_income_rule_label"]
        == "不适用"
    )
    assert api(staff, "delete", f"/deductions/{declared.json()['id']}").status_code == 204
    # Refusals are 4xx with a Chinese detail; other clients' data is 404.
    assert api(
        staff, "post", f"/people/{p}/amounts", {"item": "无此项", "month": "2026-11", "amount": "1"}
    ).json() == {"detail": "本单位没有工资项目「无此项」"}
    assert api(staff, "get", f"/clients/{a}/attendance?month=2026-13").status_code == 400
    hr_b = as_user(pay.hr_b)
    for path in (
        f"/clients/{a}/items",
        f"/people/{p}/salaries",
        f"/people/{p}/deductions",
        f"/items/{item_id}",
    ):
        response = api(hr_b, "get", path)
        assert response.status_code == 404, path
    assert (
        api(
            as_user(pay.hr_a), "post", f"/clients/{a}/items", {"code": "x", "name": "x"}
        ).status_code
        == 403
    )
