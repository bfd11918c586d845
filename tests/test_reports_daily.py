"""运营日报 (R-WFM-4): one day's figures compared with the previous day and a week earlier,
limited to the user's clients, on screen, in Excel, by API, and mailed at 08:00 to the CS
director and general manager. Data: client A's November (tests/test_reports_support.py)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core import mail
from openpyxl import load_workbook

from hragency.reports.daily import daily_report, mail_daily_report
from tests.conftest import PASSWORD, login_client
from tests.test_reports_support import grant, november

pytestmark = pytest.mark.django_db

NOV_20 = dt.date(2026, 11, 20)


@pytest.fixture
def nov(cast: Any) -> dict[str, Any]:
    return november(cast)


def _rows(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["label"]: row for row in report["rows"]}


def test_it_counts_the_days_figures_for_all_clients(cast, nov):
    report = daily_report(NOV_20)
    rows = _rows(report)
    assert (rows["新建工单"]["today"], rows["新建工单"]["previous"]) == (3, 0)
    assert rows["新建工单"]["last_week"] == 0 and rows["新建工单"]["vs_previous"] == "+3"
    assert rows["解决工单"]["today"] == 2 and rows["首次响应按时率"]["today"] == "100.00"
    channels = {r["label"]: r["today"] for r in report["channels"]}
    assert channels == {"电话热线": 2, "邮件": 1}
    overdue = {r["label"]: r["today"] for r in report["overdue"]}
    assert overdue["异常响应"] == 1 and overdue["异常解决"] == 1  # the unanswered exception
    assert report["call_centre"] is None  # no contact volumes imported for the day

    oct_20 = _rows(daily_report(dt.date(2026, 10, 20)))
    assert (oct_20["收到增员"]["today"], oct_20["收到减员"]["today"]) == (1, 1)
    assert (oct_20["办结增员"]["today"], oct_20["办结减员"]["today"]) == (1, 1)
    nov_10 = _rows(daily_report(dt.date(2026, 11, 10)))
    assert (nov_10["新增异常"]["today"], nov_10["解决异常"]["today"]) == (1, 1)
    nov_17 = _rows(daily_report(dt.date(2026, 11, 17)))
    assert nov_17["新增异常"]["last_week"] == 1  # 11-10, the same weekday a week earlier
    assert _rows(daily_report(dt.date(2026, 11, 30)))["发放工资表"]["today"] == 1


def test_it_adds_the_days_hotline_figures_per_channel(cast):
    """Two phone intervals of the 20th (Beijing time) and one of the 21st just after midnight:
    offered 100 + 60, answered 90 + 50 (AHT 200 s and 260 s: (18,000 + 13,000) ÷ 140 = 221 s),
    abandoned 10 + 10, within 15 s 80 + 40 → service level 120 ÷ 160 = 75.00 %."""
    from hragency.workforce.models import ContactVolume

    def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.timezone(dt.timedelta(hours=8)))

    def volume(start: dt.datetime, *figures: int) -> ContactVolume:
        offered, answered, abandoned, in_target, aht = figures
        return ContactVolume(
            channel="phone",
            interval_start=start,
            interval_minutes=30,
            offered=offered,
            answered=answered,
            abandoned=abandoned,
            answered_in_target=in_target,
            aht_seconds=aht,
        )

    ContactVolume.objects.bulk_create(
        [
            volume(at(20, 0), 100, 90, 10, 80, 200),
            volume(at(20, 23, 30), 60, 50, 10, 40, 260),
            volume(at(21, 0), 999, 999, 0, 999, 100),
        ]
    )
    section = dict(daily_report(NOV_20)["call_centre"])
    assert section == {
        "电话·呼入量": 160,
        "电话·接通量": 140,
        "电话·放弃量": 20,
        "电话·服务水平": "75.00 %",
        "电话·平均处理时长": "221 秒",
    }


def test_it_limits_a_reps_daily_report_to_their_clients(cast, nov):
    grant(cast.rep_a, "reports.view_daily_report")
    grant(cast.rep_b, "reports.view_daily_report")
    cast.rep_a.refresh_from_db()
    a = _rows(daily_report(NOV_20, cast.rep_a))
    assert a["新建工单"]["today"] == 2
    b = daily_report(NOV_20, cast.rep_b)
    assert _rows(b)["新建工单"]["today"] == 1
    assert {r["label"]: r["today"] for r in b["channels"]} == {"电话热线": 1}
    assert not any(r["label"].startswith("异常") for r in b["overdue"])

    page = login_client(cast.rep_b).get("/reports/daily/?date=2026-11-20")
    assert page.status_code == 200 and "数据范围：您负责的客户" in page.content.decode()


def test_it_shows_the_screen_the_excel_and_the_api_to_managers_only(cast, nov):
    supervisor = login_client(cast.supervisor)
    page = supervisor.get("/reports/daily/?date=2026-11-20")
    body = page.content.decode()
    assert page.status_code == 200 and "运营日报 · 2026年11月20日" in body
    assert 'data-metric="新建工单"' in body
    excel = supervisor.get("/reports/daily/excel/?date=2026-11-20")
    assert excel.status_code == 200
    sheet = load_workbook(io.BytesIO(excel.content))["运营日报"]
    assert sheet["A1"].value == "运营日报 2026-11-20"
    first = [c.value for c in sheet[3]]
    assert first == ["服务台", "新建工单", 3, 0, 0, "+3", "+3"]
    api = supervisor.get("/api/reports/daily?date=2026-11-20").json()
    assert api["rows"][0]["today"] == 3 and api["date"] == "2026-11-20"
    bad = supervisor.get("/reports/daily/?date=2026-13-45")
    assert bad.status_code == 400 and "日期无效" in bad.content.decode()
    for user in (cast.rep_a, cast.hr_a, cast.employee_a):
        http = login_client(user)
        assert http.get("/reports/daily/").status_code == 403
        assert http.get("/reports/daily/excel/").status_code == 403
        assert http.get("/api/reports/daily").status_code == 403


def test_it_mails_yesterdays_report_to_the_director_and_the_manager(
    cast, nov, django_capture_on_commit_callbacks
):
    from hragency.accounts.roles import Role
    from hragency.accounts.services import create_user
    from hragency.core.models import Notification

    director = create_user(
        username="director",
        password=PASSWORD,
        display_name="周总监",
        roles=[Role.CS_DIRECTOR],
        email="director@agency.cn",
    )
    manager = create_user(
        username="gm",
        password=PASSWORD,
        display_name="郑总",
        roles=[Role.GENERAL_MANAGER],
        email="gm@agency.cn",
    )
    with django_capture_on_commit_callbacks(execute=True):
        said = mail_daily_report(NOV_20)
    assert said == "已发送 2026-11-20 运营日报给 2 人"
    for user in (director, manager):
        note = Notification.objects.get(recipient=user, title="运营日报 2026-11-20")
        assert "服务台·新建工单：3（前一日 0，上周同日 0）" in note.body
        assert note.link == "/reports/daily/?date=2026-11-20"
    assert sorted(to for m in mail.outbox for to in m.to) == ["director@agency.cn", "gm@agency.cn"]
    assert not Notification.objects.filter(recipient=cast.supervisor, title__startswith="运营日报")
