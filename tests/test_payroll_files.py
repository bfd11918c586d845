"""Files payroll hands over: the bank batch-payment file (代发文件: GB18030 CSV, Excel with the
account as text, '|' text; full account numbers, so every export is audited; people without an
account or pay left out and listed) and the IIT withholding declaration (扣缴端 import templates,
SI per item from the month's contributions, 累计 special deductions from the records)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import openpyxl
import pytest

from hragency.core.errors import ServiceError
from hragency.core.models import AuditLog
from hragency.employees.models import InsuredPerson
from hragency.payroll import bank
from hragency.payroll.models import BankFormat, PayrollLine, PayrollRun, PayrollSettings
from tests.conftest import CANARY_PERSON_A, CANARY_PERSON_A2, Cast, login_client
from tests.payroll_support import make_payroll_specialist, make_run

pytestmark = pytest.mark.django_db

ACCOUNT = "6222021234567890123"  # the cast's bank account


@dataclass
class Files:
    cast: Cast
    run: PayrollRun
    specialist: Any
    http: Any


@pytest.fixture
def files(cast: Cast) -> Files:
    run = make_run(cast.client_a, [cast.person_a, cast.person_a2])
    make_run(cast.client_b, [cast.person_b])
    specialist = make_payroll_specialist(cast)
    return Files(cast, run, specialist, login_client(specialist))


def _money(value: Any) -> Decimal:
    assert isinstance(value, (int, float)) and not isinstance(value, bool), value
    return Decimal(repr(value)).quantize(Decimal("0.01"))


def _exports(action: str) -> list[AuditLog]:
    return list(AuditLog.objects.filter(action=action))


# ---- bank files ----------------------------------------------------------------------------


def test_it_writes_a_gb18030_csv_with_full_accounts_and_logs_it(files: Files) -> None:
    response = files.http.get(f"/payroll/runs/{files.run.pk}/bank/download/?format=ccb")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=gb18030"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        response.content.decode("utf-8")  # really GB18030, not UTF-8
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["序号", "账号", "户名", "金额", "证件类型", "证件号码", "摘要"]
    by_name = {row[2]: row for row in rows[1:]}
    assert set(by_name) == {CANARY_PERSON_A, CANARY_PERSON_A2}
    row = by_name[CANARY_PERSON_A]
    assert row[1] == ACCOUNT and row[3] == "10404.70"
    assert row[4] == "身份证" and row[5] == files.cast.person_a.id_number
    assert row[6] == "2026年10月工资"
    assert text.endswith("\r\n")
    [logged] = _exports("payroll.bank_export")
    assert logged.client_id == files.cast.client_a.pk and logged.actor_id == files.specialist.pk
    assert logged.changes["format"] == "ccb" and logged.changes["rows"] == 2
    assert logged.changes["total"] == "20809.40"


def test_it_writes_excel_with_the_account_as_text(files: Files) -> None:
    response = files.http.get(f"/payroll/runs/{files.run.pk}/bank/download/?format=icbc")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("序号", "收款人账号", "收款人姓名", "金额", "币种", "用途")
    assert rows[1][1] == ACCOUNT and rows[1][4] == "人民币"
    account = sheet.cell(row=2, column=2)
    assert account.data_type == "s" and account.number_format == "@"
    assert _money(rows[1][3]) == Decimal("10404.70")
    assert [r[0] for r in rows[1:]] == [1, 2]


def test_it_writes_the_clients_default_layout_as_delimited_text(files: Files) -> None:
    cmb = BankFormat.objects.get(code="cmb")
    PayrollSettings.objects.create(client=files.cast.client_a, bank_format=cmb)
    page = files.http.get(f"/payroll/runs/{files.run.pk}/bank/").content.decode()
    assert "招商银行（文本）" in page and "客户默认" in page
    response = files.http.get(f"/payroll/runs/{files.run.pk}/bank/download/")
    assert response.status_code == 200
    lines = response.content.decode("gb18030").split("\r\n")
    assert lines[-1] == ""  # every record ends with CRLF, no header
    assert f"{ACCOUNT}|{CANARY_PERSON_A}|10404.70|2026年10月工资" in lines
    assert len(lines) == 3


def test_it_leaves_out_people_without_an_account_or_pay_and_shows_them(files: Files) -> None:
    cast = files.cast
    InsuredPerson.objects.filter(pk=cast.person_a2.pk).update(bank_account="")
    page = files.http.get(f"/payroll/runs/{files.run.pk}/bank/?format=ccb").content.decode()
    assert "未登记银行账号" in page and CANARY_PERSON_A2 in page
    assert "¥10,404.70" in page  # the one payee's total
    response = files.http.get(f"/payroll/runs/{files.run.pk}/bank/download/?format=ccb")
    text = response.content.decode("gb18030")
    assert CANARY_PERSON_A in text and CANARY_PERSON_A2 not in text
    assert _exports("payroll.bank_export")[0].changes["left_out"] == 1
    # Net pay ≤ 0 is left out too; nobody left → refused, nothing logged.
    PayrollLine.objects.filter(run=files.run).update(net_fen=0)
    planned = bank.plan(bank.run_lines(files.run))
    assert planned.payees == [] and ("实发工资不大于 0") in dict(planned.left_out).values()
    api = files.http.get(f"/api/payroll/runs/{files.run.pk}/bank-file?format=ccb")
    assert api.status_code == 400 and "没有可代发的人员" in api.json()["detail"]
    assert len(_exports("payroll.bank_export")) == 1


def test_it_exports_only_approved_or_paid_runs(files: Files) -> None:
    PayrollRun.objects.filter(pk=files.run.pk).update(status="review")
    api = files.http.get(f"/api/payroll/runs/{files.run.pk}/bank-file?format=ccb")
    assert api.status_code == 400 and "审核通过后" in api.json()["detail"]
    screen = files.http.get(f"/payroll/runs/{files.run.pk}/bank/download/?format=ccb", follow=True)
    assert "审核通过后" in screen.content.decode()
    iit = files.http.get(f"/api/payroll/runs/{files.run.pk}/iit-export")
    assert iit.status_code == 400 and "审核通过后" in iit.json()["detail"]
    assert not AuditLog.objects.filter(action__in=["payroll.bank_export", "payroll.iit_export"])
    PayrollRun.objects.filter(pk=files.run.pk).update(status="approved")
    ok = files.http.get(f"/api/payroll/runs/{files.run.pk}/bank-file?format=ccb")
    assert ok.status_code == 200 and "10404.70" in ok.content.decode("gb18030")


def test_it_asks_for_a_layout_when_the_client_has_none(files: Files) -> None:
    api = files.http.get(f"/api/payroll/runs/{files.run.pk}/bank-file")
    assert api.status_code == 400 and "请选择银行格式" in api.json()["detail"]
    unknown = files.http.get(f"/api/payroll/runs/{files.run.pk}/bank-file?format=nope")
    assert unknown.status_code == 400 and "nope" in unknown.json()["detail"]
    page = files.http.get(f"/payroll/runs/{files.run.pk}/bank/?format=nope")
    assert page.status_code == 400
    formats = files.http.get("/api/payroll/bank-formats").json()
    assert {f["code"] for f in formats} >= {"icbc", "ccb", "cmb"}


def test_it_keeps_run_files_from_outsiders(files: Files) -> None:
    cast, run = files.cast, files.run
    paths = [
        f"/payroll/runs/{run.pk}/bank/",
        f"/payroll/runs/{run.pk}/bank/download/?format=ccb",
        f"/payroll/runs/{run.pk}/iit-export/",
        f"/payroll/runs/{run.pk}/iit-export.xlsx",
        f"/payroll/runs/{run.pk}/costs/",
        f"/payroll/runs/{run.pk}/costs.xlsx",
        f"/api/payroll/runs/{run.pk}/bank-file?format=ccb",
        f"/api/payroll/runs/{run.pk}/iit-export",
        f"/api/payroll/runs/{run.pk}/costs",
        f"/api/payroll/runs/{run.pk}/costs.xlsx",
    ]
    for outsider in (cast.hr_b, cast.rep_b, cast.employee_a):
        http = login_client(outsider)
        for path in paths:
            assert http.get(path).status_code == 404, (outsider.username, path)
    # Client A's HR sees the cost list but not the files with full account and ID numbers.
    hr = login_client(cast.hr_a)
    assert hr.get(f"/payroll/runs/{run.pk}/costs/").status_code == 200
    assert hr.get(f"/payroll/runs/{run.pk}/bank/").status_code == 403
    assert hr.get(f"/api/payroll/runs/{run.pk}/iit-export").status_code == 403
    assert not AuditLog.objects.filter(action__in=["payroll.bank_export", "payroll.iit_export"])


def test_it_checks_layout_columns_naming_the_bad_one() -> None:
    good = [
        {"header": "账号", "field": "account"},
        {"header": "户名", "field": "name"},
        {"header": "金额（分）", "field": "amount_fen"},
        {"header": "币种", "value": "人民币"},
    ]
    assert bank.check_columns(good)[3] == {"header": "币种", "value": "人民币"}
    with pytest.raises(ServiceError, match="第 2 列「户名」的字段「nam」不存在"):
        bank.check_columns([good[0], {"header": "户名", "field": "nam"}, good[2]])
    with pytest.raises(ServiceError, match="缺少必需的字段：收款账号"):
        bank.check_columns(good[1:])
    with pytest.raises(ServiceError, match="第 1 列缺少表头"):
        bank.check_columns([{"field": "account"}])
    with pytest.raises(ServiceError, match=r"field.*value"):
        bank.check_columns([{"header": "账号", "field": "account", "value": "x"}])
    with pytest.raises(ServiceError, match="非空列表"):
        bank.check_columns({})


def test_it_refuses_a_bad_layout_in_the_admin(cast: Cast) -> None:
    http = login_client(cast.admin)
    data = {
        "code": "test",
        "name": "测试银行",
        "bank": "测试银行",
        "active": "on",
        "file_type": "csv",
        "encoding": "gb18030",
        "delimiter": ",",
        "header_row": "on",
        "columns": '[{"header": "账号", "field": "acount"}]',
    }
    response = http.post("/admin/payroll/bankformat/add/", data)
    assert response.status_code == 200 and "acount" in response.content.decode()
    assert not BankFormat.objects.filter(code="test").exists()
    data["columns"] = (
        '[{"header": "账号", "field": "account"}, {"header": "户名", "field": "name"}, '
        '{"header": "金额", "field": "amount"}]'
    )
    assert http.post("/admin/payroll/bankformat/add/", data).status_code == 302
    assert AuditLog.objects.filter(action="admin.add.payroll.bankformat").count() == 1


def test_it_renders_the_admin_for_every_payroll_model(files: Files) -> None:
    from django.contrib import admin

    from hragency.payroll import models

    payroll_models = [
        m for m in vars(models).values() if isinstance(m, type) and m in admin.site._registry
    ]
    assert len(payroll_models) == 10
    http = login_client(files.cast.admin)
    for model in payroll_models:
        path = f"/admin/payroll/{model._meta.model_name}/"
        assert http.get(path).status_code == 200, path
    line = PayrollLine.objects.filter(run=files.run).first()
    assert http.get(f"/admin/payroll/payrollline/{line.pk}/change/").status_code == 200
    assert http.get(f"/admin/payroll/payrollrun/{files.run.pk}/change/").status_code == 200
    assert login_client(files.cast.hr_a).get("/admin/payroll/payrollline/").status_code == 302


# ---- IIT declaration -----------------------------------------------------------------------


def _contribution(cast: Cast, person: Any, enrollment: int, **ee: int) -> None:
    from hragency.insurance.models import Contribution

    Contribution.objects.create(
        period=dt.date(2026, 10, 1),
        client=cast.client_a,
        person=person,
        enrollment_id=enrollment,
        city="上海",
        wage_fen=1_200_000,
        employer_fen=0,
        employee_fen=sum(ee.values()),
        **ee,
    )


def test_it_exports_the_withholding_declaration(files: Files) -> None:
    from hragency.payroll.models import SpecialDeduction

    cast = files.cast
    # Hired in October: a child-education record from January counts from October only, and
    # 2,000.00 is exactly the line's 累计专项附加扣除.
    InsuredPerson.objects.filter(pk=cast.person_a.pk).update(
        hire_date=dt.date(2026, 10, 8), employee_number="A-001"
    )
    SpecialDeduction.objects.create(
        client=cast.client_a,
        person=cast.person_a,
        category="children_education",
        amount_fen=200_000,
        start_month=dt.date(2026, 1, 1),
        source="employee",
    )
    # 8 % / 2 % / 0.5 % of 10,000 and 12 % of 12,000: 1,050.00 + 1,440.00 as on the line.
    _contribution(
        cast,
        cast.person_a,
        1,
        pension_ee=80_000,
        medical_ee=19_700,
        supplementary_medical_ee=300,
        unemployment_ee=5_000,
        housing_fund_ee=144_000,
    )
    PayrollLine.objects.filter(run=files.run, person=cast.person_a2).update(
        bonus_fen=3_000_000, bonus_separate=True
    )
    page = files.http.get(f"/payroll/runs/{files.run.pk}/iit-export/").content.decode()
    assert "请核对" in page and CANARY_PERSON_A2 in page  # A2 has no contributions / deductions
    response = files.http.get(f"/payroll/runs/{files.run.pk}/iit-export.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["正常工资薪金所得", "全年一次性奖金收入"]
    rows = list(book["正常工资薪金所得"].iter_rows(values_only=True))
    headers = rows[0]
    assert headers[:6] == ("工号", "*姓名", "*证件类型", "*证件号码", "本期收入", "本期免税收入")
    assert headers[-4:] == ("其他", "准予扣除的捐赠额", "减免税额", "备注")
    assert len(headers) == 24
    row = dict(zip(headers, next(r for r in rows[1:] if r[1] == CANARY_PERSON_A), strict=True))
    assert row["工号"] == "A-001" and row["*证件类型"] == "居民身份证"
    assert row["*证件号码"] == cast.person_a.id_number
    assert _money(row["本期收入"]) == Decimal("13000.00")
    assert _money(row["本期免税收入"]) == Decimal("0.00")
    assert _money(row["基本养老保险费"]) == Decimal("800.00")
    assert _money(row["基本医疗保险费"]) == Decimal("200.00")
    assert _money(row["失业保险费"]) == Decimal("50.00")
    assert _money(row["住房公积金"]) == Decimal("1440.00")
    assert _money(row["累计子女教育"]) == Decimal("2000.00")
    assert _money(row["累计住房租金"]) == Decimal("0.00")
    id_cell = book["正常工资薪金所得"].cell(row=2, column=4)
    assert id_cell.data_type == "s" and id_cell.number_format == "@"
    bonus = list(book["全年一次性奖金收入"].iter_rows(values_only=True))
    assert bonus[0][4] == "*全年一次性奖金额" and len(bonus) == 2
    assert bonus[1][1] == CANARY_PERSON_A2 and _money(bonus[1][4]) == Decimal("30000.00")
    [logged] = _exports("payroll.iit_export")
    assert logged.client_id == cast.client_a.pk
    assert logged.changes["wages"] == 2 and logged.changes["bonus"] == 1


def test_it_counts_special_deductions_over_the_months_of_the_year() -> None:
    from hragency.domain.insurance import Period
    from hragency.payroll.iit_export import cumulative_deductions
    from hragency.payroll.models import SpecialDeduction

    def record(category: str, fen: int, start: dt.date, end: dt.date | None = None) -> Any:
        return SpecialDeduction(category=category, amount_fen=fen, start_month=start, end_month=end)

    records = [
        record("children_education", 200_000, dt.date(2025, 9, 1)),  # Jan–Oct: 10 months
        record("housing_rent", 150_000, dt.date(2026, 3, 1), dt.date(2026, 5, 1)),  # 3 months
        record("continuing_education", 360_000, dt.date(2026, 7, 1), dt.date(2026, 7, 1)),
        record("personal_pension", 100_000, dt.date(2026, 11, 1)),  # after October: none
    ]
    october = Period(2026, 10)
    sums = cumulative_deductions(records, october, Period(2026, 1).index)
    assert sums == {"累计子女教育": 2_000_000, "累计住房租金": 450_000, "累计继续教育": 360_000}
    # Hired in April: months before the hire do not count.
    later = cumulative_deductions(records, october, Period(2026, 4).index)
    assert later["累计子女教育"] == 1_400_000 and later["累计住房租金"] == 300_000
