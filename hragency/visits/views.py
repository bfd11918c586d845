"""Screens of return visits (R-VISIT-1) under /visits/: the task list, a task with its
completion / reschedule / cancel forms, and the rule-set screen."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from hragency.clients.views import submit
from hragency.core.models import Deadline
from hragency.visits import rules as rule_services
from hragency.visits import services
from hragency.visits.models import VisitRuleSet, VisitTask
from hragency.visits.planning import plan_visits
from hragency.visits.queries import filter_tasks, rule_sets, task_for, tasks_for

PAGE_SIZE = 50


def _require(request: HttpRequest, permission: str, message: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied(message)


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    _require(request, "visits.view_visittask", "无权查看回访任务")
    qs = filter_tasks(tasks_for(request.user), request.user, request.GET)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    keep = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "visits/list.html",
        {
            "page": page,
            "filters": keep,
            "query": urlencode(keep),
            "views": [("", "全部"), ("mine", "我的"), ("overdue", "已逾期")],
            "statuses": VisitTask.Status.choices,
            "kinds": VisitTask.Kind.choices,
            "today": timezone.localdate(),
            "may_manage": request.user.has_perm("visits.manage_rules"),
        },
    )


@login_required
def task_detail(request: HttpRequest, visit_id: int) -> HttpResponse:
    _require(request, "visits.view_visittask", "无权查看回访任务")
    return _render_detail(request, task_for(request.user, visit_id))


def _render_detail(
    request: HttpRequest, task: VisitTask, errors: dict[str, str] | None = None, form: str = ""
) -> HttpResponse:
    deadlines = Deadline.objects.filter(
        subject_type=VisitTask._meta.label_lower, subject_id=str(task.pk)
    ).order_by("due_at")
    may_change = request.user.has_perm("visits.change_visittask")
    context = {
        "task": task,
        "deadlines": deadlines,
        "responses": task.responses.select_related("survey"),
        "may_change": may_change and task.status == VisitTask.Status.OPEN,
        "may_survey": task.kind == VisitTask.Kind.SURVEY
        and task.status == VisitTask.Status.OPEN
        and request.user.has_perm("visits.add_surveyresponse"),
        "methods": VisitTask.Method.choices,
        "errors": errors or {},
        "form": form,
        "values": request.POST if errors else {},
        "today": timezone.localdate(),
    }
    return render(request, "visits/detail.html", context, status=400 if errors else 200)


def _act(request: HttpRequest, visit_id: int, form: str, action: Any, success: str) -> HttpResponse:
    _require(request, "visits.change_visittask", "无权处理回访任务")
    task = task_for(request.user, visit_id)
    url = reverse("visits:detail", args=[task.pk])
    errors, response = submit(request, lambda: action(task), success=success, done_url=url)
    return response if response is not None else _render_detail(request, task, errors, form)


@require_POST
@login_required
def task_complete(request: HttpRequest, visit_id: int) -> HttpResponse:
    post = request.POST
    return _act(
        request,
        visit_id,
        "complete",
        lambda t: services.complete_visit(
            actor=request.user,
            task=t,
            method=post.get("method", ""),
            summary=post.get("summary", ""),
            issues=post.get("issues", ""),
            next_actions=post.get("next_actions", ""),
        ),
        "回访已完成，下一次回访已排期",
    )


@require_POST
@login_required
def task_reschedule(request: HttpRequest, visit_id: int) -> HttpResponse:
    post = request.POST
    return _act(
        request,
        visit_id,
        "reschedule",
        lambda t: services.reschedule_visit(
            actor=request.user,
            task=t,
            due_date=post.get("due_date", ""),
            reason=post.get("reason", ""),
        ),
        "已改期",
    )


@require_POST
@login_required
def task_cancel(request: HttpRequest, visit_id: int) -> HttpResponse:
    return _act(
        request,
        visit_id,
        "cancel",
        lambda t: services.cancel_visit(
            actor=request.user, task=t, reason=request.POST.get("reason", "")
        ),
        "已取消该回访",
    )


# ---- rule sets -----------------------------------------------------------------------------


@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    _require(request, "visits.manage_rules", "无权配置回访规则")
    rule_services.ensure_default_rules(actor=request.user)
    return _render_rules(request)


def _render_rules(
    request: HttpRequest, errors: dict[str, str] | None = None, editing: int | None = None
) -> HttpResponse:
    sets = []
    for rule_set in rule_sets():
        existing = {r.condition: r for r in rule_set.rules.all()}
        rows = []
        for condition in rule_services.conditions_for(rule_set.basis):
            rule = existing.get(condition)
            value = ""
            if rule is not None:
                value = rule.within_days if condition == "new_client" else rule.interval_months
            if errors and editing == rule_set.pk:
                value = request.POST.get(condition, "")
            unit = "天内首访" if condition == "new_client" else "个月一次"
            rows.append((condition, dict(rule_services.C.choices)[condition], value, unit))
        sets.append((rule_set, rows))
    return render(
        request,
        "visits/rules.html",
        {"sets": sets, "errors": errors or {}, "editing": editing},
        status=400 if errors else 200,
    )


@require_POST
@login_required
def rule_update(request: HttpRequest, rule_set_id: int) -> HttpResponse:
    _require(request, "visits.manage_rules", "无权配置回访规则")
    rule_set = get_object_or_404(VisitRuleSet, pk=rule_set_id)
    errors, response = submit(
        request,
        lambda: rule_services.update_rules(
            actor=request.user, rule_set=rule_set, values=request.POST
        ),
        success=f"已保存「{rule_set.name}」",
        done_url=reverse("visits:rules"),
    )
    return response if response is not None else _render_rules(request, errors, rule_set.pk)


@require_POST
@login_required
def rule_activate(request: HttpRequest, rule_set_id: int) -> HttpResponse:
    _require(request, "visits.manage_rules", "无权配置回访规则")
    rule_set = get_object_or_404(VisitRuleSet, pk=rule_set_id)
    _errors, response = submit(
        request,
        lambda: rule_services.activate_rule_set(actor=request.user, rule_set=rule_set),
        success=f"已启用「{rule_set.name}」，此后新排期的回访按此规则计算",
        done_url=reverse("visits:rules"),
    )
    return response or redirect("visits:rules")


@require_POST
@login_required
def plan_now(request: HttpRequest) -> HttpResponse:
    _require(request, "visits.manage_rules", "无权配置回访规则")
    result = plan_visits(actor=request.user)
    messages.success(
        request,
        f"已排期回访 {result.created} 个、满意度调查 {result.surveys} 个；"
        f"取消 {result.cancelled} 个（客户已终止或失信）"
        + (f"；{result.no_owner} 个客户无客服负责人，未排期" if result.no_owner else ""),
    )
    return redirect("visits:rules")
