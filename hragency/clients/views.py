"""Client screens: list, record form, overview with contacts, blacklist, timeline. The
workflow tabs (intake, review, agreements, hand-over) are in ``views_workflow``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_POST

from hragency.clients import forms, services
from hragency.clients.models import Client
from hragency.clients.queries import (
    blacklisted_for,
    client_for,
    clients_for,
    contact_for,
    current_handover,
    filter_clients,
)
from hragency.clients.tags import tags_for
from hragency.clients.timeline import timeline_page
from hragency.clients.validation import CLIENT_FIELDS, CONTACT_FIELDS
from hragency.core.errors import InvalidFields, ServiceError
from hragency.domain.segments import SizeClass, size_class
from hragency.employees.queries import people_for

LIST_PAGE_SIZE = 30


def need(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def submit(
    request: HttpRequest,
    save: Callable[[], Any],
    *,
    success: str | Callable[[Any], str],
    done_url: str | Callable[[Any], str],
    refused_url: str | None = None,
) -> tuple[dict[str, str], HttpResponse | None]:
    """Run a form's service call. Field errors come back to show beside the fields (no
    response); a refusal (ServiceError) or success becomes a message and a redirect."""
    try:
        result = save()
    except InvalidFields as exc:
        return exc.by_field(), None
    except ServiceError as exc:
        messages.error(request, str(exc))
        fallback = done_url if isinstance(done_url, str) else ""
        return {}, redirect(refused_url or fallback)
    messages.success(request, success(result) if callable(success) else success)
    return {}, redirect(done_url(result) if callable(done_url) else done_url)


def client_context(request: HttpRequest, client: Client, tab: str) -> dict[str, Any]:
    """What every tab of the client page shows in its header."""
    return {
        "client": client,
        "tab": tab,
        "tags": tags_for([client])[client.pk],
        "size": size_class(client.headcount),  # type: ignore[attr-defined]
        "is_staff_user": request.user.kind == "staff",  # type: ignore[union-attr]
    }


@login_required
def client_list(request: HttpRequest) -> HttpResponse:
    qs = filter_clients(clients_for(request.user).select_related("owner"), request.GET)
    page = Paginator(qs, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    tags = tags_for(rows)
    keep = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "clients/list.html",
        {
            "page": page,
            "rows": [(c, tags[c.pk], size_class(c.headcount)) for c in rows],  # type: ignore[attr-defined]
            "filters": request.GET,
            "query": urlencode(keep),
            "statuses": Client.Status.choices,
            "grades": Client.Grade.choices,
            "sizes": [(s.value, s.label) for s in SizeClass],
            "may_create": request.user.has_perm("clients.add_client"),
        },
    )


@login_required
def client_create(request: HttpRequest) -> HttpResponse:
    need(request, "clients.add_client")
    values: Any = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = forms.posted(request.POST, CLIENT_FIELDS, forms.CLIENT_WIDGETS)
        try:
            client = services.create_client(data=values, actor=request.user)
        except InvalidFields as exc:
            errors = exc.by_field()
        else:
            messages.success(request, f"已建立客户档案 {client.number}")
            return redirect("clients:detail", client.pk)
    return render(
        request,
        "clients/form.html",
        {"title": "新建客户", "fields": forms.client_form(values, errors), "errors": errors},
        status=400 if errors else 200,
    )


@login_required
def client_edit(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_for(request.user, client_id)
    need(request, "clients.change_client")
    values: Any = forms.instance_values(client, CLIENT_FIELDS)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = forms.posted(request.POST, CLIENT_FIELDS, forms.CLIENT_WIDGETS)
        try:
            services.update_client(client=client, data=values, actor=request.user)
        except InvalidFields as exc:
            errors = exc.by_field()
        else:
            messages.success(request, "客户资料已保存")
            return redirect("clients:detail", client.pk)
    return render(
        request,
        "clients/form.html",
        {
            "title": f"修改客户资料：{client.name}",
            "client": client,
            "fields": forms.client_form(values, errors),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
def client_detail(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_for(request.user, client_id)
    agreement, items = current_handover(request.user, client)
    context = client_context(request, client, "overview")
    context.update(
        {
            "contacts": list(client.contacts.all()),
            "people": people_for(request.user).filter(client=client)[:20],
            "handover_agreement": agreement,
            "handover_done": sum(1 for i in items if i.done),
            "handover_total": len(items),
            "may_edit": request.user.has_perm("clients.change_client"),
            "licence_errors": [],
            "may_add_contact": request.user.has_perm("clients.add_contact"),
            "may_change_contact": request.user.has_perm("clients.change_contact"),
            "may_blacklist": request.user.has_perm("clients.blacklist_client")
            and not client.is_blacklisted,
        }
    )
    return render(request, "clients/detail.html", context)


@login_required
def blacklisted_list(request: HttpRequest) -> HttpResponse:
    if request.user.kind != "staff":  # type: ignore[union-attr]
        raise PermissionDenied
    page = Paginator(blacklisted_for(request.user), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "clients/blacklisted.html", {"page": page})


@login_required
def client_blacklist(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_for(request.user, client_id)
    need(request, "clients.blacklist_client")
    error = ""
    if request.method == "POST":
        try:
            services.blacklist_client(
                client=client, reason=request.POST.get("reason", ""), actor=request.user
            )
        except ServiceError as exc:
            error = str(exc)
        else:
            messages.warning(request, f"已将「{client.name}」列入失信客户名单")
            return redirect("clients:detail", client.pk)
    return render(
        request,
        "clients/blacklist_form.html",
        {**client_context(request, client, "overview"), "error": error},
        status=400 if error else 200,
    )


@login_required
def client_timeline(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_for(request.user, client_id)
    page, events = timeline_page(request.user, client, request.GET.get("page"))
    context = client_context(request, client, "timeline")
    context.update({"page": page, "events": events})
    return render(request, "clients/timeline.html", context)


# ---- contacts ----


@login_required
def contact_add(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_for(request.user, client_id)
    need(request, "clients.add_contact")
    values: Any = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = forms.posted(request.POST, CONTACT_FIELDS, forms.CONTACT_WIDGETS)
        errors, done = submit(
            request,
            lambda: services.add_contact(client=client, data=values, actor=request.user),
            success="联系人已添加",
            done_url=reverse("clients:detail", args=[client.pk]),
        )
        if done:
            return done
    return render(
        request,
        "clients/form.html",
        {
            "title": f"添加联系人：{client.name}",
            "client": client,
            "fields": forms.contact_form(values, errors),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
def contact_edit(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = contact_for(request.user, contact_id)
    need(request, "clients.change_contact")
    values: Any = forms.instance_values(contact, CONTACT_FIELDS)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = forms.posted(request.POST, CONTACT_FIELDS, forms.CONTACT_WIDGETS)
        errors, done = submit(
            request,
            lambda: services.update_contact(contact=contact, data=values, actor=request.user),
            success="联系人已保存",
            done_url=reverse("clients:detail", args=[contact.client_id]),
        )
        if done:
            return done
    return render(
        request,
        "clients/form.html",
        {
            "title": f"修改联系人：{contact.name}",
            "client": contact.client,
            "fields": forms.contact_form(values, errors),
            "errors": errors,
            "delete_url": "clients:contact_remove",
            "delete_id": contact.pk,
            "may_delete": request.user.has_perm("clients.delete_contact"),
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def contact_remove(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = contact_for(request.user, contact_id)
    need(request, "clients.delete_contact")
    try:
        services.remove_contact(contact=contact, actor=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已删除联系人 {contact.name}")
    return redirect("clients:detail", contact.client_id)


@login_required
def client_licence(request: HttpRequest, client_id: int) -> HttpResponse:
    """GET downloads the business licence copy (logged); POST replaces it."""
    client = client_for(request.user, client_id)
    if request.method == "POST":
        try:
            services.upload_licence(
                client=client, file=request.FILES.get("licence_file"), actor=request.user
            )
        except InvalidFields as exc:
            return HttpResponse(str(exc), status=400)
        except ServiceError as exc:
            return HttpResponse(str(exc), status=400)
        messages.success(request, "营业执照复印件已上传")
        return redirect("clients:detail", client.pk)
    if not client.licence_file:
        return HttpResponse("尚未上传营业执照复印件", status=404)
    with client.licence_file.open("rb") as handle:
        content = handle.read()
    services.record_licence_download(client=client, actor=request.user)
    extension = client.licence_file.name.rsplit(".", 1)[-1].lower()
    content_type = {"pdf": "application/pdf", "png": "image/png"}.get(extension, "image/jpeg")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        content_disposition_header(True, client.licence_name or f"licence.{extension}") or ""
    )
    return response
