"""Payroll calculation end to end: set-up rows → ``calculate_payroll`` → lines, with figures
checked by hand in the test city (示例: pension 8 %, medical 2 % + 3.00, unemployment 0.5 % for
the employee; housing fund 12 % rounded to the yuan).

person_a2 is hired on 2026-11-03 with base 12,000 (the daily-pay basis), post allowance 1,000,
performance base 2,000 and a tax-free meal subsidy of 500, insured on a wage of 12,000, and
declares child education (2,000 a month) from January.

November, with 1 day of personal leave, 10 hours of weekday overtime and coefficient 1.2:
  performance 2,000 × 1.2 = 2,400.00; overtime 12,000 × 1.5 × 10 / 174 = 1,034.4827 → 1,034.48;
  absence 12,000 / 21.75 = 551.7241 → 551.72.
  earnings 12,000 + 1,000 + 2,400 + 1,034.48 + 500 = 16,934.48; gross 16,382.76.
  employee SI 960.00 + 243.00 + 60.00 = 1,263.00; HF 1,440.00.
  taxable 16,382.76 − 500 − 5,000 (one month: hired in November) − 2,703.00 − 2,000 (child
  education counts from the hire month) = 6,179.76; 3 % = 185.3928 → 185.39.
  net 16,382.76 − 2,703.00 − 185.39 = 13,494.37.
December, no attendance (coefficient 1), the same insurance:
  gross 12,000 + 1,000 + 2,000 + 500 = 15,500.00;
  cumulative taxable 31,882.76 − 1,000 − 10,000 − 5,406.00 − 4,000 = 11,476.76 → 344.30;
  withheld so far 185.39 → December 158.91; net 15,500 − 2,703 − 158.91 = 12,638.09.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission

from hragency.core.errors import ServiceError
from hragency.core.models import AuditLog
from hragency.domain.insurance import Period
from hragency.payroll.calculate import calculate_payroll
from hragency.payroll.models import (
    MonthlyAmount,
    PayrollLine,
    PayrollRun,
    PersonSalary,
    TaxYearOption,
)
from hragency.payroll.services import approve_run, calculate_run, submit_run
from tests.payroll_support import make_payroll_specialist, prepare_hand_checked

NOV = Period(2026, 11)
DEC = Period(2026, 12)


@pytest.fixture
def payroll(cast):
    person, items = prepare_hand_checked(cast, cast.person_a2)
    return {"person": person, "items": items, "specialist": make_payroll_specialist(cast)}


def _line(person, period):
    return PayrollLine.objects.get(person=person, period=period.first_day)


def test_it_computes_a_hand_checked_month(cast, payroll):
    report = calculate_payroll(period=NOV, client_ids=[cast.client_a.pk])
    assert report.skipped == []
    line = _line(payroll["person"], NOV)
    assert line.items == {
        "base": 1_200_000,
        "post": 100_000,
        "perf": 240_000,
        "overtime": 103_448,
        "meal": 50_000,
        "absence": 55_172,
    }
    assert line.gross_fen == 1_638_276
    assert line.tax_free_fen == 50_000
    assert (line.si_employee_fen, line.hf_employee_fen) == (126_300, 144_000)
    assert line.cum_standard_fen == 500_000
    assert line.additional_fen == 200_000
    assert line.cum_taxable_fen == 617_976
    assert line.iit_fen == 18_539
    assert line.net_fen == 1_349_437
    run = PayrollRun.objects.get(client=cast.client_a, period=NOV.first_day)
    assert run.status == PayrollRun.Status.DRAFT
    assert (run.headcount, run.gross_fen, run.net_fen, run.iit_fen) == (
        1,
        1_638_276,
        1_349_437,
        18_539,
    )
    assert run.number.startswith("GZ")


def test_it_carries_the_year_to_date_into_the_next_month(cast, payroll):
    hr = cast.hr_a
    calculate_run(actor=payroll["specialist"], client=cast.client_a, period=NOV)
    run = PayrollRun.objects.get(client=cast.client_a, period=NOV.first_day)
    submit_run(actor=payroll["specialist"], run=run)
    approve_run(actor=hr, run=run)
    calculate_run(actor=payroll["specialist"], client=cast.client_a, period=DEC)
    line = _line(payroll["person"], DEC)
    assert line.gross_fen == 1_550_000
    assert line.cum_income_fen == 1_638_276 + 1_550_000
    assert line.cum_standard_fen == 1_000_000
    assert line.cum_additional_fen == 400_000
    assert line.cum_taxable_fen == 1_147_676
    assert line.cum_tax_fen == 34_430
    assert line.iit_fen == 15_891
    assert line.cum_withheld_fen == 34_430
    assert line.net_fen == 1_263_809


def test_it_taxes_the_annual_bonus_separately_once_a_year(cast, payroll):
    MonthlyAmount.objects.create(
        client=cast.client_a,
        person=payroll["person"],
        period=NOV.first_day,
        item=payroll["items"]["annual_bonus"],
        amount_fen=3_600_000,
    )
    calculate_payroll(period=NOV, client_ids=[cast.client_a.pk])
    line = _line(payroll["person"], NOV)
    # 36,000 / 12 = 3,000 → 3 %: 1,080.00; the month's wage tax is unchanged.
    assert (line.bonus_fen, line.bonus_separate, line.bonus_tax_fen) == (3_600_000, True, 108_000)
    assert line.iit_fen == 18_539
    assert line.gross_fen == 1_638_276 + 3_600_000
    assert line.net_fen == 1_349_437 + 3_600_000 - 108_000


def test_it_adds_the_bonus_to_wages_when_the_person_chose_so(cast, payroll):
    TaxYearOption.objects.create(
        client=cast.client_a, person=payroll["person"], year=2026, bonus_separate=False
    )
    MonthlyAmount.objects.create(
        client=cast.client_a,
        person=payroll["person"],
        period=NOV.first_day,
        item=payroll["items"]["annual_bonus"],
        amount_fen=1_000_000,
    )
    calculate_payroll(period=NOV, client_ids=[cast.client_a.pk])
    line = _line(payroll["person"], NOV)
    # taxable 6,179.76 + 10,000 = 16,179.76 → 3 % = 485.3928 → 485.39.
    assert (line.bonus_separate, line.bonus_tax_fen) == (False, 0)
    assert line.iit_fen == 48_539


def test_it_applies_the_low_income_rule_when_chosen(cast, payroll):
    TaxYearOption.objects.create(
        client=cast.client_a, person=payroll["person"], year=2026, low_income_rule="yes"
    )
    calculate_payroll(period=NOV, client_ids=[cast.client_a.pk])
    line = _line(payroll["person"], NOV)
    assert line.low_income is True
    assert line.cum_taxable_fen == 0
    assert line.iit_fen == 0


def test_it_refuses_a_month_before_the_previous_one_is_approved(cast, payroll):
    specialist = payroll["specialist"]
    calculate_run(actor=specialist, client=cast.client_a, period=NOV)
    with pytest.raises(ServiceError, match=r"2026-11 工资表 .* 尚未审核"):
        calculate_run(actor=specialist, client=cast.client_a, period=DEC)
    assert not PayrollRun.objects.filter(period=DEC.first_day).exists()


def test_it_refuses_a_client_whose_insurance_month_is_not_closed(cast, payroll):
    with pytest.raises(ServiceError, match="2027-01 社保尚未月结"):
        calculate_run(actor=payroll["specialist"], client=cast.client_a, period=Period(2027, 1))


def test_it_never_recalculates_a_submitted_run(cast, payroll):
    specialist = payroll["specialist"]
    calculate_run(actor=specialist, client=cast.client_a, period=NOV)
    run = PayrollRun.objects.get(client=cast.client_a, period=NOV.first_day)
    submit_run(actor=specialist, run=run)
    PersonSalary.objects.filter(person=payroll["person"], item=payroll["items"]["base"]).update(
        amount_fen=2_000_000
    )
    with pytest.raises(ServiceError, match="待审核"):
        calculate_run(actor=specialist, client=cast.client_a, period=NOV)
    assert _line(payroll["person"], NOV).gross_fen == 1_638_276


def test_it_recalculates_a_draft_idempotently_and_audits(cast, payroll):
    calculate_payroll(period=NOV, client_ids=[cast.client_a.pk])
    calculate_payroll(period=NOV, client_ids=[cast.client_a.pk])
    assert PayrollLine.objects.filter(period=NOV.first_day).count() == 1
    assert AuditLog.objects.filter(action="payroll.calculate").count() == 2


def test_it_refuses_approval_by_the_submitter(cast, payroll):
    specialist = payroll["specialist"]
    specialist.user_permissions.add(*Permission.objects.filter(codename="approve_payroll"))
    calculate_run(actor=specialist, client=cast.client_a, period=NOV)
    run = submit_run(
        actor=specialist, run=PayrollRun.objects.get(client=cast.client_a, period=NOV.first_day)
    )
    specialist = type(specialist).objects.get(pk=specialist.pk)
    with pytest.raises(ServiceError, match="不能审核自己"):
        approve_run(actor=specialist, run=run)


def _approve(cast, payroll, period):
    run = PayrollRun.objects.get(client=cast.client_a, period=period.first_day)
    submit_run(actor=payroll["specialist"], run=run)
    approve_run(actor=cast.hr_a, run=run)


def test_it_taxes_a_second_bonus_of_the_year_with_the_wages(cast, payroll):
    person, bonus = payroll["person"], payroll["items"]["annual_bonus"]
    for period in (NOV, DEC):
        MonthlyAmount.objects.create(
            client=cast.client_a,
            person=person,
            period=period.first_day,
            item=bonus,
            amount_fen=1_000_000,
        )
    calculate_run(actor=payroll["specialist"], client=cast.client_a, period=NOV)
    _approve(cast, payroll, NOV)
    calculate_run(actor=payroll["specialist"], client=cast.client_a, period=DEC)
    november, december = _line(person, NOV), _line(person, DEC)
    assert (november.bonus_separate, november.bonus_used, november.bonus_tax_fen) == (
        True,
        True,
        30_000,  # 10,000 → 3 %
    )
    # December's bonus joins the wages: taxable 11,476.76 + 10,000 = 21,476.76 → 644.30;
    # less 185.39 withheld in November = 458.91.
    assert (december.bonus_separate, december.bonus_used, december.bonus_tax_fen) == (
        False,
        True,
        0,
    )
    assert december.iit_fen == 45_891


def test_it_starts_from_the_latest_earlier_line_after_a_month_without_pay(cast):
    """Paid in July and August, not in September: October starts from August's line."""
    import polars as pl

    from hragency.payroll.inputs import _prior
    from tests.payroll_support import make_run

    july = make_run(cast.client_a, [cast.person_a], period=dt.date(2026, 7, 1), number="GZ07")
    make_run(cast.client_a, [cast.person_a], period=dt.date(2026, 8, 1), number="GZ08")
    PayrollLine.objects.filter(run=july).update(cum_withheld_fen=1)
    people = pl.Series("person_id", [cast.person_a.pk], dtype=pl.Int64)
    prior = _prior([cast.client_a.pk], Period(2026, 10), people)
    assert prior.height == 1
    row = prior.row(0, named=True)
    assert (row["prior_period"], row["cum_withheld_fen"]) == ("2026-08-01", 10_530)
    # January starts the year afresh, whatever was paid in December.
    assert _prior([cast.client_a.pk], Period(2027, 1), people).is_empty()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_computes_chunks_in_two_lanes_on_postgresql(cast, payroll, monkeypatch):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("two lanes run on PostgreSQL only")
    from hragency.payroll import calculate

    monkeypatch.setattr(calculate, "CHUNK_CLIENTS", 1)
    report = calculate_payroll(period=NOV, client_ids=[cast.client_a.pk, cast.client_b.pk])
    assert sorted(run.client_id for run in report.runs) == [cast.client_a.pk, cast.client_b.pk]
    assert _line(payroll["person"], NOV).net_fen == 1_349_437
    run_b = PayrollRun.objects.get(client=cast.client_b, period=NOV.first_day)
    assert run_b.headcount == 0 and run_b.warnings
