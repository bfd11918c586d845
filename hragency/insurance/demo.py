"""Demo social insurance: each serviceable client's rates, its people insured since an earlier
month (as when a client moves its existing insured staff to us), a few add/remove orders
waiting in the specialists' queue, and the current month closed into statements."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from hragency.clients.models import Client
from hragency.core import audit
from hragency.domain.insurance import Item, Period
from hragency.employees.models import InsuredPerson
from hragency.insurance import services
from hragency.insurance.models import Enrollment
from hragency.insurance.policies import PolicyNotFound, policy_rows_for


def _rates(city: str, period: Period) -> tuple[Decimal | None, Decimal | None]:
    rows = {row.item: row for row in policy_rows_for(city, period)}
    injury = rows.get(Item.INJURY.value)
    fund = rows.get(Item.HOUSING_FUND.value)
    injury_rate = max(Decimal("0.004"), injury.rate_min or Decimal(0)) if injury else None
    if fund is None:
        return injury_rate, None
    hf_rate = min(max(Decimal("0.07"), fund.rate_min or Decimal(0)), fund.rate_max or Decimal(1))
    return injury_rate, hf_rate


def seed_insurance(*, users: dict[str, Any], rng: random.Random, today: dt.date) -> None:
    from hragency.billing.close import close_month

    specialist = users["si"]
    period = Period.of(today)
    start = period.shifted(-3)
    entries = []
    insured: set[str] = set()  # by ID blind index: the archive demo has one person at two clients
    for client in Client.objects.filter(status=Client.Status.ACTIVE).order_by("pk"):
        city = client.service_cities.split(",")[0].strip()
        try:
            injury_rate, hf_rate = _rates(city, period)
        except PolicyNotFound:
            continue
        services.set_client_rate(
            actor=specialist, client=client, city=city, injury_rate=injury_rate, hf_rate=hf_rate
        )
        people = list(
            InsuredPerson.objects.filter(
                client=client, status=InsuredPerson.Status.ACTIVE
            ).order_by("pk")
        )
        # The last two of each client are left uninsured: one gets an add order below.
        for person in people[:-2]:
            if person.id_number_index in insured:
                continue
            insured.add(person.id_number_index)
            wage = Decimal(rng.randrange(450000, 2800000, 100)) / 100
            enrollment = Enrollment.objects.create(
                client=client,
                person=person,
                city=city,
                wage=wage,
                start_month=start.first_day,
            )
            entries.append(
                audit.entry(
                    actor=specialist,
                    action="insurance.enroll",
                    instance=enrollment,
                    after=audit.snapshot(enrollment),
                    extra={"source": "客户转入时已在保"},
                )
            )
        if len(people) >= 2 and people[-1].id_number_index not in insured:
            services.submit_order(
                actor=specialist,
                person=people[-1],
                kind="add",
                city=city,
                period=services.earliest_open_period(),
                wage=Decimal("8800.00"),
                channel="staff",
            )
    audit.record_all(entries)
    close_month(period=period, actor=specialist)
    _settle_first_statement(users=users, period=period, today=today)


def _settle_first_statement(*, users: dict[str, Any], period: Period, today: dt.date) -> None:
    """星辰科技 confirms its statement and pays it; the agency pays the bureau and the HF
    centre from the client's fund account, and an invoice falls due in 10 working days."""
    from hragency.billing.funds import record_entry
    from hragency.billing.models import Statement
    from hragency.billing.services import confirm_statement
    from hragency.domain.money import from_fen

    hr = users["hr_a"]
    statement = Statement.objects.filter(client_id=hr.client_id, period=period.first_day).first()
    if statement is None:
        return
    statement = confirm_statement(actor=hr, statement=statement)
    payroll = users["payroll"]
    day = today.isoformat()
    record_entry(
        client=statement.client,
        actor=payroll,
        data={
            "kind": "receipt",
            "date": day,
            "amount": str(from_fen(statement.total_fen)),
            "statement": str(statement.pk),
            "reference": "网银 20261120-001",
        },
    )
    for kind, fen in (
        ("si_payment", statement.si_employer_fen + statement.si_employee_fen),
        ("hf_payment", statement.hf_employer_fen + statement.hf_employee_fen),
    ):
        record_entry(
            client=statement.client,
            actor=payroll,
            data={"kind": kind, "date": day, "amount": str(from_fen(fen)), "reference": "代缴"},
        )
