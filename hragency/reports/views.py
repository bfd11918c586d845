"""Screens of the service reports (R-RPT-1): the staff list with generation (as a job with
progress), review and publishing; the client HR's 服务报告 in the portal; PDF/Excel
downloads. Thin: services and queries do the work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from hragency.clients.models import Client
from hragency.clients.queries import clients_for
from hragency.core import audit
from hragency.core.errors import ServiceError
from hragency.reports import render as report_render
from hragency.reports import services
from hragency.reports.models import ServiceReport
from hragency.reports.queries import can_manage, can_view_daily, report_for, reports_for
from hragency.reports.views_jobs import download

PAGE_SIZE = 50


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.kind == "client_hr":
        return redirect("reports:portal")
    if user.has_perm("reports.view_servicereport"):
        return redirect("reports:service")
    if can_view_daily(user):
        return redirect("reports:daily")
    return redirect("reports:jobs")


def _filters(request: HttpRequest) -> tuple[str, str]:
    kind = request.GET.get("kind", "")
    kind = kind if kind in ServiceReport.Kind.values else ""
    return kind, request.GET.get("period", "").strip()[:7]


@login_required
def service_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.kind != "staff" or not user.has_perm("reports.view_servicereport"):
        raise PermissionDenied("无权查看服务报告")
    kind, period = _filters(request)
    reports = reports_for(user)
    if kind:
        reports = reports.filter(kind=kind)
    if period:
        reports = reports.filter(period=period)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    manage = can_manage(user)
    context = {
        "page": page,
        "kind": kind,
        "period": period,
        "kinds": ServiceReport.Kind.choices,
        "manage": manage,
        "clients": list(clients_for(user).filter(status=Client.Status.ACTIVE)[:500])
        if manage
        else [],
        "default_period": services.last_month(timezone.localdate()),
        "unpublished": reports.filter(published=False).exists() if (kind and period) else False,
    }
    return render(request, "reports/service_list.html", context)


@login_required
@require_POST
def service_generate(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can_manage(user):
        raise PermissionDenied("无权生成服务报告")
    post = request.POST
    client = None
    if post.get("client", "").isdigit():
        client = clients_for(user).filter(pk=int(post["client"])).first()
        if client is None:
            raise Http404("客户不存在")
    try:
        job = services.start_generation(
            actor=user,
            kind=post.get("kind", ServiceReport.Kind.MONTHLY),
            period=post.get("period", ""),
            client=client,
            client_ids=None if client else services.generation_scope(user),
            publish=post.get("publish") == "1",
        )
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("reports:service")
    messages.success(request, f"已开始生成：{job.title}")
    return redirect("reports:job", job_id=job.pk)


@login_required
def service_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = report_for(request.user, report_id)
    context = {
        "report": report,
        **report_render.context(report.data),
        "manage": can_manage(request.user),
    }
    return render(request, "reports/service_detail.html", context)


def _file(request: HttpRequest, report_id: int, field: str) -> HttpResponse:
    report = report_for(request.user, report_id)
    stored = getattr(report, field)
    if not stored:
        raise Http404("该报告没有此格式的文件")
    with stored.open("rb") as handle:
        content = handle.read()
    audit.record(actor=request.user, action=f"reports.download_{field}", instance=report)
    name = f"{report.client.name}{report.title}.{field}"
    return download(content, name)


@login_required
def service_pdf(request: HttpRequest, report_id: int) -> HttpResponse:
    return _file(request, report_id, "pdf")


@login_required
def service_xlsx(request: HttpRequest, report_id: int) -> HttpResponse:
    return _file(request, report_id, "xlsx")


@login_required
@require_POST
def service_publish(request: HttpRequest, report_id: int) -> HttpResponse:
    report = report_for(request.user, report_id)
    if not can_manage(request.user):
        raise PermissionDenied("无权发布服务报告")
    try:
        services.publish_report(actor=request.user, report=report)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已发布：{report.client.name} {report.title}")
    if request.POST.get("next"):
        return redirect(_safe_next(request))
    return redirect("reports:service_detail", report_id=report.pk)


@login_required
@require_POST
def service_withdraw(request: HttpRequest, report_id: int) -> HttpResponse:
    report = report_for(request.user, report_id)
    if not can_manage(request.user):
        raise PermissionDenied("无权撤回服务报告")
    try:
        services.withdraw_report(actor=request.user, report=report)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已撤回：{report.client.name} {report.title}")
    return redirect("reports:service_detail", report_id=report.pk)


@login_required
@require_POST
def service_publish_all(request: HttpRequest) -> HttpResponse:
    """Publish every unpublished report of one kind and period that the user may see."""
    user = request.user
    if not can_manage(user):
        raise PermissionDenied("无权发布服务报告")
    kind, period = request.POST.get("kind", ""), request.POST.get("period", "")
    reports = list(reports_for(user).filter(kind=kind, period=period, published=False))
    published, refused = 0, []
    for report in reports:
        try:
            services.publish_report(actor=user, report=report)
            published += 1
        except ServiceError as exc:
            refused.append(str(exc))
    if published:
        messages.success(request, f"已发布 {published} 份服务报告")
    for reason in refused[:5]:
        messages.error(request, reason)
    if not reports:
        messages.info(request, "没有待发布的服务报告")
    return redirect(f"{_url('reports:service')}?kind={kind}&period={period}")


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    return target if target.startswith("/reports/") else _url("reports:service")


@login_required
def portal(request: HttpRequest) -> HttpResponse:
    """服务报告 for a client's HR user: their company's published reports."""
    user = request.user
    if user.kind != "client_hr" or not user.has_perm("reports.view_servicereport"):
        raise PermissionDenied("仅企业HR可查看本企业的服务报告")
    page = Paginator(reports_for(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reports/portal.html", {"page": page})
