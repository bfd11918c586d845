"""The employee archive in a real Chromium: a client's HR adds a person through the form,
uploads a contract, edits the phone and reads the change in the history; another client's
rep cannot open the record."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from hragency.domain.idcard import make_id_number
from hragency.employees.demo import demo_pdf
from tests.test_browser import browser, live_cast, login, page  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def test_it_hr_adds_an_employee_uploads_a_contract_and_edits_the_phone(
    page: Any,  # noqa: F811
    live_server: Any,
    live_cast: Any,  # noqa: F811
    settings: Any,
    tmp_path: Path,
) -> None:
    import datetime as dt

    from hragency.employees.models import InsuredPerson, PersonDocument

    settings.MEDIA_ROOT = tmp_path
    base = live_server.url
    login(page, base, live_cast.hr_a)
    page.goto(f"{base}/people/")
    page.get_by_role("link", name="新增员工").click()
    page.wait_for_url(re.compile(r"/people/new/$"))

    number = make_id_number(
        region_code="310115", birth_date=dt.date(1994, 8, 16), sequence=71, gender="F"
    )
    page.get_by_label("姓名").fill("周新员工")
    page.get_by_label("身份证号").fill(number[:-1] + ("0" if number[-1] != "0" else "1"))
    page.get_by_label("手机号").fill("13911112222")
    page.get_by_role("button", name="保存").click()
    error = page.get_by_test_id("error-id_number")
    error.wait_for()
    assert "校验位错误" in error.inner_text()
    assert page.get_by_label("姓名").input_value() == "周新员工"
    assert not InsuredPerson.objects.filter(name="周新员工").exists()

    page.get_by_label("身份证号").fill(number)
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/people/\d+/$"))
    person = InsuredPerson.objects.get(name="周新员工")
    assert person.client == live_cast.client_a
    assert "周新员工" in page.locator("h1").inner_text()
    assert page.get_by_test_id("person-status").inner_text() == "入职办理中"
    assert page.get_by_test_id("steps").get_by_text("签订劳动合同").is_visible()
    assert "外包告知函" in page.get_by_test_id("missing-documents").inner_text()

    page.get_by_label("材料类型").select_option("contract")
    page.get_by_label(re.compile("文件")).set_input_files(
        {"name": "劳动合同.pdf", "mimeType": "application/pdf", "buffer": demo_pdf()}
    )
    page.get_by_role("button", name="上传").click()
    page.wait_for_url(re.compile(r"/people/\d+/#documents$"))
    assert page.get_by_test_id("documents").get_by_role("link", name="劳动合同.pdf").is_visible()
    assert "劳动合同" not in page.get_by_test_id("missing-documents").inner_text()
    assert PersonDocument.objects.filter(person=person, kind="contract").count() == 1

    page.get_by_role("link", name="编辑档案").click()
    page.wait_for_url(re.compile(r"/edit/$"))
    assert number not in page.content() and "13911112222" not in page.content()
    page.get_by_label("手机号").fill("13733334444")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/people/\d+/$"))
    assert page.locator("#reveal-phone").inner_text().strip() == "137****4444"

    page.get_by_role("link", name="变更记录").first.click()
    page.wait_for_url(re.compile(r"/history/$"))
    history = page.get_by_test_id("history").inner_text()
    assert "手机号：已变更" in history
    assert "上传了劳动合同：劳动合同.pdf" in history and "创建档案" in history
    assert "13733334444" not in page.content()

    # Another client's rep gets a 404 for the record.
    context = page.context.browser.new_context(locale="zh-CN")
    other = context.new_page()
    try:
        login(other, base, live_cast.rep_b)
        response = other.goto(f"{base}/people/{person.pk}/")
        assert response is not None and response.status == 404
        assert "周新员工" not in other.content()
    finally:
        context.close()
