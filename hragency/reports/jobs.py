"""The one mechanism for long jobs with progress (reports, exports).

    from hragency.reports.jobs import register_job, start_job

    @register_job("analytics.export")
    def export(job, progress):             # runs in the Huey worker
        progress(0, n, "读取数据")           # throttled, visible to the screen at once
        ...
        return "导出.xlsx", content          # stored in private storage on the job

    job = start_job(actor=user, kind="analytics.export", title="导出", params={...})
    # → redirect to reverse("reports:job", args=[job.pk])

The job row is created in the caller's transaction and the Huey task is queued after commit.
The handler runs outside any transaction of ours; ``progress(done, total, message)`` writes
at most about once a second. Inside an atomic block on PostgreSQL it writes on a separate
connection, so the screen sees it while the handler's own work is still uncommitted (SQLite
serialises writers, so there it writes on the same connection). An exception marks the job
failed with its message; a job is never left running by a failing handler.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.db import connection, connections, transaction
from django.utils import timezone

from hragency.core import audit
from hragency.core.errors import ServiceError
from hragency.reports.models import Job

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
Handler = Callable[[Job, Progress], tuple[str, bytes]]

_HANDLERS: dict[str, Handler] = {}
THROTTLE_SECONDS = 1.0


def register_job(kind: str) -> Callable[[Handler], Handler]:
    """Register ``handler(job, progress) -> (file name, content)`` for jobs of ``kind``."""

    def decorate(handler: Handler) -> Handler:
        _HANDLERS[kind] = handler
        return handler

    return decorate


def handler_for(kind: str) -> Handler | None:
    _load_handlers()
    return _HANDLERS.get(kind)


_LOADED = False


def _load_handlers() -> None:
    """Import every app's ``tasks.py`` once (as the Huey worker does at start-up), so a
    handler registered there, or in a module its tasks.py imports, is known in the web
    process too."""
    global _LOADED
    if _LOADED:
        return
    import importlib

    from django.apps import apps
    from django.utils.module_loading import module_has_submodule

    import hragency.reports.generation  # noqa: F401

    for config in apps.get_app_configs():
        if not config.name.startswith("hragency.") or not module_has_submodule(
            config.module, "tasks"
        ):
            continue
        try:
            importlib.import_module(f"{config.name}.tasks")
        except Exception:  # another app's broken tasks.py must not stop every job
            log.exception("could not import %s.tasks", config.name)
    _LOADED = True


@transaction.atomic
def start_job(
    *, actor: Any, kind: str, title: str, params: dict[str, Any], client: Any = None
) -> Job:
    """Create the job and queue it (after commit). ``actor`` None = a scheduled job."""
    if handler_for(kind) is None:
        raise ServiceError(f"未知的任务类型：{kind}")
    job = Job.objects.create(
        kind=kind,
        title=title[:200],
        created_by=actor,
        client=client,
        params=params,
        message="等待后台任务开始",
    )
    audit.record(
        actor=actor,
        action="reports.start_job",
        instance=job,
        after={"kind": kind, "title": job.title, "params": params},
    )
    job_id = job.pk
    transaction.on_commit(lambda: _enqueue(job_id))
    return job


def _enqueue(job_id: int) -> None:
    from hragency.reports import tasks

    tasks.run_job(job_id)


class ProgressWriter:
    """``progress(done, total, message)`` for one job: throttled, and visible to other
    connections even when called inside the handler's transaction (PostgreSQL)."""

    def __init__(self, job_id: int, *, throttle: float = THROTTLE_SECONDS) -> None:
        self.job_id = job_id
        self.throttle = throttle
        self._last = 0.0
        self._side: Any = None

    def __call__(self, done: int, total: int, message: str = "") -> None:
        now = time.monotonic()
        if now - self._last < self.throttle and not (total and done >= total):
            return
        self._last = now
        self.write(done, total, message)

    def write(self, done: int, total: int, message: str) -> None:
        done, total, message = max(0, int(done)), max(0, int(total)), str(message)[:300]
        aside = connection.in_atomic_block and connection.vendor == "postgresql"
        if aside and self._write_aside(done, total, message):
            return
        Job.objects.filter(pk=self.job_id).update(done=done, total=total, message=message)

    def _write_aside(self, done: int, total: int, message: str) -> bool:
        try:
            if self._side is None:
                self._side = connections.create_connection("default")
            with self._side.cursor() as cursor:
                cursor.execute("SET lock_timeout = '2s'")
                cursor.execute(
                    f"UPDATE {Job._meta.db_table} SET done = %s, total = %s, message = %s "
                    "WHERE id = %s",
                    [done, total, message, self.job_id],
                )
                return bool(cursor.rowcount)
        except Exception:  # the progress line is a nicety: never fail the job for it
            log.warning("job %s: progress not written aside", self.job_id, exc_info=True)
            return False

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


def run_job(job_id: int) -> Job | None:
    """The worker's body: run the handler, store the file, mark done or failed."""
    # Claim the job: only one worker runs it, even if it was queued twice.
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=timezone.now(), message="正在运行", error=""
    )
    job = Job.objects.filter(pk=job_id).first()
    if job is None or not claimed:
        return job
    handler = handler_for(job.kind)
    progress = ProgressWriter(job_id)
    try:
        if handler is None:
            raise ServiceError(f"未知的任务类型：{job.kind}")
        name, content = handler(job, progress)
    except Exception as exc:
        progress.close()
        if not isinstance(exc, ServiceError):
            log.exception("job %s (%s) failed", job_id, job.kind)
        return _fail(job_id, exc)
    progress.close()
    return _finish(job_id, name, content)


def _finish(job_id: int, name: str, content: bytes) -> Job:
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        job.file.save(name, ContentFile(content), save=False)
        job.file_name = name[:255]
        job.status = Job.Status.DONE
        job.done = job.total or job.done
        job.message = "已完成"
        job.finished_at = timezone.now()
        job.save()
        audit.record(
            actor=job.created_by,
            action="reports.finish_job",
            instance=job,
            after={"status": job.status, "file_name": job.file_name},
        )
    return job


def _fail(job_id: int, exc: BaseException) -> Job:
    reason = str(exc) if isinstance(exc, ServiceError) else f"任务失败：{exc}"
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        job.status = Job.Status.FAILED
        job.error = reason[:2000] or "任务失败"
        job.message = "失败"
        job.finished_at = timezone.now()
        job.save()
        audit.record(
            actor=job.created_by,
            action="reports.fail_job",
            instance=job,
            after={"status": job.status, "error": job.error},
        )
    return job


def read_file(job: Job) -> bytes:
    if not job.file:
        raise ServiceError("该任务没有可下载的文件")
    with job.file.open("rb") as handle:
        return bytes(handle.read())
