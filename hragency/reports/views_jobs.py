"""Screens of the long jobs: my jobs, one job's progress (polled by htmx every second until
it ends), and the download of its file. Thin: queries and jobs do the work."""

from __future__ import annotations

import mimetypes

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from hragency.core import audit
from hragency.reports.jobs import read_file
from hragency.reports.models import Job
from hragency.reports.queries import job_for, jobs_for

PAGE_SIZE = 30


def download(content: bytes, name: str) -> HttpResponse:
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(jobs_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    polling = any(not job.finished for job in page)
    context = {"page": page, "polling": polling}
    if getattr(request, "htmx", False):
        return render(request, "reports/jobs.html#rows", context)
    return render(request, "reports/jobs.html", context)


@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = job_for(request.user, job_id)
    if getattr(request, "htmx", False):
        return render(request, "reports/_job_progress.html", {"job": job})
    return render(request, "reports/job.html", {"job": job})


@login_required
def job_download(request: HttpRequest, job_id: int) -> HttpResponse:
    job = job_for(request.user, job_id)
    content = read_file(job) if job.status == Job.Status.DONE else b""
    if not content:
        return render(request, "reports/job.html", {"job": job}, status=404)
    audit.record(actor=request.user, action="reports.download_job", instance=job)
    return download(content, job.file_name or "下载文件")
