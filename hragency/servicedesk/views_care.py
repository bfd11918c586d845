"""Screens of result feedback (the anonymous rating page), supervisor follow-ups and the
improvement library, under /desk/care/."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hragency.clients.views import submit
from hragency.core.errors import InvalidFields, ServiceError
from hragency.servicedesk import feedback, followups
from hragency.servicedesk.forms_care import require_desk_staff
from hragency.servicedesk.models import FollowUp, Ticket
from hragency.servicedesk.queries_care import (
    case_for,
    cases_for,
    deadlines_of,
    events_of,
    follow_up_for,
    follow_ups_for,
)

PAGE_SIZE = 50


def rate(request: HttpRequest, feedback_token: str) -> HttpResponse:
    """The rating page: anonymous by token (the link in the result message), or from the
    portal for the client's HR user."""
    ticket = feedback.ticket_for_token(feedback_token)
    user: Any = request.user
    # The client's HR (portal) or a rep taking the score by phone is recorded as the actor.
    actor = user if getattr(user, "kind", None) in ("client_hr", "staff") else None
    if getattr(actor, "kind", None) == "client_hr" and actor.client_id != ticket.client_id:
        raise feedback.Http404("评价链接无效")
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            feedback.rate_ticket(
                token=feedback_token,
                score=request.POST.get("score"),
                comment=request.POST.get("comment", ""),
                actor=actor,
            )
        except InvalidFields as exc:
            errors, status = exc.by_field(), 400
        except ServiceError as exc:
            messages.error(request, str(exc))
            status = 400
        else:
            messages.success(request, "感谢您的评价！")
            return redirect(reverse("desk_care:rate", args=[feedback_token]))
        ticket = Ticket.objects.get(pk=ticket.pk)
    return render(
        request,
        "servicedesk/care_rate.html",
        {
            "ticket": ticket,
            "errors": errors,
            "values": request.POST if errors else {},
            "scores": list(feedback.SCORES),
            "open": ticket.rated_at is None
            and ticket.status in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED),
        },
        status=status,
    )


@login_required
def follow_up_list(request: HttpRequest) -> HttpResponse:
    require_desk_staff(request.user)
    qs = follow_ups_for(request.user)
    status = request.GET.get("status", "")
    if status in FollowUp.Status.values:
        qs = qs.filter(status=status)
    if request.GET.get("mine"):
        qs = qs.filter(owner=request.user)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "servicedesk/care_followups.html",
        {"page": page, "status": status, "statuses": FollowUp.Status.choices},
    )


def _render_follow_up(
    request: HttpRequest, follow_up: FollowUp, errors: dict[str, str] | None = None
) -> HttpResponse:
    user: Any = request.user
    may_act = follow_up.status != FollowUp.Status.DONE and (
        user.pk == follow_up.owner_id or user.has_perm("servicedesk.supervise_ticket")
    )
    context = {
        "follow_up": follow_up,
        "ticket": follow_up.ticket,
        "events": events_of(follow_up.ticket, user),
        "deadlines": deadlines_of(follow_up),
        "may_act": may_act,
        "scores": list(feedback.SCORES),
        "errors": errors or {},
        "values": request.POST if errors else {},
    }
    return render(request, "servicedesk/care_followup.html", context, status=400 if errors else 200)


@login_required
def follow_up_detail(request: HttpRequest, followup_id: int) -> HttpResponse:
    require_desk_staff(request.user)
    return _render_follow_up(request, follow_up_for(request.user, followup_id))


def _act(request: HttpRequest, followup_id: int, action: Any, success: str) -> HttpResponse:
    require_desk_staff(request.user)
    follow_up = follow_up_for(request.user, followup_id)
    url = reverse("desk_care:followup", args=[follow_up.pk])
    errors, response = submit(request, lambda: action(follow_up), success=success, done_url=url)
    return response if response is not None else _render_follow_up(request, follow_up, errors)


@require_POST
@login_required
def follow_up_plan(request: HttpRequest, followup_id: int) -> HttpResponse:
    return _act(
        request,
        followup_id,
        lambda f: followups.record_follow_up_plan(
            actor=request.user, follow_up=f, plan=request.POST.get("plan", "")
        ),
        "已记录调整方案",
    )


@require_POST
@login_required
def follow_up_visit(request: HttpRequest, followup_id: int) -> HttpResponse:
    return _act(
        request,
        followup_id,
        lambda f: followups.record_second_visit(
            actor=request.user,
            follow_up=f,
            notes=request.POST.get("notes", ""),
            score=request.POST.get("score"),
        ),
        "已记录二次回访",
    )


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    require_desk_staff(request.user)
    q = request.GET.get("q", "")
    source = request.GET.get("source", "")
    qs = cases_for(request.user, q)
    if source:
        qs = qs.filter(source=source)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "servicedesk/care_cases.html",
        {
            "page": page,
            "q": q,
            "source": source,
            "sources": [followups.SOURCE_LOW_RATING, followups.SOURCE_COMPLAINT],
        },
    )


@login_required
def case_detail(request: HttpRequest, improvement_id: int) -> HttpResponse:
    require_desk_staff(request.user)
    case = case_for(request.user, improvement_id)
    user: Any = request.user
    may_edit = user.has_perm("servicedesk.supervise_ticket") or user.has_perm(
        "servicedesk.manage_complaint"
    )
    errors: dict[str, str] = {}
    if request.method == "POST":
        url = reverse("desk_care:case", args=[case.pk])
        errors, response = submit(
            request,
            lambda: followups.update_case(
                actor=user,
                case=case,
                title=request.POST.get("title", ""),
                improvement=request.POST.get("improvement", ""),
            ),
            success="已保存改进措施",
            done_url=url,
        )
        if response is not None:
            return response
    return render(
        request,
        "servicedesk/care_case.html",
        {
            "case": case,
            "may_edit": may_edit,
            "errors": errors,
            "values": request.POST if errors else {},
        },
        status=400 if errors else 200,
    )
