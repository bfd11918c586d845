"""Demo payroll: the first client's salary items and salaries, last month's payroll paid (so the
demo employee has a payslip) and this month's calculated and waiting for the client's HR to
approve. Everything goes through the services, as a user would do it."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from hragency.clients.models import Client
from hragency.domain.insurance import Period
from hragency.employees.models import InsuredPerson
from hragency.payroll import services, setup, setup_inputs
from hragency.payroll.models import PayrollRun, SalaryItem


def seed_payroll(*, users: dict[str, Any], rng: random.Random, today: dt.date) -> None:
    from hragency.billing.close import close_month

    specialist = users["payroll"]
    hr = users["hr_a"]
    client = Client.objects.get(pk=hr.client_id)
    period = Period.of(today)
    previous = period.shifted(-1)
    setup.ensure_default_items(actor=specialist, client=client)
    items = {item.code: item for item in SalaryItem.objects.filter(client=client)}
    people = list(
        InsuredPerson.objects.filter(client=client, enrollments__isnull=False)
        .distinct()
        .order_by("pk")
    )
    start = previous.shifted(-2)
    for person in people:
        enrollment = person.enrollments.order_by("-start_month").first()
        base = (enrollment.wage // 100 * 100) - 1000 if enrollment else Decimal("8000")
        base = max(base, Decimal("3000"))
        for code, amount in (("base", base), ("post", 800), ("perf", 1500), ("meal", 300)):
            setup.set_person_salary(
                actor=specialist,
                person=person,
                item=items[code],
                amount=str(amount),
                effective_from=str(start),
            )
    employee = users["employee"].insured_person
    if employee in people:
        setup_inputs.declare_deduction(
            actor=users["employee"],
            person=employee,
            category="children_education",
            monthly_amount="2000",
            start_month=f"{today.year}-01",
            note="子女：小明",
        )
    for person in people[:3]:
        setup_inputs.record_attendance(
            actor=specialist,
            person=person,
            period=str(previous),
            personal_leave_days=str(rng.choice([0, 1, 2])),
            overtime_workday_hours=str(rng.choice([0, 6, 12])),
            performance_coefficient=rng.choice(["0.9", "1.0", "1.2"]),
        )
    # Last month: the month close, then the whole payroll round trip.
    close_month(period=previous, actor=users["si"])
    services.calculate_run(actor=specialist, client=client, period=previous)
    run = PayrollRun.objects.get(client=client, period=previous.first_day)
    services.submit_run(actor=specialist, run=run)
    services.approve_run(actor=hr, run=run)
    services.pay_run(actor=specialist, run=run)
    # This month: calculated and submitted, waiting for the client's HR.
    services.calculate_run(actor=specialist, client=client, period=period)
    run = PayrollRun.objects.get(client=client, period=period.first_day)
    services.submit_run(actor=specialist, run=run)
