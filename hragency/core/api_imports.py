"""REST API of the import pipeline, mounted at /api/imports."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from hragency.core.errors import ServiceError
from hragency.core.imports import MAX_BYTES, importer_class, pipeline
from hragency.core.imports.workbooks import XLSX_TYPE, template_workbook
from hragency.core.models import ImportBatch

router = Router(tags=["批量导入"])


class MessageOut(Schema):
    row: int
    column: str
    reason: str


class BatchOut(Schema):
    id: int
    kind: str
    client_id: int | None
    original_name: str
    mode: str
    status: str
    status_label: str
    total_rows: int
    processed_rows: int
    progress_percent: int
    error_count: int
    warning_count: int
    message: str
    errors: list[MessageOut]
    warnings: list[MessageOut]
    preview: dict[str, Any]
    result: dict[str, Any]
    has_error_report: bool


def _out(batch: ImportBatch) -> dict[str, Any]:
    return {
        "id": batch.pk,
        "kind": batch.kind,
        "client_id": batch.client_id,
        "original_name": batch.original_name,
        "mode": batch.options.get("mode", ""),
        "status": batch.status,
        "status_label": batch.get_status_display(),
        "total_rows": batch.total_rows,
        "processed_rows": batch.processed_rows,
        "progress_percent": batch.progress_percent,
        "error_count": batch.error_count,
        "warning_count": batch.warning_count,
        "message": batch.message,
        "errors": batch.errors[:100],
        "warnings": batch.warnings[:100],
        "preview": batch.preview,
        "result": batch.result,
        "has_error_report": bool(batch.report),
    }


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


@router.get("/template/{kind}", response={200: None}, summary="下载导入模板（.xlsx）")
def template(request: HttpRequest, kind: str) -> HttpResponse:
    cls = importer_class(kind)
    if not cls.may_import(request.user):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(f"无权导入{cls.label}")
    return _xlsx(template_workbook(cls), f"{cls.label}导入模板.xlsx")


@router.get("/{int:batch_id}", response=BatchOut, summary="批次状态、进度、预览与前 100 条错误")
def detail(request: HttpRequest, batch_id: int) -> dict[str, Any]:
    return _out(pipeline.batch_for(request.user, batch_id))


@router.post("/{int:batch_id}/commit", response=BatchOut, summary="确认导入（全部成功或全部回滚）")
def commit(request: HttpRequest, batch_id: int) -> dict[str, Any]:
    batch = pipeline.batch_for(request.user, batch_id)
    pipeline.request_commit(batch=batch, actor=request.user)
    batch.refresh_from_db()
    return _out(batch)


@router.post("/{int:batch_id}/discard", response=BatchOut, summary="放弃批次")
def discard(request: HttpRequest, batch_id: int) -> dict[str, Any]:
    batch = pipeline.batch_for(request.user, batch_id)
    return _out(pipeline.discard_batch(batch=batch, actor=request.user))


@router.get("/{int:batch_id}/errors", response={200: None}, summary="下载错误报告（.xlsx）")
def errors(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = pipeline.batch_for(request.user, batch_id)
    content = pipeline.error_report_of(batch)
    if content is None:
        from django.http import Http404

        raise Http404("该批次没有错误报告")
    return _xlsx(content, f"{batch.original_name.rsplit('.', 1)[0]}-错误报告.xlsx")


@router.post("/{kind}", response={201: BatchOut}, summary="上传文件并开始校验")
def upload(
    request: HttpRequest,
    kind: str,
    file: File[UploadedFile],
    client_id: Form[int | None] = None,
    mode: Form[str | None] = None,
) -> Status:
    if file.size and file.size > MAX_BYTES:
        raise ServiceError(f"文件超过 {MAX_BYTES // (1024 * 1024)} MB，请拆分后分别导入")
    batch = pipeline.start_import(
        kind=kind,
        actor=request.user,
        data=file.read(),
        filename=file.name or "",
        client_id=client_id,
        mode=mode,
    )
    batch.refresh_from_db()
    return Status(201, _out(batch))
