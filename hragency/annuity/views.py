"""Screens of the enterprise annuity under /annuity/: plans, a plan (members, data check,
monthly contributions, withdrawals), and an employee's own account (/annuity/mine/).
Client HR users read their company's plans; the SI/payroll specialists act."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from hragency.annuity import services
from hragency.annuity.exports import XLSX_TYPE, contributions_workbook
from hragency.annuity.models import AnnuityPlan, AnnuityWithdrawal
from hragency.annuity.queries import (
    candidates,
    client_choices,
    client_for,
    contributions_of,
    latest_check,
    member_for,
    members_of,
    months_of,
    my_accounts,
    plan_for,
    plans_for,
    withdrawal_for,
    withdrawals_of,
)
from hragency.clients.views import submit
from hragency.core.errors import InvalidFields, ServiceError
from hragency.domain.money import format_cny

PAGE_SIZE = 100


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied("无权访问企业年金")


def _previous_month() -> str:
    last = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    return f"{last:%Y-%m}"


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    if request.user.kind == "employee":
        return redirect("annuity:mine")
    _require(request, "annuity.view_annuityplan")
    return _render_list(request)


def _render_list(request: HttpRequest, errors: dict[str, str] | None = None) -> HttpResponse:
    may_manage = request.user.has_perm("annuity.manage_annuity")
    return render(
        request,
        "annuity/plans.html",
        {
            "plans": plans_for(request.user),
            "may_manage": may_manage,
            "clients": client_choices(request.user) if may_manage else [],
            "base_sources": AnnuityPlan.BaseSource.choices,
            "errors": errors or {},
            "values": request.POST if errors else {},
        },
        status=400 if errors else 200,
    )


@require_POST
@login_required
def plan_new(request: HttpRequest) -> HttpResponse:
    _require(request, "annuity.manage_annuity")
    post = request.POST
    client_id = str(post.get("client") or "")
    if not client_id.isdigit():
        return _render_list(request, {"client": "请选择客户"})
    client = client_for(request.user, client_id)
    errors, response = submit(
        request,
        lambda: services.create_plan(
            actor=request.user,
            client=client,
            name=post.get("name", ""),
            employer_rate=post.get("employer_rate", ""),
            employee_rate=post.get("employee_rate", ""),
            effective_from=post.get("effective_from", ""),
            vesting=post.get("vesting", ""),
            base_source=post.get("base_source", "si_wage"),
            base_floor=post.get("base_floor", ""),
            base_ceiling=post.get("base_ceiling", ""),
            trustee=post.get("trustee", ""),
        ),
        success=lambda p: f"已建立企业年金方案「{p.name}」",
        done_url=lambda p: reverse("annuity:detail", args=[p.pk]),
        refused_url=reverse("annuity:list"),
    )
    return response if response is not None else _render_list(request, errors)


@login_required
def plan_detail(request: HttpRequest, annuity_plan_id: int) -> HttpResponse:
    _require(request, "annuity.view_annuityplan")
    plan = plan_for(request.user, annuity_plan_id)
    months = months_of(request.user, plan)
    month = request.GET.get("month") or (months[0]["month"] if months else _previous_month())
    try:
        month = services.parse_month(month)
    except InvalidFields:
        month = _previous_month()
    rows = Paginator(contributions_of(request.user, plan, month), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    may_manage = request.user.has_perm("annuity.manage_annuity")
    return render(
        request,
        "annuity/plan.html",
        {
            "plan": plan,
            "vesting": list(plan.vesting.all()),
            "members": members_of(request.user, plan),
            "check": latest_check(request.user, plan),
            "months": months,
            "month": month,
            "rows": rows,
            "withdrawals": withdrawals_of(request.user, plan),
            "candidates": list(candidates(request.user, plan)[:500]) if may_manage else [],
            "reasons": AnnuityWithdrawal.Reason.choices,
            "may_manage": may_manage,
            "default_month": _previous_month(),
        },
    )


def _act(request: HttpRequest, plan: AnnuityPlan, action: Any, success: Any) -> HttpResponse:
    url = reverse("annuity:detail", args=[plan.pk])
    try:
        result = action()
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect(url)
    messages.success(request, success(result) if callable(success) else success)
    return redirect(url)


@require_POST
@login_required
def plan_check(request: HttpRequest, annuity_plan_id: int) -> HttpResponse:
    _require(request, "annuity.manage_annuity")
    plan = plan_for(request.user, annuity_plan_id)
    return _act(
        request,
        plan,
        lambda: services.data_check(
            actor=request.user, plan=plan, month=request.POST.get("month", "")
        ),
        lambda c: f"数据核对完成：{len(c.results)} 人，{c.passed} 人通过",
    )


@require_POST
@login_required
def plan_enrol(request: HttpRequest, annuity_plan_id: int) -> HttpResponse:
    _require(request, "annuity.manage_annuity")
    plan = plan_for(request.user, annuity_plan_id)
    ids = [int(v) for v in request.POST.getlist("person") if str(v).isdigit()]

    def success(result: services.Enrolment) -> str:
        text = f"已加入 {len(result.members)} 人"
        if result.refused:
            text += f"，{len(result.refused)} 人未通过核对（见核对结果）"
        return text

    return _act(
        request,
        plan,
        lambda: services.enrol_members(
            actor=request.user, plan=plan, person_ids=ids, month=request.POST.get("month", "")
        ),
        success,
    )


@require_POST
@login_required
def plan_compute(request: HttpRequest, annuity_plan_id: int) -> HttpResponse:
    _require(request, "annuity.manage_annuity")
    plan = plan_for(request.user, annuity_plan_id)
    month = request.POST.get("month", "")
    url = reverse("annuity:detail", args=[plan.pk])
    try:
        result = services.compute_contributions(actor=request.user, plan=plan, month=month)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect(url)
    text = f"{result.month} 年金缴费已计算：{result.rows} 人"
    if result.skipped:
        text += "；未计算：" + "、".join(f"{k}（{v}）" for k, v in result.skipped.items())
    messages.success(request, text)
    return redirect(f"{url}?month={result.month}")


@login_required
def plan_export(request: HttpRequest, annuity_plan_id: int) -> HttpResponse:
    _require(request, "annuity.manage_annuity")
    plan = plan_for(request.user, annuity_plan_id)
    try:
        month = services.parse_month(request.GET.get("month", ""))
    except InvalidFields:
        month = _previous_month()
    rows = list(contributions_of(request.user, plan, month))
    content = contributions_workbook(actor=request.user, plan=plan, month=month, rows=rows)
    response = HttpResponse(content, content_type=XLSX_TYPE)
    name = f"企业年金缴费清单_{plan.client.name}_{month}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def member_withdraw(request: HttpRequest, annuity_member_id: int) -> HttpResponse:
    _require(request, "annuity.manage_annuity")
    member = member_for(request.user, annuity_member_id)
    post = request.POST
    return _act(
        request,
        member.plan,
        lambda: services.withdraw(
            actor=request.user,
            member=member,
            reason=post.get("reason", ""),
            date=post.get("date", ""),
            employer_returns=post.get("employer_returns", ""),
            employee_returns=post.get("employee_returns", ""),
        ),
        lambda w: (
            f"{w.person.name} 已办理{w.get_reason_display()}，应付 {format_cny(w.payable_fen)}"
        ),
    )


@require_POST
@login_required
def withdrawal_paid(request: HttpRequest, annuity_withdrawal_id: int) -> HttpResponse:
    _require(request, "annuity.manage_annuity")
    withdrawal = withdrawal_for(request.user, annuity_withdrawal_id)
    return _act(
        request,
        withdrawal.member.plan,
        lambda: services.mark_paid(actor=request.user, withdrawal=withdrawal),
        "已登记支付",
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    if request.user.kind != "employee":
        raise PermissionDenied("此页面供员工查看本人企业年金账户")
    return render(request, "annuity/mine.html", {"accounts": my_accounts(request.user)})
