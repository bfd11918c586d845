"""Monthly and annual service reports (R-RPT-1): client A's hand-checked November (see
tests/test_reports_support.py), the PDF read back, the Excel cells, publishing to the portal,
the scheduled generation and the bounded number of queries."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from hragency.domain.insurance import Period
from hragency.reports import figures
from tests.test_reports_support import NOV, november

pytestmark = pytest.mark.django_db

HAVE_PDF_TOOLS = Path("/usr/bin/chromium").exists() and shutil.which("pdftotext") is not None


@pytest.fixture
def nov(cast: Any) -> dict[str, Any]:
    return november(cast)


def test_it_computes_client_as_november_by_hand(cast, nov):
    got = figures.monthly_figures(Period(2026, 11), [cast.client_a.pk, cast.client_b.pk])
    a = got[cast.client_a.pk]
    assert a["insured"] == {"in_force": 2, "added": 1, "removed": 1}
    assert a["fees"] == {
        "number": nov["statement"].number,
        "status": "客户已确认",
        "headcount": 2,
        "si_fen": 645859,
        "hf_fen": 368200,
        "service_fen": 16000,
        "other_fen": 0,
        "total_fen": 1030059,
        "paid_fen": 500000,
        "unpaid_fen": 530059,
    }
    ex = a["exceptions"]
    assert (ex["count"], ex["closed"]) == (2, 1)
    assert (ex["response_met"], ex["response_counted"], ex["response_rate"]) == (1, 2, "50.00")
    assert (ex["resolution_met"], ex["resolution_counted"], ex["resolution_rate"]) == (
        1,
        2,
        "50.00",
    )
    t = a["tickets"]
    assert (t["count"], t["closed"], t["complaints"]) == (2, 2, 0)
    assert t["by_channel"] == {"电话热线": 1, "邮件": 1}
    assert t["by_nature"] == {"信息咨询": 1, "操作请求": 1}
    assert (t["response_rate"], t["resolution_rate"]) == ("100.00", "100.00")
    s = a["satisfaction"]
    assert (s["rated"], s["rating_avg"], s["surveys"], s["survey_avg"]) == (2, "4.50", 1, "4.00")
    assert a["payroll"] == {
        "runs": 1,
        "headcount": 2,
        "gross_fen": 1534567,
        "net_fen": 1200000,
        "iit_fen": 12000,
    }
    b = got[cast.client_b.pk]
    assert b["insured"]["in_force"] == 0 and b["fees"] is None and b["payroll"] is None
    assert b["tickets"]["count"] == 1 and b["tickets"]["by_channel"] == {"电话热线": 1}


def _generate(cast: Any, **kw: Any) -> dict[str, Any]:
    from hragency.reports import services

    values: dict[str, Any] = {
        "actor": cast.supervisor,
        "kind": "monthly",
        "period": NOV,
        "client_ids": [cast.client_a.pk, cast.client_b.pk],
    }
    values.update(kw)
    return services.generate_reports(**values)


def test_it_writes_the_excel_with_exact_money(cast, nov):
    from hragency.reports.models import ServiceReport

    result = _generate(cast, with_pdf=False)
    assert (result["generated"], result["published"], result["problems"]) == (2, 0, [])
    report = ServiceReport.objects.get(client=cast.client_a, kind="monthly", period=NOV)
    assert report.title == "2026年11月服务报告" and not report.published
    with report.xlsx.open("rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    sheets = "概况 参保人员 费用 异常处理 工单 满意度 薪资代发 工单渠道 工单性质"
    assert book.sheetnames == sheets.split()
    assert book["概况"]["B2"].value == cast.client_a.name
    # Excel keeps numbers as doubles: read back through their shortest repr.
    fees = {r[0]: Decimal(str(r[1])) for r in book["费用"].iter_rows(min_row=2, values_only=True)}
    assert fees["社保"] == Decimal("6458.59") and fees["公积金"] == Decimal("3682")
    assert fees["应付合计"] == Decimal("10300.59") and fees["未付"] == Decimal("5300.59")
    assert book["费用"]["B2"].number_format == '"¥"#,##0.00'
    insured = {r[0]: r[1] for r in book["参保人员"].iter_rows(min_row=2, values_only=True)}
    assert insured == {"月末在保人数": 2, "增员": 1, "减员": 1}
    tickets = {r[0]: r[1] for r in book["工单"].iter_rows(min_row=2, values_only=True)}
    assert tickets["首次响应按时率"] == 100 and tickets["工单数"] == 2
    b = ServiceReport.objects.get(client=cast.client_b)
    with b.xlsx.open("rb") as handle:
        assert "薪资代发" not in load_workbook(io.BytesIO(handle.read())).sheetnames


def _pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, timeout=60
    ).stdout.decode("utf-8")
    return re.sub(r"\s+", "", text)


@pytest.mark.skipif(not HAVE_PDF_TOOLS, reason="needs /usr/bin/chromium and pdftotext")
def test_it_prints_a_chinese_pdf_and_publishes_it_to_client_as_hr_only(cast, nov, tmp_path):
    from hragency.core.models import Notification
    from hragency.reports.models import ServiceReport
    from tests.conftest import CANARY_CLIENT_B, login_client

    _generate(cast, client_ids=[cast.client_a.pk])
    report = ServiceReport.objects.get(client=cast.client_a)
    with report.pdf.open("rb") as handle:
        text = _pdf_text(handle.read(), tmp_path)
    assert "2026年11月服务报告" in text and cast.client_a.name in text
    assert "月末在保人数2" in text and "应付合计¥10,300.59" in text and "未付¥5,300.59" in text
    assert "1小时响应按时率50.00%" in text and "工单平均评分4.50" in text
    assert "实发合计¥12,000.00" in text and CANARY_CLIENT_B not in text

    hr_a, hr_b = login_client(cast.hr_a), login_client(cast.hr_b)
    assert hr_a.get(f"/reports/service/{report.pk}/pdf/").status_code == 404  # not yet
    assert report.title not in hr_a.get("/reports/portal/").content.decode()
    supervisor = login_client(cast.supervisor)
    assert supervisor.post(f"/reports/service/{report.pk}/publish/").status_code == 302
    report.refresh_from_db()
    assert report.published and report.published_by == cast.supervisor
    note = Notification.objects.filter(recipient=cast.hr_a).latest("pk")
    assert note.title == "2026年11月服务报告已发布" and note.link == "/reports/portal/"
    assert not Notification.objects.filter(recipient=cast.hr_b, title__contains="服务报告").exists()

    portal = hr_a.get("/reports/portal/").content.decode()
    assert "2026年11月服务报告" in portal
    pdf = hr_a.get(f"/reports/service/{report.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert hr_a.get(f"/reports/service/{report.pk}/xlsx/").status_code == 200
    assert hr_a.get(f"/api/reports/service-reports/{report.pk}").json()["published"] is True
    for outsider in (hr_b, login_client(cast.rep_b), login_client(cast.employee_a)):
        assert outsider.get(f"/reports/service/{report.pk}/pdf/").status_code in (403, 404)
        assert outsider.get(f"/api/reports/service-reports/{report.pk}").status_code == 404
    assert "2026年11月服务报告" not in hr_b.get("/reports/portal/").content.decode()
    # The client's HR cannot publish or withdraw.
    assert hr_a.post(f"/reports/service/{report.pk}/withdraw/").status_code == 403
    # A published report is not regenerated.
    again = _generate(cast, client_ids=[cast.client_a.pk], with_pdf=False)
    assert (again["generated"], again["skipped"]) == (0, 1)


def test_it_builds_the_annual_report_month_by_month(cast, nov):
    from hragency.reports import render, services

    data = services.report_data(kind="annual", period="2026", client_ids=[cast.client_a.pk])
    year = data[cast.client_a.pk]
    assert len(year["months"]) == 12
    assert year["months"][10]["insured"]["in_force"] == 2  # November
    assert year["months"][9]["insured"]["in_force"] == 2  # October: person_a2 and person_c
    total = year["total"]
    assert total["insured"] == {"in_force": 2, "added": 1, "removed": 1}  # as at December
    assert total["fees"]["total_fen"] == 1030059 and total["tickets"]["count"] == 2
    assert total["satisfaction"]["rating_avg"] == "4.50"
    tables = {t["title"]: t for t in render.tables(year)}
    fee_rows = tables["费用"]["rows"]
    assert fee_rows[10][0] == "11月" and fee_rows[10][5] == "¥10,300.59"
    assert fee_rows[12][0] == "全年" and fee_rows[12][5] == "¥10,300.59"
    assert tables["参保人员"]["header"] == ["月份", "月末在保人数", "增员", "减员"]


def test_it_counts_a_fixed_number_of_queries_for_1_or_5_clients(
    cast, django_assert_max_num_queries
):
    from hragency.clients.models import Client

    ids = [cast.client_a.pk]
    for n in range(4):
        ids.append(Client.objects.create(number=f"KH0009{n}", name=f"客户{n}").pk)
    with django_assert_max_num_queries(10):
        one = figures.monthly_figures(Period(2026, 11), ids[:1])
    with django_assert_max_num_queries(10):
        five = figures.monthly_figures(Period(2026, 11), ids)
    assert set(one) == {cast.client_a.pk} and set(five) == set(ids)
