"""Screens of the import pipeline: my batches, upload, the batch page (progress, preview,
errors, confirm/discard), the error report and the templates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hragency.core.errors import ServiceError
from hragency.core.imports import MAX_BYTES, MAX_ROWS, importer_class, pipeline
from hragency.core.imports.base import importable_kinds
from hragency.core.imports.workbooks import XLSX_TYPE, template_workbook


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(pipeline.batches_for(request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "core/imports/list.html",
        {"page": page, "kinds": importable_kinds(request.user)},
    )


@login_required
def batch_new(request: HttpRequest, kind: str) -> HttpResponse:
    cls = importer_class(kind)
    if not cls.may_import(request.user):
        raise PermissionDenied(f"无权导入{cls.label}")
    user = request.user
    clients = pipeline.clients_for_import(user) if cls.needs_client else None
    fixed_client = getattr(user, "kind", "") == "client_hr"
    error = ""
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        client_id = request.POST.get("client_id", "")
        try:
            if upload is None:
                raise ServiceError("请选择要上传的文件")
            if upload.size and upload.size > MAX_BYTES:
                raise ServiceError(f"文件超过 {MAX_BYTES // (1024 * 1024)} MB，请拆分后分别导入")
            batch = pipeline.start_import(
                kind=kind,
                actor=user,
                data=upload.read(),
                filename=upload.name or "",
                client_id=int(client_id) if client_id.isdigit() else None,
                mode=request.POST.get("mode") or None,
            )
        except ServiceError as exc:
            error = str(exc)
            status = 400
        else:
            return redirect("core:import_detail", batch_id=batch.pk)
    return render(
        request,
        "core/imports/new.html",
        {
            "importer": cls,
            "clients": clients,
            "fixed_client": fixed_client,
            "error": error,
            "max_mb": MAX_BYTES // (1024 * 1024),
            "max_rows": MAX_ROWS,
            "selected_client": request.POST.get("client_id", ""),
        },
        status=status,
    )


@login_required
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = pipeline.batch_for(request.user, batch_id)
    errors = Paginator(batch.errors, 50).get_page(request.GET.get("page"))
    context = {
        "batch": batch,
        "importer": importer_class(batch.kind),
        "errors": errors,
        "may_act": batch.created_by_id == request.user.pk or request.user.is_administrator,
    }
    if getattr(request, "htmx", False):
        return render(request, "core/imports/detail.html#body", context)
    return render(request, "core/imports/detail.html", context)


@login_required
@require_POST
def batch_commit(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = pipeline.batch_for(request.user, batch_id)
    try:
        pipeline.request_commit(batch=batch, actor=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("core:import_detail", batch_id=batch.pk)


@login_required
@require_POST
def batch_discard(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = pipeline.batch_for(request.user, batch_id)
    try:
        pipeline.discard_batch(batch=batch, actor=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.info(request, "已放弃该批次，上传的文件已删除")
    return redirect("core:import_detail", batch_id=batch.pk)


@login_required
def batch_errors(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = pipeline.batch_for(request.user, batch_id)
    content = pipeline.error_report_of(batch)
    if content is None:
        raise Http404("该批次没有错误报告")
    stem = batch.original_name.rsplit(".", 1)[0]
    return _xlsx(content, f"{stem}-错误报告.xlsx")


@login_required
def template(request: HttpRequest, kind: str) -> HttpResponse:
    cls = importer_class(kind)
    if not cls.may_import(request.user):
        raise PermissionDenied(f"无权导入{cls.label}")
    return _xlsx(template_workbook(cls), f"{cls.label}导入模板.xlsx")
