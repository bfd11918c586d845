"""Invoices (R-FEE-3): requested when a receipt pays a confirmed statement in full, exactly three
lines summing to the statement total, due 10 working days after the payment, issued with the
printed tax-invoice number (late issues are breaches), voided only with a reason; the client's
HR sees their own invoices."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hragency.billing import funds
from hragency.billing import queries_funds as q
from hragency.billing.models import FundEntry, Invoice, InvoiceLine, Statement
from hragency.core.errors import InvalidFields, ServiceError
from hragency.core.models import Deadline
from hragency.core.worktime import due_after
from tests.conftest import CANARY_CLIENT_A, CANARY_CLIENT_B, login_client
from tests.test_billing_funds import confirmed_statements, make_payroll, put

K = FundEntry.Kind
PAID_ON = dt.date(2026, 11, 2)  # a Monday, no holiday within the next two weeks


@pytest.fixture
def billed(cast: Any) -> Any:
    cast.pay = make_payroll("pay_a", cast.client_a)
    cast.statement_a, cast.statement_b = confirmed_statements(cast)
    return cast


def pay_in_full(cast: Any, statement: Statement, day: dt.date = PAID_ON) -> Invoice:
    amount = f"{statement.total_fen // 100}.{statement.total_fen % 100:02d}"
    put(statement.client, K.RECEIPT, amount, day, cast.pay, statement=statement.pk)
    return Invoice.objects.get(statement=statement, status=Invoice.Status.PENDING)


# ---- lines ---------------------------------------------------------------------------------


def test_it_makes_three_lines_that_sum_to_the_statement_total(billed):
    cast = billed
    invoice = pay_in_full(cast, cast.statement_a)
    lines = list(invoice.lines.values_list("position", "item", "amount_fen"))
    # A: SI 4,631.30 + 1,827.29; HF 1,841.00 + 1,841.00; service fee 2 × 80.00.
    assert lines == [
        (1, "代缴社会保险费", 463130 + 182729),
        (2, "代缴住房公积金费", 184100 + 184100),
        (3, "服务费", 16000),
    ]
    assert sum(amount for *_, amount in lines) == cast.statement_a.total_fen == 1030059
    assert invoice.total_fen == 1030059 and invoice.number.startswith("FP")
    # B: the service-fee line carries the fee, the VAT and the risk reserve.
    b_lines = funds.invoice_lines(cast.statement_b)
    assert b_lines == [
        ("代缴社会保险费", 756300),
        ("代缴住房公积金费", 200000),
        ("服务费", 151811 + 10189 + 18000),
    ]
    assert sum(amount for _, amount in b_lines) == cast.statement_b.total_fen == 1136300


def test_it_refuses_receipts_a_statement_cannot_take(billed):
    cast = billed
    a = cast.statement_a
    Statement.objects.filter(pk=a.pk).update(status=Statement.Status.DRAFT)
    with pytest.raises(InvalidFields) as caught:
        put(cast.client_a, K.RECEIPT, "100.00", PAID_ON, cast.pay, statement=a.pk)
    assert "尚未经客户确认" in caught.value.by_field()["statement"]
    Statement.objects.filter(pk=a.pk).update(status=Statement.Status.CONFIRMED)
    with pytest.raises(InvalidFields) as caught:
        put(cast.client_a, K.RECEIPT, "10300.60", PAID_ON, cast.pay, statement=a.pk)
    assert "未付金额 ¥10,300.59" in caught.value.by_field()["amount"]
    with pytest.raises(InvalidFields) as caught:
        put(cast.client_a, K.ADJUST_IN, "1.00", PAID_ON, cast.pay, statement=a.pk)
    assert "调整不关联" in caught.value.by_field()["statement"]
    assert not FundEntry.objects.exists() and not Invoice.objects.exists()


# ---- the deadline --------------------------------------------------------------------------


def test_it_opens_the_deadline_10_working_days_after_the_payment(billed):
    cast = billed
    a = cast.statement_a
    put(cast.client_a, K.RECEIPT, "10000.00", dt.date(2026, 10, 30), cast.pay, statement=a.pk)
    assert not Invoice.objects.exists()  # partly paid: no invoice yet
    assert funds.statement_paid_fen(a.pk) == 1000000
    form = login_client(cast.pay).get(f"/billing/funds/clients/{cast.client_a.pk}/")
    assert f"{a.number}（2026-11，未付 ¥300.59，已付 ¥10,000.00）" in form.content.decode()
    invoice = pay_in_full_rest(cast, a, "300.59", PAID_ON)
    assert invoice.paid_on == PAID_ON
    expected = due_after(funds.payment_start(PAID_ON), days=10)
    assert invoice.due_at == expected
    # Hand-checked: the 10th working day after Monday 2 November is Monday 16 November,
    # counted to the close of business.
    local = timezone.localtime(invoice.due_at)
    assert (local.date(), local.hour, local.minute) == (dt.date(2026, 11, 16), 18, 0)
    deadline = invoice.deadline
    assert deadline.kind == "billing.invoice_due"
    assert deadline.title == f"开具发票 {a.number}"
    assert deadline.owner == cast.pay
    assert deadline.client_id == cast.client_a.pk
    assert deadline.due_at == expected
    assert deadline.link == f"/billing/funds/invoices/{invoice.pk}/"


def pay_in_full_rest(cast: Any, statement: Statement, amount: str, day: dt.date) -> Invoice:
    put(statement.client, K.RECEIPT, amount, day, cast.pay, statement=statement.pk)
    return Invoice.objects.get(statement=statement, status=Invoice.Status.PENDING)


def test_it_gives_the_deadline_to_the_right_person(billed):
    cast = billed
    from hragency.clients.models import Client

    # B has no payroll specialist: its owner gets it …
    Client.objects.filter(pk=cast.client_b.pk).update(owner=cast.rep_b)
    cast.client_b.refresh_from_db()
    assert funds.invoice_owner(cast.client_b) == cast.rep_b
    # … and without an owner, any payroll specialist.
    Client.objects.filter(pk=cast.client_b.pk).update(owner=None)
    cast.client_b.refresh_from_db()
    assert funds.invoice_owner(cast.client_b) == cast.pay
    # Assigned through the department counts as assigned.
    from hragency.accounts.services import assign_client

    other = make_payroll("pay_dept")
    other.department = cast.department
    other.save()
    assign_client(client_id=cast.client_b.pk, department=cast.department)
    assert funds.invoice_owner(cast.client_b) == other


# ---- issuing -------------------------------------------------------------------------------


def test_it_issues_on_time_and_closes_the_deadline(billed):
    cast = billed
    invoice = pay_in_full(cast, cast.statement_a, timezone.localdate())
    issued = funds.issue_invoice(
        invoice=invoice,
        data={"invoice_code": "031002300111", "invoice_number": "12345678"},
        actor=cast.pay,
    )
    assert issued.status == Invoice.Status.ISSUED
    assert (issued.invoice_code, issued.invoice_number, issued.issued_by) == (
        "031002300111",
        "12345678",
        cast.pay,
    )
    deadline = Deadline.objects.get(pk=invoice.deadline_id)
    assert deadline.status == Deadline.Status.MET and not deadline.breached
    with pytest.raises(ServiceError, match="已开具，不能再开具"):
        funds.issue_invoice(invoice=invoice, data={"invoice_number": "12345679"}, actor=cast.pay)


def test_it_records_a_late_issue_as_a_breach(billed):
    cast = billed
    invoice = pay_in_full(cast, cast.statement_a)  # due 16 November, issued later
    assert invoice.due_at < timezone.now()
    funds.issue_invoice(
        invoice=invoice, data={"invoice_number": "24312000000012345678"}, actor=cast.pay
    )
    deadline = Deadline.objects.get(pk=invoice.deadline_id)
    assert deadline.status == Deadline.Status.LATE
    assert deadline.breached is True
    assert deadline.closed_at > deadline.due_at


def test_it_checks_the_tax_invoice_number(billed):
    cast = billed
    invoice = pay_in_full(cast, cast.statement_a)
    cases = [
        ({}, "invoice_number", "必填"),
        ({"invoice_number": "1234"}, "invoice_number", "8位或20位"),
        ({"invoice_number": "1234567A"}, "invoice_number", "8位或20位"),
        ({"invoice_code": "123", "invoice_number": "12345678"}, "invoice_code", "10或12位"),
    ]
    for data, field, reason in cases:
        with pytest.raises(InvalidFields) as caught:
            funds.issue_invoice(invoice=invoice, data=data, actor=cast.pay)
        assert reason in caught.value.by_field()[field], data
    with pytest.raises(PermissionDenied):
        funds.issue_invoice(invoice=invoice, data={"invoice_number": "1" * 8}, actor=cast.hr_a)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PENDING


# ---- voiding -------------------------------------------------------------------------------


def test_it_voids_only_with_a_reason_and_requests_a_replacement(billed):
    cast = billed
    invoice = pay_in_full(cast, cast.statement_a)
    with pytest.raises(InvalidFields) as caught:
        funds.void_invoice(invoice=invoice, reason="  ", actor=cast.pay)
    assert caught.value.by_field() == {"reason": "必填"}
    replacement = funds.void_invoice(invoice=invoice, reason="客户要求分开开票", actor=cast.pay)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.VOID and invoice.void_reason == "客户要求分开开票"
    assert Deadline.objects.get(pk=invoice.deadline_id).status == Deadline.Status.CANCELLED
    # The statement is still paid: a new invoice is due 10 working days from now.
    assert replacement is not None and replacement.status == Invoice.Status.PENDING
    assert replacement.number != invoice.number
    assert replacement.deadline.status == Deadline.Status.OPEN
    assert replacement.deadline.due_at > timezone.now()
    assert sum(line.amount_fen for line in replacement.lines.all()) == 1030059
    # An issued invoice voided: the replacement again.
    funds.issue_invoice(invoice=replacement, data={"invoice_number": "87654321"}, actor=cast.pay)
    third = funds.void_invoice(invoice=replacement, reason="抬头开错", actor=cast.pay)
    assert third is not None
    with pytest.raises(ServiceError, match="已作废"):
        funds.void_invoice(invoice=invoice, reason="再次作废", actor=cast.pay)


def test_it_requests_no_replacement_once_money_went_back(billed):
    cast = billed
    invoice = pay_in_full(cast, cast.statement_a)
    put(cast.client_a, K.REFUND, "300.59", PAID_ON, cast.pay, statement=cast.statement_a.pk)
    assert funds.statement_paid_fen(cast.statement_a.pk) == 1000000
    assert funds.void_invoice(invoice=invoice, reason="部分款项退回", actor=cast.pay) is None
    with pytest.raises(InvalidFields) as caught:
        put(cast.client_a, K.REFUND, "10000.01", PAID_ON, cast.pay, statement=cast.statement_a.pk)
    assert "已付金额 ¥10,000.00" in caught.value.by_field()["amount"]


# ---- screens and API -----------------------------------------------------------------------


def test_it_lets_the_clients_hr_see_their_own_invoices(billed):
    cast = billed
    mine = pay_in_full(cast, cast.statement_a)
    cast.pay_b = make_payroll("pay_b", cast.client_b)
    amount = f"{cast.statement_b.total_fen // 100}.{cast.statement_b.total_fen % 100:02d}"
    put(cast.client_b, K.RECEIPT, amount, PAID_ON, cast.pay_b, statement=cast.statement_b.pk)
    theirs = Invoice.objects.get(client=cast.client_b)
    hr_a = login_client(cast.hr_a)
    page = hr_a.get("/billing/funds/invoices/").content.decode()
    assert mine.number in page and theirs.number not in page and CANARY_CLIENT_B not in page
    detail = hr_a.get(f"/billing/funds/invoices/{mine.pk}/")
    assert detail.status_code == 200
    body = detail.content.decode()
    assert (
        "代缴社会保险费" in body and "¥6,458.59" in body and 'data-testid="issue-form"' not in body
    )
    assert hr_a.get(f"/billing/funds/invoices/{theirs.pk}/").status_code == 404
    assert [i["number"] for i in hr_a.get("/api/funds/invoices").json()] == [mine.number]
    assert hr_a.post(f"/billing/funds/invoices/{mine.pk}/issue/").status_code == 403
    hr_b = login_client(cast.hr_b)
    assert hr_b.get(f"/billing/funds/invoices/{mine.pk}/").status_code == 404
    assert hr_b.get(f"/api/funds/invoices/{mine.pk}").status_code == 404
    assert login_client(cast.rep_a).get(f"/api/funds/invoices/{mine.pk}").status_code == 403
    assert q.invoices_for(cast.hr_b).filter(pk=mine.pk).count() == 0
    assert CANARY_CLIENT_A not in hr_b.get("/billing/funds/invoices/").content.decode()


def test_it_issues_and_voids_through_the_screens_and_the_api(billed):
    cast = billed
    invoice = pay_in_full(cast, cast.statement_a)
    http = login_client(cast.pay)
    url = f"/billing/funds/invoices/{invoice.pk}/"
    assert http.get(url).status_code == 200
    bad = http.post(url + "issue/", {"invoice_number": "12"})
    assert bad.status_code == 400 and "8位或20位" in bad.content.decode()
    done = http.post(url + "issue/", {"invoice_code": "", "invoice_number": "11112222"})
    assert done.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED and invoice.invoice_number == "11112222"
    no_reason = http.post(url + "void/", {"reason": ""})
    assert no_reason.status_code == 400 and "作废原因" in no_reason.content.decode()
    voided = http.post(url + "void/", {"reason": "金额有误"})
    assert voided.status_code == 302
    replacement = Invoice.objects.get(statement=cast.statement_a, status=Invoice.Status.PENDING)
    assert voided["Location"] == f"/billing/funds/invoices/{replacement.pk}/"

    api = f"/api/funds/invoices/{replacement.pk}"
    body = http.get(api).json()
    assert body["total"] == "10300.59" and body["status"] == "pending"
    assert [line["amount"] for line in body["lines"]] == ["6458.59", "3682.00", "160.00"]
    reused = http.post(
        api + "/issue", {"invoice_number": "11112222"}, content_type="application/json"
    )
    assert reused.status_code == 400 and "已登记在" in reused.json()["detail"]
    refused = http.post(api + "/issue", {"invoice_number": "1"}, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "invoice_number"
    issued = http.post(
        api + "/issue", {"invoice_number": "99990000"}, content_type="application/json"
    )
    assert issued.status_code == 200 and issued.json()["invoice_number"] == "99990000"
    no_reason = http.post(api + "/void", {}, content_type="application/json")
    assert no_reason.status_code == 400 and "作废原因" in no_reason.json()["detail"]
    gone = http.post(api + "/void", {"reason": "重复"}, content_type="application/json").json()
    assert gone["invoice"]["status"] == "void" and gone["replacement"]["status"] == "pending"
    assert InvoiceLine.objects.filter(invoice_id=gone["replacement"]["id"]).count() == 3
