"""Screens of archives under /archives/: the month's filings board, a filing with its expected
and filed materials, the files (卷宗) and a file's items. Borrowing and destruction screens
are in ``views_borrowing.py``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from hragency.archives import retention, services
from hragency.archives.models import ArchiveItem, MonthlyFiling
from hragency.archives.queries import file_for, files_for, filing_for, filings_for, items_for
from hragency.clients.views import submit

PAGE_SIZE = 50


def _require(request: HttpRequest, permission: str, message: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied(message)


def last_month(today: dt.date) -> dt.date:
    first = today.replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def _month(request: HttpRequest) -> dt.date:
    raw = request.GET.get("month", "")
    if raw:
        try:
            return retention.parse_month(raw)
        except ValueError as exc:
            messages.error(request, str(exc))
    return last_month(timezone.localdate())


@login_required
def board(request: HttpRequest) -> HttpResponse:
    _require(request, "archives.view_archivefile", "无权查看档案")
    month = _month(request)
    today = timezone.localdate()
    qs = filings_for(request.user).filter(month=month).order_by("status", "client__name")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page)
    missing = services.missing_materials([f.client_id for f in rows], month)
    return render(
        request,
        "archives/board.html",
        {
            "page": page,
            "rows": [(f, len(missing.get(f.client_id, []))) for f in rows],
            "month": month,
            "month_text": f"{month:%Y-%m}",
            "today": today,
            "due_on": retention.filing_due(month),
            "may_manage": request.user.has_perm(services.MANAGE),
        },
    )


@require_POST
@login_required
def open_month_view(request: HttpRequest) -> HttpResponse:
    _require(request, services.MANAGE, "无权管理档案")
    try:
        month = retention.parse_month(request.POST.get("month", ""))
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("archives:board")
    result = services.open_month(month=month, actor=request.user)
    messages.success(
        request,
        f"已开启 {month:%Y-%m} 归档 {result.created} 户（已有 {result.existing} 户，"
        f"无客服负责人 {result.no_owner} 户）",
    )
    return redirect(f"{reverse('archives:board')}?month={month:%Y-%m}")


@login_required
def filing_detail(request: HttpRequest, archive_filing_id: int) -> HttpResponse:
    _require(request, "archives.view_archivefile", "无权查看档案")
    filing = filing_for(request.user, archive_filing_id)
    return _render_filing(request, filing)


def _render_filing(
    request: HttpRequest, filing: MonthlyFiling, errors: dict[str, str] | None = None
) -> HttpResponse:
    expected = services.expected_materials([filing.client_id], filing.month)[filing.client_id]
    missing = services.missing_materials([filing.client_id], filing.month)[filing.client_id]
    missing_refs = {(e.source_type, e.source_ref) for e in missing}
    items = items_for(request.user).filter(client_id=filing.client_id, month=filing.month)
    return render(
        request,
        "archives/filing.html",
        {
            "filing": filing,
            "expected": [(e, (e.source_type, e.source_ref) in missing_refs) for e in expected],
            "missing": missing,
            "items": items,
            "kinds": ArchiveItem.Kind.choices,
            "today": timezone.localdate(),
            "may_manage": request.user.has_perm(services.MANAGE)
            and filing.status == MonthlyFiling.Status.OPEN,
            "errors": errors or {},
            "values": request.POST if errors else {},
        },
        status=400 if errors else 200,
    )


def _filing_action(
    request: HttpRequest, archive_filing_id: int, action: Any, success: Any
) -> HttpResponse:
    _require(request, services.MANAGE, "无权管理档案")
    filing = filing_for(request.user, archive_filing_id)
    url = reverse("archives:filing", args=[filing.pk])
    errors, response = submit(request, lambda: action(filing), success=success, done_url=url)
    return response if response is not None else _render_filing(request, filing, errors)


@require_POST
@login_required
def filing_materials(request: HttpRequest, archive_filing_id: int) -> HttpResponse:
    post = request.POST
    return _filing_action(
        request,
        archive_filing_id,
        lambda f: services.file_month_materials(
            actor=request.user,
            client=f.client,
            month=f.month,
            box=post.get("box", ""),
            location=post.get("location", ""),
        ),
        lambda items: f"已归档 {len(items)} 件材料" if items else "没有待归档的单据",
    )


@require_POST
@login_required
def filing_item(request: HttpRequest, archive_filing_id: int) -> HttpResponse:
    post = request.POST
    return _filing_action(
        request,
        archive_filing_id,
        lambda f: services.file_item(
            actor=request.user,
            client=f.client,
            kind=post.get("kind", ""),
            title=post.get("title", ""),
            month=f.month,
            pages=post.get("pages", "1"),
            box=post.get("box", ""),
            location=post.get("location", ""),
            description=post.get("description", ""),
        ),
        "材料已归档",
    )


@require_POST
@login_required
def filing_close(request: HttpRequest, archive_filing_id: int) -> HttpResponse:
    return _filing_action(
        request,
        archive_filing_id,
        lambda f: services.close_filing(actor=request.user, filing=f),
        lambda f: f"{f.month:%Y-%m} 已归档",
    )


@login_required
def file_list(request: HttpRequest) -> HttpResponse:
    _require(request, "archives.view_archivefile", "无权查看档案")
    qs = files_for(request.user).order_by("client__name", "pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "archives/files.html", {"page": page})


@login_required
def file_detail(request: HttpRequest, archive_file_id: int) -> HttpResponse:
    _require(request, "archives.view_archivefile", "无权查看档案")
    archive = file_for(request.user, archive_file_id)
    qs = items_for(request.user).filter(archive=archive).order_by("kind", "month", "pk")
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "archives/file.html",
        {
            "archive": archive,
            "page": page,
            "today": timezone.localdate(),
            "may_borrow": request.user.has_perm("archives.view_archivefile"),
            "may_manage": request.user.has_perm(services.MANAGE),
        },
    )
