"""The export job (R-RPT-2): runs in the Huey worker through ``reports.jobs``, writes the file in
5,000-row chunks and reports progress after each chunk."""

from __future__ import annotations

from typing import Any

from hragency.analytics.query import Spec, export
from hragency.core.errors import ServiceError
from hragency.reports.jobs import register_job

EXPORT_KIND = "analytics.export"


@register_job(EXPORT_KIND)
def run_export(job: Any, progress: Any) -> tuple[str, bytes]:
    user = job.created_by
    if user is None or not user.is_active:
        raise ServiceError("导出人账号已停用")
    params = job.params or {}
    raw = params.get("spec") or {}
    spec = Spec(
        dataset=str(raw.get("dataset") or ""),
        columns=tuple(raw.get("columns") or ()),
        filters=dict(raw.get("filters") or {}),
        sort=str(raw.get("sort") or ""),
    )
    # The permission is checked again: it may have been withdrawn since the job was queued.
    reveal = bool(params.get("reveal")) and user.has_perm("accounts.reveal_personal_data")
    return export(user, spec, str(params.get("format") or "xlsx"), reveal=reveal, progress=progress)
