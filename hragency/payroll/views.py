"""Screens of payroll runs: the list (with the calculate form), a run's detail with its lines,
and the workflow buttons (submit, approve, return, pay)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hragency.core.errors import ServiceError
from hragency.domain.insurance import Period, PolicyError, parse_period
from hragency.payroll import services
from hragency.payroll.calculate import items_dict
from hragency.payroll.models import PayrollRun
from hragency.payroll.queries import (
    client_in_scope,
    clients_to_prepare,
    items_of_client,
    lines_of,
    may_approve,
    may_pay,
    may_prepare,
    require_view,
    run_for,
    runs_for,
)

LIST_PAGE_SIZE = 50
LINES_PAGE_SIZE = 100


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_view(user)
    runs = runs_for(user)
    status = request.GET.get("status", "")
    if status in PayrollRun.Status.values:
        runs = runs.filter(status=status)
    period_text = request.GET.get("period", "").strip()
    errors = []
    if period_text:
        try:
            runs = runs.filter(period=parse_period(period_text).first_day)
        except PolicyError as error:
            errors.append(str(error))
    page = Paginator(runs.order_by("-period", "client__number"), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "payroll/run_list.html",
        {
            "page": page,
            "errors": errors,
            "filters": {"status": status, "period": period_text},
            "statuses": PayrollRun.Status.choices,
            "may_prepare": may_prepare(user),
            "clients": clients_to_prepare(user) if may_prepare(user) else [],
        },
    )


@login_required
@require_POST
def run_calculate(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_prepare(user):
        raise PermissionDenied("无权计算工资表")
    client_text = request.POST.get("client", "")
    if not client_text.isdigit():
        messages.error(request, "请选择客户")
        return redirect("payroll:runs")
    client = client_in_scope(user, int(client_text))
    try:
        period = parse_period(request.POST.get("period", ""))
        services.calculate_run(actor=user, client=client, period=period)
    except (ServiceError, PolicyError) as error:
        messages.error(request, str(error))
        return redirect("payroll:runs")
    run = runs_for(user).get(client=client, period=period.first_day)
    messages.success(request, f"已计算 {run.number}：{run.headcount} 人")
    return redirect("payroll:run", run.pk)


def _line_rows(lines: Any, codes: list[str]) -> list[dict[str, Any]]:
    rows = []
    for line in lines:
        amounts = items_dict(line)
        rows.append({"line": line, "amounts": [amounts.get(code) for code in codes]})
    return rows


@login_required
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    user = request.user
    run = run_for(user, run_id)
    items = items_of_client(run.client_id)
    shown = [item for item in items if item.active]
    page = Paginator(lines_of(user, run), LINES_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "payroll/run_detail.html",
        {
            "run": run,
            "items": shown,
            "page": page,
            "rows": _line_rows(page, [item.code for item in shown]),
            "may_prepare": may_prepare(user),
            "may_approve": may_approve(user),
            "may_pay": may_pay(user),
            "is_draft": run.status == PayrollRun.Status.DRAFT,
            "files_ready": run.status in (PayrollRun.Status.APPROVED, PayrollRun.Status.PAID),
        },
    )


def _workflow(request: HttpRequest, run_id: int, action: str) -> HttpResponse:
    user = request.user
    run = run_for(user, run_id)
    try:
        if action == "submit":
            services.submit_run(actor=user, run=run)
            messages.success(request, "已提交审核")
        elif action == "approve":
            services.approve_run(actor=user, run=run)
            messages.success(request, "已审核通过")
        elif action == "return":
            services.return_run(actor=user, run=run, reason=request.POST.get("reason", ""))
            messages.success(request, "已退回草稿")
        elif action == "recalculate":
            services.calculate_run(actor=user, client=run.client, period=Period.of(run.period))
            messages.success(request, "已重新计算")
        else:
            services.pay_run(actor=user, run=run)
            messages.success(request, "已记录发放，工资条已发布")
    except ServiceError as error:
        messages.error(request, str(error))
    return redirect("payroll:run", run.pk)


@login_required
@require_POST
def run_submit(request: HttpRequest, run_id: int) -> HttpResponse:
    return _workflow(request, run_id, "submit")


@login_required
@require_POST
def run_approve(request: HttpRequest, run_id: int) -> HttpResponse:
    return _workflow(request, run_id, "approve")


@login_required
@require_POST
def run_return(request: HttpRequest, run_id: int) -> HttpResponse:
    return _workflow(request, run_id, "return")


@login_required
@require_POST
def run_pay(request: HttpRequest, run_id: int) -> HttpResponse:
    return _workflow(request, run_id, "pay")


@login_required
@require_POST
def run_recalculate(request: HttpRequest, run_id: int) -> HttpResponse:
    return _workflow(request, run_id, "recalculate")
