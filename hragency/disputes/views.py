"""Screens of labour disputes under /disputes/: the case list with filters, a case with its
hearings, documents and notes and the handling forms, the statistics, and the client HR's
consultation form (client HR see their own company's cases read-only)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from hragency.accounts.queries import role_holders
from hragency.accounts.roles import Role
from hragency.clients.models import Client
from hragency.clients.views import submit
from hragency.core import values as v
from hragency.core.errors import FieldError, InvalidFields
from hragency.core.models import Deadline
from hragency.core.scoping import scope_queryset
from hragency.disputes import documents, hearings, services
from hragency.disputes.models import CaseDocument, CaseHearing, DisputeCase
from hragency.disputes.queries import (
    case_for,
    cases_for,
    document_for,
    documents_of,
    filter_cases,
    hearings_of,
    notes_of,
    statistics,
)
from hragency.employees.models import InsuredPerson

PAGE_SIZE = 50


def _require(request: HttpRequest, permission: str, message: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied(message)


def _is_client(request: HttpRequest) -> bool:
    return getattr(request.user, "kind", "") == "client_hr"


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    _require(request, "disputes.view_disputecase", "无权查看劳动争议")
    qs = filter_cases(cases_for(request.user), request.GET)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    keep = {k: v for k, v in request.GET.items() if k != "page" and v}
    clients = (
        scope_queryset(Client.objects.all(), request.user).order_by("name").only("pk", "name")
        if not _is_client(request)
        else Client.objects.none()
    )
    return render(
        request,
        "disputes/list.html",
        {
            "page": page,
            "filters": keep,
            "query": urlencode(keep),
            "stages": DisputeCase.Stage.choices,
            "categories": DisputeCase.Category.choices,
            "clients": clients[:500],
            "today": timezone.localdate(),
            "is_client": _is_client(request),
            "may_handle": request.user.has_perm("disputes.handle_dispute"),
        },
    )


def _person(client: Client, raw: Any, user: Any) -> InsuredPerson | None:
    text = str(raw or "").strip()
    if not text.isdigit():
        return None
    from hragency.employees.queries import people_for

    return people_for(user).filter(client=client, pk=int(text)).first()


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    _require(request, "disputes.handle_dispute", "无权登记劳动争议")
    clients = scope_queryset(Client.objects.all(), request.user).order_by("name")
    errors: dict[str, str] = {}
    if request.method == "POST":
        post = request.POST
        client = (
            clients.filter(pk=int(post["client"])).first()
            if post.get("client", "").isdigit()
            else None
        )
        if client is None:
            errors = {"client": "请选择客户"}
        else:
            errors, response = submit(
                request,
                lambda: services.open_case(
                    actor=request.user,
                    client=client,
                    person=_person(client, post.get("person"), request.user),
                    claimant=post.get("claimant", ""),
                    category=post.get("category", ""),
                    title=post.get("title", ""),
                    description=post.get("description", ""),
                    demands=post.get("demands", ""),
                    known_on=post.get("known_on", ""),
                    unpaid_wages_ongoing=post.get("unpaid_wages_ongoing") == "on",
                    employment_ended_on=post.get("employment_ended_on", ""),
                    stage=post.get("stage") or DisputeCase.Stage.CONSULTATION,
                ),
                success=lambda c: f"已登记劳动争议 {c.number}",
                done_url=lambda c: reverse("disputes:detail", args=[c.pk]),
                refused_url=reverse("disputes:new"),
            )
            if response is not None:
                return response
    return render(
        request,
        "disputes/new.html",
        {
            "clients": clients[:500],
            "categories": DisputeCase.Category.choices,
            "errors": errors,
            "values": request.POST if errors else {},
        },
        status=400 if errors else 200,
    )


@login_required
def consult(request: HttpRequest) -> HttpResponse:
    """The client HR's consultation form (portal)."""
    if not _is_client(request) or not request.user.has_perm("disputes.view_disputecase"):
        raise PermissionDenied("仅客户人事可提交劳动争议咨询")
    errors: dict[str, str] = {}
    if request.method == "POST":
        post = request.POST
        client = request.user.client  # type: ignore[union-attr]
        errors, response = submit(
            request,
            lambda: services.submit_consultation(
                actor=request.user,
                category=post.get("category", ""),
                title=post.get("title", ""),
                description=post.get("description", ""),
                person=_person(client, post.get("person"), request.user),
            ),
            success=lambda c: f"咨询已提交（{c.number}），劳动关系专员会尽快与您联系",
            done_url=lambda c: reverse("disputes:detail", args=[c.pk]),
            refused_url=reverse("disputes:consult"),
        )
        if response is not None:
            return response
    return render(
        request,
        "disputes/consult.html",
        {
            "categories": DisputeCase.Category.choices,
            "errors": errors,
            "values": request.POST if errors else {},
        },
        status=400 if errors else 200,
    )


@login_required
def case_detail(request: HttpRequest, dispute_id: int) -> HttpResponse:
    _require(request, "disputes.view_disputecase", "无权查看劳动争议")
    return _render_detail(request, case_for(request.user, dispute_id))


def _render_detail(
    request: HttpRequest, case: DisputeCase, errors: dict[str, str] | None = None, form: str = ""
) -> HttpResponse:
    staff = getattr(request.user, "kind", "") == "staff"
    may_handle = staff and request.user.has_perm("disputes.handle_dispute") and case.is_open
    deadlines = (
        Deadline.objects.filter(
            subject_type=DisputeCase._meta.label_lower, subject_id=str(case.pk)
        ).order_by("due_at")
        if staff
        else Deadline.objects.none()
    )
    later = [
        (code, label)
        for code, label in DisputeCase.Stage.choices
        if code != DisputeCase.Stage.CLOSED
        and services.STAGE_ORDER.index(code) > services.STAGE_ORDER.index(case.stage)
    ]
    context = {
        "case": case,
        "staff": staff,
        "hearings": hearings_of(case),
        "documents": documents_of(case),
        "notes": notes_of(request.user, case),
        "deadlines": deadlines,
        "may_handle": may_handle,
        "later_stages": later,
        "legal_users": role_holders(Role.LEGAL) if may_handle else [],
        "hearing_kinds": CaseHearing.Kind.choices,
        "document_kinds": CaseDocument.Kind.choices,
        "outcomes": DisputeCase.Outcome.choices,
        "errors": errors or {},
        "form": form,
        "values": request.POST if errors else {},
        "today": timezone.localdate(),
    }
    return render(request, "disputes/detail.html", context, status=400 if errors else 200)


def _act(
    request: HttpRequest, dispute_id: int, form: str, action: Any, success: str
) -> HttpResponse:
    _require(request, "disputes.handle_dispute", "无权处理劳动争议")
    case = case_for(request.user, dispute_id)
    url = reverse("disputes:detail", args=[case.pk])
    errors, response = submit(request, lambda: action(case), success=success, done_url=url)
    return response if response is not None else _render_detail(request, case, errors, form)


def _datetime(raw: str) -> dt.datetime:
    text = (raw or "").strip().replace("T", " ")
    if not text:
        raise InvalidFields([FieldError("at", "开庭时间", "必填")])
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidFields([FieldError("at", "开庭时间", "格式应为 2026-12-14 09:30")]) from None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


@require_POST
@login_required
def case_stage(request: HttpRequest, dispute_id: int) -> HttpResponse:
    post = request.POST
    return _act(
        request,
        dispute_id,
        "stage",
        lambda c: services.change_stage(
            actor=request.user, case=c, stage=post.get("stage", ""), note=post.get("note", "")
        ),
        "阶段已更新",
    )


@require_POST
@login_required
def case_legal(request: HttpRequest, dispute_id: int) -> HttpResponse:
    from hragency.accounts.models import User

    raw = request.POST.get("legal", "")
    legal = User.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    return _act(
        request,
        dispute_id,
        "legal",
        lambda c: services.assign_legal(actor=request.user, case=c, legal=legal),
        "已指派法务",
    )


@require_POST
@login_required
def case_hearing(request: HttpRequest, dispute_id: int) -> HttpResponse:
    post = request.POST
    return _act(
        request,
        dispute_id,
        "hearing",
        lambda c: hearings.add_hearing(
            actor=request.user,
            case=c,
            kind=post.get("kind", ""),
            at=_datetime(post.get("at", "")),
            place=post.get("place", ""),
            note=post.get("note", ""),
        ),
        "已登记开庭/调解安排，准备时限已开启",
    )


@require_POST
@login_required
def hearing_ready(request: HttpRequest, dispute_id: int, dispute_hearing_id: int) -> HttpResponse:
    _require(request, "disputes.handle_dispute", "无权处理劳动争议")
    case = case_for(request.user, dispute_id)
    hearing = get_object_or_404(case.hearings, pk=dispute_hearing_id)
    url = reverse("disputes:detail", args=[case.pk])
    _errors, response = submit(
        request,
        lambda: hearings.confirm_hearing_ready(actor=request.user, hearing=hearing),
        success="已确认准备完毕",
        done_url=url,
    )
    return response or redirect(url)


@require_POST
@login_required
def case_outcome(request: HttpRequest, dispute_id: int) -> HttpResponse:
    post = request.POST
    return _act(
        request,
        dispute_id,
        "outcome",
        lambda c: services.record_outcome(
            actor=request.user,
            case=c,
            outcome=post.get("outcome", ""),
            amount_awarded=post.get("amount_awarded", ""),
            amount_paid=post.get("amount_paid", ""),
            cost_to_client=post.get("cost_to_client", ""),
            lessons=post.get("lessons", ""),
        ),
        "已结案",
    )


@require_POST
@login_required
def case_note(request: HttpRequest, dispute_id: int) -> HttpResponse:
    post = request.POST
    return _act(
        request,
        dispute_id,
        "note",
        lambda c: documents.add_note(
            actor=request.user,
            case=c,
            text=post.get("text", ""),
            visible_to_client=post.get("visible_to_client") == "on",
        ),
        "已记录",
    )


@require_POST
@login_required
def document_upload(request: HttpRequest, dispute_id: int) -> HttpResponse:
    return _act(
        request,
        dispute_id,
        "document",
        lambda c: documents.add_document(
            actor=request.user,
            case=c,
            kind=request.POST.get("kind", ""),
            file=request.FILES.get("file"),
        ),
        "材料已上传",
    )


@login_required
def document_download(
    request: HttpRequest, dispute_id: int, dispute_document_id: int
) -> HttpResponse:
    _require(request, "disputes.view_disputecase", "无权查看劳动争议")
    document = document_for(request.user, dispute_id, dispute_document_id)
    try:
        with document.file.open("rb") as handle:
            content = handle.read()
    except (FileNotFoundError, ValueError):
        raise Http404("文件不存在") from None
    documents.record_download(actor=request.user, document=document)
    response = HttpResponse(content, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(True, document.original_name) or ""
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def stats(request: HttpRequest) -> HttpResponse:
    _require(request, "disputes.view_disputecase", "无权查看劳动争议")
    today = timezone.localdate()
    errors: dict[str, str] = {}
    start, end = dt.date(today.year, 1, 1), today
    for key, label in (("start", "开始日期"), ("end", "结束日期")):
        raw = request.GET.get(key, "")
        if raw:
            try:
                parsed = v.date(raw)
            except v.InvalidValue as exc:
                errors[key] = f"{label}：{exc}"
                continue
            if key == "start":
                start = parsed
            else:
                end = parsed
    if start > end:
        errors["end"] = "结束日期不能早于开始日期"
        start, end = end, start
    if errors:
        messages.error(request, "；".join(errors.values()))
    return render(request, "disputes/stats.html", {"stats": statistics(request.user, start, end)})
