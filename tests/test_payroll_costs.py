"""The monthly labour-cost list (人工成本清单, R-PAY-5): per person gross pay, of which benefits
and allowances, employer SI and HF and the total; the client's service fee from the month's fee
statement and the grand total; on screen (100 per page, a bounded number of queries), in
Excel and through the API.

Each line of ``make_run`` costs 13,000.00 + 1,920.00 employer SI + 1,440.00 employer HF =
16,360.00; its benefits are the 1,000.00 post allowance (a standing item outside the daily-pay
basis)."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.utils import timezone

from hragency.payroll.costs import benefit_codes
from hragency.payroll.models import PayrollLine, SalaryItem
from tests.conftest import CANARY_PERSON_A, CANARY_PERSON_A2, CANARY_PERSON_B, Cast, login_client
from tests.payroll_support import PERIOD, make_items, make_run

pytestmark = pytest.mark.django_db


def _statement(cast: Cast, service_fee_fen: int, tax_fen: int = 0, reserve_fen: int = 0) -> Any:
    from hragency.billing.models import CloseRun, Statement

    run = CloseRun.objects.create(period=PERIOD, status=CloseRun.Status.DONE)
    return Statement.objects.create(
        number="FYCOSTA0001",
        client=cast.client_a,
        period=PERIOD,
        run=run,
        headcount=2,
        wages_fen=2_400_000,
        si_employer_fen=384_000,
        si_employee_fen=210_000,
        hf_employer_fen=288_000,
        hf_employee_fen=288_000,
        fee_model="percentage",
        service_fee_fen=service_fee_fen,
        tax_fen=tax_fen,
        risk_reserve_fen=reserve_fen,
        total_fen=1_170_000 + service_fee_fen + tax_fen + reserve_fen,
        computed_at=timezone.now(),
    )


def _text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _money(value: Any) -> Decimal:
    assert isinstance(value, (int, float)) and not isinstance(value, bool), value
    return Decimal(repr(value)).quantize(Decimal("0.01"))


def test_it_counts_allowances_and_tax_free_subsidies_as_benefits(cast: Cast) -> None:
    items = make_items(cast.client_a)
    # post allowance (standing, not in the daily basis) and meal subsidy (tax-free) are
    # benefits; base pay, performance, overtime, the monthly bonus and deductions are not.
    assert benefit_codes(items.values()) == {"post", "meal"}
    SalaryItem.objects.filter(pk=items["bonus"].pk).update(taxable=False)
    assert "bonus" in benefit_codes(SalaryItem.objects.filter(client=cast.client_a))


def test_it_lists_each_persons_cost_with_the_service_fee(cast: Cast) -> None:
    run = make_run(cast.client_a, [cast.person_a, cast.person_a2])
    make_run(cast.client_b, [cast.person_b])
    # A2 also has a 500.00 tax-free meal subsidy and a 2,000.00 bonus this month.
    PayrollLine.objects.filter(run=run, person=cast.person_a2).update(
        items={"base": 1_200_000, "post": 100_000, "meal": 50_000, "bonus": 200_000},
        gross_fen=1_550_000,
    )
    _statement(cast, service_fee_fen=14_151, tax_fen=849, reserve_fen=1_000)  # 160.00 in all
    response = login_client(cast.hr_a).get(f"/payroll/runs/{run.pk}/costs/")
    assert response.status_code == 200
    body = _text(response)
    assert CANARY_PERSON_A in body and CANARY_PERSON_A2 in body and CANARY_PERSON_B not in body
    rows = re.findall(r'<tr data-testid="cost-row">(.*?)</tr>', body)
    assert len(rows) == 2
    a2 = next(r for r in rows if CANARY_PERSON_A2 in r)
    assert re.findall(r"¥[\d,.]+", a2) == [
        "¥15,500.00",  # gross
        "¥1,500.00",  # post + meal (the bonus is pay, not a benefit)
        "¥1,920.00",
        "¥1,440.00",
        "¥18,860.00",
    ]
    totals = re.search(r'data-testid="cost-totals">(.*?)</table>', body).group(1)
    assert re.findall(r"¥[\d,.]+", totals) == [
        "¥28,500.00",
        "¥2,500.00",
        "¥3,840.00",
        "¥2,880.00",
        "¥35,220.00",  # 28,500 + 3,840 + 2,880
        "¥160.00",
        "¥35,380.00",
    ]


def test_it_says_when_there_is_no_fee_statement_yet(cast: Cast) -> None:
    run = make_run(cast.client_a, [cast.person_a])
    body = _text(login_client(cast.hr_a).get(f"/payroll/runs/{run.pk}/costs/"))
    assert "本月费用明细表尚未生成" in body
    grand = re.search(r'data-testid="cost-grand-total">([^<]+)<', body).group(1)
    assert grand == "¥16,360.00"


def test_it_answers_the_cost_list_as_json_and_excel(cast: Cast) -> None:
    run = make_run(cast.client_a, [cast.person_a, cast.person_a2])
    _statement(cast, service_fee_fen=16_000)
    http = login_client(cast.hr_a)
    data = http.get(f"/api/payroll/runs/{run.pk}/costs").json()
    assert data["people"] == 2 and data["period"] == "2026-10"
    assert data["gross"] == "26000.00" and data["benefits"] == "2000.00"
    assert data["si_employer"] == "3840.00" and data["hf_employer"] == "2880.00"
    assert data["total"] == "32720.00" and data["service_fee"] == "160.00"
    assert data["grand_total"] == "32880.00"
    assert {r["total"] for r in data["rows"]} == {"16360.00"}

    response = http.get(f"/payroll/runs/{run.pk}/costs.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(rows) if r[0] == "序号")
    assert rows[header_at][3:] == (
        "应发工资",
        "其中：福利补贴",
        "单位社保",
        "单位公积金",
        "人工成本合计",
    )
    people = rows[header_at + 1 : header_at + 3]
    assert {p[1] for p in people} == {CANARY_PERSON_A, CANARY_PERSON_A2}
    assert [_money(v) for v in people[0][3:]] == [
        Decimal("13000.00"),
        Decimal("1000.00"),
        Decimal("1920.00"),
        Decimal("1440.00"),
        Decimal("16360.00"),
    ]
    total = rows[header_at + 3]
    assert total[0] == "合计" and _money(total[7]) == Decimal("32720.00")
    figures = {r[0]: r[1] for r in rows[header_at + 4 :] if r and r[0]}
    assert _money(figures["服务费"]) == Decimal("160.00")
    assert _money(figures["总计"]) == Decimal("32880.00")
    api_xlsx = http.get(f"/api/payroll/runs/{run.pk}/costs.xlsx")
    assert api_xlsx.status_code == 200 and api_xlsx.content[:2] == b"PK"


def test_it_pages_a_large_run_with_a_bounded_number_of_queries(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    from hragency.employees.models import InsuredPerson

    template = InsuredPerson.objects.get(pk=cast.person_a.pk)
    people = []
    for n in range(104):
        person = InsuredPerson(
            client=cast.client_a,
            name=f"员工{n:03d}",
            id_number=f"11010119900101{n:04d}",
            gender=template.gender,
            birth_date=template.birth_date,
            retirement_category=template.retirement_category,
        )
        people.append(person)
    InsuredPerson.objects.bulk_create(people)
    run = make_run(cast.client_a, [*InsuredPerson.objects.filter(client=cast.client_a)])
    http = login_client(cast.hr_a)
    http.get("/payroll/payslips/")  # warm the session and the user's scope
    with django_assert_max_num_queries(20):  # 13 today; one per row would be > 100
        first = http.get(f"/payroll/runs/{run.pk}/costs/")
    body = _text(first)
    assert len(re.findall(r'data-testid="cost-row"', body)) == 100
    assert "全部合计（106 人）" in body and "第 1 / 2 页" in body
    second = _text(http.get(f"/payroll/runs/{run.pk}/costs/?page=2"))
    assert len(re.findall(r'data-testid="cost-row"', second)) == 6
    assert "<td>101</td>" in second  # numbering continues on the next page
    assert dt.date(2026, 10, 1) == run.period
