"""Screens under /agents/: the agent list with the on-job/left analysis, an agent's page,
the monthly assessment sheet and one assessment. Training, scheme and ratio screens are in
``views_more``. Thin: services and queries do the work."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from hragency.agents import queries, services
from hragency.agents.common import parse_month, previous_month
from hragency.agents.models import AgentEvent, AgentProfile, MonthlyAssessment
from hragency.agents.training import training_flags
from hragency.clients.views import submit
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.domain.agent_rating import DIMENSION_LABELS, DIMENSIONS

PAGE_SIZE = 50


def _month(request: HttpRequest) -> str:
    raw = (
        request.GET.get("month")
        or request.POST.get("month")
        or previous_month(timezone.localdate())
    )
    try:
        return parse_month(raw)[0]
    except InvalidFields:
        return previous_month(timezone.localdate())


@login_required
def agent_list(request: HttpRequest) -> HttpResponse:
    queries.need(queries.may_view(request.user))
    scoped = queries.agents_for(request.user)
    qs = queries.filter_agents(scoped, request.GET)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    keep = {k: v for k, v in request.GET.items() if k != "page" and v}
    today = timezone.localdate()
    on_job = list(scoped.filter(status=AgentProfile.Status.ON_JOB))
    return render(
        request,
        "agents/list.html",
        {
            "page": page,
            "filters": keep,
            "query": urlencode(keep),
            "statuses": AgentProfile.Status.choices,
            "analysis": queries.headcount(scoped, queries.recent_months(today)),
            "flags": training_flags(on_job, today),
            "may_manage": queries.may_manage(request.user),
        },
    )


def _detail_context(request: HttpRequest, agent: AgentProfile) -> dict[str, Any]:
    from hragency.accounts.models import Department

    user = request.user
    return {
        "agent": agent,
        "assessments": queries.assessments_for(user).filter(agent=agent).order_by("-month")[:24],
        "events": queries.events_for(user).filter(agent=agent)[:50],
        "attendance": agent.attendance.select_related("session").order_by("-session__held_on")[:30],
        "event_kinds": AgentEvent.Kind.choices,
        "positions": AgentProfile.Position.choices,
        "teams": Department.objects.order_by("name") if queries.may_manage(user) else [],
        "may_manage": queries.may_manage(user),
        "today": timezone.localdate(),
        "errors": {},
        "form": "",
        "values": {},
    }


@login_required
def agent_detail(request: HttpRequest, agent_profile_id: int) -> HttpResponse:
    agent = queries.agent_for(request.user, agent_profile_id)
    return render(request, "agents/detail.html", _detail_context(request, agent))


def _act_on_agent(
    request: HttpRequest, agent_profile_id: int, form: str, action: Any, ok: str
) -> HttpResponse:
    queries.need(queries.may_manage(request.user), "无权维护坐席档案")
    agent = queries.agent_for(request.user, agent_profile_id)
    url = reverse("agents:detail", args=[agent.pk])
    errors, response = submit(request, lambda: action(agent), success=ok, done_url=url)
    if response is not None:
        return response
    context = _detail_context(request, agent)
    context.update(errors=errors, form=form, values=request.POST)
    return render(request, "agents/detail.html", context, status=400)


@require_POST
@login_required
def agent_event(request: HttpRequest, agent_profile_id: int) -> HttpResponse:
    post = request.POST
    return _act_on_agent(
        request,
        agent_profile_id,
        "event",
        lambda a: services.record_event(
            actor=request.user,
            agent=a,
            kind=post.get("kind"),
            happened_on=post.get("happened_on"),
            title=post.get("title"),
            score=post.get("score"),
            points=post.get("points"),
            note=post.get("note"),
        ),
        "已登记",
    )


@require_POST
@login_required
def agent_update(request: HttpRequest, agent_profile_id: int) -> HttpResponse:
    post = request.POST
    fields = {
        k: post.get(k)
        for k in ("team", "position", "hire_date", "leave_date", "note", "skills")
        if k in post
    }
    return _act_on_agent(
        request,
        agent_profile_id,
        "profile",
        lambda a: services.update_profile(actor=request.user, profile=a, **fields),
        "坐席档案已保存",
    )


@login_required
def agent_new(request: HttpRequest) -> HttpResponse:
    from hragency.accounts.models import Department, User

    queries.need(queries.may_manage(request.user), "无权维护坐席档案")
    candidates = User.objects.filter(
        kind=User.Kind.STAFF, is_active=True, agent_profile__isnull=True
    ).order_by("username")
    errors: dict[str, str] = {}
    if request.method == "POST":
        post = request.POST
        user = (
            candidates.filter(pk=post.get("user") or 0).first()
            if str(post.get("user", "")).isdigit()
            else None
        )

        def save() -> AgentProfile:
            if user is None:
                raise InvalidFields([FieldError("user", "用户", "请选择员工账号")])
            return services.create_profile(
                actor=request.user,
                user=user,
                team=post.get("team"),
                position=post.get("position"),
                hire_date=post.get("hire_date"),
                skills=post.get("skills"),
                note=post.get("note"),
            )

        errors, response = submit(
            request,
            save,
            success="坐席档案已建立",
            done_url=lambda p: reverse("agents:detail", args=[p.pk]),
            refused_url=reverse("agents:new"),
        )
        if response is not None:
            return response
    return render(
        request,
        "agents/new.html",
        {
            "candidates": candidates,
            "teams": Department.objects.order_by("name"),
            "positions": AgentProfile.Position.choices,
            "errors": errors,
            "values": request.POST,
        },
        status=400 if errors else 200,
    )


# --- the monthly sheet -------------------------------------------------------------------------


@login_required
def assessment_sheet(request: HttpRequest) -> HttpResponse:
    queries.need(queries.may_view(request.user))
    month = _month(request)
    rows = list(queries.month_sheet(request.user, month))
    counts = {s: sum(1 for r in rows if r.status == s) for s in MonthlyAssessment.Status.values}
    first = parse_month(month)[1]
    prev = previous_month(first)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "agents/sheet.html",
        {
            "month": month,
            "prev_month": prev,
            "next_month": f"{following:%Y-%m}",
            "rows": rows,
            "counts": counts,
            "dimensions": [(d, DIMENSION_LABELS[d]) for d in DIMENSIONS],
            "may_manage": queries.may_manage(request.user),
            "may_apply": queries.may_apply(request.user),
        },
    )


def _sheet_url(month: str) -> str:
    return f"{reverse('agents:assessments')}?month={month}"


def _month_action(request: HttpRequest, work: Any, describe: Any) -> HttpResponse:
    month = _month(request)
    try:
        parse_month(request.POST.get("month"))  # the form always names its month
        result = work(month)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect(_sheet_url(month))
    messages.success(request, describe(result))
    for name, reason in getattr(result, "refused", []):
        messages.warning(request, f"{name}：{reason}")
    return redirect(_sheet_url(month))


@require_POST
@login_required
def assessment_compute(request: HttpRequest) -> HttpResponse:
    queries.need(queries.may_manage(request.user), "无权计算坐席考核")
    return _month_action(
        request,
        lambda m: services.compute_month(actor=request.user, month=m),
        lambda r: (
            f"{r.month} 考核已计算：新建 {r.created}，更新 {r.updated}"
            + (f"；已确认未改动：{'、'.join(r.kept)}" if r.kept else "")
        ),
    )


@require_POST
@login_required
def assessment_confirm_month(request: HttpRequest) -> HttpResponse:
    queries.need(queries.may_manage(request.user), "无权确认坐席考核")
    return _month_action(
        request,
        lambda m: services.confirm_month(actor=request.user, month=m),
        lambda r: (
            f"{r.month} 已确认 {len(r.done)} 人"
            + (f"，未确认 {len(r.refused)} 人" if r.refused else "")
        ),
    )


@require_POST
@login_required
def assessment_apply_month(request: HttpRequest) -> HttpResponse:
    queries.need(queries.may_apply(request.user), "无权将考核结果计入工资")
    return _month_action(
        request,
        lambda m: services.apply_month(actor=request.user, month=m),
        lambda r: (
            f"{r.month} 已计入工资 {len(r.done)} 人"
            + (f"；未关联工资档案而跳过：{'、'.join(r.skipped)}" if r.skipped else "")
            + (f"；被拒绝 {len(r.refused)} 人" if r.refused else "")
        ),
    )


def _assessment_context(
    request: HttpRequest,
    row: MonthlyAssessment,
    errors: dict[str, str] | None = None,
    values: Any = None,
) -> dict[str, Any]:
    errors = errors or {}
    return {
        "row": row,
        "dimensions": [
            {
                "code": d,
                "label": DIMENSION_LABELS[d],
                "value": getattr(row, d),
                "manual": d in (row.manual or []),
                "source": (row.sources or {}).get(d, ""),
                "weight": row.scheme.weights.get(d),
                "error": errors.get(d, ""),
                "input": values.get(d, "") if values else getattr(row, d),
            }
            for d in DIMENSIONS
        ],
        "missing": [DIMENSION_LABELS[d] for d in services.missing_dimensions(row)],
        "may_edit": queries.may_manage(request.user)
        and row.status == MonthlyAssessment.Status.DRAFT,
        "may_confirm": queries.may_manage(request.user)
        and row.status == MonthlyAssessment.Status.DRAFT
        and row.agent.user_id != request.user.pk,
        "may_apply": queries.may_apply(request.user)
        and row.status != MonthlyAssessment.Status.DRAFT,
        "errors": errors,
    }


@login_required
def assessment_detail(request: HttpRequest, agent_assessment_id: int) -> HttpResponse:
    row = queries.assessment_for(request.user, agent_assessment_id)
    if request.method == "POST":
        queries.need(queries.may_manage(request.user), "无权修改坐席考核")
        scores = {d: request.POST.get(d, "") for d in DIMENSIONS if d in request.POST}
        url = reverse("agents:assessment", args=[row.pk])
        errors, response = submit(
            request,
            lambda: services.edit_assessment(
                actor=request.user, assessment=row, scores=scores, note=request.POST.get("note")
            ),
            success="已保存",
            done_url=url,
        )
        if response is not None:
            return response
        context = _assessment_context(request, row, errors, request.POST)
        return render(request, "agents/assessment.html", context, status=400)
    return render(request, "agents/assessment.html", _assessment_context(request, row))


@require_POST
@login_required
def assessment_confirm(request: HttpRequest, agent_assessment_id: int) -> HttpResponse:
    queries.need(queries.may_manage(request.user), "无权确认坐席考核")
    row = queries.assessment_for(request.user, agent_assessment_id)
    url = reverse("agents:assessment", args=[row.pk])
    _errors, response = submit(
        request,
        lambda: services.confirm_assessment(actor=request.user, assessment=row),
        success="考核已确认",
        done_url=url,
    )
    return response or redirect(url)


@require_POST
@login_required
def assessment_apply(request: HttpRequest, agent_assessment_id: int) -> HttpResponse:
    queries.need(queries.may_apply(request.user), "无权将考核结果计入工资")
    row = queries.assessment_for(request.user, agent_assessment_id)
    url = reverse("agents:assessment", args=[row.pk])
    _errors, response = submit(
        request,
        lambda: services.apply_assessment(actor=request.user, assessment=row),
        success="绩效系数已计入工资",
        done_url=url,
    )
    return response or redirect(url)
