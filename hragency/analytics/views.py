"""Screens under /analytics/: the dashboard (数据看板, tables server-side, charts from the JSON
endpoints) and the custom query screen (自定义查询: pick, filter, preview, save, export)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from hragency.analytics import dashboard, services
from hragency.analytics.datasets import REGISTRY, datasets_for
from hragency.analytics.filters import (
    GRANULARITIES,
    Filters,
    clients_for,
    is_client_user,
    parse_filters,
    require_dashboard,
)
from hragency.analytics.hotspots import hotspots
from hragency.analytics.queries import saved_queries_for, saved_query_for
from hragency.analytics.query import FORMATS, parse_spec, preview
from hragency.analytics.services import job_url
from hragency.core.errors import InvalidFields, ServiceError


@login_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    require_dashboard(request.user)
    user = request.user
    try:
        f = parse_filters(user, request.GET)
    except ServiceError as exc:
        messages.error(request, str(exc))
        f = parse_filters(user, {})
    client_user = is_client_user(user)
    context: dict[str, Any] = {
        "f": f,
        "query": urlencode(f.query()),
        "client_user": client_user,
        "clients": [] if client_user else list(clients_for(user).values("pk", "number", "name")),
        "granularities": GRANULARITIES,
        "volumes": dashboard.volumes(user, f),
        "levels": dashboard.service_levels(user, f),
        "satisfaction": dashboard.satisfaction(user, f),
        "trends": dashboard.trends(user, f),
        "workload": None if client_user else dashboard.workload(user, f),
        "hotspots": None if client_user else hotspots(user, f),
        "call_centre": None if client_user else _call_centre(user, f),
    }
    return render(request, "analytics/dashboard.html", context)


def _call_centre(user: Any, f: Filters) -> Any:
    from hragency.analytics.callcentre import call_centre

    return call_centre(user, f)


# ---- 自定义查询 ---------------------------------------------------------------------------


def spec_from_params(params: QueryDict) -> dict[str, Any]:
    """The query form's fields as a spec: f_<filter> for a client or choice, f_<filter>_from
    and f_<filter>_to for a date range."""
    key = params.get("dataset") or ""
    filters: dict[str, Any] = {}
    dataset = REGISTRY.get(key)
    if dataset is not None:
        for flt in dataset.filters:
            if flt.kind == "date":
                start = params.get(f"f_{flt.key}_from") or ""
                end = params.get(f"f_{flt.key}_to") or ""
                if start or end:
                    filters[flt.key] = {"from": start, "to": end}
            elif params.get(f"f_{flt.key}"):
                filters[flt.key] = params.get(f"f_{flt.key}")
    return {
        "dataset": key,
        "columns": params.getlist("columns"),
        "filters": filters,
        "sort": params.get("sort") or "",
    }


def params_of(spec: dict[str, Any]) -> str:
    """The query string that reproduces a (clean) spec on the query screen."""
    return urlencode(pairs_of(spec))


def pairs_of(spec: dict[str, Any]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = [("dataset", spec["dataset"])]
    pairs += [("columns", c) for c in spec.get("columns") or []]
    for key, value in (spec.get("filters") or {}).items():
        if isinstance(value, dict):
            pairs += [
                (f"f_{key}_from", value.get("from") or ""),
                (f"f_{key}_to", value.get("to") or ""),
            ]
        else:
            pairs.append((f"f_{key}", str(value)))
    if spec.get("sort"):
        pairs.append(("sort", spec["sort"]))
    return pairs


def _require_query(user: Any) -> None:
    if not user.has_perm("analytics.use_custom_query"):
        raise PermissionDenied("无权使用自定义查询")


@login_required
def query_page(request: HttpRequest) -> HttpResponse:
    _require_query(request.user)
    user = request.user
    available = datasets_for(user)
    raw = spec_from_params(request.GET)
    dataset = REGISTRY.get(raw["dataset"]) if raw["dataset"] else None
    result = error = None
    errors: dict[str, str] = {}
    clean = None
    if dataset is not None and dataset in available and request.GET.get("run"):
        try:
            clean = parse_spec(user, raw)
            page = request.GET.get("page") or "1"
            result = preview(user, clean, page=int(page) if page.isdigit() else 1)
        except InvalidFields as exc:
            error, errors = str(exc), exc.by_field()
        except ServiceError as exc:
            error = str(exc)
    elif raw["dataset"] and dataset not in available:
        error = f"未知的数据集：{raw['dataset']}"
        dataset = None
    selected = raw["columns"] or (list(dataset.default_columns) if dataset else [])
    keep = request.GET.copy()
    keep.pop("page", None)
    return render(
        request,
        "analytics/query.html",
        {
            "datasets": available,
            "dataset": dataset,
            "selected": selected,
            "filter_rows": _filter_rows(dataset, request.GET),
            "sort": raw["sort"] or (dataset.default_sort if dataset else ""),
            "result": result,
            "error": error,
            "errors": errors,
            "clean": clean,
            "hidden": pairs_of(clean.as_dict()) if clean is not None else [],
            "query": keep.urlencode(),
            "saved": saved_queries_for(user).order_by("name")[:100],
            "clients": []
            if is_client_user(user)
            else list(clients_for(user).values("pk", "number", "name")[:500]),
            "formats": FORMATS,
            "may_reveal": user.has_perm("accounts.reveal_personal_data"),
            "may_share": getattr(user, "kind", "") == "staff" and user.department_id is not None,
            "today": timezone.localdate(),
        },
    )


def _filter_rows(dataset: Any, params: QueryDict) -> list[dict[str, Any]]:
    if dataset is None:
        return []
    return [
        {
            "key": flt.key,
            "label": flt.label,
            "kind": flt.kind,
            "choices": flt.choices or {},
            "value": params.get(f"f_{flt.key}") or "",
            "start": params.get(f"f_{flt.key}_from") or "",
            "end": params.get(f"f_{flt.key}_to") or "",
        }
        for flt in dataset.filters
    ]


@login_required
@require_POST
def query_save(request: HttpRequest) -> HttpResponse:
    _require_query(request.user)
    spec = spec_from_params(request.POST)
    try:
        saved = services.save_query(
            actor=request.user,
            name=request.POST.get("name") or "",
            spec=spec,
            share=bool(request.POST.get("share")),
        )
    except ServiceError as exc:
        messages.error(request, f"未能保存：{exc}")
        return redirect(f"{reverse('analytics:query')}?{params_of(spec)}&run=1")
    messages.success(request, f"已保存查询「{saved.name}」")
    return redirect(reverse("analytics:saved", args=[saved.pk]))


@login_required
def saved_open(request: HttpRequest, saved_query_id: int) -> HttpResponse:
    _require_query(request.user)
    saved = saved_query_for(request.user, saved_query_id)
    spec = {
        "dataset": saved.dataset,
        "columns": saved.columns,
        "filters": saved.filters,
        "sort": saved.sort,
    }
    return redirect(f"{reverse('analytics:query')}?{params_of(spec)}&run=1")


@login_required
@require_POST
def saved_delete(request: HttpRequest, saved_query_id: int) -> HttpResponse:
    _require_query(request.user)
    saved = saved_query_for(request.user, saved_query_id)
    try:
        services.delete_query(actor=request.user, query=saved)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已删除查询「{saved.name}」")
    return redirect("analytics:query")


@login_required
@require_POST
def query_export(request: HttpRequest) -> HttpResponse:
    _require_query(request.user)
    spec = spec_from_params(request.POST)
    try:
        job = services.start_export(
            actor=request.user,
            spec=spec,
            fmt=request.POST.get("format") or "xlsx",
            reveal=bool(request.POST.get("reveal")),
        )
    except ServiceError as exc:
        messages.error(request, f"未能导出：{exc}")
        return redirect(f"{reverse('analytics:query')}?{params_of(spec)}&run=1")
    return redirect(job_url(job.pk))
