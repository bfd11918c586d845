"""/api/analytics: the dashboard's chart data (one endpoint per section, the same figures as
the page's tables) and the custom queries (datasets, preview, saved queries, export jobs).
Thin: dashboard.py, hotspots.py, query.py and services.py do the work."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Status

from hragency.analytics import dashboard, services
from hragency.analytics.callcentre import call_centre
from hragency.analytics.datasets import datasets_for
from hragency.analytics.filters import is_client_user, parse_filters, require_dashboard
from hragency.analytics.hotspots import hotspots
from hragency.analytics.queries import saved_queries_for, saved_query_for
from hragency.analytics.query import parse_spec, preview
from hragency.analytics.schemas import ExportIn, PreviewIn, SavedQueryIn
from hragency.analytics.services import job_url

router = Router(tags=["数据分析"])


def _filters(request: HttpRequest, start: str, end: str, client: str, granularity: str) -> Any:
    require_dashboard(request.user)
    return parse_filters(
        request.user,
        {"start": start, "end": end, "client": client, "granularity": granularity},
    )


def _staff_only(request: HttpRequest) -> None:
    if is_client_user(request.user):
        raise PermissionDenied("该统计仅供服务人员查看")


@router.get("/volumes", summary="工单量：按日期×渠道、业务模块×问题性质")
def volumes(
    request: HttpRequest, start: str = "", end: str = "", client: str = "", granularity: str = "day"
) -> dict[str, Any]:
    return dashboard.volumes(request.user, _filters(request, start, end, client, granularity))


@router.get("/service-levels", summary="服务水平与及时率")
def service_levels(
    request: HttpRequest, start: str = "", end: str = "", client: str = "", granularity: str = "day"
) -> dict[str, Any]:
    f = _filters(request, start, end, client, granularity)
    return dashboard.service_levels(request.user, f)


@router.get("/satisfaction", summary="满意度：工单评价与调查得分")
def satisfaction(
    request: HttpRequest, start: str = "", end: str = "", client: str = "", granularity: str = "day"
) -> dict[str, Any]:
    f = _filters(request, start, end, client, granularity)
    return dashboard.satisfaction(request.user, f)


@router.get("/trends", summary="参保人数与费用趋势（近 12 个月）")
def trends(
    request: HttpRequest, start: str = "", end: str = "", client: str = "", granularity: str = "day"
) -> dict[str, Any]:
    return dashboard.trends(request.user, _filters(request, start, end, client, granularity))


@router.get("/workload", summary="工作量：在办工单、解决量、待办时限")
def workload(
    request: HttpRequest, start: str = "", end: str = "", client: str = "", granularity: str = "day"
) -> dict[str, Any]:
    f = _filters(request, start, end, client, granularity)
    _staff_only(request)
    return dashboard.workload(request.user, f)


@router.get("/hotspots", summary="热点问题：高频词、上升词、知识库无结果搜索")
def hotspot_terms(
    request: HttpRequest, start: str = "", end: str = "", client: str = "", granularity: str = "day"
) -> dict[str, Any]:
    f = _filters(request, start, end, client, granularity)
    _staff_only(request)
    return hotspots(request.user, f)


@router.get("/call-centre", summary="呼叫中心话务量与服务水平")
def call_centre_figures(
    request: HttpRequest, start: str = "", end: str = "", client: str = "", granularity: str = "day"
) -> dict[str, Any]:
    f = _filters(request, start, end, client, granularity)
    _staff_only(request)
    data = call_centre(request.user, f)
    if data is None:
        raise PermissionDenied("无权查看话务数据")
    return data


# ---- 自定义查询 ---------------------------------------------------------------------------


def _require_query(request: HttpRequest) -> None:
    if not request.user.has_perm("analytics.use_custom_query"):
        raise PermissionDenied("无权使用自定义查询")


@router.get("/datasets", summary="可查询的数据集及其列与筛选条件")
def datasets(request: HttpRequest) -> list[dict[str, Any]]:
    _require_query(request)
    return [
        {
            "key": d.key,
            "label": d.label,
            "description": d.description,
            "client_visible": d.client_visible,
            "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in d.columns],
            "filters": [
                {
                    "key": f.key,
                    "label": f.label,
                    "kind": f.kind,
                    "choices": [{"code": k, "label": v} for k, v in (f.choices or {}).items()],
                }
                for f in d.filters
            ],
            "default_columns": list(d.default_columns),
            "default_sort": d.default_sort,
        }
        for d in datasets_for(request.user)
    ]


@router.post("/preview", summary="预览查询结果（每页 50 行，个人信息脱敏）")
def preview_query(request: HttpRequest, payload: PreviewIn) -> dict[str, Any]:
    _require_query(request)
    spec = parse_spec(request.user, payload.spec())
    result = preview(request.user, spec, page=payload.page)
    return {
        "spec": spec.as_dict(),
        "columns": [{"key": c.key, "label": c.label} for c in result.columns],
        "rows": [[str(v) for v in row] for row in result.rows],
        "count": result.count,
        "page": result.page,
        "pages": result.pages,
    }


def _saved(query: Any) -> dict[str, Any]:
    return {
        "id": query.pk,
        "name": query.name,
        "dataset": query.dataset,
        "columns": query.columns,
        "filters": query.filters,
        "sort": query.sort,
        "owner": str(query.owner),
        "shared": query.shared_department_id is not None,
        "updated_at": query.updated_at,
    }


@router.get("/queries", summary="我的查询与部门共享的查询")
def saved_list(request: HttpRequest) -> list[dict[str, Any]]:
    _require_query(request)
    return [_saved(q) for q in saved_queries_for(request.user).order_by("name")[:200]]


@router.post("/queries", response={201: dict}, summary="保存查询")
def saved_create(request: HttpRequest, payload: SavedQueryIn) -> Status:
    query = services.save_query(
        actor=request.user, name=payload.name, spec=payload.spec(), share=payload.share
    )
    return Status(201, _saved(query))


@router.get("/queries/{saved_query_id}", summary="查询详情")
def saved_detail(request: HttpRequest, saved_query_id: int) -> dict[str, Any]:
    _require_query(request)
    return _saved(saved_query_for(request.user, saved_query_id))


@router.put("/queries/{saved_query_id}", summary="修改自己的查询")
def saved_update(
    request: HttpRequest, saved_query_id: int, payload: SavedQueryIn
) -> dict[str, Any]:
    _require_query(request)
    query = saved_query_for(request.user, saved_query_id)
    query = services.save_query(
        actor=request.user, name=payload.name, spec=payload.spec(), share=payload.share, query=query
    )
    return _saved(query)


@router.delete("/queries/{saved_query_id}", response={204: None}, summary="删除自己的查询")
def saved_delete(request: HttpRequest, saved_query_id: int) -> Status:
    _require_query(request)
    services.delete_query(actor=request.user, query=saved_query_for(request.user, saved_query_id))
    return Status(204, None)


@router.post("/exports", response={202: dict}, summary="导出为 Excel 或 CSV（后台任务）")
def export_start(request: HttpRequest, payload: ExportIn) -> Status:
    job = services.start_export(
        actor=request.user, spec=payload.spec(), fmt=payload.format, reveal=payload.reveal
    )
    return Status(
        202,
        {
            "job_id": job.pk,
            "status": job.status,
            "url": job_url(job.pk),
            "api": f"/api/reports/jobs/{job.pk}",
        },
    )
