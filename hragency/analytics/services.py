"""Every write of the analytics app: saved queries and starting an export job. Keyword-only,
atomic, audited. An export with full personal data needs ``accounts.reveal_personal_data`` and
is audited as such (``analytics.export`` with ``reveal: true``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from hragency.analytics.models import SavedQuery
from hragency.analytics.query import FORMATS, Spec, dataset_for, parse_spec
from hragency.core import audit
from hragency.core.errors import FieldError, InvalidFields, ServiceError

EXPORT_KIND = "analytics.export"
QUERY_FIELDS = ["name", "dataset", "columns", "filters", "sort", "shared_department"]


def job_url(job_id: int) -> str:
    """The job's progress page (reports app)."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("reports:job", args=[job_id])
    except NoReverseMatch:
        return f"/reports/jobs/{job_id}/"


def _require(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(
        "analytics.use_custom_query"
    ):
        raise PermissionDenied("无权使用自定义查询")


def _name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidFields([FieldError("name", "名称", "请填写查询名称")])
    if len(name) > 80:
        raise InvalidFields([FieldError("name", "名称", "最多 80 个字")])
    return name


@transaction.atomic
def save_query(
    *,
    actor: Any,
    name: str,
    spec: dict[str, Any],
    share: bool = False,
    query: SavedQuery | None = None,
) -> SavedQuery:
    """Save a new query or overwrite the actor's own `query`. Sharing gives the owner's
    department the definition only: each runner sees their own scope's rows."""
    _require(actor)
    clean = parse_spec(actor, spec)
    name = _name(name)
    if share and actor.department_id is None:
        raise ServiceError("您不属于任何部门，无法共享查询")
    if query is not None and query.owner_id != actor.pk:
        raise PermissionDenied("只能修改自己的查询")
    clash = SavedQuery.objects.filter(owner=actor, name=name)
    if query is not None:
        clash = clash.exclude(pk=query.pk)
    if clash.exists():
        raise InvalidFields([FieldError("name", "名称", "已有同名的查询")])
    before = audit.snapshot(query, QUERY_FIELDS) if query is not None else None
    if query is None:
        query = SavedQuery(owner=actor)
    query.name = name
    query.dataset = clean.dataset
    query.columns = list(clean.columns)
    query.filters = clean.filters
    query.sort = clean.sort
    query.shared_department_id = actor.department_id if share else None
    query.save()
    audit.record(
        actor=actor,
        action="analytics.query_save",
        instance=query,
        before=before,
        after=audit.snapshot(query, QUERY_FIELDS),
    )
    return query


@transaction.atomic
def delete_query(*, actor: Any, query: SavedQuery) -> None:
    _require(actor)
    if query.owner_id != actor.pk:
        raise PermissionDenied("只能删除自己的查询")
    audit.record(
        actor=actor,
        action="analytics.query_delete",
        instance=query,
        before=audit.snapshot(query, QUERY_FIELDS),
    )
    query.delete()


@transaction.atomic
def start_export(*, actor: Any, spec: dict[str, Any], fmt: str, reveal: bool = False) -> Any:
    """Check the query and start the export job (reports.jobs); returns the Job. Full ID
    numbers, phones and bank accounts only with ``accounts.reveal_personal_data``."""
    _require(actor)
    clean: Spec = parse_spec(actor, spec)
    if fmt not in FORMATS:
        raise InvalidFields([FieldError("format", "导出格式", "应为 xlsx 或 csv")])
    if reveal and not actor.has_perm("accounts.reveal_personal_data"):
        raise ServiceError("无权导出完整的身份证号、手机号和银行账号")
    dataset = dataset_for(actor, clean.dataset)
    from hragency.analytics import jobs  # registers the handler
    from hragency.reports.jobs import start_job

    job = start_job(
        actor=actor,
        kind=jobs.EXPORT_KIND,
        title=f"导出{dataset.label}（{FORMATS[fmt]}）",
        params={"spec": clean.as_dict(), "format": fmt, "reveal": bool(reveal)},
    )
    audit.record(
        actor=actor,
        action="analytics.export_unmasked" if reveal else "analytics.export",
        instance=job,
        after={
            "dataset": clean.dataset,
            "columns": list(clean.columns),
            "filters": clean.filters,
            "format": fmt,
            "reveal": bool(reveal),
        },
    )
    return job
