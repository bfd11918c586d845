"""Analytics in a real Chromium: the supervisor's dashboard draws every chart from the JSON
endpoints and shows the checkable figures; a rep builds a custom query, previews it, exports
it as CSV, watches the job's progress bar and downloads the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CANARY_PERSON_A, CANARY_PERSON_A2, Cast
from tests.test_browser import browser, live_cast, login, page  # noqa: F401

pytestmark = pytest.mark.browser

CHARTS = [
    "chart-volumes-channel",
    "chart-volumes-module",
    "chart-levels",
    "chart-satisfaction",
    "chart-insured",
    "chart-fees",
    "chart-workload-open",
    "chart-workload-closed",
    "chart-hotspots",
]


def test_it_shows_the_dashboard_and_exports_a_query(
    page: Any,  # noqa: F811
    live_server: Any,
    live_cast: Cast,  # noqa: F811
) -> None:
    from hragency.reports.jobs import run_job
    from hragency.reports.models import Job
    from tests.test_analytics import RANGE, _desk

    _desk(live_cast)
    base = live_server.url

    # The supervisor's dashboard: figures in the tables, a canvas in every chart.
    login(page, base, live_cast.supervisor)
    page.goto(f"{base}/analytics/?{RANGE}")
    assert page.get_by_test_id("kpi-tickets").inner_text() == "4"
    assert page.get_by_test_id("kpi-servicedesk.response").inner_text() == "66.7%"
    levels = page.get_by_test_id("table-levels")
    assert "工单首次响应" in levels.inner_text()
    for chart in CHARTS:
        page.get_by_test_id(chart).locator("canvas").first.wait_for(timeout=10_000)
    channels = page.get_by_test_id("table-channels").inner_text()
    assert "电话热线\t2" in channels
    assert "缴费基数" in page.get_by_test_id("table-terms").inner_text()
    page.get_by_role("button", name="退出").click()

    # The rep builds a query of client A's people, previews it and exports it.
    login(page, base, live_cast.rep_a)
    page.goto(f"{base}/analytics/query/")
    page.get_by_label("数据集").select_option("people")
    page.get_by_test_id("query-columns").wait_for()
    page.get_by_label("手机号").check()
    page.get_by_label("排序").select_option("name")
    page.get_by_test_id("preview-button").click()
    assert page.get_by_test_id("result-count").inner_text() == "2"
    table = page.get_by_test_id("preview-table").inner_text()
    assert CANARY_PERSON_A in table and CANARY_PERSON_A2 in table and "138****5678" in table
    page.get_by_label("CSV（UTF-8）").check()
    page.get_by_test_id("export-button").click()
    progress = page.get_by_test_id("job-progress")
    progress.wait_for()
    job = Job.objects.get(created_by=live_cast.rep_a)
    assert job.status == Job.Status.QUEUED
    run_job(job.pk)  # what the Huey worker does; the page polls until it is done
    page.get_by_test_id("job-download").wait_for(timeout=10_000)
    assert page.get_by_test_id("job-percent").inner_text() == "100%"
    with page.expect_download() as info:
        page.get_by_test_id("job-download").click()
    content = Path(info.value.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    assert text.splitlines()[0] == "客户名称,姓名,身份证号,性别,手机号,入职日期,状态"
    assert CANARY_PERSON_A in text and "138****5678" in text
