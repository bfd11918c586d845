"""Long jobs with progress (reports.jobs): a job runs in the worker, its progress, status and
file are visible to its creator only; a failure ends it as failed with the reason."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hragency.core.errors import ServiceError
from hragency.reports.jobs import ProgressWriter, register_job, run_job, start_job
from hragency.reports.models import Job
from tests.conftest import login_client
from tests.desk_care_support import huey_now

pytestmark = pytest.mark.django_db

SEEN: list[tuple[int, int, str]] = []


@register_job("test.echo")
def echo(job: Job, progress: Any) -> tuple[str, bytes]:
    for i in range(3):
        progress(i, 3, f"第 {i + 1} 步")
    return "结果.txt", f"你好 {job.params['name']}".encode()


@register_job("test.refuse")
def refuse(job: Job, progress: Any) -> tuple[str, bytes]:
    progress(1, 4, "读取")
    raise ServiceError("数据源暂不可用")


@register_job("test.crash")
def crash(job: Job, progress: Any) -> tuple[str, bytes]:
    raise ZeroDivisionError("division by zero")


def _start(cast: Any, kind: str, capture: Any, user: Any = None) -> Job:
    with huey_now(), capture(execute=True):
        job = start_job(
            actor=user or cast.rep_a, kind=kind, title="测试任务", params={"name": "世界"}
        )
    job.refresh_from_db()
    return job


def test_it_runs_a_job_to_done_with_its_file(cast, django_capture_on_commit_callbacks):
    job = _start(cast, "test.echo", django_capture_on_commit_callbacks)
    assert job.status == Job.Status.DONE
    assert (job.percent, job.file_name) == (100, "结果.txt")
    assert job.started_at and job.finished_at and job.error == ""
    rep = login_client(cast.rep_a)
    page = rep.get(f"/reports/jobs/{job.pk}/")
    body = page.content.decode()
    assert page.status_code == 200 and "测试任务" in body and "已完成" in body
    assert "下载 结果.txt" in body and "hx-trigger" not in body  # finished: no more polling
    download = rep.get(f"/reports/jobs/{job.pk}/download/")
    assert download.status_code == 200 and download.content.decode() == "你好 世界"
    assert "attachment" in download["Content-Disposition"]
    listing = rep.get("/reports/jobs/").content.decode()
    assert "测试任务" in listing
    api = rep.get(f"/api/reports/jobs/{job.pk}").json()
    assert (api["status"], api["percent"], api["file_name"]) == ("done", 100, "结果.txt")
    assert rep.get(api["download_url"]).content.decode() == "你好 世界"
    assert [j["id"] for j in rep.get("/api/reports/jobs").json()["items"]] == [job.pk]


def test_it_shows_a_job_to_its_creator_only(cast, django_capture_on_commit_callbacks):
    job = _start(cast, "test.echo", django_capture_on_commit_callbacks)
    for user in (cast.rep_b, cast.hr_a, cast.hr_b, cast.employee_a, cast.supervisor):
        http = login_client(user)
        assert http.get(f"/reports/jobs/{job.pk}/").status_code == 404
        assert http.get(f"/reports/jobs/{job.pk}/download/").status_code == 404
        assert http.get(f"/api/reports/jobs/{job.pk}").status_code == 404
        assert http.get(f"/api/reports/jobs/{job.pk}/download").status_code == 404
        assert "测试任务" not in http.get("/reports/jobs/").content.decode()
        assert http.get("/api/reports/jobs").json()["items"] == []
    anonymous = login_client(None)
    assert anonymous.get(f"/reports/jobs/{job.pk}/").status_code == 302
    assert anonymous.get(f"/api/reports/jobs/{job.pk}").status_code in (401, 403)
    admin = login_client(cast.admin)
    assert admin.get(f"/reports/jobs/{job.pk}/download/").status_code == 200


def test_it_marks_a_refused_job_failed_with_the_reason(cast, django_capture_on_commit_callbacks):
    job = _start(cast, "test.refuse", django_capture_on_commit_callbacks)
    assert job.status == Job.Status.FAILED and job.error == "数据源暂不可用"
    assert job.finished_at is not None and not job.file
    body = login_client(cast.rep_a).get(f"/reports/jobs/{job.pk}/").content.decode()
    assert "失败" in body and "数据源暂不可用" in body and "下载" not in body
    crashed = _start(cast, "test.crash", django_capture_on_commit_callbacks)
    assert crashed.status == Job.Status.FAILED
    assert crashed.error == "任务失败：division by zero"
    api = login_client(cast.rep_a).get(f"/api/reports/jobs/{crashed.pk}/download")
    assert api.status_code == 400 and "尚未完成" in api.json()["detail"]


def test_it_refuses_an_unknown_kind(cast):
    with pytest.raises(ServiceError, match="未知的任务类型"):
        start_job(actor=cast.rep_a, kind="test.nobody", title="x", params={})
    assert not Job.objects.exists()


def test_it_polls_a_running_job_and_shows_its_progress(cast):
    job = Job.objects.create(kind="test.echo", title="导出工单", created_by=cast.rep_a)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    writer = ProgressWriter(job.pk)
    writer(40, 160, "正在导出 40/160")
    writer(41, 160, "throttled")  # within a second: not written
    job.refresh_from_db()
    assert (job.done, job.total, job.message, job.percent) == (40, 160, "正在导出 40/160", 25)
    writer(160, 160, "最后一批")  # the last step is always written
    job.refresh_from_db()
    assert (job.done, job.message) == (160, "最后一批")
    fragment = login_client(cast.rep_a).get(f"/reports/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
    text = fragment.content.decode()
    assert 'hx-trigger="every 1s"' in text and "<html" not in text and "进行中" in text


def test_it_runs_a_job_once_even_if_queued_twice(cast, django_capture_on_commit_callbacks):
    job = _start(cast, "test.echo", django_capture_on_commit_callbacks)
    finished_at = job.finished_at
    again = run_job(job.pk)
    assert again is not None and again.finished_at == finished_at
    assert json.loads(json.dumps(job.params)) == {"name": "世界"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_shows_progress_to_other_connections_while_the_work_is_uncommitted(cast):
    from django.db import connection, connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite serialises writers")
    job = Job.objects.create(kind="test.echo", title="导出", created_by=cast.rep_a)
    writer = ProgressWriter(job.pk)
    other = connections.create_connection("default")
    try:
        with transaction.atomic():
            Job.objects.filter(pk=job.pk).exists()  # the handler's own transaction is open
            writer(7, 10, "第 7 批")
            with other.cursor() as cursor:
                cursor.execute(
                    "SELECT done, total, message FROM reports_job WHERE id = %s", [job.pk]
                )
                assert cursor.fetchone() == (7, 10, "第 7 批")
    finally:
        writer.close()
        other.close()
