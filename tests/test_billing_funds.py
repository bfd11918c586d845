"""Client fund account (代收代付, R-FEE-4): balance arithmetic, no overdraft and no mixing of
clients' money, concurrency, the monthly fund-flow report (screen, Excel, API), the overview,
scoping and permissions. Amounts are hand-checked."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from hragency.billing import funds
from hragency.billing import queries_funds as q
from hragency.billing.close import close_month
from hragency.billing.models import FundEntry, Statement
from hragency.clients.models import Client
from hragency.core.errors import InvalidFields, ServiceError
from hragency.core.models import AuditLog
from hragency.core.scoping import scope_for
from hragency.domain.insurance import Period
from tests.conftest import CANARY_CLIENT_A, CANARY_CLIENT_B, login_client
from tests.si_support import activate, enroll, make_test_city, set_rates

K = FundEntry.Kind
NOV = Period(2026, 11)
D = dt.date


# ---- helpers shared with tests/test_billing_invoices.py ------------------------------------


def make_payroll(username: str = "pay_a", *clients: Any) -> Any:
    """A payroll specialist (薪酬专员) assigned to ``clients``."""
    from hragency.accounts.roles import Role
    from hragency.accounts.services import assign_client, create_user

    user = create_user(
        username=username,
        password="Cast@2026pass",
        display_name="钱薪酬",
        roles=[Role.PAYROLL_SPECIALIST],
    )
    for client in clients:
        assign_client(client_id=client.pk, user=user)
    return user


def confirmed_statements(cast: Any) -> tuple[Statement, Statement]:
    """November statements, confirmed by the clients (set directly: the confirmation flow is
    the statements' tests' business).

    A comes from the month close with the hand-checked figures of tests/test_month_close.py
    (per head 80.00; total 10,300.59). B is written directly with a percentage-model fee:
    9 % of 20,000.00 = 1,800.00 = service fee 1,518.11 + VAT 101.89 + risk reserve 180.00;
    total 7,563.00 + 2,000.00 + 1,800.00 = 11,363.00."""
    make_test_city()
    activate(cast.client_a, fee_model="per_head", per_head="80.00")
    set_rates(cast.client_a, injury="0.004", hf="0.12")
    enroll(cast.person_a, "12345.67")
    enroll(cast.person_a2, "3000.00")
    close_month(period=NOV, client_ids=[cast.client_a.pk])
    a = Statement.objects.get(client=cast.client_a)
    b = Statement.objects.create(
        number="FY2026110099999",
        client=cast.client_b,
        period=NOV.first_day,
        run=a.run,
        headcount=1,
        wages_fen=2000000,
        si_employer_fen=546000,
        si_employee_fen=210300,
        hf_employer_fen=100000,
        hf_employee_fen=100000,
        fee_model="percentage",
        service_fee_fen=151811,
        tax_fen=10189,
        risk_reserve_fen=18000,
        total_fen=1136300,
        computed_at=timezone.now(),
    )
    Statement.objects.update(status=Statement.Status.CONFIRMED)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.total_fen, a.service_fee_fen) == (1030059, 16000)
    return a, b


def put(client: Any, kind: str, amount: Any, day: dt.date, actor: Any, **more: Any) -> FundEntry:
    data = {"kind": kind, "amount": amount, "date": day, **more}
    return funds.record_entry(client=client, data=data, actor=actor)


@pytest.fixture
def pay(cast: Any) -> Any:
    return make_payroll("pay_a", cast.client_a)


def _writes() -> tuple[int, int]:
    return FundEntry.objects.count(), AuditLog.objects.count()


# ---- roles ---------------------------------------------------------------------------------


def test_it_gives_the_roles_their_fund_permissions(cast, pay):
    from django.contrib.auth.models import Group

    from hragency.accounts.roles import ROLE_LABELS, Role

    def perms(role: Role) -> set[str]:
        group = Group.objects.get(name=ROLE_LABELS[role])
        return {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }

    work = {
        "billing.view_fundentry",
        "billing.add_fundentry",
        "billing.view_invoice",
        "billing.issue_invoice",
    }
    read = {"billing.view_fundentry", "billing.view_invoice"}
    assert work <= perms(Role.PAYROLL_SPECIALIST)
    assert work <= perms(Role.ADMINISTRATOR)
    for role in (Role.CS_DIRECTOR, Role.GENERAL_MANAGER, Role.CLIENT_HR):
        assert read <= perms(role), role
        assert not (work - read) & perms(role), role
    assert not work & perms(Role.CS_REP)
    assert pay.has_perm("billing.add_fundentry")
    assert cast.hr_a.has_perm("billing.view_invoice")
    assert not cast.hr_a.has_perm("billing.add_fundentry")


# ---- balance arithmetic --------------------------------------------------------------------


def test_it_computes_the_balance_from_signed_entries(cast, pay):
    a = cast.client_a
    put(a, K.RECEIPT, "10,000.00", D(2026, 11, 2), pay, reference="BANK001")
    put(a, K.SI_PAYMENT, "4631.30", D(2026, 11, 5), pay)
    put(a, K.HF_PAYMENT, "1841", D(2026, 11, 5), pay)
    put(a, K.REFUND, "100.00", D(2026, 11, 10), pay)
    put(a, "调整（调增）", "0.50", D(2026, 11, 12), pay)  # the Chinese label works too
    put(a, K.ADJUST_OUT, "0.2", D(2026, 11, 13), pay)
    # 10,000.00 − 4,631.30 − 1,841.00 − 100.00 + 0.50 − 0.20 = 3,428.00
    assert funds.balance_fen(a.pk) == 342800
    assert q.balance_of(pay, a) == 342800
    assert funds.balance_fen(a.pk, on=D(2026, 11, 5)) == 1000000 - 463130 - 184100
    entry = FundEntry.objects.get(kind=K.SI_PAYMENT)
    assert (entry.amount_fen, entry.signed_fen) == (463130, -463130)
    assert funds.balance_fen(cast.client_b.pk) == 0
    rows = q.ledger_of(pay, a)
    assert [r.balance_fen for r in rows] == [342800, 342820, 342770, 352770, 536870, 1000000]
    # Whole fen, not Decimal (PostgreSQL's SUM of bigint is numeric), so ¥ shows right.
    assert all(type(r.balance_fen) is int for r in rows)
    page = login_client(pay).get(f"/billing/funds/clients/{a.pk}/").content.decode()
    assert "¥5,368.70" in page and "¥3,428.00" in page
    audit = AuditLog.objects.filter(action="billing.fund_entry", client=a)
    assert audit.count() == 6


def test_it_refuses_bad_input_with_the_field(cast, pay):
    a = cast.client_a
    today = timezone.localdate()
    cases = [
        ({"kind": "receipt", "amount": "12.345", "date": today}, "amount", "最多 2 位小数"),
        ({"kind": "receipt", "amount": 12.5, "date": today}, "amount", "字符串"),
        ({"kind": "receipt", "amount": "0", "date": today}, "amount", "应大于 0"),
        ({"kind": "receipt", "amount": "-5", "date": today}, "amount", "应大于 0"),
        ({"kind": "gift", "amount": "5", "date": today}, "kind", "应为以下之一"),
        ({"kind": "receipt", "amount": "5"}, "date", "必填"),
        (
            {"kind": "receipt", "amount": "5", "date": today + dt.timedelta(days=1)},
            "date",
            "不能晚于今天",
        ),
    ]
    before = _writes()
    for data, field, reason in cases:
        with pytest.raises(InvalidFields) as caught:
            funds.record_entry(client=a, data=data, actor=pay)
        assert reason in caught.value.by_field()[field], data
    with pytest.raises(ServiceError, match="未知字段"):
        funds.record_entry(client=a, data={"kind": "receipt", "colour": "red"}, actor=pay)
    with pytest.raises(PermissionDenied):
        put(a, K.RECEIPT, "5", today, cast.hr_a)
    assert _writes() == before


# ---- no overdraft, no mixing ---------------------------------------------------------------


def test_it_refuses_an_overdraft_and_writes_nothing(cast, pay):
    a = cast.client_a
    put(a, K.RECEIPT, "100.00", D(2026, 11, 2), pay)
    before = _writes()
    with pytest.raises(ServiceError, match="余额不足") as caught:
        put(a, K.SI_PAYMENT, "100.01", D(2026, 11, 3), pay)
    assert "¥100.00" in str(caught.value) and "不得混用" in str(caught.value)
    for kind in (K.HF_PAYMENT, K.REFUND, K.ADJUST_OUT):
        with pytest.raises(ServiceError, match="余额不足"):
            put(a, kind, "100.01", D(2026, 11, 3), pay)
    # Money that arrives later cannot pay for an earlier payment (that would be an advance).
    with pytest.raises(ServiceError, match="余额不足"):
        put(a, K.SI_PAYMENT, "50.00", D(2026, 11, 1), pay)
    assert _writes() == before
    put(a, K.SI_PAYMENT, "80.00", D(2026, 11, 10), pay)
    # 100.00 is there on the 3rd, but 80.00 of it leaves on the 10th: only 20.00 is free.
    with pytest.raises(ServiceError, match="余额不足"):
        put(a, K.REFUND, "30.00", D(2026, 11, 3), pay)
    put(a, K.REFUND, "20.00", D(2026, 11, 3), pay)
    assert funds.balance_fen(a.pk) == 0
    with pytest.raises(ServiceError, match="余额不足"):
        put(a, K.ADJUST_OUT, "0.01", D(2026, 11, 20), pay)


def test_it_keeps_each_clients_money_apart(cast, pay):
    _a, b = confirmed_statements(cast)
    admin = cast.admin
    put(cast.client_b, K.RECEIPT, "50,000.00", D(2026, 11, 2), admin)
    with pytest.raises(ServiceError, match="CANARYCLIENTA」资金账户余额不足"):
        put(cast.client_a, K.SI_PAYMENT, "1.00", D(2026, 11, 3), admin)
    with pytest.raises(InvalidFields) as caught:
        put(cast.client_a, K.RECEIPT, "100.00", D(2026, 11, 3), admin, statement=b.pk)
    assert caught.value.by_field()["statement"] == "不是该客户的费用明细表"
    assert funds.balance_fen(cast.client_a.pk) == 0
    assert funds.balance_fen(cast.client_b.pk) == 5000000


def test_it_settles_a_terminated_client_but_takes_no_new_money(cast, pay):
    a = cast.client_a
    put(a, K.RECEIPT, "300.00", D(2026, 11, 2), pay)
    Client.objects.filter(pk=a.pk).update(status=Client.Status.TERMINATED)
    with pytest.raises(ServiceError, match="已终止服务"):
        put(a, K.RECEIPT, "10.00", D(2026, 11, 3), pay)
    put(a, K.SI_PAYMENT, "200.00", D(2026, 11, 3), pay)
    put(a, K.REFUND, "100.00", D(2026, 11, 4), pay, note="终止服务，余额退回")
    assert funds.balance_fen(a.pk) == 0


@pytest.mark.django_db(transaction=True)
def test_it_lets_only_one_of_two_concurrent_payments_through(cast):
    """Two payments of 60.00 against 100.00 at the same moment, each on its own connection:
    the client row lock makes the second wait for the first and then see its balance."""
    admin = cast.admin
    put(cast.client_a, K.RECEIPT, "100.00", D(2026, 11, 2), admin)
    start = threading.Barrier(2)
    results: list[str] = []
    lock = threading.Lock()

    def worker(reference: str) -> None:
        try:
            start.wait()
            put(cast.client_a, K.SI_PAYMENT, "60.00", D(2026, 11, 3), admin, reference=reference)
            outcome = "ok"
        except ServiceError as exc:
            outcome = str(exc)
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker, args=(f"T{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results)[0] == "ok"
    assert "余额不足" in sorted(results)[1]
    assert FundEntry.objects.filter(kind=K.SI_PAYMENT).count() == 1
    assert funds.balance_fen(cast.client_a.pk) == 4000


_client_numbers = itertools.count(1)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from([k.value for k in K]),
            st.integers(min_value=1, max_value=30000),
            st.integers(min_value=0, max_value=20),
        ),
        max_size=14,
    )
)
def test_it_never_lets_a_balance_go_negative(cast, steps):
    """Whatever the service accepts, every end-of-day balance stays ≥ 0 and the SQL balance
    equals the sum of the signed amounts; whatever it refuses would have gone negative."""
    client = Client.objects.create(number=f"KHP{next(_client_numbers):06d}", name="性质测试")
    first = timezone.localdate() - dt.timedelta(days=30)
    accepted: list[tuple[dt.date, int]] = []

    def lowest(entries: list[tuple[dt.date, int]], since: dt.date) -> int:
        days = sorted({d for d, _ in entries} | {since})
        return min(sum(s for d, s in entries if d <= day) for day in days if day >= since)

    for kind, fen, offset in steps:
        day = first + dt.timedelta(days=offset)
        amount = f"{fen // 100}.{fen % 100:02d}"
        sign = 1 if kind in FundEntry.INFLOWS else -1
        count = FundEntry.objects.filter(client=client).count()
        try:
            put(client, kind, amount, day, cast.admin)
        except ServiceError:
            assert FundEntry.objects.filter(client=client).count() == count
            assert sign < 0 and lowest([*accepted, (day, -fen)], day) < 0
        else:
            accepted.append((day, sign * fen))
            assert lowest(accepted, first) >= 0
    assert funds.balance_fen(client.pk) == sum(s for _, s in accepted)
    assert funds.balance_fen(client.pk) >= 0


# ---- the monthly report --------------------------------------------------------------------


@pytest.fixture
def two_months(cast, pay):
    a = cast.client_a
    put(a, K.RECEIPT, "5000.00", D(2026, 10, 15), pay)
    put(a, K.SI_PAYMENT, "1200.00", D(2026, 10, 20), pay)
    put(a, K.RECEIPT, "10000.00", D(2026, 11, 2), pay, reference="BANK-1102")
    put(a, K.SI_PAYMENT, "4631.30", D(2026, 11, 5), pay)
    put(a, K.HF_PAYMENT, "1841.00", D(2026, 11, 5), pay)
    put(a, K.REFUND, "100.00", D(2026, 11, 10), pay)
    put(a, K.ADJUST_IN, "0.50", D(2026, 11, 12), pay)
    put(a, K.ADJUST_OUT, "0.20", D(2026, 11, 13), pay)
    put(cast.client_b, K.RECEIPT, "2000.00", D(2026, 11, 3), cast.admin)
    return cast


def test_it_reports_a_month(two_months, pay):
    cast = two_months
    report = q.month_report(pay, cast.client_a, NOV)
    # October: 5,000.00 − 1,200.00 = 3,800.00 carried into November.
    assert report.opening_fen == 380000
    assert report.receipts_fen == 1000000
    assert report.si_payments_fen == 463130
    assert report.hf_payments_fen == 184100
    assert report.refunds_fen == 10000
    assert (report.adjust_in_fen, report.adjust_out_fen, report.adjustments_fen) == (50, 20, 30)
    # 3,800.00 + 10,000.00 − 4,631.30 − 1,841.00 − 100.00 + 0.30 = 7,228.00
    assert report.closing_fen == 722800
    assert [e.balance_fen for e in report.entries] == [
        1380000,
        916870,
        732770,
        722770,
        722820,
        722800,
    ]
    october = q.month_report(pay, cast.client_a, Period(2026, 10))
    assert (october.opening_fen, october.closing_fen, len(october.entries)) == (0, 380000, 2)
    december = q.month_report(pay, cast.client_a, Period(2026, 12))
    assert (december.opening_fen, december.closing_fen, december.entries) == (722800, 722800, [])

    page = login_client(pay).get(f"/billing/funds/clients/{cast.client_a.pk}/report/?month=2026-11")
    body = page.content.decode()
    assert page.status_code == 200
    for text in ("¥3,800.00", "¥10,000.00", "¥4,631.30", "¥1,841.00", "¥0.30", "¥7,228.00"):
        assert text in body
    assert "BANK-1102" in body


def test_it_downloads_the_report_as_excel_with_exact_amounts(two_months, pay):
    cast = two_months
    response = login_client(pay).get(
        f"/billing/funds/clients/{cast.client_a.pk}/report.xlsx?month=2026-11"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["资金收支表"]
    rows = {row[0].value: row[1] for row in sheet.iter_rows(min_row=1, max_col=2) if row[0].value}
    assert Decimal(str(rows["期初余额"].value)) == Decimal("3800.00")
    assert Decimal(str(rows["期末余额"].value)) == Decimal("7228.00")
    assert Decimal(str(rows["缴纳社保"].value)) == Decimal("4631.30")
    assert rows["期末余额"].number_format == "#,##0.00"
    assert sheet["B2"].value == CANARY_CLIENT_A
    header = next(r for r in sheet.iter_rows() if r[0].value == "日期")[0].row
    entries = list(sheet.iter_rows(min_row=header + 1, values_only=True))
    assert len(entries) == 6
    assert entries[0][1] == "客户来款" and entries[0][5] == "BANK-1102"
    assert Decimal(str(entries[1][3])) == Decimal("4631.30")
    assert Decimal(str(entries[-1][4])) == Decimal("7228.00")
    # The values are written as exact decimals, never through a float's long repr.
    with io.BytesIO(response.content) as raw:
        import zipfile

        xml = zipfile.ZipFile(raw).read("xl/worksheets/sheet1.xml").decode()
    assert "<v>4631.30</v>" in xml or "<v>4631.3</v>" in xml
    assert "4631.29999" not in xml and "4631.30000" not in xml


def test_it_reports_through_the_api_with_decimal_strings(two_months, pay):
    cast = two_months
    http = login_client(pay)
    body = http.get(f"/api/funds/clients/{cast.client_a.pk}/report?month=2026-11").json()
    assert body["opening"] == "3800.00"
    assert body["si_payments"] == "4631.30"
    assert body["adjustments"] == "0.30"
    assert body["closing"] == "7228.00"
    assert [e["balance_after"] for e in body["entries"]][-1] == "7228.00"
    balance = http.get(f"/api/funds/clients/{cast.client_a.pk}/balance").json()
    assert balance["balance"] == "7228.00"
    bad = http.get(f"/api/funds/clients/{cast.client_a.pk}/report?month=2026-13")
    assert bad.status_code == 400 and "月份" in bad.json()["detail"]


def test_it_shows_every_clients_balance_in_one_query(two_months, pay, django_assert_num_queries):
    cast = two_months
    admin = cast.admin
    scope_for(admin)
    with django_assert_num_queries(1):
        rows = {c.pk: c for c in q.balances_overview(admin, NOV)}
    a, b = rows[cast.client_a.pk], rows[cast.client_b.pk]
    assert (a.opening_fen, a.receipts_fen, a.closing_fen, a.adjustments_fen) == (
        380000,
        1000000,
        722800,
        30,
    )
    assert (b.opening_fen, b.receipts_fen, b.closing_fen) == (0, 200000, 200000)
    totals = q.overview_totals(admin, NOV)
    assert totals["closing_fen"] == 922800
    http = login_client(admin)
    page = http.get("/billing/funds/?month=2026-11")
    assert page.status_code == 200
    assert "¥9,228.00" in page.content.decode() and "¥7,228.00" in page.content.decode()
    assert type(a.closing_fen) is int and type(a.adjustments_fen) is int
    api = http.get("/api/funds/balances?month=2026-11").json()
    assert api["totals"]["closing"] == "9228.00"
    assert {row["client_name"] for row in api["items"]} >= {CANARY_CLIENT_A, CANARY_CLIENT_B}
    # A payroll specialist sees only the clients assigned to them.
    mine = login_client(pay).get("/billing/funds/?month=2026-11").content.decode()
    assert CANARY_CLIENT_A in mine and CANARY_CLIENT_B not in mine


# ---- scoping and permissions ---------------------------------------------------------------


def test_it_scopes_the_ledger(two_months, pay):
    cast = two_months
    a = cast.client_a.pk
    ledger, api = f"/billing/funds/clients/{a}/", f"/api/funds/clients/{a}/balance"
    expected = {
        "hr_b": (404, 404),
        "rep_b": (404, 404),
        "employee_a": (404, 404),
        "rep_a": (403, 403),  # serves client A but holds no fund permission
        "hr_a": (200, 200),
        "admin": (200, 200),
    }
    for name, (page_status, api_status) in expected.items():
        http = login_client(cast.members()[name])
        assert http.get(ledger).status_code == page_status, name
        assert http.get(api).status_code == api_status, name
    assert login_client(pay).get(ledger).status_code == 200
    body = login_client(cast.hr_a).get(ledger).content.decode()
    assert "¥7,228.00" in body and 'data-testid="entry-form"' not in body
    # hr_a sees the report but may not write; hr_b may not even find the client.
    before = _writes()
    post = {"kind": "receipt", "amount": "1.00", "date": "2026-11-20"}
    assert login_client(cast.hr_a).post(ledger, post).status_code == 403
    assert login_client(cast.hr_b).post(ledger, post).status_code == 404
    payload = {"client_id": a, "kind": "receipt", "amount": "1.00", "date": "2026-11-20"}
    hr_a = login_client(cast.hr_a)
    assert (
        hr_a.post("/api/funds/entries", payload, content_type="application/json").status_code == 403
    )
    hr_b = login_client(cast.hr_b)
    assert (
        hr_b.post("/api/funds/entries", payload, content_type="application/json").status_code == 404
    )
    assert _writes() == before
    assert login_client(cast.hr_a).get("/billing/funds/").status_code == 302
    assert login_client(cast.hr_a).get("/api/funds/balances").status_code == 403
    entries = login_client(cast.hr_b).get("/api/funds/entries").json()
    assert entries["count"] == 1  # B's own receipt only


def test_it_records_entries_through_the_form_and_the_api(cast, pay):
    a = cast.client_a.pk
    http = login_client(pay)
    url = f"/billing/funds/clients/{a}/"
    response = http.post(url, {"kind": "receipt", "date": "2026-11-02", "amount": "1,234.56"})
    assert response.status_code == 302
    assert funds.balance_fen(a) == 123456
    refused = http.post(url, {"kind": "si_payment", "date": "2026-11-03", "amount": "2000"})
    assert refused.status_code == 400
    assert "余额不足" in refused.content.decode()
    invalid = http.post(url, {"kind": "receipt", "date": "2026-11-03", "amount": "1.234"})
    assert invalid.status_code == 400 and "最多 2 位小数" in invalid.content.decode()

    def api(payload: dict[str, Any]) -> Any:
        return http.post("/api/funds/entries", payload, content_type="application/json")

    created = api({"client_id": a, "kind": "si_payment", "date": "2026-11-03", "amount": "234.56"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["amount"], body["signed_amount"], body["balance_after"]) == (
        "234.56",
        "-234.56",
        "1000.00",
    )
    as_float = api({"client_id": a, "kind": "receipt", "date": "2026-11-03", "amount": 0.1})
    assert as_float.status_code == 400
    assert as_float.json()["errors"][0]["field"] == "amount"
    overdraft = api({"client_id": a, "kind": "refund", "date": "2026-11-03", "amount": "1000.01"})
    assert overdraft.status_code == 400 and "余额不足" in overdraft.json()["detail"]
    listed = http.get(f"/api/funds/entries?client_id={a}&month=2026-11").json()
    assert listed["count"] == 2 and listed["items"][0]["amount"] == "234.56"


def test_it_shows_the_ledger_in_the_admin_read_only(two_months, rf, settings):
    """Read-only admin pages. Called directly under a URLconf built here: the project's admin
    URLs are built when its URLconf loads, which may be before this test imports the module
    (the lead imports it from billing/admin.py)."""
    import sys
    import types

    from django.contrib import admin
    from django.urls import clear_url_caches, path

    import hragency.billing.admin_funds  # noqa: F401
    from hragency.billing.models import Invoice

    urls = types.ModuleType("funds_admin_test_urls")
    from hragency.urls import urlpatterns as project

    # This admin first, then the project's URLs (the pages reverse core:…, accounts:… too).
    urls.urlpatterns = [path("admin/", admin.site.urls), *project]  # type: ignore[attr-defined]
    sys.modules[urls.__name__] = urls
    settings.ROOT_URLCONF = urls.__name__
    clear_url_caches()
    try:
        cast = two_months
        entry_admin = admin.site._registry[FundEntry]
        invoice_admin = admin.site._registry[Invoice]
        entry = FundEntry.objects.first()
        request = rf.get("/admin/billing/fundentry/")
        request.user = cast.admin
        assert entry_admin.changelist_view(request).render().status_code == 200
        page = entry_admin.change_view(request, str(entry.pk)).render()
        assert page.status_code == 200 and CANARY_CLIENT_A in page.content.decode()
        assert invoice_admin.changelist_view(request).render().status_code == 200
        for model_admin in (entry_admin, invoice_admin):
            assert not model_admin.has_add_permission(request)
            assert not model_admin.has_change_permission(request, entry)
            assert not model_admin.has_delete_permission(request, entry)
    finally:
        del sys.modules[urls.__name__]
        clear_url_caches()
