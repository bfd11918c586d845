"""The import screens in a real Chromium: template download, a bad row named by row and
column, the error report, a corrected upload, confirmation, and the new people listed."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from hragency.domain.idcard import make_id_number
from tests.conftest import Cast
from tests.test_browser import browser, live_cast, login, page  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def huey_now() -> Iterator[None]:
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = True
    try:
        yield
    finally:
        HUEY.immediate = before


def _fill(template: Path, rows: list[tuple[str, str]], target: Path) -> Path:
    book = openpyxl.load_workbook(template)
    sheet = book["导入数据"]
    headers = [c.value for c in sheet[1]]
    sheet.delete_rows(2)  # the example row
    for offset, (name, number) in enumerate(rows, start=2):
        sheet.cell(row=offset, column=headers.index("姓名") + 1, value=name)
        sheet.cell(row=offset, column=headers.index("身份证号") + 1, value=number)
        sheet.cell(row=offset, column=headers.index("入职日期") + 1, value=dt.date(2026, 3, 2))
    book.save(target)
    return target


def test_it_imports_people_after_fixing_a_bad_row(
    page: Any,  # noqa: F811
    live_server: Any,
    live_cast: Cast,  # noqa: F811
    huey_now: None,
    tmp_path: Path,
) -> None:
    base = live_server.url
    login(page, base, live_cast.hr_a)
    page.get_by_role("link", name="批量导入").click()
    page.get_by_test_id("import-new-employees").click()
    with page.expect_download() as download_info:
        page.get_by_test_id("template-link").click()
    template = tmp_path / "模板.xlsx"
    download_info.value.save_as(template)

    good = make_id_number(
        region_code="310115", birth_date=dt.date(1992, 8, 9), sequence=31, gender="M"
    )
    fixed = make_id_number(
        region_code="310115", birth_date=dt.date(1993, 9, 10), sequence=32, gender="F"
    )
    broken = fixed[:17] + ("0" if fixed[17] != "0" else "1")
    first = _fill(template, [("导入甲", good), ("导入乙", broken)], tmp_path / "第一次.xlsx")

    page.set_input_files("#file", str(first))
    page.get_by_role("button", name="上传并校验").click()
    page.wait_for_url(re.compile(r"/imports/\d+/$"))
    status = page.get_by_test_id("import-status")
    status.filter(has_text="有错误").wait_for()
    assert "第 3 行「身份证号」：校验位错误" in page.get_by_test_id("import-errors").inner_text()
    with page.expect_download() as report_info:
        page.get_by_test_id("import-report").click()
    report_path = tmp_path / "错误报告.xlsx"
    report_info.value.save_as(report_path)
    report = openpyxl.load_workbook(report_path).active
    cells = [[c.value for c in row] for row in report.iter_rows()]
    assert cells[1][0] == 3 and broken in cells[1]
    assert "「身份证号」" in cells[1][-1]

    second = _fill(template, [("导入甲", good), ("导入乙", fixed)], tmp_path / "第二次.xlsx")
    page.get_by_role("link", name="重新上传").click()
    page.set_input_files("#file", str(second))
    page.get_by_role("button", name="上传并校验").click()
    page.get_by_test_id("import-status").filter(has_text="待确认").wait_for()
    preview = page.get_by_test_id("import-preview").inner_text()
    assert "导入乙" in preview and fixed not in preview  # masked
    page.get_by_test_id("import-commit").click()
    page.get_by_test_id("import-status").filter(has_text="已导入").wait_for()
    assert "新增 2 条" in page.get_by_test_id("import-result").inner_text()

    page.get_by_role("link", name="员工档案").click()
    listing = page.get_by_test_id("person-list").inner_text()
    assert "导入甲" in listing and "导入乙" in listing
