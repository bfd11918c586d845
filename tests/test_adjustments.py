"""补缴 and 退费 (R-SI-5): each month with its own policy, no double insurance, refunds of
exactly what was charged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from hragency.billing.close import close_month
from hragency.core.errors import InvalidFields, ServiceError
from hragency.domain.insurance import Period
from hragency.insurance.adjustments import billed_adjustments, create_adjustment
from hragency.insurance.models import Adjustment
from hragency.insurance.services import earliest_open_period
from tests.si_support import CITY, activate, enroll, make_specialist, make_test_city, set_rates


@pytest.fixture
def specialist(cast):
    make_test_city()
    activate(cast.client_a)
    set_rates(cast.client_a, injury="0.004", hf="0.12")
    return make_specialist(cast)


def test_it_back_pays_each_month_with_hand_checked_amounts(cast, specialist):
    adjustment = create_adjustment(
        actor=specialist,
        person=cast.person_a2,
        kind="back_pay",
        city=CITY,
        first_month=Period(2026, 6),
        last_month=Period(2026, 8),
        wage=Decimal("3000.00"),
        reason="客户漏报增员",
    )
    # Wage 3,000.00 is below the SI floor 5,000.00: pension 800.00/400.00, medical 490.00/
    # 100.00+3.00, unemployment 25.00/25.00, injury 20.00; HF base 3,000.00 × 12 % = 360 each.
    assert [m["month"] for m in adjustment.months] == ["2026-06", "2026-07", "2026-08"]
    assert {m["employer_fen"] for m in adjustment.months} == {169500}
    assert {m["employee_fen"] for m in adjustment.months} == {88800}
    assert (adjustment.employer_fen, adjustment.employee_fen) == (508500, 266400)
    assert adjustment.number.startswith("BJ")
    assert adjustment.bill_month == earliest_open_period().first_day
    # Billed as (SI, HF): 3 × (1,335.00 + 528.00) and 3 × 720.00.
    assert billed_adjustments([cast.client_a.pk], earliest_open_period()) == {
        cast.client_a.pk: (3 * 186300, 3 * 72000)
    }


def test_it_refuses_back_pay_over_insured_months(cast, specialist):
    enroll(cast.person_a, "12345.67", month=dt.date(2026, 8, 1))
    with pytest.raises(ServiceError, match="重复参保"):
        create_adjustment(
            actor=specialist,
            person=cast.person_a,
            kind="back_pay",
            city=CITY,
            first_month=Period(2026, 7),
            last_month=Period(2026, 9),
            wage=Decimal("12345.67"),
            reason="补缴",
        )
    assert not Adjustment.objects.exists()


def test_it_refunds_exactly_what_was_charged(cast, specialist):
    enroll(cast.person_a, "12345.67")
    close_month(period=Period(2026, 9))
    close_month(period=Period(2026, 10))
    refund = create_adjustment(
        actor=specialist,
        person=cast.person_a,
        kind="refund",
        city=CITY,
        first_month=Period(2026, 9),
        last_month=Period(2026, 10),
        reason="员工8月已离职，客户迟报减员",
    )
    assert (refund.employer_fen, refund.employee_fen) == (-2 * 477730, -2 * 278029)
    assert refund.months[0]["items"]["pension"] == [1234567, -197531, -98765]
    with pytest.raises(InvalidFields, match="没有缴费记录"):
        create_adjustment(
            actor=specialist,
            person=cast.person_a,
            kind="refund",
            city=CITY,
            first_month=Period(2026, 7),
            last_month=Period(2026, 9),
            reason="x",
        )


def test_it_checks_the_input(cast, specialist):
    open_from = earliest_open_period()
    with pytest.raises(InvalidFields) as caught:
        create_adjustment(
            actor=specialist,
            person=cast.person_a2,
            kind="back_pay",
            city=CITY,
            first_month=open_from,
            last_month=open_from,
            wage=None,
            reason="",
        )
    fields = {e.field for e in caught.value.errors}
    assert fields == {"last_month", "reason", "wage"}
    with pytest.raises(PermissionDenied):
        create_adjustment(
            actor=cast.hr_a,
            person=cast.person_a2,
            kind="back_pay",
            city=CITY,
            first_month=Period(2026, 1),
            last_month=Period(2026, 1),
            wage=Decimal("5000"),
            reason="x",
        )


def test_it_works_through_the_screens_and_the_api(cast, specialist, as_user):
    import json

    staff = as_user(specialist)
    response = staff.post(
        "/insurance/adjustments/new/",
        {
            "person": cast.person_a2.pk,
            "kind": "back_pay",
            "city": CITY,
            "first_month": "2026-06",
            "last_month": "2026-13",
            "wage": "3000",
            "reason": "漏报",
        },
    )
    assert response.status_code == 200 and "月份无效" in response.content.decode()
    response = staff.post(
        "/insurance/adjustments/new/",
        {
            "person": cast.person_a2.pk,
            "kind": "back_pay",
            "city": CITY,
            "first_month": "2026年6月",
            "last_month": "2026-06",
            "wage": "3000",
            "reason": "漏报",
        },
    )
    adjustment = Adjustment.objects.get()
    assert response.status_code == 302
    page = as_user(cast.hr_a).get(f"/insurance/adjustments/{adjustment.pk}/").content.decode()
    assert "¥2,583.00" in page  # 1,695.00 + 888.00
    assert as_user(cast.hr_b).get(f"/insurance/adjustments/{adjustment.pk}/").status_code == 404
    api = staff.post(
        "/api/adjustments/",
        json.dumps(
            {
                "person_id": cast.person_a2.pk,
                "kind": "back_pay",
                "first_month": "2026-07",
                "last_month": "2026-07",
                "reason": "漏报",
                "city": CITY,
                "wage": "3000.00",
            }
        ),
        content_type="application/json",
    )
    assert api.status_code == 201
    assert (api.json()["employer"], api.json()["employee"]) == ("1695.00", "888.00")
    assert api.json()["months"][0]["items"]["housing_fund"] == ["3000.00", "360.00", "360.00"]


def test_it_bills_back_pay_on_the_next_statement(cast, specialist):
    from hragency.billing.funds import invoice_lines
    from hragency.billing.models import Statement

    open_from = earliest_open_period()
    enroll(cast.person_a, "12345.67")
    create_adjustment(
        actor=specialist,
        person=cast.person_a2,
        kind="back_pay",
        city=CITY,
        first_month=Period(2026, 6),
        last_month=Period(2026, 7),
        wage=Decimal("3000.00"),
        reason="漏报增员",
    )
    close_month(period=open_from)
    statement = Statement.objects.get(client=cast.client_a, period=open_from.first_day)
    # Two months of A2: SI 1,335.00 + 528.00 and HF 720.00 per month.
    assert (statement.adjust_si_fen, statement.adjust_hf_fen) == (2 * 186300, 2 * 72000)
    # Person A this month (7,557.59) + back-pay (5,166.00) + per-head fee for one person (80.00).
    assert statement.total_fen == 755759 + 516600 + 8000
    assert sum(fen for _, fen in invoice_lines(statement)) == statement.total_fen
    # Once that statement is confirmed, a new back-payment goes on the month after.
    Statement.objects.filter(pk=statement.pk).update(status=Statement.Status.CONFIRMED)
    later = create_adjustment(
        actor=specialist,
        person=cast.person_a2,
        kind="back_pay",
        city=CITY,
        first_month=Period(2026, 9),
        last_month=Period(2026, 9),
        wage=Decimal("3000.00"),
        reason="漏报增员",
    )
    assert later.bill_month == open_from.shifted(1).first_day
