"""Client A's November 2026 through the real services, for the service-report tests.

Hand-checked figures of client A, 2026-11:
- insured: person_a added by an add order for 2026-11 (wage 12,345.67), person_a2 enrolled
  since January (3,000.00), person_c removed by a remove order for 2026-11 (insured until
  October) → in force at month end 2, added 1, removed 1;
- fees: the month close of person_a + person_a2 is tests/test_month_close.py's hand-checked
  statement: SI 4,631.30 + 1,827.29 = 6,458.59, HF 1,841.00 × 2 = 3,682.00, service fee
  2 × 80.00 = 160.00, total 10,300.59; 5,000.00 received → unpaid 5,300.59;
- exceptions: two reported; the first answered in 30 min and resolved the same day, the
  second never answered (both its clocks breached) → 2, resolved 1, response 1/2 = 50.00 %,
  resolution 1/2 = 50.00 %;
- tickets: a phone inquiry and an e-mail operation request, both accepted within 20 minutes and
  resolved the same day, rated 5 and 4 → 2 tickets, 2 resolved, response 2/2, resolution 2/2
  = 100.00 %, rating average 4.50;
- satisfaction survey answered on 2026-11-25 with overall 4 → 1 answer, average 4.00;
- payroll: a paid November run of 2 people, gross 15,345.67, tax 120.00, net 12,000.00
  (written directly: the payroll calculation has its own hand-checked tests).
Client B gets one phone ticket, so its figures differ from A's.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from tests.desk_care_support import local

NOV = "2026-11"


@contextlib.contextmanager
def clock(when: dt.datetime) -> Iterator[None]:
    """timezone.now() is ``when`` inside the block (services that take no ``now``)."""
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=when):
        yield


def grant(user: Any, *perms: str) -> None:
    from django.contrib.auth.models import Permission

    for perm in perms:
        app, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app, codename=codename)
        )


def november(cast: Any) -> dict[str, Any]:
    from hragency.billing import funds
    from hragency.billing.close import close_month
    from hragency.billing.models import Statement
    from hragency.clients.models import Client
    from hragency.core.deadlines import drive_deadlines
    from hragency.domain.idcard import make_id_number
    from hragency.domain.insurance import Period
    from hragency.employees.services import create_person
    from hragency.insurance import incidents
    from hragency.insurance import services as si
    from hragency.payroll.models import PayrollRun
    from hragency.servicedesk.feedback import rate_ticket
    from hragency.servicedesk.services import accept_ticket
    from hragency.visits.surveys import record_response
    from tests.desk_care_support import open_ticket, resolve
    from tests.si_support import CITY, activate, enroll, make_specialist, make_test_city, set_rates

    period = Period(2026, 11)
    make_test_city()
    activate(cast.client_a, fee_model="per_head", per_head="80.00")
    set_rates(cast.client_a, injury="0.004", hf="0.12")
    Client.objects.filter(pk__in=[cast.client_a.pk, cast.client_b.pk]).update(
        status=Client.Status.ACTIVE
    )
    specialist = make_specialist(cast)
    person_c = create_person(
        client_id=cast.client_a.pk,
        name="孙丙",
        id_number=make_id_number(
            region_code="310115", birth_date=dt.date(1988, 5, 9), sequence=21, gender="M"
        ),
        insured_city=CITY,
    )
    enroll(cast.person_a2, "3000.00")
    enroll(person_c, "5000.00")
    with clock(local(2026, 10, 20, 10, 0)):
        add = si.submit_order(
            actor=cast.hr_a,
            person=cast.person_a,
            kind="add",
            city=CITY,
            period=period,
            wage=Decimal("12345.67"),
        )
        remove = si.submit_order(
            actor=cast.hr_a,
            person=person_c,
            kind="remove",
            city=CITY,
            period=period,
            reason="离职",
        )
        si.process_order(actor=specialist, order=add)
        si.process_order(actor=specialist, order=remove)
    close_month(period=period, client_ids=[cast.client_a.pk])
    statement = Statement.objects.get(client=cast.client_a, period=period.first_day)
    Statement.objects.filter(pk=statement.pk).update(status=Statement.Status.CONFIRMED)
    funds.record_entry(
        client=cast.client_a,
        data={
            "kind": "receipt",
            "amount": "5000.00",
            "date": dt.date(2026, 12, 1),
            "statement": str(statement.pk),
        },
        actor=cast.admin,
    )

    # Exceptions: one answered and resolved in time, one left (both clocks breached).
    with clock(local(2026, 11, 10, 9, 0)):
        first = incidents.report_incident(
            actor=cast.hr_a,
            client=cast.client_a,
            person=cast.person_a,
            kind="payment_failure",
            description="11月社保扣款失败",
            now=local(2026, 11, 10, 9, 0),
        )
    with clock(local(2026, 11, 10, 9, 30)):
        incidents.respond_incident(actor=specialist, incident=first, note="已联系银行")
    with clock(local(2026, 11, 10, 15, 0)):
        incidents.resolve_incident(
            actor=specialist,
            incident=first,
            cause="账户余额不足",
            handling="客户补足余额后重新扣款",
            result="扣款成功",
            prevention="扣款前一日提醒客户",
        )
    with clock(local(2026, 11, 12, 9, 0)):
        incidents.report_incident(
            actor=cast.hr_a,
            client=cast.client_a,
            kind="declaration",
            description="11月申报回执异常",
            now=local(2026, 11, 12, 9, 0),
        )
    drive_deadlines(now=local(2026, 11, 14, 9, 0))

    # Tickets: a phone inquiry rated 5 and an e-mail operation request rated 4.
    phone = open_ticket(cast, now=local(2026, 11, 20, 9, 0))
    mail = open_ticket(
        cast,
        channel="email",
        nature="operation",
        subject="12月增员办理",
        now=local(2026, 11, 20, 10, 0),
    )
    accept_ticket(actor=phone.handler, ticket=phone, now=local(2026, 11, 20, 9, 10))
    accept_ticket(actor=mail.handler, ticket=mail, now=local(2026, 11, 20, 10, 20))
    phone = resolve(phone, at=local(2026, 11, 20, 15, 0))
    mail = resolve(mail, at=local(2026, 11, 20, 16, 0))
    rate_ticket(token=phone.feedback_token, score=5, now=local(2026, 11, 20, 17, 0))
    rate_ticket(token=mail.feedback_token, score=4, now=local(2026, 11, 21, 9, 0))
    open_ticket(cast, owner=cast.rep_b, client=cast.client_b, now=local(2026, 11, 20, 11, 0))

    with clock(local(2026, 11, 25, 14, 0)):
        record_response(
            actor=cast.admin,
            client=cast.client_a,
            respondent_name="赵敏",
            channel="phone",
            scores={
                "efficiency": 4,
                "expertise": 5,
                "communication": 4,
                "accuracy": 5,
                "overall": 4,
            },
            today=dt.date(2026, 11, 25),
        )
    PayrollRun.objects.create(
        number="GZ2026110000001",
        client=cast.client_a,
        period=period.first_day,
        status=PayrollRun.Status.PAID,
        headcount=2,
        gross_fen=1534567,
        iit_fen=12000,
        net_fen=1200000,
        paid_at=local(2026, 11, 30, 10, 0),
    )
    return {"statement": statement, "specialist": specialist, "person_c": person_c}
