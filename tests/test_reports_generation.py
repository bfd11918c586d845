"""Generating service reports as a job: from the staff screen (progress, then the reports),
the API, the CLI, and the periodic task on the 5th for every client in service."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command

from hragency.reports.models import Job, ServiceReport
from tests.conftest import login_client
from tests.desk_care_support import huey_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_service(cast: Any) -> Any:
    from hragency.clients.models import Client

    Client.objects.filter(pk__in=[cast.client_a.pk, cast.client_b.pk]).update(
        status=Client.Status.ACTIVE
    )
    Client.objects.create(number="KH00003", name="丙方已终止", status=Client.Status.TERMINATED)
    return cast


@pytest.fixture
def no_pdf(monkeypatch: Any) -> None:
    """Chromium is tested in test_reports_service.py; here the PDF step is a stub."""
    from hragency.reports import render

    monkeypatch.setattr(render, "pdf_bytes", lambda data: b"%PDF-1.4 stub")


def test_it_generates_for_every_client_in_service_on_the_5th(
    in_service, no_pdf, django_capture_on_commit_callbacks
):
    from hragency.reports.generation import scheduled_annual, scheduled_monthly

    with huey_now(), django_capture_on_commit_callbacks(execute=True):
        said = scheduled_monthly(dt.date(2026, 12, 5))
    assert said == "2026-11 月度服务报告（全部服务中客户）：已完成"
    job = Job.objects.get()
    assert job.created_by is None and (job.done, job.total, job.percent) == (2, 2, 100)
    assert job.file_name == "2026-11月度服务报告汇总.xlsx"
    reports = ServiceReport.objects.order_by("client__number")
    assert [(r.client.number, r.period, r.kind) for r in reports] == [
        ("KH00001", "2026-11", "monthly"),
        ("KH00002", "2026-11", "monthly"),
    ]  # not the terminated client
    assert all(r.pdf and r.xlsx and not r.published and r.job == job for r in reports)
    with huey_now(), django_capture_on_commit_callbacks(execute=True):
        scheduled_annual(dt.date(2027, 1, 10))
    assert ServiceReport.objects.filter(kind="annual", period="2026").count() == 2


def test_it_generates_from_the_screen_as_a_job_and_publishes_all(
    in_service, no_pdf, django_capture_on_commit_callbacks
):
    from hragency.core.models import Notification

    supervisor = login_client(in_service.supervisor)
    page = supervisor.get("/reports/service/").content.decode()
    assert "生成服务报告" in page and 'name="period"' in page
    with huey_now(), django_capture_on_commit_callbacks(execute=True):
        response = supervisor.post(
            "/reports/service/generate/", {"kind": "monthly", "period": "2026-11", "client": ""}
        )
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/jobs/{job.pk}/"
    assert job.status == Job.Status.DONE and job.created_by == in_service.supervisor
    shown = supervisor.get(f"/reports/jobs/{job.pk}/").content.decode()
    assert "100%" in shown and "查看本次生成的服务报告" in shown
    listing = supervisor.get("/reports/service/?kind=monthly&period=2026-11").content.decode()
    assert listing.count("未发布</span>") == 2 and "发布本期全部未发布报告" in listing
    done = supervisor.post("/reports/service/publish/", {"kind": "monthly", "period": "2026-11"})
    assert done.status_code == 302
    assert ServiceReport.objects.filter(published=True).count() == 2
    assert Notification.objects.filter(
        recipient=in_service.hr_b, title="2026年11月服务报告已发布"
    ).exists()
    # A rep may read their clients' reports but not generate or publish.
    rep = login_client(in_service.rep_a)
    assert rep.post("/reports/service/generate/", {"period": "2026-11"}).status_code == 403
    mine = rep.get("/reports/service/").content.decode()
    assert in_service.client_a.name in mine and in_service.client_b.name not in mine


def test_it_refuses_a_bad_period_with_a_chinese_reason(in_service):
    api = login_client(in_service.admin)
    bad = api.post(
        "/api/reports/service-reports/generate",
        {"kind": "monthly", "period": "2026-13"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "月份无效" in bad.json()["detail"]
    year = api.post(
        "/api/reports/service-reports/generate",
        {"kind": "annual", "period": "26"},
        content_type="application/json",
    )
    assert year.status_code == 400 and "年度格式不正确" in year.json()["detail"]
    assert not Job.objects.exists()


def test_it_generates_and_publishes_from_the_command_line(in_service, no_pdf, capsys):
    call_command("service_reports", "--period", "2026-11", "--client", "KH00001", "--publish")
    out = capsys.readouterr().out
    assert "已生成 1 份" in out
    report = ServiceReport.objects.get()
    assert report.client == in_service.client_a and report.published
    assert report.job is not None and report.job.client == in_service.client_a
    # The client's HR may open the job that made their published report, nobody else's.
    hr_a, hr_b = login_client(in_service.hr_a), login_client(in_service.hr_b)
    assert hr_a.get(f"/reports/jobs/{report.job.pk}/").status_code == 200
    assert hr_b.get(f"/reports/jobs/{report.job.pk}/").status_code == 404
    with pytest.raises(Exception, match="客户不存在"):
        call_command("service_reports", "--period", "2026-11", "--client", "KH99999")
