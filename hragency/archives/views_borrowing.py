"""Screens of the borrowing register and the destruction batches under /archives/."""

from __future__ import annotations

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

from hragency.accounts.models import User
from hragency.archives import borrowing as lending
from hragency.archives import destruction, services
from hragency.archives.models import Borrowing, DestructionRecord
from hragency.archives.queries import (
    borrowing_for,
    borrowings_for,
    destruction_for,
    destructions_for,
    file_for,
)
from hragency.clients.models import Client
from hragency.clients.views import submit
from hragency.core.scoping import scope_queryset

PAGE_SIZE = 50


def _require(request: HttpRequest, permission: str, message: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied(message)


@login_required
def borrowing_list(request: HttpRequest) -> HttpResponse:
    _require(request, "archives.view_archivefile", "无权查看档案")
    qs = borrowings_for(request.user).prefetch_related("items")
    view = request.GET.get("view", "")
    today = timezone.localdate()
    if view == "open":
        qs = qs.filter(status__in=lending.OPEN_STATUSES)
    elif view == "overdue":
        qs = qs.filter(status=Borrowing.Status.LENT, due_back__lt=today)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "archives/borrowings.html",
        {
            "page": page,
            "view": view,
            "today": today,
            "may_manage": request.user.has_perm(services.MANAGE),
        },
    )


@require_POST
@login_required
def borrowing_new(request: HttpRequest, archive_file_id: int) -> HttpResponse:
    _require(request, "archives.view_archivefile", "无权借阅档案")
    archive = file_for(request.user, archive_file_id)
    post = request.POST
    back = reverse("archives:file", args=[archive.pk])
    errors, response = submit(
        request,
        lambda: lending.request_borrowing(
            actor=request.user,
            client=archive.client,
            item_ids=[int(i) for i in post.getlist("items") if i.isdigit()],
            purpose=post.get("purpose", ""),
            borrower_kind=post.get("borrower_kind", Borrowing.BorrowerKind.STAFF),
            borrower_name=post.get("borrower_name", ""),
            days=post.get("days", ""),
        ),
        success=lambda b: f"借阅申请 {b.number} 已登记，待审批",
        done_url=reverse("archives:borrowings"),
        refused_url=back,
    )
    if response is not None:
        return response
    for message in errors.values():
        messages.error(request, message)
    return redirect(back)


def _borrowing_action(
    request: HttpRequest, archive_borrowing_id: int, action: Any, success: str
) -> HttpResponse:
    _require(request, services.MANAGE, "无权管理档案")
    record = borrowing_for(request.user, archive_borrowing_id)
    url = reverse("archives:borrowings")
    errors, response = submit(request, lambda: action(record), success=success, done_url=url)
    if response is not None:
        return response
    for message in errors.values():
        messages.error(request, message)
    return redirect(url)


@require_POST
@login_required
def borrowing_approve(request: HttpRequest, archive_borrowing_id: int) -> HttpResponse:
    return _borrowing_action(
        request,
        archive_borrowing_id,
        lambda b: lending.approve_borrowing(actor=request.user, borrowing=b),
        "已批准并借出",
    )


@require_POST
@login_required
def borrowing_reject(request: HttpRequest, archive_borrowing_id: int) -> HttpResponse:
    return _borrowing_action(
        request,
        archive_borrowing_id,
        lambda b: lending.reject_borrowing(
            actor=request.user, borrowing=b, reason=request.POST.get("reason", "")
        ),
        "已拒绝",
    )


@require_POST
@login_required
def borrowing_return(request: HttpRequest, archive_borrowing_id: int) -> HttpResponse:
    return _borrowing_action(
        request,
        archive_borrowing_id,
        lambda b: lending.return_borrowing(actor=request.user, borrowing=b),
        "已登记归还",
    )


def _may_see_destructions(request: HttpRequest) -> None:
    user = request.user
    if not (user.has_perm("archives.view_archivefile") or user.has_perm(destruction.APPROVE)):
        raise PermissionDenied("无权查看档案销毁")


@login_required
def destruction_list(request: HttpRequest) -> HttpResponse:
    _may_see_destructions(request)
    qs = destructions_for(request.user).prefetch_related("items")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    may_manage = request.user.has_perm(services.MANAGE)
    clients = (
        scope_queryset(Client.objects.all(), request.user).order_by("name").only("pk", "name")[:500]
        if may_manage
        else []
    )
    return render(
        request,
        "archives/destructions.html",
        {"page": page, "may_manage": may_manage, "clients": clients},
    )


@require_POST
@login_required
def destruction_propose(request: HttpRequest) -> HttpResponse:
    _require(request, services.MANAGE, "无权管理档案")
    raw = request.POST.get("client", "")
    client = (
        scope_queryset(Client.objects.all(), request.user).filter(pk=int(raw)).first()
        if raw.isdigit()
        else None
    )
    back = reverse("archives:destructions")
    if client is None:
        messages.error(request, "请选择客户")
        return redirect(back)
    _errors, response = submit(
        request,
        lambda: destruction.propose_destruction(actor=request.user, client=client),
        success=lambda r: f"已生成销毁清册 {r.number}，待鉴定",
        done_url=lambda r: reverse("archives:destruction", args=[r.pk]),
        refused_url=back,
    )
    return response or redirect(back)


@login_required
def destruction_detail(request: HttpRequest, archive_destruction_id: int) -> HttpResponse:
    _may_see_destructions(request)
    record = destruction_for(request.user, archive_destruction_id)
    appraiser_choices = (
        User.objects.filter(is_active=True, kind=User.Kind.STAFF)
        .filter(
            Q(
                groups__permissions__content_type__app_label="archives",
                groups__permissions__codename__in=["manage_archive", "approve_destruction"],
            )
            | Q(is_superuser=True)
        )
        .distinct()
        .order_by("pk")[:300]
    )
    return render(
        request,
        "archives/destruction.html",
        {
            "record": record,
            "items": record.items.order_by("month", "pk"),
            "appraisers": record.appraisers.all(),
            "appraiser_choices": appraiser_choices
            if record.status == DestructionRecord.Status.PROPOSED
            else [],
            "methods": DestructionRecord.Method.choices,
            "may_manage": request.user.has_perm(services.MANAGE),
            "may_approve": request.user.has_perm(destruction.APPROVE),
            "today": timezone.localdate(),
        },
    )


def _destruction_action(
    request: HttpRequest, archive_destruction_id: int, action: Any, success: str
) -> HttpResponse:
    _may_see_destructions(request)
    record = destruction_for(request.user, archive_destruction_id)
    url = reverse("archives:destruction", args=[record.pk])
    errors, response = submit(request, lambda: action(record), success=success, done_url=url)
    if response is not None:
        return response
    for message in errors.values():
        messages.error(request, message)
    return redirect(url)


@require_POST
@login_required
def destruction_appraise(request: HttpRequest, archive_destruction_id: int) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("appraisers") if i.isdigit()]
    people = list(User.objects.filter(pk__in=ids, is_active=True, kind=User.Kind.STAFF))
    return _destruction_action(
        request,
        archive_destruction_id,
        lambda r: destruction.appraise(
            actor=request.user,
            record=r,
            appraisers=people,
            opinion=request.POST.get("opinion", ""),
        ),
        "鉴定已记录，待批准",
    )


@require_POST
@login_required
def destruction_approve(request: HttpRequest, archive_destruction_id: int) -> HttpResponse:
    return _destruction_action(
        request,
        archive_destruction_id,
        lambda r: destruction.approve_destruction(actor=request.user, record=r),
        "已批准销毁",
    )


@require_POST
@login_required
def destruction_reject(request: HttpRequest, archive_destruction_id: int) -> HttpResponse:
    return _destruction_action(
        request,
        archive_destruction_id,
        lambda r: destruction.reject_destruction(
            actor=request.user, record=r, reason=request.POST.get("reason", "")
        ),
        "已驳回",
    )


@require_POST
@login_required
def destruction_execute(request: HttpRequest, archive_destruction_id: int) -> HttpResponse:
    post = request.POST
    return _destruction_action(
        request,
        archive_destruction_id,
        lambda r: destruction.execute_destruction(
            actor=request.user,
            record=r,
            destroyed_on=post.get("destroyed_on", ""),
            method=post.get("method", ""),
            witnesses=post.get("witnesses", ""),
        ),
        "已销毁，材料保留销毁登记",
    )
