"""/api/workforce: volumes, forecast and staffing, shift templates, plans, assignments,
hand-overs and peak warnings (R-WFM-1). Thin: services and queries do the work."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from hragency.accounts.models import User
from hragency.workforce import services
from hragency.workforce.models import (
    HandoverRecord,
    PeakWarning,
    ShiftPlan,
    ShiftTemplate,
)
from hragency.workforce.queries import (
    assignments_for,
    colleagues,
    filter_volumes,
    handover_for,
    handovers_for,
    is_manager,
    may_view,
    plan_for,
    plans_for,
    requirements_for,
    template_for,
    templates_for,
    volumes_for,
    warning_for,
    warnings_for,
)
from hragency.workforce.schemas import (
    AckIn,
    AssignmentOut,
    ForecastIn,
    ForecastOut,
    HandoverIn,
    HandoverOut,
    PlanIn,
    PlanOut,
    RequirementOut,
    TemplateIn,
    TemplateOut,
    VolumeOut,
    WarningOut,
)

router = Router(tags=["话务排班"])


def _manager(request: HttpRequest) -> None:
    if not is_manager(request.user):
        raise PermissionDenied("无权管理话务排班")


def _viewer(request: HttpRequest) -> None:
    if not may_view(request.user):
        raise PermissionDenied("无权查看排班")


def _requirement(r: Any) -> dict[str, Any]:
    return {
        "channel": r.channel,
        "interval_start": r.interval_start,
        "interval_minutes": r.interval_minutes,
        "forecast_volume": float(r.forecast_volume),
        "aht_seconds": r.aht_seconds,
        "agents": r.agents,
        "scheduled": r.scheduled,
        "service_level": float(r.service_level),
    }


def _plan(p: ShiftPlan) -> dict[str, Any]:
    return {
        "id": p.pk,
        "number": p.number,
        "week_start": p.week_start,
        "status": p.status,
        "status_label": p.get_status_display(),
        "shifts": p.shifts,
        "paid_hours": round(p.paid_hours, 1),
        "unfilled": p.unfilled,
        "short_intervals": p.short_intervals,
        "published_at": p.published_at,
    }


def _name(user: Any) -> str:
    return str(user.display_name or user.username)


def _handover(h: HandoverRecord) -> dict[str, Any]:
    return {
        "id": h.pk,
        "number": h.number,
        "shift_date": h.shift_date,
        "from_template": h.from_template.name,
        "to_template": h.to_template.name,
        "outgoing": _name(h.outgoing),
        "incoming": _name(h.incoming),
        "open_tickets": h.open_tickets,
        "tickets": h.tickets_snapshot,
        "pending_callbacks": h.pending_callbacks,
        "callback_notes": h.callback_notes,
        "notes": h.notes,
        "acknowledged_at": h.acknowledged_at,
    }


@router.get("/volumes", response=list[VolumeOut], summary="话务量（按渠道、日期筛选）")
@paginate
def list_volumes(
    request: HttpRequest,
    channel: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> Any:
    _manager(request)
    return filter_volumes(
        volumes_for(request.user), {"channel": channel, "date_from": date_from, "date_to": date_to}
    )


@router.post("/forecast", response=ForecastOut, summary="预测话务量并计算人力需求")
def run_forecast(request: HttpRequest, payload: ForecastIn) -> dict[str, Any]:
    result = services.forecast_staffing(
        actor=request.user, channel=payload.channel, start=payload.start, days=payload.days
    )
    return {
        "channel": result.channel,
        "start": result.start,
        "days": result.days,
        "aht_seconds": result.aht_seconds,
        "history_days": result.history_days,
        "backtest_wape": round(result.wape * 100, 1) if result.wape is not None else None,
        "naive_wape": round(result.naive_wape * 100, 1) if result.naive_wape is not None else None,
        "rows": [_requirement(r) for r in result.rows],
    }


@router.get("/staffing", response=list[RequirementOut], summary="已计算的人力需求")
def list_staffing(
    request: HttpRequest, channel: str = "phone", start: dt.date | None = None, days: int = 1
) -> list[dict[str, Any]]:
    _manager(request)
    from django.utils import timezone

    first = start or timezone.localdate()
    rows = requirements_for(request.user, channel, first, max(1, min(days, 31)))
    return [_requirement(r) for r in rows]


@router.get("/templates", response=list[TemplateOut], summary="班次模板")
def list_templates(request: HttpRequest) -> Any:
    _viewer(request)
    return list(templates_for(request.user))


@router.post("/templates", response={201: TemplateOut}, summary="新建班次模板")
def create_template(request: HttpRequest, payload: TemplateIn) -> Status:
    template = services.save_template(actor=request.user, **payload.dict())
    return Status(201, template)


@router.put("/templates/{template_id}", response=TemplateOut, summary="修改班次模板")
def update_template(request: HttpRequest, template_id: int, payload: TemplateIn) -> ShiftTemplate:
    _manager(request)
    template = template_for(request.user, template_id)
    return services.save_template(actor=request.user, template=template, **payload.dict())


@router.get("/plans", response=list[PlanOut], summary="排班计划")
@paginate
def list_plans(request: HttpRequest) -> list[dict[str, Any]]:
    _manager(request)
    return [_plan(p) for p in plans_for(request.user)]


@router.post("/plans", response={201: PlanOut}, summary="编排一周的排班（草稿，可重排）")
def build_plan(request: HttpRequest, payload: PlanIn) -> Status:
    plan = services.build_shift_plan(
        actor=request.user, week_start=payload.week_start, channels=payload.channels
    )
    return Status(201, _plan(plan))


@router.get("/plans/{plan_id}", response=PlanOut, summary="排班计划详情")
def get_plan(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    _manager(request)
    return _plan(plan_for(request.user, plan_id))


@router.post("/plans/{plan_id}/publish", response=PlanOut, summary="发布排班")
def publish(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    _manager(request)
    plan = plan_for(request.user, plan_id)
    return _plan(services.publish_plan(actor=request.user, plan=plan))


@router.get("/assignments", response=list[AssignmentOut], summary="班次（坐席只看到自己的）")
@paginate
def list_assignments(request: HttpRequest, plan_id: int | None = None, mine: bool = False) -> Any:
    _viewer(request)
    qs = assignments_for(request.user)
    if plan_id is not None:
        qs = qs.filter(plan_id=plan_id)
    if mine:
        qs = qs.filter(agent=request.user)
    return qs.order_by("starts_at", "pk")


@router.get("/handovers", response=list[HandoverOut], summary="交接班记录")
@paginate
def list_handovers(request: HttpRequest) -> list[dict[str, Any]]:
    _viewer(request)
    return [_handover(h) for h in handovers_for(request.user)]


@router.post("/handovers", response={201: HandoverOut}, summary="交班（由交班人提交）")
def create_handover(request: HttpRequest, payload: HandoverIn) -> Status:
    _viewer(request)
    templates = templates_for(request.user)
    incoming = next((u for u in colleagues(request.user) if u.pk == payload.incoming_id), None)
    if incoming is None:
        incoming = get_object_or_404(User.objects.none())
    record = services.create_handover(
        actor=request.user,
        from_template=get_object_or_404(templates, pk=payload.from_template_id),
        to_template=get_object_or_404(templates, pk=payload.to_template_id),
        incoming=incoming,
        shift_date=payload.shift_date,
        pending_callbacks=payload.pending_callbacks,
        callback_notes=payload.callback_notes,
        notes=payload.notes,
    )
    return Status(201, _handover(record))


@router.get("/handovers/{handover_id}", response=HandoverOut, summary="交接班记录详情")
def get_handover(request: HttpRequest, handover_id: int) -> dict[str, Any]:
    _viewer(request)
    return _handover(handover_for(request.user, handover_id))


@router.post(
    "/handovers/{handover_id}/acknowledge", response=HandoverOut, summary="确认接班（仅接班人）"
)
def acknowledge_handover(request: HttpRequest, handover_id: int, payload: AckIn) -> dict[str, Any]:
    _viewer(request)
    record = handover_for(request.user, handover_id)
    return _handover(
        services.acknowledge_handover(actor=request.user, record=record, note=payload.note)
    )


@router.get("/warnings", response=list[WarningOut], summary="高峰预警")
@paginate
def list_warnings(request: HttpRequest, status: str = "", kind: str = "") -> Any:
    _manager(request)
    qs = warnings_for(request.user)
    if status in PeakWarning.Status.values:
        qs = qs.filter(status=status)
    if kind in PeakWarning.Kind.values:
        qs = qs.filter(kind=kind)
    return qs


@router.post("/warnings/{warning_id}/acknowledge", response=WarningOut, summary="确认预警")
def acknowledge_warning(request: HttpRequest, warning_id: int, payload: AckIn) -> PeakWarning:
    _manager(request)
    warning = warning_for(request.user, warning_id)
    return services.acknowledge_warning(actor=request.user, warning=warning, note=payload.note)
