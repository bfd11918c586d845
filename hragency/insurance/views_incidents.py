"""Screens of the social-insurance exceptions (R-SI-6) under /insurance/incidents/."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hragency.clients.queries import clients_for
from hragency.clients.views import submit
from hragency.core.models import Deadline
from hragency.employees.queries import people_for
from hragency.insurance import incidents
from hragency.insurance.models import Incident
from hragency.insurance.queries import incident_for, incidents_for

PAGE_SIZE = 50


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("insurance.view_incident"):
        raise PermissionDenied("无权查看社保异常")
    qs = incidents_for(request.user)
    status = request.GET.get("status", "")
    if status in Incident.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "incidents/list.html",
        {
            "page": page,
            "status": status,
            "statuses": Incident.Status.choices,
            "stats": incidents.incident_stats(incidents_for(request.user)),
            "may_report": request.user.has_perm("insurance.add_incident"),
        },
    )


@login_required
def incident_new(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("insurance.add_incident"):
        raise PermissionDenied("无权报告社保异常")
    clients = clients_for(request.user).order_by("name")
    errors: dict[str, str] = {}
    values = request.POST if request.method == "POST" else request.GET
    if request.method == "POST":
        client = get_object_or_404(clients, pk=values.get("client") or 0)
        person_id = values.get("person") or ""
        person = (
            get_object_or_404(people_for(request.user), pk=person_id, client=client)
            if person_id
            else None
        )
        errors, response = submit(
            request,
            lambda: incidents.report_incident(
                actor=request.user,
                client=client,
                kind=values.get("kind", ""),
                description=values.get("description", ""),
                person=person,
            ),
            success=lambda i: f"已登记社保异常 {i.number}，处理人员须 1 小时内响应",
            done_url=lambda i: reverse("incidents:detail", args=[i.pk]),
            refused_url=reverse("incidents:list"),
        )
        if response is not None:
            return response
    client_id = values.get("client") or ""
    people = (
        people_for(request.user).filter(client_id=client_id).order_by("name")[:500]
        if client_id.isdigit()
        else []
    )
    return render(
        request,
        "incidents/new.html",
        {
            "clients": clients,
            "people": people,
            "kinds": Incident.Kind.choices,
            "values": values,
            "errors": errors,
        },
    )


@login_required
def incident_detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    return _render_detail(request, incident_for(request.user, incident_id))


def _render_detail(
    request: HttpRequest, incident: Incident, errors: dict[str, str] | None = None
) -> HttpResponse:
    """The detail page; with ``errors`` (a refused form) it keeps what was typed, status 400."""
    user = request.user
    may_handle = user.has_perm("insurance.handle_incident")
    deadlines = Deadline.objects.filter(
        subject_type=Incident._meta.label_lower, subject_id=str(incident.pk)
    ).order_by("due_at")
    context = {
        "incident": incident,
        "deadlines": deadlines,
        "may_handle": may_handle,
        "may_close": incident.status == Incident.Status.RESOLVED
        and (user.pk == incident.reported_by_id or may_handle),
        "report_fields": incidents.REPORT_FIELDS,
        "errors": errors or {},
        "values": request.POST if errors else {},
    }
    return render(request, "incidents/detail.html", context, status=400 if errors else 200)


def _act(request: HttpRequest, incident_id: int, action: Any, success: str) -> HttpResponse:
    incident = incident_for(request.user, incident_id)
    url = reverse("incidents:detail", args=[incident.pk])
    errors, response = submit(request, lambda: action(incident), success=success, done_url=url)
    return response if response is not None else _render_detail(request, incident, errors)


@require_POST
@login_required
def incident_respond(request: HttpRequest, incident_id: int) -> HttpResponse:
    return _act(
        request,
        incident_id,
        lambda i: incidents.respond_incident(
            actor=request.user, incident=i, note=request.POST.get("note", "")
        ),
        "已响应",
    )


@require_POST
@login_required
def incident_resolve(request: HttpRequest, incident_id: int) -> HttpResponse:
    report = {field: request.POST.get(field, "") for field in incidents.REPORT_FIELDS}
    return _act(
        request,
        incident_id,
        lambda i: incidents.resolve_incident(actor=request.user, incident=i, **report),
        "已解决，《异常处理报告》已发送给报告人",
    )


@require_POST
@login_required
def incident_close(request: HttpRequest, incident_id: int) -> HttpResponse:
    return _act(
        request,
        incident_id,
        lambda i: incidents.close_incident(actor=request.user, incident=i),
        "已关闭",
    )


@login_required
def incident_report(request: HttpRequest, incident_id: int) -> HttpResponse:
    """The printable 《异常处理报告》."""
    incident = incident_for(request.user, incident_id)
    return render(
        request,
        "incidents/report.html",
        {
            "incident": incident,
            "report_rows": [
                (label, getattr(incident, field))
                for field, label in incidents.REPORT_FIELDS.items()
            ],
        },
    )
