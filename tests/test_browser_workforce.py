"""The hotline supervisor's week in a real Chromium (R-WFM-1): import last week's contact
volumes from the telephony CSV, build next week's shift plan with the optimiser, publish it;
a rep then finds their shifts under 我的班次."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import Cast
from tests.test_browser import browser, live_cast, login, page  # noqa: F401
from tests.test_workforce_support import HEADER, hotline, three_shifts

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


def _week_csv(first: dt.date, path: Path) -> Path:
    lines = [HEADER]
    for d in range(7):
        day = first + dt.timedelta(days=d)
        for slot in range(48):
            calls = 3 if 16 <= slot < 40 else 1
            lines.append(
                f"电话,{day:%Y-%m-%d} {slot // 2:02d}:{30 * (slot % 2):02d},30,"
                f"{calls},{calls},0,{calls},200"
            )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_it_imports_volumes_builds_publishes_and_shows_a_rep_their_shifts(
    page: Any,  # noqa: F811
    live_server: Any,
    live_cast: Cast,  # noqa: F811
    huey_now: None,
    tmp_path: Path,
) -> None:
    three_shifts()
    hotline(live_cast, 12)
    today = timezone.localdate()
    week = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=7)
    data = _week_csv(week - dt.timedelta(days=7), tmp_path / "话务量.csv")
    base = live_server.url

    login(page, base, live_cast.supervisor)
    page.goto(f"{base}/workforce/")
    page.wait_for_url(re.compile(r"/workforce/volumes/$"))
    page.get_by_test_id("import-volumes").click()
    page.set_input_files("#file", str(data))
    page.get_by_role("button", name="上传并校验").click()
    page.get_by_test_id("import-status").filter(has_text="待确认").wait_for()
    page.get_by_test_id("import-commit").click()
    page.get_by_test_id("import-status").filter(has_text="已导入").wait_for()
    assert "新增 336 条" in page.get_by_test_id("import-result").inner_text()

    page.goto(f"{base}/workforce/plans/")
    page.get_by_label("排班周（周一）").fill(week.isoformat())
    page.get_by_test_id("build-plan").click()
    page.wait_for_url(re.compile(r"/workforce/plans/\d+/$"))
    assert "已编排" in page.locator(".alert").first.inner_text()
    roster = page.get_by_test_id("roster").inner_text()
    assert "早班" in roster and "夜班" in roster and "陈晓" in roster
    page.get_by_test_id("publish-plan").click()
    page.get_by_test_id("plan-status").filter(has_text="已发布").wait_for()

    page.context.clear_cookies()
    login(page, base, live_cast.rep_a)
    page.goto(f"{base}/workforce/")
    page.wait_for_url(re.compile(r"/workforce/my/$"))
    shifts = page.get_by_test_id("my-shifts").inner_text()
    assert re.search(r"早班|中班|夜班", shifts), shifts
    assert f"{week:%Y}" in shifts or "月" in shifts
