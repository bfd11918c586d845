"""The month close: hand-checked statements, idempotence, resuming after a kill, frozen
confirmed statements, problems reported and people left out."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from hragency.billing.close import close_month
from hragency.billing.models import CloseRun, Statement
from hragency.domain.insurance import Period
from hragency.insurance.models import Contribution
from tests.si_support import activate, enroll, make_test_city, set_rates

NOV = Period(2026, 11)


@pytest.fixture
def insured(cast):
    make_test_city()
    activate(cast.client_a, fee_model="per_head", per_head="80.00")
    activate(cast.client_b, fee_model="percentage", rate="9")
    set_rates(cast.client_a, injury="0.004", hf="0.12")
    set_rates(cast.client_b, injury="0.01", hf="0.05")
    enroll(cast.person_a, "12345.67")
    enroll(cast.person_a2, "3000.00")
    enroll(cast.person_b, "20000.00")
    return cast


def _snapshot():
    rows = sorted(
        Contribution.objects.values_list(
            "period",
            "client_id",
            "person_id",
            "employer_fen",
            "employee_fen",
            "pension_base",
            "housing_fund_er",
        )
    )
    statements = sorted(
        Statement.objects.values_list(
            "number", "client_id", "headcount", "total_fen", "service_fee_fen"
        )
    )
    return rows, statements


def test_it_computes_hand_checked_statements(insured):
    report = close_month(period=NOV)
    assert report.problems == []
    a = Statement.objects.get(client=insured.client_a, period=NOV.first_day)
    assert a.headcount == 2
    assert a.wages_fen == 1534567
    assert (a.si_employer_fen, a.si_employee_fen) == (463130, 182729)
    assert (a.hf_employer_fen, a.hf_employee_fen) == (184100, 184100)
    assert a.service_fee_fen == 16000
    assert a.total_fen == 1030059
    b = Statement.objects.get(client=insured.client_b, period=NOV.first_day)
    # 9 % of 20,000.00 = 1,800.00: VAT 6/106 = 101.89, risk reserve 10 % = 180.00, rest 1,518.11.
    assert (b.service_fee_fen, b.tax_fen, b.risk_reserve_fen) == (151811, 10189, 18000)
    assert b.total_fen == 646000 + 310300 + 180000
    person = Contribution.objects.get(person=insured.person_a2, period=NOV.first_day)
    # 3,000.00 is below the SI floor (5,000.00) but above the housing-fund floor (2,500.00).
    assert (person.pension_base, person.housing_fund_base) == (500000, 300000)
    assert (person.medical_er, person.medical_ee) == (49000, 10300)
    assert person.maternity_base is None  # the city levies no separate maternity item
    assert a.number.startswith("FY")


def test_it_is_idempotent(insured):
    close_month(period=NOV)
    first = _snapshot()
    close_month(period=NOV)
    assert _snapshot() == first
    assert Contribution.objects.count() == 3
    assert CloseRun.objects.filter(status=CloseRun.Status.DONE).count() == 2


def test_it_resumes_after_a_kill_with_the_same_result(insured):
    class Killed(Exception):
        pass

    def kill(run):
        raise Killed

    with pytest.raises(Killed):
        close_month(period=NOV, chunk_clients=1, after_chunk=kill)
    run = CloseRun.objects.get()
    assert run.status == CloseRun.Status.RUNNING
    assert Statement.objects.count() == 1  # the first chunk committed, the second never ran
    report = close_month(period=NOV, chunk_clients=1)
    assert report.run.pk == run.pk  # the unfinished run was continued …
    assert report.clients_written == 1  # … skipping the client it had already written
    resumed = _snapshot()
    Contribution.objects.all().delete()
    Statement.objects.all().delete()
    close_month(period=NOV)
    clean = _snapshot()
    # Same figures as an uninterrupted run (statement numbers differ: they are new ones).
    assert resumed[0] == clean[0]
    assert [s[1:] for s in resumed[1]] == [s[1:] for s in clean[1]]


def test_it_keeps_confirmed_statements_frozen(insured):
    close_month(period=NOV)
    Statement.objects.filter(client=insured.client_a).update(status=Statement.Status.CONFIRMED)
    from hragency.insurance.models import Enrollment

    Enrollment.objects.filter(person=insured.person_a).update(wage="99999.00")
    report = close_month(period=NOV)
    assert any("已确认" in line for line in report.skipped)
    a = Statement.objects.get(client=insured.client_a)
    assert a.total_fen == 1030059


def test_it_reports_people_it_cannot_compute(insured):
    from hragency.insurance.models import ClientRate

    ClientRate.objects.filter(client=insured.client_b).update(hf_rate=None)
    report = close_month(period=NOV)
    assert any(
        "住房公积金：需要提供缴存比例" in line and f"人员 {insured.person_b.pk}" in line
        for line in report.problems
    )
    assert not Contribution.objects.filter(person=insured.person_b).exists()
    assert Contribution.objects.filter(client=insured.client_a).count() == 2


def test_it_leaves_out_months_outside_the_enrollment(insured):
    from hragency.insurance.models import Enrollment

    Enrollment.objects.filter(person=insured.person_a2).update(end_month=dt.date(2026, 10, 1))
    close_month(period=NOV)
    assert Statement.objects.get(client=insured.client_a).headcount == 1
    close_month(period=Period(2025, 12))
    assert not Statement.objects.filter(period=dt.date(2025, 12, 1)).exists()


def test_it_runs_from_the_command_line(insured):
    out = StringIO()
    call_command("close_month", "--period", "2026-11", stdout=out)
    assert "2026-11 月结完成：本次核算 2 个客户、3 人" in out.getvalue()
    with pytest.raises(CommandError, match="月份无效"):
        call_command("close_month", "--period", "2026-13", stdout=StringIO())


def test_it_writes_chunks_in_parallel_outside_a_transaction(transactional_db, insured):
    # Outside a test transaction, PostgreSQL writes two chunks at once on separate
    # connections; the figures must be those of the one-connection path.
    report = close_month(period=NOV, chunk_clients=1)
    assert report.problems == []
    totals = dict(Statement.objects.values_list("client_id", "total_fen"))
    assert totals == {insured.client_a.pk: 1030059, insured.client_b.pk: 1136300}
    assert Contribution.objects.count() == 3
    run = CloseRun.objects.get()
    assert (run.status, run.clients_done, run.clients_total) == (CloseRun.Status.DONE, 2, 2)


def test_it_warns_about_a_client_without_an_agreement(insured):
    from hragency.clients.models import Agreement

    Agreement.objects.filter(client=insured.client_b).update(status=Agreement.Status.TERMINATED)
    out = StringIO()
    call_command("close_month", "--period", "2026-11", stdout=out)  # a warning is not a failure
    assert f"提示：{insured.client_b.name}：没有生效的服务协议，服务费按 0 计" in out.getvalue()
    b = Statement.objects.get(client=insured.client_b)
    assert (b.service_fee_fen, b.total_fen) == (0, 646000 + 310300)
    assert any(p.startswith("提示：") for p in CloseRun.objects.get().problems)


def test_it_tracks_statements_due_by_the_10th(insured):
    from hragency.accounts.roles import Role
    from hragency.accounts.services import create_user
    from hragency.billing.due import KIND, due_at, open_statements_deadline
    from hragency.core.models import Deadline

    payroll = create_user(
        username="payroll", password="Cast@2026pass", roles=[Role.PAYROLL_SPECIALIST]
    )
    later = Period(2030, 1)  # a month still ahead: closing it now is on time
    deadline = open_statements_deadline(later)
    assert (deadline.owner, deadline.due_at) == (payroll, due_at(later))
    assert deadline.due_at.isoformat() == "2030-01-10T18:00:00+08:00"
    close_month(period=later)
    deadline.refresh_from_db()
    assert deadline.status == Deadline.Status.MET
    close_month(period=NOV)  # after 2026-11-10: opened and recorded late
    late = Deadline.objects.get(kind=KIND, title__contains="2026-11")
    assert late.status == Deadline.Status.LATE
