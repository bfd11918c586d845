"""Screens of the satisfaction survey (R-VISIT-2): staff entry of a client's answers, the
client HR's own survey in the portal, the list of responses, and the quarterly report with
its Excel and PDF downloads."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header

from hragency.clients.models import Client
from hragency.clients.views import submit
from hragency.core.errors import ServiceError
from hragency.visits import exports, surveys
from hragency.visits.models import DIMENSIONS, SurveyResponse, VisitTask
from hragency.visits.quarters import Quarter, parse_quarter
from hragency.visits.queries import (
    response_for,
    responses_for,
    surveyable_clients,
    tasks_for,
)
from hragency.visits.report import satisfaction_report

PAGE_SIZE = 50
STAFF_CHANNELS = [c for c in SurveyResponse.Channel.choices if c[0] != "portal"]


def _digits(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 12 else None


def _quarter(request: HttpRequest) -> Quarter:
    raw = request.GET.get("quarter", "")
    if not raw:
        return Quarter.of(timezone.localdate())
    try:
        return parse_quarter(raw)
    except ServiceError:
        raise Http404("季度格式应为「2026Q4」") from None


def _save(request: HttpRequest, client: Client, task: VisitTask | None) -> Any:
    post = request.POST
    return lambda: surveys.record_response(
        actor=request.user,
        client=client,
        respondent_name=post.get("respondent_name", ""),
        respondent_role=post.get("respondent_role", ""),
        channel=post.get("channel", ""),
        scores={field: post.get(field, "") for field, _label in DIMENSIONS},
        comments=post.get("comments", ""),
        suggestions=post.get("suggestions", ""),
        quarter=post.get("quarter", "") or None,
        task=task,
    )


def _form(
    request: HttpRequest, context: dict[str, Any], errors: dict[str, str], values: Any
) -> HttpResponse:
    return render(
        request,
        "visits/survey_form.html",
        {
            **context,
            "dimensions": DIMENSIONS,
            "scores": range(1, 6),
            "errors": errors,
            "values": values,
            "quarter": Quarter.of(timezone.localdate()),
        },
        status=400 if errors else 200,
    )


@login_required
def response_new(request: HttpRequest) -> HttpResponse:
    """Staff key in a client's answers (from a 满意度调查 task, or for any client in scope)."""
    if request.user.kind == "client_hr":  # type: ignore[union-attr]
        return redirect("visits:survey")
    if not request.user.has_perm("visits.add_surveyresponse"):
        raise PermissionDenied("无权录入满意度调查")
    values = request.POST if request.method == "POST" else request.GET
    task = None
    task_id = _digits(values.get("task"))
    if task_id is not None:
        task = get_object_or_404(tasks_for(request.user), pk=task_id, kind=VisitTask.Kind.SURVEY)
    clients = surveyable_clients(request.user)
    errors: dict[str, str] = {}
    if request.method == "POST":
        client_id = task.client_id if task is not None else _digits(values.get("client"))
        if client_id is None:
            errors = {"client": "请选择客户"}
        else:
            client = get_object_or_404(clients, pk=client_id)
            errors, response = submit(
                request,
                _save(request, client, task),
                success=lambda r: f"已记录 {r.client.name} 的{r.survey.title}答卷",
                done_url=reverse("visits:responses"),
            )
            if response is not None:
                return response
    context = {"clients": clients, "task": task, "channels": STAFF_CHANNELS, "portal": False}
    return _form(request, context, errors, values)


@login_required
def survey_portal(request: HttpRequest) -> HttpResponse:
    """The client HR's own survey for the current quarter (answering again replaces it)."""
    user = request.user
    if user.kind != "client_hr":  # type: ignore[union-attr]
        return redirect("visits:response_new")
    if not user.has_perm("visits.add_surveyresponse"):
        raise PermissionDenied("无权填写满意度调查")
    client = get_object_or_404(surveyable_clients(user), pk=user.client_id)  # type: ignore[union-attr]
    quarter = Quarter.of(timezone.localdate())
    existing = responses_for(user).filter(client=client, survey__quarter=str(quarter)).first()
    errors: dict[str, str] = {}
    values: Any = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        errors, response = submit(
            request,
            _save(request, client, None),
            success="感谢您的评价！我们已收到本季度满意度调查",
            done_url=reverse("visits:survey"),
        )
        if response is not None:
            return response
    elif existing is not None:
        values = {field: getattr(existing, field) for field, _ in DIMENSIONS} | {
            "respondent_name": existing.respondent_name,
            "respondent_role": existing.respondent_role,
            "comments": existing.comments,
            "suggestions": existing.suggestions,
        }
    context = {"client": client, "existing": existing, "portal": True, "task": None}
    return _form(request, context, errors, values)


@login_required
def response_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("visits.view_surveyresponse"):
        raise PermissionDenied("无权查看满意度调查")
    qs = responses_for(request.user)
    quarter = request.GET.get("quarter", "")
    if quarter:
        try:
            qs = qs.filter(survey__quarter=str(parse_quarter(quarter)))
        except ServiceError:
            qs = qs.none()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "visits/responses.html",
        {
            "page": page,
            "quarter": quarter,
            "dimensions": DIMENSIONS,
            "is_hr": request.user.kind == "client_hr",  # type: ignore[union-attr]
            "may_add": request.user.has_perm("visits.add_surveyresponse"),
        },
    )


@login_required
def response_detail(request: HttpRequest, visit_response_id: int) -> HttpResponse:
    if not request.user.has_perm("visits.view_surveyresponse"):
        raise PermissionDenied("无权查看满意度调查")
    response = response_for(request.user, visit_response_id)
    return render(request, "visits/response.html", {"r": response})


@login_required
def report_page(request: HttpRequest) -> HttpResponse:
    quarter = _quarter(request)
    report = satisfaction_report(request.user, quarter)
    return render(
        request,
        "visits/report.html",
        {
            "report": report,
            "c": report.current,
            "p": report.previous,
            "overview": exports.overview_rows(report),
            "quarter": quarter,
            "quarters": [quarter.previous(), quarter, _next(quarter)],
        },
    )


def _next(quarter: Quarter) -> Quarter:
    return (
        Quarter(quarter.year + 1, 1)
        if quarter.number == 4
        else Quarter(quarter.year, quarter.number + 1)
    )


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def report_excel(request: HttpRequest) -> HttpResponse:
    report = satisfaction_report(request.user, _quarter(request))
    return _download(exports.workbook(report), exports.XLSX_TYPE, exports.filename(report, "xlsx"))


@login_required
def report_pdf(request: HttpRequest) -> HttpResponse:
    report = satisfaction_report(request.user, _quarter(request))
    try:
        content = exports.report_pdf(report)
    except ServiceError as exc:
        from django.contrib import messages

        messages.error(request, str(exc))
        return redirect(f"{reverse('visits:report')}?quarter={report.current.quarter}")
    return _download(content, exports.PDF_TYPE, exports.filename(report, "pdf"))
