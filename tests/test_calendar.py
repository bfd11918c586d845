"""Working time as the product uses it: the package's calendar to 2026, the admin table after."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hragency.core.holidays import import_holidays
from hragency.core.imports import ImportRejected
from hragency.core.models import AuditLog, HolidayCalendarDay
from hragency.core.worktime import calendar_warnings, due_after
from tests.conftest import Cast, login_client

SH = ZoneInfo("Asia/Shanghai")
NATIONAL_DAY_2027 = [(dt.date(2027, 10, d), "休息日", "国庆节") for d in range(1, 8)] + [
    (dt.date(2027, 9, 26), "调休上班", "国庆节调休"),
]


def _xlsx(rows: list[tuple[object, ...]]) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["日期", "类型", "名称"])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


@pytest.mark.django_db
def test_it_counts_across_the_2026_national_day_holiday() -> None:
    # 09-30 is the last working day before 10-01…10-07 (国办发明电〔2025〕7号).
    start = dt.datetime(2026, 9, 30, 17, 0, tzinfo=SH)
    assert due_after(start, hours=2) == dt.datetime(2026, 10, 8, 10, 0, tzinfo=SH)
    assert due_after(start, days=3) == dt.datetime(
        2026, 10, 10, 17, 0, tzinfo=SH
    )  # Sat, adjusted workday


@pytest.mark.django_db
def test_it_falls_back_to_weekends_only_for_2027_and_warns_admins(cast: Cast) -> None:
    start = dt.datetime(2027, 9, 30, 17, 0, tzinfo=SH)
    assert due_after(start, hours=2) == dt.datetime(2027, 10, 1, 10, 0, tzinfo=SH)
    warnings = calendar_warnings(dt.date(2026, 11, 23))
    assert len(warnings) == 1 and warnings[0].startswith("2027 年的法定节假日安排尚未录入")
    page = login_client(cast.admin).get("/todo/").content.decode()
    # The banner shows today's warnings (next year's schedule is never published this early).
    shown = calendar_warnings()
    assert shown and all(warning in page for warning in shown)
    assert "法定节假日安排尚未录入" not in login_client(cast.rep_a).get("/todo/").content.decode()


@pytest.mark.django_db
def test_it_uses_the_imported_2027_schedule(cast: Cast) -> None:
    count = import_holidays(upload=_xlsx(NATIONAL_DAY_2027), filename="2027.xlsx", actor=cast.admin)
    assert count == 8
    start = dt.datetime(2027, 9, 30, 17, 0, tzinfo=SH)
    assert due_after(start, hours=2) == dt.datetime(2027, 10, 8, 10, 0, tzinfo=SH)
    # The imported adjusted workday (a Sunday) counts.
    assert due_after(dt.datetime(2027, 9, 25, 12, 0, tzinfo=SH), hours=1) == dt.datetime(
        2027, 9, 26, 10, 0, tzinfo=SH
    )
    assert calendar_warnings(dt.date(2026, 11, 23)) == []
    assert AuditLog.objects.filter(action="core.import_holidays", actor=cast.admin).exists()


@pytest.mark.django_db
def test_it_rejects_a_bad_holiday_file_naming_row_and_column(cast: Cast) -> None:
    rows = [
        (dt.date(2027, 10, 1), "休息日", ""),
        ("2027-13-01", "休息日", ""),
        ("2027-10-02", "放半天", ""),
    ]
    with pytest.raises(ImportRejected) as info:
        import_holidays(upload=_xlsx(rows), filename="bad.xlsx", actor=cast.admin)
    messages = [str(e) for e in info.value.errors]
    assert messages == [
        "第 3 行「日期」：不是有效日期：2027-13-01（应为 2027-10-01）",
        "第 4 行「类型」：应为“休息日”或“调休上班”，实为“放半天”",
    ]
    assert not HolidayCalendarDay.objects.exists()


@pytest.mark.django_db
def test_it_reads_a_gbk_csv(cast: Cast) -> None:
    data = "日期,类型,名称\n2027-10-01,休息日,国庆节\n".encode("gb18030")
    assert import_holidays(upload=io.BytesIO(data), filename="h.csv", actor=cast.admin) == 1


@pytest.mark.django_db
def test_it_imports_through_the_admin_page(cast: Cast) -> None:
    http = login_client(cast.admin)
    assert "从 Excel 导入" in http.get("/admin/core/holidaycalendarday/").content.decode()
    upload = SimpleUploadedFile("2027.xlsx", _xlsx(NATIONAL_DAY_2027).read())
    response = http.post("/admin/core/holidaycalendarday/import/", {"file": upload})
    assert response.status_code == 302
    assert HolidayCalendarDay.objects.filter(date__year=2027).count() == 8
    bad = SimpleUploadedFile("x.txt", b"hello")
    page = http.post("/admin/core/holidaycalendarday/import/", {"file": bad}).content.decode()
    assert "只支持 .xlsx、.xls 或 .csv 文件" in page
