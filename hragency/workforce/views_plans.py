"""Screens of shift plans, my shifts, hand-overs and peak warnings under /workforce/."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from hragency.clients.views import submit
from hragency.core import values
from hragency.core.errors import ServiceError
from hragency.workforce import services
from hragency.workforce.models import HandoverRecord, PeakWarning, ShiftPlan
from hragency.workforce.planning import roster
from hragency.workforce.queries import (
    colleagues,
    handover_for,
    handovers_for,
    my_shifts,
    plan_for,
    plans_for,
    templates_for,
    warning_for,
    warnings_for,
)
from hragency.workforce.views import _refused, require_manager, require_viewer

PAGE_SIZE = 50


def next_monday(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=7 - today.weekday())


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    require_manager(request)
    errors: dict[str, str] = {}
    if request.method == "POST":
        raw = request.POST.get("week_start", "")
        try:
            week = values.date(raw)
        except values.InvalidValue as exc:
            errors = {"week_start": str(exc)}
            week = None
        if week is not None:
            errors, response = submit(
                request,
                lambda: services.build_shift_plan(actor=request.user, week_start=week),
                success=lambda p: (
                    f"已编排 {p.number}：{p.shifts} 个班次，计薪 {p.paid_hours:.1f} 小时"
                    + (f"，{p.unfilled} 个班次待补人员" if p.unfilled else "")
                ),
                done_url=lambda p: reverse("workforce:plan", args=[p.pk]),
                refused_url=reverse("workforce:plans"),
            )
            if response is not None:
                return response
        elif not errors:
            errors = {"week_start": "必填"}
    page = Paginator(plans_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "workforce/plans.html",
        {"page": page, "errors": errors, "next_week": next_monday(timezone.localdate())},
        status=400 if errors else 200,
    )


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    require_manager(request)
    plan = plan_for(request.user, plan_id)
    return render(request, "workforce/plan.html", {"plan": plan, **roster(plan)})


@login_required
def plan_print(request: HttpRequest, plan_id: int) -> HttpResponse:
    require_manager(request)
    plan = plan_for(request.user, plan_id)
    return render(request, "workforce/plan_print.html", {"plan": plan, **roster(plan)})


@login_required
def plan_pdf(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The printable roster as an A4 landscape PDF (headless Chromium, ``core.pdf``)."""
    from urllib.parse import quote

    from django.template.loader import render_to_string

    from hragency.core.pdf import render_pdf

    require_manager(request)
    plan = plan_for(request.user, plan_id)
    html = render_to_string("workforce/plan_print.html", {"plan": plan, **roster(plan)})
    try:
        content = render_pdf(html)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("workforce:plan", plan.pk)
    response = HttpResponse(content, content_type="application/pdf")
    name = quote(f"排班表{plan.week_start:%Y%m%d}.pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


@require_POST
@login_required
def plan_publish(request: HttpRequest, plan_id: int) -> HttpResponse:
    require_manager(request)
    plan: ShiftPlan = plan_for(request.user, plan_id)
    url = reverse("workforce:plan", args=[plan.pk])
    errors, response = submit(
        request,
        lambda: services.publish_plan(actor=request.user, plan=plan),
        success="排班已发布，已通知排班坐席",
        done_url=url,
    )
    return response or _refused(request, errors, url)


@login_required
def my_shift_list(request: HttpRequest) -> HttpResponse:
    require_viewer(request)
    today = timezone.localdate()
    start = today - dt.timedelta(days=today.weekday())
    return render(
        request,
        "workforce/my_shifts.html",
        {"shifts": my_shifts(request.user, start, 21), "today": today},
    )


@login_required
def handover_list(request: HttpRequest) -> HttpResponse:
    require_viewer(request)
    errors: dict[str, str] = {}
    people = colleagues(request.user)
    templates = list(templates_for(request.user).filter(active=True))
    if request.method == "POST":
        post = request.POST
        by_id = {str(t.pk): t for t in templates}
        incoming = next((u for u in people if str(u.pk) == post.get("incoming")), None)
        from_t, to_t = (
            by_id.get(post.get("from_template", "")),
            by_id.get(post.get("to_template", "")),
        )
        if from_t is None or to_t is None:
            errors = {"from_template": "请选择交班和接班班次"}
        else:
            errors, response = submit(
                request,
                lambda: services.create_handover(
                    actor=request.user,
                    from_template=from_t,
                    to_template=to_t,
                    incoming=incoming,
                    shift_date=post.get("shift_date") or None,
                    pending_callbacks=post.get("pending_callbacks") or 0,
                    callback_notes=post.get("callback_notes", ""),
                    notes=post.get("notes", ""),
                ),
                success=lambda r: f"交接班记录 {r.number} 已提交，等待接班人确认",
                done_url=lambda r: reverse("workforce:handover", args=[r.pk]),
            )
            if response is not None:
                return response
    page = Paginator(handovers_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "workforce/handovers.html",
        {
            "page": page,
            "people": people,
            "templates": templates,
            "errors": errors,
            "values": request.POST if errors else {},
            "may_add": request.user.has_perm("workforce.add_handoverrecord"),
            "today": timezone.localdate(),
        },
        status=400 if errors else 200,
    )


@login_required
def handover_detail(request: HttpRequest, handover_id: int) -> HttpResponse:
    require_viewer(request)
    record: HandoverRecord = handover_for(request.user, handover_id)
    return render(
        request,
        "workforce/handover.html",
        {
            "record": record,
            "may_ack": record.acknowledged_at is None and record.incoming_id == request.user.pk,
        },
    )


@require_POST
@login_required
def handover_ack(request: HttpRequest, handover_id: int) -> HttpResponse:
    require_viewer(request)
    record = handover_for(request.user, handover_id)
    url = reverse("workforce:handover", args=[record.pk])
    errors, response = submit(
        request,
        lambda: services.acknowledge_handover(
            actor=request.user, record=record, note=request.POST.get("note", "")
        ),
        success="已确认接班",
        done_url=url,
    )
    return response or _refused(request, errors, url)


@login_required
def warning_list(request: HttpRequest) -> HttpResponse:
    require_manager(request)
    qs = warnings_for(request.user)
    status = request.GET.get("status", "open")
    if status in PeakWarning.Status.values:
        qs = qs.filter(status=status)
    kind = request.GET.get("kind", "")
    if kind in PeakWarning.Kind.values:
        qs = qs.filter(kind=kind)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "workforce/warnings.html",
        {
            "page": page,
            "status": status,
            "kind": kind,
            "statuses": PeakWarning.Status.choices,
            "kinds": PeakWarning.Kind.choices,
        },
    )


@require_POST
@login_required
def warning_ack(request: HttpRequest, warning_id: int) -> HttpResponse:
    require_manager(request)
    warning = warning_for(request.user, warning_id)
    url = reverse("workforce:warnings")
    errors, response = submit(
        request,
        lambda: services.acknowledge_warning(
            actor=request.user, warning=warning, note=request.POST.get("note", "")
        ),
        success="预警已确认",
        done_url=url,
    )
    if response is None:
        messages.error(request, "；".join(errors.values()))
        return redirect(url)
    return response
