"""Screens of the hotline workforce (R-WFM-1) under /workforce/: volumes, forecast and staffing,
the Erlang calculator and shift templates. Plans, shifts, hand-overs and warnings are in
``views_plans.py``."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from hragency.clients.views import submit
from hragency.core import values
from hragency.core.errors import InvalidFields
from hragency.workforce import services
from hragency.workforce.calc import erlang_answer
from hragency.workforce.models import Channel, ShiftTemplate
from hragency.workforce.queries import (
    daily_summary,
    is_manager,
    may_view,
    requirements_for,
    template_for,
    templates_for,
)
from hragency.workforce.targets import ensure_default_targets, slot_label

MAX_RANGE_DAYS = 31


def require_manager(request: HttpRequest) -> None:
    if not is_manager(request.user):
        raise PermissionDenied("无权管理话务排班")


def require_viewer(request: HttpRequest) -> None:
    if not may_view(request.user):
        raise PermissionDenied("无权查看排班")


def _date(raw: Any, default: dt.date) -> dt.date:
    try:
        return values.date(raw) or default
    except values.InvalidValue:
        return default


def _refused(request: HttpRequest, errors: dict[str, str], url: str) -> HttpResponse:
    messages.error(request, "；".join(errors.values()) or "操作未完成")
    return redirect(url)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if is_manager(request.user):
        return redirect("workforce:volumes")
    require_viewer(request)
    return redirect("workforce:my_shifts")


@login_required
def volumes(request: HttpRequest) -> HttpResponse:
    require_manager(request)
    today = timezone.localdate()
    end = _date(request.GET.get("to"), today)
    start = _date(request.GET.get("from"), end - dt.timedelta(days=13))
    if start > end or (end - start).days >= MAX_RANGE_DAYS:
        messages.error(request, f"日期范围须在 {MAX_RANGE_DAYS} 天以内，已显示最近 14 天")
        end, start = today, today - dt.timedelta(days=13)
    return render(
        request,
        "workforce/volumes.html",
        {
            "rows": daily_summary(request.user, start, end),
            "start": start,
            "end": end,
            "targets": ensure_default_targets(),
        },
    )


@login_required
def staffing(request: HttpRequest) -> HttpResponse:
    require_manager(request)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    source = request.POST if request.method == "POST" else request.GET
    channel = source.get("channel") or Channel.PHONE
    if channel not in Channel.values:
        channel = Channel.PHONE
    start = _date(source.get("start"), tomorrow)
    try:
        days = max(1, min(7, int(source.get("days") or 1)))
    except ValueError:
        days = 1
    query = urlencode({"channel": channel, "start": start.isoformat(), "days": days})
    result = None
    if request.method == "POST":
        done = f"{reverse('workforce:staffing')}?{query}"
        _, response = submit(
            request,
            lambda: services.forecast_staffing(
                actor=request.user, channel=channel, start=start, days=days
            ),
            success=lambda r: (
                f"已预测 {r.days} 天、{len(r.rows)} 个时段（历史 {r.history_days} 天，"
                f"AHT {r.aht_seconds} 秒）"
                + (
                    f"；回测 WAPE {r.wape * 100:.1f}%（上周同期法 {r.naive_wape * 100:.1f}%）"
                    if r.wape is not None and r.naive_wape is not None
                    else ""
                )
            ),
            done_url=done,
        )
        return response or _refused(request, _, done)
    rows = list(requirements_for(request.user, channel, start, days))
    targets = ensure_default_targets()
    return render(
        request,
        "workforce/staffing.html",
        {
            "rows": [(r, slot_label_of(r)) for r in rows],
            "channel": channel,
            "channels": Channel.choices,
            "start": start,
            "days": days,
            "target": targets.get(channel),
            "total": sum(r.forecast_volume for r in rows),
            "peak": max((r.scheduled for r in rows), default=0),
            "result": result,
        },
    )


def slot_label_of(row: Any) -> str:
    local = timezone.localtime(row.interval_start)
    return slot_label((local.hour * 60 + local.minute) // 30)


ERLANG_FIELDS = [
    ("calls_per_interval", "每时段呼入量", "100"),
    ("interval_minutes", "时段长度（分钟）", "30"),
    ("aht_seconds", "平均处理时长（秒）", "180"),
    ("target_service_level", "目标服务水平（%）", "80"),
    ("target_seconds", "目标应答时间（秒）", "20"),
    ("shrinkage", "缺勤与非话务占比（%）", "30"),
    ("max_occupancy", "最高占用率（%）", ""),
]


@login_required
def erlang_page(request: HttpRequest) -> HttpResponse:
    require_viewer(request)
    data = {k: request.GET.get(k, "") for k, _, _ in ERLANG_FIELDS}
    result, errors = None, {}
    if request.GET.get("calls_per_interval"):
        try:
            result = erlang_answer(data)
        except InvalidFields as exc:
            errors = exc.by_field()
    else:
        data = {k: default for k, _, default in ERLANG_FIELDS}
    return render(
        request,
        "workforce/erlang.html",
        {"fields": ERLANG_FIELDS, "data": data, "result": result, "errors": errors},
        status=400 if errors else 200,
    )


@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    require_viewer(request)
    errors: dict[str, str] = {}
    if request.method == "POST":
        require_manager(request)
        post = request.POST
        errors, response = submit(
            request,
            lambda: services.save_template(
                actor=request.user,
                name=post.get("name", ""),
                start_time=post.get("start_time", ""),
                length_minutes=post.get("length_minutes", ""),
                break_minutes=post.get("break_minutes", "0"),
                active=True,
            ),
            success=lambda t: f"已新建班次「{t.name}」",
            done_url=reverse("workforce:templates"),
        )
        if response is not None:
            return response
    return render(
        request,
        "workforce/templates.html",
        {
            "templates": templates_for(request.user),
            "may_manage": is_manager(request.user),
            "errors": errors,
            "values": request.POST if errors else {},
        },
        status=400 if errors else 200,
    )


@login_required
def template_edit(request: HttpRequest, template_id: int) -> HttpResponse:
    require_manager(request)
    template = template_for(request.user, template_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        post = request.POST
        errors, response = submit(
            request,
            lambda: services.save_template(
                actor=request.user,
                template=template,
                name=post.get("name", ""),
                start_time=post.get("start_time", ""),
                length_minutes=post.get("length_minutes", ""),
                break_minutes=post.get("break_minutes", "0"),
                active=post.get("active") == "on",
            ),
            success=lambda t: f"已保存班次「{t.name}」",
            done_url=reverse("workforce:templates"),
        )
        if response is not None:
            return response
    return render(
        request,
        "workforce/template_edit.html",
        {
            "template": template,
            "errors": errors,
            "values": request.POST
            if errors
            else {
                "name": template.name,
                "start_time": f"{template.start_time:%H:%M}",
                "length_minutes": template.length_minutes,
                "break_minutes": template.break_minutes,
            },
        },
        status=400 if errors else 200,
    )


@require_POST
@login_required
def template_toggle(request: HttpRequest, template_id: int) -> HttpResponse:
    require_manager(request)
    template: ShiftTemplate = template_for(request.user, template_id)
    _, response = submit(
        request,
        lambda: services.save_template(
            actor=request.user,
            template=template,
            name=template.name,
            start_time=template.start_time,
            length_minutes=template.length_minutes,
            break_minutes=template.break_minutes,
            active=not template.active,
        ),
        success=lambda t: f"班次「{t.name}」已{'启用' if t.active else '停用'}",
        done_url=reverse("workforce:templates"),
    )
    return response or _refused(request, _, reverse("workforce:templates"))
