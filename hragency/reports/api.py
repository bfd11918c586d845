"""/api/reports: long jobs (progress and file), service reports (list, detail, files,
generate, publish, withdraw) and the daily operations report. Thin: services and queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Router
from ninja.pagination import paginate

from hragency.clients.queries import clients_for
from hragency.core import audit
from hragency.core.errors import ServiceError
from hragency.reports import services
from hragency.reports.daily import daily_report
from hragency.reports.jobs import read_file
from hragency.reports.models import Job, ServiceReport
from hragency.reports.queries import (
    can_manage,
    can_view_daily,
    job_for,
    jobs_for,
    report_for,
    reports_for,
)
from hragency.reports.schemas import DailyOut, GenerateIn, JobOut, ReportDetailOut, ReportOut
from hragency.reports.views_jobs import download

router = Router(tags=["服务报告"])


def _job(job: Job) -> dict[str, Any]:
    return {
        "id": job.pk,
        "kind": job.kind,
        "title": job.title,
        "status": job.status,
        "status_label": job.get_status_display(),
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "message": job.message,
        "error": job.error,
        "file_name": job.file_name,
        "download_url": reverse("api:reports_job_download", args=[job.pk])
        if job.status == Job.Status.DONE and job.file
        else None,
        "created_by": str(job.created_by) if job.created_by_id else None,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }


def _report(report: ServiceReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "client_id": report.client_id,
        "client": report.client.name,
        "kind": report.kind,
        "kind_label": report.get_kind_display(),
        "period": report.period,
        "title": report.title,
        "generated_at": report.generated_at,
        "published": report.published,
        "published_at": report.published_at,
        "pdf_url": reverse("reports:service_pdf", args=[report.pk]) if report.pdf else None,
        "xlsx_url": reverse("reports:service_xlsx", args=[report.pk]) if report.xlsx else None,
    }


@router.get("/jobs", response=list[JobOut], url_name="reports_jobs")
@paginate
def list_jobs(request: HttpRequest) -> Any:
    return [_job(job) for job in jobs_for(request.user)[:500]]


@router.get("/jobs/{int:job_id}", response=JobOut, url_name="reports_job")
def get_job(request: HttpRequest, job_id: int) -> Any:
    return _job(job_for(request.user, job_id))


@router.get("/jobs/{int:job_id}/download", url_name="reports_job_download")
def download_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = job_for(request.user, job_id)
    if job.status != Job.Status.DONE or not job.file:
        raise ServiceError("任务尚未完成，没有可下载的文件")
    content = read_file(job)
    audit.record(actor=request.user, action="reports.download_job", instance=job)
    return download(content, job.file_name or "下载文件")


@router.get("/service-reports", response=list[ReportOut], url_name="reports_service_list")
@paginate
def list_reports(request: HttpRequest, kind: str | None = None, period: str | None = None) -> Any:
    reports = reports_for(request.user)
    if kind:
        reports = reports.filter(kind=kind)
    if period:
        reports = reports.filter(period=period)
    return [_report(r) for r in reports]


@router.get("/service-reports/{int:report_id}", response=ReportDetailOut)
def get_report(request: HttpRequest, report_id: int) -> Any:
    report = report_for(request.user, report_id)
    return {**_report(report), "data": report.data}


def _require_manage(request: HttpRequest) -> None:
    if not can_manage(request.user):
        raise PermissionDenied("无权生成或发布服务报告")


@router.post("/service-reports/generate", response={202: JobOut})
def generate(request: HttpRequest, payload: GenerateIn) -> Any:
    """Queue the generation as a job; poll GET /jobs/{id} for its progress."""
    _require_manage(request)
    client = None
    if payload.client_id is not None:
        client = clients_for(request.user).filter(pk=payload.client_id).first()
        if client is None:
            raise Http404("客户不存在")
    job = services.start_generation(
        actor=request.user,
        kind=payload.kind,
        period=payload.period,
        client=client,
        client_ids=None if client else services.generation_scope(request.user),
        publish=payload.publish,
    )
    return 202, _job(job)


@router.post("/service-reports/{int:report_id}/publish", response=ReportOut)
def publish(request: HttpRequest, report_id: int) -> Any:
    report = report_for(request.user, report_id)
    _require_manage(request)
    return _report(services.publish_report(actor=request.user, report=report))


@router.post("/service-reports/{int:report_id}/withdraw", response=ReportOut)
def withdraw(request: HttpRequest, report_id: int) -> Any:
    report = report_for(request.user, report_id)
    _require_manage(request)
    return _report(services.withdraw_report(actor=request.user, report=report))


@router.get("/daily", response=DailyOut)
def daily(request: HttpRequest, date: dt.date | None = None) -> Any:
    if not can_view_daily(request.user):
        raise PermissionDenied("无权查看运营日报")
    day = date or timezone.localdate() - dt.timedelta(days=1)
    report = daily_report(day, request.user)
    return {
        "date": day,
        "rows": report["rows"],
        "channels": report["channels"],
        "overdue": report["overdue"],
    }
