"""Screens of claims under /claims/: the list (staff and the client's HR), the report form,
a claim with its six-step progress, documents per step and the specialist's actions."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from hragency.claims import services
from hragency.claims import workflow as wf
from hragency.claims.exports import claims_workbook
from hragency.claims.models import Claim, ClaimStep
from hragency.claims.queries import (
    claim_for,
    claims_for,
    client_choices,
    document_for,
    documents_of,
    filter_claims,
    open_deadlines_by_claim,
    reportable_people,
    steps_of,
)
from hragency.clients.views import submit

PAGE_SIZE = 50
PEOPLE_LIMIT = 500


def _require(request: HttpRequest, *perms: str) -> None:
    if not any(request.user.has_perm(p) for p in perms):
        raise PermissionDenied("无权访问出险理赔")


@login_required
def claim_list(request: HttpRequest) -> HttpResponse:
    _require(request, "claims.view_claim")
    qs = filter_claims(claims_for(request.user), request.GET)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    clocks = open_deadlines_by_claim(rows)
    keep = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "claims/list.html",
        {
            "page": page,
            "rows": [(c, clocks.get(c.pk)) for c in rows],
            "filters": keep,
            "query": urlencode(keep),
            "kinds": Claim.Kind.choices,
            "steps": wf.STEPS,
            "statuses": Claim.Status.choices,
            "clients": client_choices(request.user) if request.user.kind == "staff" else [],
            "now": timezone.now(),
            "may_report": request.user.has_perm("claims.add_claim")
            or request.user.has_perm("claims.handle_claim"),
        },
    )


@login_required
def claim_export(request: HttpRequest) -> HttpResponse:
    _require(request, "claims.view_claim")
    qs = filter_claims(claims_for(request.user), request.GET)
    content = claims_workbook(list(qs[:20000]))
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"出险理赔清单_{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    return response


def _render_new(
    request: HttpRequest, errors: dict[str, str] | None = None, status: int = 200
) -> HttpResponse:
    people = list(reportable_people(request.user)[:PEOPLE_LIMIT])
    return render(
        request,
        "claims/new.html",
        {
            "people": people,
            "kinds": Claim.Kind.choices,
            "errors": errors or {},
            "values": request.POST if errors else request.GET,
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
def claim_new(request: HttpRequest) -> HttpResponse:
    _require(request, "claims.add_claim", "claims.handle_claim")
    if request.method != "POST":
        return _render_new(request)
    person_id = str(request.POST.get("person") or "")
    person = (
        reportable_people(request.user).filter(pk=int(person_id)).first()
        if person_id.isdigit()
        else None
    )
    if person is None:
        return _render_new(request, {"person": "请选择出险人员"}, status=400)
    errors, response = submit(
        request,
        lambda: services.report_claim(
            actor=request.user,
            person=person,
            kind=request.POST.get("kind", ""),
            incident_date=request.POST.get("incident_date", ""),
            description=request.POST.get("description", ""),
            hospital=request.POST.get("hospital", ""),
        ),
        success=lambda c: f"已报案，理赔编号 {c.number}",
        done_url=lambda c: reverse("claims:detail", args=[c.pk]),
        refused_url=reverse("claims:new"),
    )
    return response if response is not None else _render_new(request, errors, status=400)


def _render_detail(
    request: HttpRequest, claim: Claim, errors: dict[str, str] | None = None, form: str = ""
) -> HttpResponse:
    user = request.user
    steps = steps_of(claim)
    documents = list(documents_of(user, claim))
    by_step: dict[str, list[Any]] = {code: [] for code, _ in wf.STEPS}
    for d in documents:
        by_step.setdefault(d.step, []).append(d)
    is_open = claim.status == Claim.Status.OPEN
    may_handle = is_open and user.has_perm("claims.handle_claim")
    may_upload = is_open and (
        user.has_perm("claims.add_claim") or user.has_perm("claims.handle_claim")
    )
    rows = []
    for step in steps:
        have = {d.kind for d in by_step.get(step.code, [])}
        required = [
            (k, wf.DOCUMENT_LABELS[k], k in have)
            for k in wf.required_documents(claim.kind, step.code)
        ]
        rows.append(
            {
                "step": step,
                "label": wf.STEP_LABELS[step.code],
                "applicability": wf.applicability(claim.kind, step.code),
                "required": required,
                "documents": by_step.get(step.code, []),
                "current": step.code == claim.current_step and is_open,
            }
        )
    context = {
        "claim": claim,
        "rows": rows,
        "done_count": sum(1 for s in steps if s.status != ClaimStep.Status.PENDING),
        "may_handle": may_handle,
        "may_upload": may_upload,
        "may_withdraw": is_open
        and (user.has_perm("claims.add_claim") or user.has_perm("claims.handle_claim")),
        "document_kinds": wf.DOCUMENT_KINDS,
        "errors": errors or {},
        "form": form,
        "values": request.POST if errors else {},
        "now": timezone.now(),
        "is_staff_user": user.kind == "staff",
    }
    return render(request, "claims/detail.html", context, status=400 if errors else 200)


@login_required
def claim_detail(request: HttpRequest, claim_id: int) -> HttpResponse:
    _require(request, "claims.view_claim")
    return _render_detail(request, claim_for(request.user, claim_id))


def _act(request: HttpRequest, claim_id: int, form: str, action: Any, success: str) -> HttpResponse:
    _require(request, "claims.handle_claim", "claims.add_claim")
    claim = claim_for(request.user, claim_id)
    url = reverse("claims:detail", args=[claim.pk])
    errors, response = submit(request, lambda: action(claim), success=success, done_url=url)
    return response if response is not None else _render_detail(request, claim, errors, form)


@require_POST
@login_required
def document_upload(request: HttpRequest, claim_id: int) -> HttpResponse:
    return _act(
        request,
        claim_id,
        "upload",
        lambda c: services.add_document(
            actor=request.user,
            claim=c,
            step=request.POST.get("step", ""),
            kind=request.POST.get("kind", ""),
            file=request.FILES.get("file"),
        ),
        "材料已上传",
    )


@login_required
def document_download(request: HttpRequest, claim_id: int, claim_document_id: int) -> HttpResponse:
    _require(request, "claims.view_claim")
    document = document_for(request.user, claim_id, claim_document_id)
    try:
        with document.file.open("rb") as handle:
            content = handle.read()
    except (FileNotFoundError, ValueError):
        raise Http404("文件不存在") from None
    services.record_download(actor=request.user, document=document)
    response = HttpResponse(content, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(True, document.original_name) or ""
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def step_complete(request: HttpRequest, claim_id: int, claim_step: str) -> HttpResponse:
    post = request.POST
    return _act(
        request,
        claim_id,
        f"complete-{claim_step}",
        lambda c: services.complete_step(
            actor=request.user,
            claim=c,
            step=claim_step,
            note=post.get("note", ""),
            amount=post.get("amount") or None,
        ),
        f"已完成「{wf.STEP_LABELS.get(claim_step, '')}」",
    )


@require_POST
@login_required
def step_skip(request: HttpRequest, claim_id: int, claim_step: str) -> HttpResponse:
    return _act(
        request,
        claim_id,
        f"skip-{claim_step}",
        lambda c: services.skip_step(
            actor=request.user, claim=c, step=claim_step, reason=request.POST.get("reason", "")
        ),
        f"已跳过「{wf.STEP_LABELS.get(claim_step, '')}」",
    )


@require_POST
@login_required
def claim_approve(request: HttpRequest, claim_id: int) -> HttpResponse:
    return _act(
        request,
        claim_id,
        "approve",
        lambda c: services.record_approval(
            actor=request.user, claim=c, amount=request.POST.get("amount", "")
        ),
        "已登记核定金额",
    )


@require_POST
@login_required
def claim_pay(request: HttpRequest, claim_id: int) -> HttpResponse:
    return _act(
        request,
        claim_id,
        "pay",
        lambda c: services.record_payment(
            actor=request.user, claim=c, amount=request.POST.get("amount", "")
        ),
        "已登记支付",
    )


@require_POST
@login_required
def claim_close(request: HttpRequest, claim_id: int) -> HttpResponse:
    return _act(
        request,
        claim_id,
        "close",
        lambda c: services.close_claim(
            actor=request.user, claim=c, outcome=request.POST.get("outcome", "")
        ),
        "已结案",
    )


@require_POST
@login_required
def claim_withdraw(request: HttpRequest, claim_id: int) -> HttpResponse:
    return _act(
        request,
        claim_id,
        "withdraw",
        lambda c: services.withdraw_claim(
            actor=request.user, claim=c, reason=request.POST.get("reason", "")
        ),
        "已撤销",
    )
