"""/insurance/declarations/: 申报 and its receipts (R-SI-4); the client sees status and proof."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from hragency.clients.queries import clients_for
from hragency.clients.views import submit
from hragency.core.errors import ServiceError
from hragency.domain.insurance import PolicyError, parse_period
from hragency.insurance import declarations
from hragency.insurance.models import Declaration
from hragency.insurance.queries import declaration_for, declarations_for

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def declaration_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("insurance.view_enrollment"):
        raise PermissionDenied("无权查看申报记录")
    qs = declarations_for(request.user)
    status = request.GET.get("status", "")
    if status in Declaration.Status.values:
        qs = qs.filter(status=status)
    month = request.GET.get("month", "")
    if month:
        try:
            qs = qs.filter(month=parse_period(month).first_day)
        except PolicyError as exc:
            messages.error(request, str(exc))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    may_handle = request.user.has_perm("insurance.handle_order")
    return render(
        request,
        "declarations/list.html",
        {
            "page": page,
            "status": status,
            "month": month,
            "statuses": Declaration.Status.choices,
            "may_handle": may_handle,
            "clients": clients_for(request.user).order_by("name") if may_handle else [],
        },
    )


@require_POST
@login_required
def declaration_prepare(request: HttpRequest) -> HttpResponse:
    client = get_object_or_404(clients_for(request.user), pk=request.POST.get("client") or 0)
    back = reverse("declarations:list")
    try:
        month = parse_period(request.POST.get("month", ""))
    except PolicyError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    _, response = submit(
        request,
        lambda: declarations.prepare_declarations(actor=request.user, client=client, month=month),
        success=lambda rows: f"已生成 {len(rows)} 份申报（{client.name}，{month}）",
        done_url=f"{back}?month={month}",
    )
    assert response is not None
    return response


@login_required
def declaration_detail(request: HttpRequest, declaration_id: int) -> HttpResponse:
    declaration = declaration_for(request.user, declaration_id)
    return render(
        request,
        "declarations/detail.html",
        {
            "declaration": declaration,
            "may_handle": request.user.has_perm("insurance.handle_order"),
            "errors": {},
        },
    )


@login_required
def declaration_export(request: HttpRequest, declaration_id: int) -> HttpResponse:
    declaration = declaration_for(request.user, declaration_id)
    try:
        name, content = declarations.export_declaration(actor=request.user, declaration=declaration)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("declarations:detail", declaration.pk)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@require_POST
@login_required
def declaration_declared(request: HttpRequest, declaration_id: int) -> HttpResponse:
    declaration = declaration_for(request.user, declaration_id)
    _, response = submit(
        request,
        lambda: declarations.mark_declared(actor=request.user, declaration=declaration),
        success="已标记为已申报",
        done_url=reverse("declarations:detail", args=[declaration.pk]),
    )
    assert response is not None
    return response


@require_POST
@login_required
def declaration_result(request: HttpRequest, declaration_id: int) -> HttpResponse:
    declaration = declaration_for(request.user, declaration_id)
    succeeded = request.POST.get("outcome") == "succeeded"
    errors, response = submit(
        request,
        lambda: declarations.record_result(
            actor=request.user,
            declaration=declaration,
            succeeded=succeeded,
            receipt_number=request.POST.get("receipt_number", ""),
            receipt_file=request.FILES.get("receipt_file"),
            proof_file=request.FILES.get("proof_file"),
            failure_reason=request.POST.get("failure_reason", ""),
        ),
        success="申报成功，已通知客户" if succeeded else "已记录申报失败，并已登记社保异常",
        done_url=reverse("declarations:detail", args=[declaration.pk]),
    )
    if response is not None:
        return response
    return render(
        request,
        "declarations/detail.html",
        {"declaration": declaration, "may_handle": True, "errors": errors, "values": request.POST},
        status=400,
    )


@login_required
def declaration_file(request: HttpRequest, declaration_id: int, which: str) -> HttpResponse:
    declaration = declaration_for(request.user, declaration_id)
    if which not in ("receipt_file", "proof_file"):
        raise Http404
    stored = getattr(declaration, which)
    if not stored:
        raise Http404
    declarations.record_proof_download(actor=request.user, declaration=declaration, which=which)
    label = "申报回执" if which == "receipt_file" else "缴费凭证"
    extension = stored.name.rsplit(".", 1)[-1]
    with stored.open("rb") as handle:
        # Receipts are small (≤ 10 MB); reading them lets every caller (the sweep too) use
        # .content, as the archive's document download does.
        content = handle.read()
    types = {"pdf": "application/pdf", "png": "image/png"}
    response = HttpResponse(content, content_type=types.get(extension, "image/jpeg"))
    name = f"{label}_{declaration.client.name}_{declaration.month:%Y%m}.{extension}"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
