"""Statement downloads: the Excel file read back (totals equal the statement, exact amounts,
masked IDs), the Chinese PDF read back with pdftotext, both scoped and logged."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from hragency.core.models import AuditLog
from hragency.core.pdf import PdfUnavailable, render_pdf
from hragency.domain.money import from_fen
from tests.conftest import CANARY_CLIENT_A, CANARY_PERSON_A, CANARY_PERSON_A2, login_client
from tests.test_billing_statements import Closed, closed  # noqa: F401

pytestmark = pytest.mark.django_db

HAVE_PDF_TOOLS = Path("/usr/bin/chromium").exists() and shutil.which("pdftotext") is not None


def _money(value: Any) -> Decimal:
    """A number cell as read back (openpyxl returns int/float), exactly as it was written."""
    assert isinstance(value, (int, float)) and not isinstance(value, bool), value
    return Decimal(repr(value)).quantize(Decimal("0.01"))


def _workbook(http: Any, statement_id: int) -> Any:
    response = http.get(f"/billing/statements/{statement_id}/excel/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_it_exports_a_workbook_whose_totals_equal_the_statement(closed: Closed) -> None:  # noqa: F811
    a = closed.a
    book = _workbook(login_client(closed.cast.hr_a), a.pk)
    assert book.sheetnames == ["汇总", "明细"]
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(min_row=2, values_only=True)}
    assert summary["客户"] == CANARY_CLIENT_A and summary["所属期"] == "2026-11"
    assert summary["编号"] == a.number and summary["人数"] == 2
    assert _money(summary["应付合计"]) == Decimal("10300.59") == from_fen(a.total_fen)
    assert _money(summary["服务费"]) == Decimal("160.00")
    assert _money(summary["社会保险 单位部分"]) == from_fen(a.si_employer_fen)

    sheet = book["明细"]
    rows = list(sheet.iter_rows(values_only=True))
    headers = rows[0]
    assert headers[:5] == ("序号", "姓名", "身份证号", "参保城市", "申报工资")
    assert "养老保险基数" in headers and "住房公积金个人" in headers
    assert "生育保险基数" not in headers  # not levied in 示例
    people, total = rows[1:-1], rows[-1]
    assert [r[1] for r in people] == [CANARY_PERSON_A, CANARY_PERSON_A2]
    assert people[0][2] == closed.cast.person_a.id_number_masked
    assert people[0][2] != closed.cast.person_a.id_number
    col = {name: i for i, name in enumerate(headers)}
    assert _money(people[0][col["申报工资"]]) == Decimal("12345.67")
    assert _money(people[0][col["养老保险单位"]]) == Decimal("1975.31")
    assert _money(people[1][col["养老保险基数"]]) == Decimal("5000.00")  # floor
    assert total[0] == "合计"
    employer, employee = _money(total[col["单位合计"]]), _money(total[col["个人合计"]])
    assert employer == from_fen(a.si_employer_fen + a.hf_employer_fen)
    assert employee == from_fen(a.si_employee_fen + a.hf_employee_fen)
    assert _money(total[col["合计"]]) + Decimal("160.00") == from_fen(a.total_fen)
    # Per-item columns add up to the row total for every person.
    for row in people:
        er = sum(_money(row[col[h]]) for h in headers if h.endswith("单位") and h != "单位合计")
        assert er == _money(row[col["单位合计"]])
    cell = sheet.cell(row=2, column=col["养老保险单位"] + 1)
    assert cell.number_format == "#,##0.00" and cell.data_type == "n"
    [logged] = AuditLog.objects.filter(action="billing.statement_export")
    assert logged.changes == {"format": "xlsx"} and logged.client_id == a.client_id


def test_it_exports_over_the_api_in_scope(closed: Closed) -> None:  # noqa: F811
    hr = login_client(closed.cast.hr_a)
    response = hr.get(f"/api/billing/statements/{closed.a.pk}/export?format=xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book["明细"].max_row == 4  # header, two people, total
    assert hr.get(f"/api/billing/statements/{closed.b.pk}/export").status_code == 404
    bad = hr.get(f"/api/billing/statements/{closed.a.pk}/export?format=doc")
    assert bad.status_code == 422 and "取值不在允许范围内" in bad.json()["detail"]
    assert (
        login_client(closed.cast.employee_a)
        .get(f"/api/billing/statements/{closed.a.pk}/export")
        .status_code
        == 403
    )
    assert AuditLog.objects.filter(action="billing.statement_export").count() == 1


def _pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "statement.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, timeout=60
    ).stdout.decode("utf-8")
    return re.sub(r"\s+", "", text)


@pytest.mark.skipif(not HAVE_PDF_TOOLS, reason="needs /usr/bin/chromium and pdftotext")
def test_it_prints_a_chinese_pdf(closed: Closed, tmp_path: Path) -> None:  # noqa: F811
    response = login_client(closed.cast.hr_a).get(f"/billing/statements/{closed.a.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content, tmp_path)
    assert "费用明细表" in text and CANARY_CLIENT_A in text and closed.a.number in text
    assert "¥10,300.59" in text  # the hand-checked total
    assert "¥1,975.31" in text  # 张甲's pension, employer part
    assert CANARY_PERSON_A in text and closed.cast.person_a.id_number not in text
    assert "客户确认签章" in text and "日期" in text
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "statement.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "841.92 x 594.96" in info  # A4 landscape
    [logged] = AuditLog.objects.filter(action="billing.statement_export")
    assert logged.changes == {"format": "pdf"}


def test_it_says_so_when_no_pdf_can_be_made(closed: Closed, settings: Any) -> None:  # noqa: F811
    settings.CHROMIUM_PATH = "/nonexistent/chromium"
    with pytest.raises(PdfUnavailable, match="未安装 Chromium"):
        render_pdf("<p>x</p>")
    hr = login_client(closed.cast.hr_a)
    response = hr.get(f"/billing/statements/{closed.a.pk}/pdf/", follow=True)
    assert response.redirect_chain[-1][0] == f"/billing/statements/{closed.a.pk}/"
    assert "未安装 Chromium" in response.content.decode()
    api = hr.get(f"/api/billing/statements/{closed.a.pk}/export?format=pdf")
    assert api.status_code == 400 and "未安装 Chromium" in api.json()["detail"]
    assert not AuditLog.objects.filter(action="billing.statement_export").exists()
