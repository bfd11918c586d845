"""Screens of complaints and suggestions (R-CMP) under /desk/care/complaints/."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from hragency.clients.views import submit
from hragency.core.errors import ServiceError
from hragency.servicedesk import complaints, forms_care
from hragency.servicedesk.forms_care import require_desk_staff
from hragency.servicedesk.models import Complaint
from hragency.servicedesk.queries_care import (
    complaint_for,
    complaints_for,
    deadlines_of,
    events_of,
)

PAGE_SIZE = 50


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    require_desk_staff(request.user)
    qs = complaints_for(request.user)
    f = {k: request.GET.get(k, "") for k in ("kind", "severity", "status", "q")}
    if f["kind"] in Complaint.Kind.values:
        qs = qs.filter(kind=f["kind"])
    if f["severity"] in Complaint.Severity.values:
        qs = qs.filter(severity=f["severity"])
    if f["status"] in Complaint.Status.values:
        qs = qs.filter(status=f["status"])
    if f["q"].strip():
        q = f["q"].strip()
        qs = qs.filter(Q(ticket__number__icontains=q) | Q(ticket__subject__icontains=q))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    keep = "&".join(f"{k}={v}" for k, v in f.items() if v)
    return render(
        request,
        "servicedesk/care_complaints.html",
        {
            "page": page,
            "f": f,
            "keep": keep,
            "kinds": Complaint.Kind.choices,
            "severities": Complaint.Severity.choices,
            "statuses": Complaint.Status.choices,
        },
    )


def _render_detail(
    request: HttpRequest, complaint: Complaint, errors: dict[str, str] | None = None
) -> HttpResponse:
    user: Any = request.user
    is_open = complaint.status == Complaint.Status.INVESTIGATING
    manage = user.has_perm("servicedesk.manage_complaint")
    context = {
        "complaint": complaint,
        "ticket": complaint.ticket,
        "events": events_of(complaint.ticket, user),
        "deadlines": deadlines_of(complaint),
        "may_change_kind": is_open
        and user.has_perm("servicedesk.handle_ticket")
        and not complaint.investigator_id
        and not complaint.reply_promised_on,
        "may_classify": is_open and manage and complaint.kind == Complaint.Kind.COMPLAINT,
        "may_promise": is_open
        and complaint.kind == Complaint.Kind.SUGGESTION
        and user.has_perm("servicedesk.handle_ticket"),
        "may_conclude": is_open
        and (manage or user.pk == complaint.investigator_id)
        and (complaint.kind == Complaint.Kind.SUGGESTION or bool(complaint.investigator_id)),
        "kinds": Complaint.Kind.choices,
        "severities": Complaint.Severity.choices,
        "staff": forms_care.staff_choices(),
        "departments": forms_care.department_choices(),
        "errors": errors or {},
        "values": request.POST if errors else {},
    }
    return render(
        request, "servicedesk/care_complaint.html", context, status=400 if errors else 200
    )


@login_required
def complaint_detail(request: HttpRequest, complaint_id: int) -> HttpResponse:
    require_desk_staff(request.user)
    return _render_detail(request, complaint_for(request.user, complaint_id))


def _act(request: HttpRequest, complaint_id: int, action: Any, success: str) -> HttpResponse:
    require_desk_staff(request.user)
    complaint = complaint_for(request.user, complaint_id)
    url = reverse("desk_care:complaint", args=[complaint.pk])
    errors, response = submit(request, lambda: action(complaint), success=success, done_url=url)
    return response if response is not None else _render_detail(request, complaint, errors)


@require_POST
@login_required
def complaint_kind(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _act(
        request,
        complaint_id,
        lambda c: complaints.change_kind(
            actor=request.user, complaint=c, kind=request.POST.get("kind", "")
        ),
        "已修改类别",
    )


@require_POST
@login_required
def complaint_classify(request: HttpRequest, complaint_id: int) -> HttpResponse:
    p = request.POST
    return _act(
        request,
        complaint_id,
        lambda c: complaints.classify_complaint(
            actor=request.user,
            complaint=c,
            severity=p.get("severity", ""),
            investigator=forms_care.staff_user(p, "investigator", "调查人"),
            target_department=forms_care.department(p),
        ),
        "已定级并指定调查人",
    )


@require_POST
@login_required
def complaint_promise(request: HttpRequest, complaint_id: int) -> HttpResponse:
    p = request.POST
    return _act(
        request,
        complaint_id,
        lambda c: complaints.promise_reply(
            actor=request.user,
            complaint=c,
            reply_promised_on=forms_care.date_field(p, "reply_promised_on", "承诺答复日期"),
            target_department=forms_care.department(p),
        ),
        "已记录承诺答复日期",
    )


@require_POST
@login_required
def complaint_conclude(request: HttpRequest, complaint_id: int) -> HttpResponse:
    p = request.POST
    return _act(
        request,
        complaint_id,
        lambda c: complaints.conclude_complaint(
            actor=request.user,
            complaint=c,
            findings=p.get("findings", ""),
            rectification_plan=p.get("rectification_plan", ""),
            upheld=p.get("upheld", "") in ("1", "on", "true"),
        ),
        "已办结",
    )


def parse_week(label: str) -> tuple[str, dt.datetime, dt.datetime]:
    """ "2026-W47" → (label, Monday 00:00, next Monday 00:00); default last week."""
    today = timezone.localdate()
    try:
        year, week = label.split("-W")
        monday = dt.date.fromisocalendar(int(year), int(week), 1)
    except (ValueError, AttributeError):
        monday = today - dt.timedelta(days=today.weekday() + 7)
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time()))
    return complaints.week_label(monday), start, start + dt.timedelta(days=7)


@login_required
def weekly_summary(request: HttpRequest) -> HttpResponse:
    """Suggestions received in a week (default last week), by department and module."""
    require_desk_staff(request.user)
    week, start, end = parse_week(request.GET.get("week", ""))
    qs = complaints_for(request.user).filter(
        Q(summarised_in_week=week) | Q(created_at__gte=start, created_at__lt=end),
        kind=Complaint.Kind.SUGGESTION,
    )
    groups: dict[str, dict[str, list[Complaint]]] = defaultdict(lambda: defaultdict(list))
    for s in qs.order_by("created_at"):
        dept = s.target_department or s.ticket.department
        groups[str(dept) if dept else "未指定部门"][s.ticket.get_module_display()].append(s)
    previous = complaints.week_label((start - dt.timedelta(days=7)).date())
    following = complaints.week_label(end.date())
    return render(
        request,
        "servicedesk/care_weekly.html",
        {
            "week": week,
            "start": start,
            "end": end - dt.timedelta(days=1),
            "groups": {d: dict(m) for d, m in sorted(groups.items())},
            "count": qs.count(),
            "previous": previous,
            "following": following,
            "may_send": request.user.has_perm("servicedesk.manage_complaint"),
        },
    )


@require_POST
@login_required
def weekly_send(request: HttpRequest) -> HttpResponse:
    """Send the summary now (normally the Monday 09:00 job does)."""
    if not request.user.has_perm("servicedesk.manage_complaint"):
        raise PermissionDenied("无权发送建议周汇总")
    try:
        result = complaints.send_weekly_summary(actor=request.user)
    except ServiceError as exc:  # pragma: no cover - the summary refuses nothing today
        messages.error(request, str(exc))
    else:
        if result.suggestions:
            messages.success(
                request,
                f"已发送 {result.week} 建议汇总：{result.suggestions} 条，{result.groups} 个部门",
            )
        else:
            messages.info(request, "没有待汇总的建议（每条建议只汇总一次）")
    return redirect(reverse("desk_care:weekly"))
