"""The service-report flow in a real Chromium: the supervisor generates November's reports,
watches the job's progress bar reach 100 %, publishes client A's report, and client A's HR
downloads the PDF from 服务报告 in the portal (client B's HR does not see it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cast
from tests.test_browser import browser, live_cast, login, page  # noqa: F401

pytestmark = pytest.mark.browser


def test_it_generates_publishes_and_lets_the_client_download(
    page: Any,  # noqa: F811
    browser: Any,  # noqa: F811
    live_server: Any,
    live_cast: Cast,  # noqa: F811
) -> None:
    from hragency.clients.models import Client
    from hragency.reports.models import ServiceReport
    from tests.desk_care_support import huey_now

    Client.objects.filter(pk__in=[live_cast.client_a.pk, live_cast.client_b.pk]).update(
        status=Client.Status.ACTIVE
    )
    base = live_server.url
    login(page, base, live_cast.supervisor)
    page.goto(f"{base}/reports/service/")
    form = page.get_by_test_id("generate-form")
    form.get_by_label("期间").fill("2026-11")
    with huey_now():
        form.get_by_role("button", name="生成").click()
        progress = page.get_by_test_id("job-progress")
        page.locator("[data-testid=job-progress][data-status=done]").wait_for()
    assert page.get_by_test_id("job-percent").inner_text() == "100%"
    assert "已完成" in progress.inner_text()
    assert ServiceReport.objects.filter(period="2026-11").count() == 2

    page.get_by_test_id("job-reports-link").click()
    page.get_by_test_id("report-list").get_by_role("link", name="2026-11").first.wait_for()
    report = ServiceReport.objects.get(client=live_cast.client_a)
    page.goto(f"{base}/reports/service/{report.pk}/")
    assert "月末在保人数" in page.get_by_test_id("report-参保人员").inner_text()
    page.get_by_role("button", name="发布到客户门户").click()
    page.get_by_test_id("report-published").get_by_text("已发布").wait_for()

    hr = browser.new_context(locale="zh-CN").new_page()
    login(hr, base, live_cast.hr_a)
    hr.goto(f"{base}/reports/portal/")
    rows = hr.get_by_test_id("portal-reports")
    assert "2026年11月服务报告" in rows.inner_text()
    with hr.expect_download() as info:
        rows.get_by_role("link", name="PDF").click()
    download = info.value
    assert download.suggested_filename.endswith("2026年11月服务报告.pdf")
    assert Path(download.path()).read_bytes()[:5] == b"%PDF-"

    other = browser.new_context(locale="zh-CN").new_page()
    login(other, base, live_cast.hr_b)
    other.goto(f"{base}/reports/portal/")
    assert "暂无已发布的服务报告" in other.get_by_test_id("portal-reports").inner_text()
