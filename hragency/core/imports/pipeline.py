"""The one import pipeline: upload → validate (task) → preview → commit (task) → done.

Validation streams the file in chunks; each importer checks a chunk with a bounded number of
queries. The commit re-validates every chunk inside ONE transaction and writes it in bulk, so
data changed since the preview is caught and any error rolls everything back. The batch row
records progress, counts, the first errors and warnings, a preview and the outcome.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from hragency.core import audit
from hragency.core.errors import ServiceError
from hragency.core.imports.base import Importer, RowResult, importer_class
from hragency.core.imports.reading import (
    MAX_BYTES,
    MAX_ROWS,
    SUFFIXES,
    ImportRejected,
    RowError,
    iter_table,
    require_columns,
)
from hragency.core.imports.workbooks import error_report
from hragency.core.models import ImportBatch
from hragency.core.scoping import scope_for, scope_queryset

log = logging.getLogger(__name__)

KEPT_MESSAGES = 500  # errors and warnings stored on the batch for the screen
PREVIEW_ROWS = 20
Status = ImportBatch.Status


# --- reads -------------------------------------------------------------------------------------
def batches_for(user: Any) -> QuerySet[ImportBatch]:
    """Batches the user may see: administrators all; anyone else the batches they uploaded,
    and only for clients still in their scope."""
    qs = ImportBatch.objects.select_related("client", "created_by")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_administrator:
        return qs
    scope = scope_for(user)
    mine = qs.filter(created_by=user)
    if scope.all_clients:
        return mine
    return mine.filter(Q(client__isnull=True) | Q(client_id__in=scope.client_ids))


def batch_for(user: Any, batch_id: int) -> ImportBatch:
    return get_object_or_404(batches_for(user), pk=batch_id)


def importer_for(batch: ImportBatch, *, actor: Any = None) -> Importer:
    cls = importer_class(batch.kind)
    return cls(
        actor=actor or batch.created_by,
        client=batch.client,
        options=batch.options,
        batch_id=batch.pk,
    )


def clients_for_import(user: Any) -> QuerySet[Any]:
    client_model = apps.get_model("clients", "Client")
    return scope_queryset(client_model.objects.all(), user).order_by("number")


# --- upload ------------------------------------------------------------------------------------
@transaction.atomic
def start_import(
    *,
    kind: str,
    actor: Any,
    data: bytes,
    filename: str,
    client_id: int | None = None,
    mode: str | None = None,
    run: bool = True,
) -> ImportBatch:
    """Store the upload and queue its validation (``run=False``: the caller validates, as the
    CLI does). Refuses at once what can be refused without reading rows."""
    cls = importer_class(kind)
    if not cls.may_import(actor):
        raise PermissionDenied(f"无权导入{cls.label}")
    filename = (filename or "").strip()
    if not filename.lower().endswith(SUFFIXES):
        raise ServiceError("只支持 .xlsx、.xls 或 .csv 文件")
    if not data:
        raise ServiceError("文件是空的")
    if len(data) > MAX_BYTES:
        raise ServiceError(
            f"文件超过 {MAX_BYTES // (1024 * 1024)} MB，请拆分为多个文件（每个不超过 "
            f"{MAX_ROWS:,} 行）后分别导入"
        )
    mode = _mode(cls, mode)
    if not cls.may_use_mode(actor, mode):
        raise PermissionDenied(f"无权使用“{cls.modes[mode]}”方式导入")
    client = None
    if cls.needs_client:
        if getattr(actor, "kind", "") == "client_hr":
            client_id = client_id or actor.client_id
        if not client_id:
            raise ServiceError("请选择客户")
        client = clients_for_import(actor).filter(pk=client_id).first()
        if client is None:
            raise ServiceError("客户不存在或无权操作")
    importer = cls(actor=actor, client=client, options={"mode": mode})
    importer.check_target()
    batch = ImportBatch(
        kind=kind,
        client=client,
        created_by=actor,
        original_name=filename[-255:],
        options={"mode": mode},
    )
    batch.file.save(filename, ContentFile(data), save=False)
    batch.save()
    audit.record(
        actor=actor,
        action="core.import_upload",
        instance=batch,
        extra={"kind": kind, "file": batch.original_name, "mode": mode},
    )
    if run:
        batch_id = batch.pk
        transaction.on_commit(lambda: _enqueue("validate_import", batch_id))
    return batch


def _mode(cls: type[Importer], mode: str | None) -> str:
    if not mode:
        return next(iter(cls.modes))
    for code, label in cls.modes.items():
        if mode in (code, label):
            return code
    raise ServiceError(f"导入方式应为以下之一：{'、'.join(cls.modes.values())}")


def _enqueue(task: str, batch_id: int) -> None:
    from hragency.core import tasks

    getattr(tasks, task)(batch_id)


# --- scanning (shared by validate and commit) ----------------------------------------------------
@dataclass
class Scan:
    headers: list[str]
    columns: list[str]
    total: int = 0
    error_count: int = 0
    warning_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    preview: list[list[object]] = field(default_factory=list)
    error_rows: list[tuple[int, list[object], list[str]]] = field(default_factory=list)

    def add(self, rows: list[RowResult], importer: Importer) -> None:
        for row in rows:
            self.total += 1
            if row.errors:
                self.error_count += len(row.errors)
                room = KEPT_MESSAGES - len(self.errors)
                if room > 0:
                    self.errors.extend(row.errors[:room])
                self.error_rows.append(
                    (
                        row.row,
                        [row.raw.get(h, "") for h in self.headers],
                        [f"「{e.column}」{e.reason}" for e in row.errors],
                    )
                )
            if row.warnings:
                self.warning_count += len(row.warnings)
                room = KEPT_MESSAGES - len(self.warnings)
                if room > 0:
                    self.warnings.extend(row.warnings[:room])
            if len(self.preview) < PREVIEW_ROWS:
                self.preview.append([row.row, *importer.display(row)])


def _chunks(rows: Iterator[tuple[int, list[object]]], size: int) -> Iterator[list[Any]]:
    while chunk := list(islice(rows, size)):
        yield chunk


@contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """Scanning allocates millions of short-lived, acyclic objects; the cyclic collector's
    passes over them cost about a tenth of the time and free nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def scan(
    batch: ImportBatch,
    importer: Importer,
    *,
    write: bool,
    progress: Callable[[int, int], None] | None = None,
) -> Scan:
    """Validate the stored file chunk by chunk; with ``write`` also write each chunk while no
    error has been found (the caller's transaction makes it all or nothing)."""
    with batch.file.open("rb") as handle:
        data = handle.read()
    table = iter_table(data, batch.original_name)
    del data
    require_columns(table, importer.required_labels())
    headers = table.headers
    result = Scan(headers=headers, columns=[c.label for c in importer.columns])
    estimate = table.estimated_rows
    with _no_gc_pauses():
        for chunk in _chunks(table.rows, importer.chunk_size):
            rows = [
                RowResult(row=n, raw=dict(zip(headers, values, strict=False)))
                for n, values in chunk
            ]
            importer.validate_chunk(rows)
            result.add(rows, importer)
            if write and not result.error_count:
                importer.write_chunk(rows)
            if progress is not None:
                progress(result.total, max(estimate, result.total))
    if not result.total:
        raise ImportRejected([RowError(2, "文件", "文件中没有数据行")])
    return result


def _store_scan(batch: ImportBatch, found: Scan) -> None:
    batch.total_rows = batch.processed_rows = found.total
    batch.error_count = found.error_count
    batch.warning_count = found.warning_count
    batch.errors = [e.as_dict() for e in found.errors]
    batch.warnings = [w.as_dict() for w in found.warnings]
    batch.preview = {"columns": ["行号", *found.columns], "rows": found.preview}
    if found.error_rows:
        report = error_report(found.headers, found.error_rows)
        _replace_report(batch, report)


def _replace_report(batch: ImportBatch, report: bytes | None) -> None:
    if batch.report:
        batch.report.delete(save=False)
    if report is not None:
        batch.report.save("errors.xlsx", ContentFile(report), save=False)


def _reject(batch: ImportBatch, errors: list[RowError], status: str, message: str) -> None:
    batch.status = status
    batch.message = message
    batch.error_count = len(errors)
    batch.errors = [e.as_dict() for e in errors[:KEPT_MESSAGES]]


# --- validate ----------------------------------------------------------------------------------
def validate_batch(batch_id: int) -> ImportBatch:
    """The validation stage (run by a task): counts, first errors and warnings, preview,
    error report. Writes nothing but the batch row and its report file."""
    batch = ImportBatch.objects.select_related("client", "created_by").get(pk=batch_id)
    if batch.status != Status.VALIDATING:
        return batch

    def progress(done: int, total: int) -> None:
        ImportBatch.objects.filter(pk=batch_id).update(processed_rows=done, total_rows=total)

    try:
        importer = importer_for(batch)
        importer.check_target()
        found = scan(batch, importer, write=False, progress=progress)
    except ImportRejected as exc:
        _reject(batch, exc.errors, Status.INVALID, "文件无法导入")
    except ServiceError as exc:
        _reject(batch, [], Status.INVALID, str(exc))
    except Exception:
        log.exception("import batch %s: validation failed", batch_id)
        _reject(batch, [], Status.FAILED, "校验时发生内部错误，请联系管理员")
    else:
        _store_scan(batch, found)
        batch.status = Status.INVALID if found.error_count else Status.VALID
        batch.message = (
            f"发现 {found.error_count} 处错误，请下载错误报告修改后重新上传"
            if found.error_count
            else ""
        )
    batch.validated_at = timezone.now()
    batch.save()
    return batch


# --- commit ------------------------------------------------------------------------------------
class _RolledBack(Exception):
    def __init__(self, found: Scan) -> None:
        super().__init__("rolled back")
        self.found = found


@transaction.atomic
def request_commit(*, batch: ImportBatch, actor: Any, run: bool = True) -> ImportBatch:
    """Confirm a validated batch; the commit task does the writing."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != Status.VALID:
        raise ServiceError(
            f"只有校验通过的批次可以确认导入（当前状态：{batch.get_status_display()}）"
        )
    batch.status = Status.COMMITTING
    batch.processed_rows = 0
    batch.options = {**batch.options, "committed_by": actor.pk}
    batch.save(update_fields=["status", "processed_rows", "options"])
    audit.record(actor=actor, action="core.import_confirm", instance=batch)
    if run:
        batch_id = batch.pk
        transaction.on_commit(lambda: _enqueue("commit_import", batch_id))
    return batch


def commit_batch(batch_id: int) -> ImportBatch:
    """The commit stage (run by a task): re-validate and write every row in one transaction.
    Any error — a row that became invalid since the preview, a refused client, a constraint
    — rolls everything back and the batch says why."""
    batch = ImportBatch.objects.select_related("client", "created_by").get(pk=batch_id)
    if batch.status != Status.COMMITTING:
        return batch
    user_model = apps.get_model("accounts", "User")
    actor = user_model.objects.filter(pk=batch.options.get("committed_by")).first()
    actor = actor or batch.created_by
    try:
        with transaction.atomic():
            importer = importer_for(batch, actor=actor)
            importer.committing = True
            importer.check_target()
            found = scan(batch, importer, write=True)
            if found.error_count:
                raise _RolledBack(found)
            audit.record(
                actor=actor,
                action="core.import_commit",
                instance=batch,
                extra={"kind": batch.kind, "rows": found.total, **importer.counts},
            )
    except _RolledBack as exc:
        _store_scan(batch, exc.found)
        batch.status = Status.FAILED
        batch.message = (
            "数据在预览后发生了变化，导入未执行，已全部回滚。请下载错误报告修改后重新上传"
        )
    except ImportRejected as exc:
        _reject(batch, exc.errors, Status.FAILED, "文件无法导入，已全部回滚")
    except ServiceError as exc:
        _reject(batch, [], Status.FAILED, f"{exc}，导入未执行，已全部回滚")
    except DatabaseError as exc:
        log.warning("import batch %s: database refused the commit: %s", batch_id, exc)
        _reject(batch, [], Status.FAILED, f"数据库拒绝写入（{exc}），导入未执行，已全部回滚")
    except Exception:
        log.exception("import batch %s: commit failed", batch_id)
        _reject(batch, [], Status.FAILED, "导入时发生内部错误，已全部回滚，请联系管理员")
    else:
        batch.status = Status.COMMITTED
        batch.result = dict(importer.counts)
        batch.total_rows = batch.processed_rows = found.total
        batch.committed_at = timezone.now()
        batch.message = ""
        _forget_files(batch)
    batch.save()
    return batch


@transaction.atomic
def discard_batch(*, batch: ImportBatch, actor: Any) -> ImportBatch:
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status not in (Status.VALID, Status.INVALID, Status.FAILED):
        raise ServiceError(f"当前状态（{batch.get_status_display()}）不能放弃")
    batch.status = Status.DISCARDED
    _forget_files(batch)
    batch.save()
    audit.record(actor=actor, action="core.import_discard", instance=batch)
    return batch


def _forget_files(batch: ImportBatch) -> None:
    """The upload and the report hold personal data in the clear: delete them once they are
    no longer needed (after the transaction commits)."""
    names = [f.name for f in (batch.file, batch.report) if f]
    batch.file = ""  # type: ignore[assignment]
    batch.report = ""  # type: ignore[assignment]

    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete)


def error_report_of(batch: ImportBatch) -> bytes | None:
    if not batch.report:
        return None
    with batch.report.open("rb") as handle:
        return handle.read()
