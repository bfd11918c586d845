"""Payroll test data made directly with the ORM (no audit rows), for tests of screens and files
that read runs and payslips. The calculation itself is tested through ``payroll.calculate``.

``make_run`` writes a run whose lines carry the figures of ``LINE_FIGURES`` (consistent among
themselves, checked by hand in the comment there), so tests of screens and files assert what a
line says; whether a calculation produces such lines is the calculation tests' business.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

PERIOD = dt.date(2026, 10, 1)


def make_payroll_specialist(cast: Any, username: str = "pay_a") -> Any:
    from hragency.accounts.roles import Role
    from hragency.accounts.services import assign_client, create_user

    user = create_user(
        username=username,
        password="Cast@2026pass",
        display_name="钱薪酬",
        roles=[Role.PAYROLL_SPECIALIST],
        email=f"{username}@example.cn",
    )
    assign_client(client_id=cast.client_a.pk, user=user)
    assign_client(client_id=cast.client_b.pk, user=user)
    return user


def make_items(client: Any) -> dict[str, Any]:
    """A typical client's items: base (daily basis), post allowance, performance, overtime,
    absence, meal subsidy (tax-free here for the test), bonus, annual bonus, post-tax deduction."""
    from hragency.payroll.models import SalaryItem

    spec = [
        ("base", "基本工资", "earning", "fixed", True, True),
        ("post", "岗位津贴", "earning", "fixed", True, False),
        ("perf", "绩效工资", "earning", "performance", True, False),
        ("overtime", "加班费", "earning", "overtime", True, False),
        ("meal", "餐费补贴", "earning", "fixed", False, False),
        ("bonus", "奖金", "earning", "monthly", True, False),
        ("absence", "缺勤扣款", "deduction", "absence", True, False),
        ("annual_bonus", "全年一次性奖金", "annual_bonus", "monthly", True, False),
        ("annuity", "企业年金个人部分", "other_deductible", "monthly", True, False),
        ("post_tax", "其他税后扣款", "post_tax", "monthly", True, False),
    ]
    items = {}
    for order, (code, name, kind, source, taxable, basis) in enumerate(spec):
        items[code], _ = SalaryItem.objects.get_or_create(
            client=client,
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "source": source,
                "taxable": taxable,
                "in_daily_basis": basis,
                "order": order,
            },
        )
    return items


LINE_FIGURES = {
    # 12,000 base + 1,000 post allowance = 13,000 gross; SI 1,050, HF 1,440; standard 5,000;
    # child education 2,000: taxable 13,000 − 5,000 − 2,490 − 2,000 = 3,510; 3 % = 105.30.
    "items": {"base": 1_200_000, "post": 100_000},
    "earnings_fen": 1_300_000,
    "deductions_fen": 0,
    "gross_fen": 1_300_000,
    "income_fen": 1_300_000,
    "tax_free_fen": 0,
    "si_employee_fen": 105_000,
    "hf_employee_fen": 144_000,
    "additional_fen": 200_000,
    "other_fen": 0,
    "standard": True,
    "low_income": False,
    "cum_income_fen": 1_300_000,
    "cum_tax_free_fen": 0,
    "cum_standard_fen": 500_000,
    "cum_special_fen": 249_000,
    "cum_additional_fen": 200_000,
    "cum_other_fen": 0,
    "cum_taxable_fen": 351_000,
    "cum_tax_fen": 10_530,
    "cum_withheld_fen": 10_530,
    "rate_pct": 3,
    "quick_fen": 0,
    "iit_fen": 10_530,
    "post_tax_fen": 0,
    "net_fen": 1_300_000 - 105_000 - 144_000 - 10_530,
    "si_employer_fen": 192_000,
    "hf_employer_fen": 144_000,
}


def make_run(
    client: Any,
    people: list[Any],
    *,
    period: dt.date = PERIOD,
    status: str = "paid",
    number: str | None = None,
) -> Any:
    """A run of ``client`` for ``period`` with one line per person, each with LINE_FIGURES."""
    from hragency.payroll.models import PayrollLine, PayrollRun

    make_items(client)
    now = timezone.now()
    run = PayrollRun.objects.create(
        number=number or f"GZ{period:%Y%m}{client.pk:04d}",
        client=client,
        period=period,
        status=status,
        headcount=len(people),
        gross_fen=LINE_FIGURES["gross_fen"] * len(people),
        si_employee_fen=LINE_FIGURES["si_employee_fen"] * len(people),
        hf_employee_fen=LINE_FIGURES["hf_employee_fen"] * len(people),
        iit_fen=LINE_FIGURES["iit_fen"] * len(people),
        net_fen=LINE_FIGURES["net_fen"] * len(people),
        si_employer_fen=LINE_FIGURES["si_employer_fen"] * len(people),
        hf_employer_fen=LINE_FIGURES["hf_employer_fen"] * len(people),
        computed_at=now,
        paid_at=now if status == "paid" else None,
    )
    PayrollLine.objects.bulk_create(
        [
            PayrollLine(run=run, client=client, person=person, period=period, **LINE_FIGURES)
            for person in people
        ]
    )
    return run


def prepare_hand_checked(cast: Any, person: Any) -> tuple[Any, dict[str, Any]]:
    """The set-up that ``tests/test_payroll_calculate.py`` checks by hand: ``person`` hired on
    2026-11-03 at client A, insured on 12,000 in the test city, base 12,000 + post 1,000 +
    performance 2,000 + tax-free meal 500, child education 2,000 from January, November
    attendance 1 day's leave, 10 h weekday overtime, coefficient 1.2; November and December
    closed. November's net pay is 13,494.37 (tax 185.39)."""
    from decimal import Decimal

    from hragency.billing.close import close_month
    from hragency.domain.insurance import Period
    from hragency.payroll.models import Attendance, PersonSalary, SpecialDeduction
    from tests.si_support import activate, enroll, make_test_city, set_rates

    make_test_city()
    activate(person.client)
    set_rates(person.client)
    person.hire_date = dt.date(2026, 11, 3)
    person.save(update_fields=["hire_date"])
    enroll(person, "12000.00", dt.date(2026, 11, 1))
    items = make_items(person.client)
    standing = {"base": 1_200_000, "post": 100_000, "perf": 200_000, "meal": 50_000}
    for code, amount in standing.items():
        PersonSalary.objects.create(
            client=person.client,
            person=person,
            item=items[code],
            amount_fen=amount,
            effective_from=dt.date(2026, 11, 1),
        )
    SpecialDeduction.objects.create(
        client=person.client,
        person=person,
        category="children_education",
        amount_fen=200_000,
        start_month=dt.date(2026, 1, 1),
        source="staff",
    )
    Attendance.objects.create(
        client=person.client,
        person=person,
        period=dt.date(2026, 11, 1),
        personal_leave_days=Decimal("1"),
        overtime_workday_hours=Decimal("10"),
        performance_coefficient=Decimal("1.2"),
    )
    close_month(period=Period(2026, 11))
    close_month(period=Period(2026, 12))
    return person, items
