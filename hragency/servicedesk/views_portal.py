"""The client portal of the desk (client HR): 我的工单, 提交工单, progress, reply, 催一下,
按工单号查询. Only the company's own tickets and only the events visible to the client."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from hragency.clients.models import Client
from hragency.clients.views import submit
from hragency.servicedesk import forms, services
from hragency.servicedesk.intake import open_ticket, record_client_message
from hragency.servicedesk.models import Channel, Ticket
from hragency.servicedesk.queries import (
    attachment_for,
    events_for,
    ticket_by_number,
    ticket_for,
    tickets_for,
)

PAGE_SIZE = 20
STEPS = [
    (Ticket.Status.PENDING, "已提交"),
    (Ticket.Status.IN_PROGRESS, "处理中"),
    (Ticket.Status.RESOLVED, "已解决"),
    (Ticket.Status.CLOSED, "已关闭"),
]
STEP_INDEX = {
    Ticket.Status.PENDING: 0,
    Ticket.Status.IN_PROGRESS: 1,
    Ticket.Status.WAITING: 1,
    Ticket.Status.RESOLVED: 2,
    Ticket.Status.CLOSED: 3,
}


def _hr(request: HttpRequest) -> Any:
    user = request.user
    if getattr(user, "kind", "") != "client_hr" or not user.has_perm("servicedesk.view_ticket"):
        raise PermissionDenied("工单门户仅供企业HR使用")
    return user


@login_required
def portal_list(request: HttpRequest) -> HttpResponse:
    user = _hr(request)
    qs = tickets_for(user).order_by("-created_at", "-pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "servicedesk/portal_list.html", {"page": page})


@login_required
def portal_new(request: HttpRequest) -> HttpResponse:
    user = _hr(request)
    if not user.has_perm("servicedesk.add_ticket"):
        raise PermissionDenied("无权提交工单")
    errors: dict[str, str] = {}
    values: Any = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        client = Client.objects.get(pk=user.client_id)
        fields = forms.ticket_fields(values)
        fields["module"] = fields["module"] if values.get("module") else ""
        errors, response = submit(
            request,
            lambda: open_ticket(
                actor=user,
                channel=Channel.PORTAL,
                client=client,
                **{k: v for k, v in fields.items() if k not in ("nature",)},
            ),
            success=lambda t: f"已提交工单 {t.number}，我们会尽快响应",
            done_url=lambda t: reverse("servicedesk:portal_detail", args=[t.pk]),
            refused_url=reverse("servicedesk:portal"),
        )
        if response is not None:
            return response
    return render(
        request,
        "servicedesk/portal_new.html",
        {"values": values, "errors": errors, **forms.choices()},
        status=400 if errors else 200,
    )


@login_required
def portal_detail(request: HttpRequest, ticket_id: int) -> HttpResponse:
    user = _hr(request)
    ticket = ticket_for(user, ticket_id)
    step = STEP_INDEX.get(ticket.status, 0)
    return render(
        request,
        "servicedesk/portal_detail.html",
        {
            "ticket": ticket,
            "events": events_for(user, ticket),
            "steps": [(label, i <= step) for i, (_, label) in enumerate(STEPS)],
            "may_urge": ticket.status in services.OPEN_STATES,
            "may_reply": ticket.status != Ticket.Status.CLOSED,
            "rate_url": f"/desk/care/rate/{ticket.feedback_token}/"
            if ticket.status in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED)
            and ticket.satisfaction is None
            and ticket.feedback_token
            else "",
        },
    )


@require_POST
@login_required
def portal_reply(request: HttpRequest, ticket_id: int) -> HttpResponse:
    user = _hr(request)
    ticket = ticket_for(user, ticket_id)
    url = reverse("servicedesk:portal_detail", args=[ticket.pk])
    if ticket.status == Ticket.Status.CLOSED:
        messages.error(request, "工单已关闭，如有新问题请提交新工单")
        return redirect(url)
    errors, response = submit(
        request,
        lambda: record_client_message(
            ticket=ticket, body=request.POST.get("body", ""), channel=Channel.PORTAL, actor=user
        ),
        success="已发送",
        done_url=url,
    )
    for reason in errors.values():
        messages.error(request, reason)
    return response or redirect(url)


@require_POST
@login_required
def portal_urge(request: HttpRequest, ticket_id: int) -> HttpResponse:
    user = _hr(request)
    ticket = ticket_for(user, ticket_id)
    url = reverse("servicedesk:portal_detail", args=[ticket.pk])
    _, response = submit(
        request,
        lambda: services.urge_ticket(actor=user, ticket=ticket),
        success="已催办，处理人员会尽快回复",
        done_url=url,
    )
    return response or redirect(url)


@login_required
def portal_lookup(request: HttpRequest) -> HttpResponse:
    user = _hr(request)
    number = request.GET.get("number", "").strip()
    if number:
        ticket = ticket_by_number(user, number)
        if ticket is not None:
            return redirect("servicedesk:portal_detail", ticket.pk)
        messages.error(request, "未找到该工单")
    return render(request, "servicedesk/portal_lookup.html", {"number": number})


@login_required
def attachment_download(request: HttpRequest, ticket_id: int, attachment_id: int) -> HttpResponse:
    """A file a client sent with a message: staff who see the ticket, and the client's own
    users for the messages they can see; always a download, never a page."""
    attachment = attachment_for(request.user, ticket_id, attachment_id)
    try:
        with attachment.file.open("rb") as handle:
            content = handle.read()  # at most the 10 MB kept per file
    except (FileNotFoundError, ValueError):
        raise Http404("文件不存在") from None
    response = HttpResponse(content, content_type="application/octet-stream")
    response["Content-Disposition"] = (
        content_disposition_header(True, attachment.original_name) or "attachment"
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
