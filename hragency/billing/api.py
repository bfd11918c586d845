"""REST API for fee statements and the month close. Thin: reads through ``queries`` (out of
scope → 404, no permission → 403), writes through ``services`` (refused → 400 with the reason).
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from hragency.billing import services
from hragency.billing.models import CloseRun, Statement
from hragency.billing.queries import (
    line_row,
    lines_of,
    require_view,
    run_for,
    runs_for,
    search_statements,
    statement_for,
    totals_of,
)
from hragency.billing.schemas import (
    CloseIn,
    DisputeIn,
    LinePage,
    ResolveIn,
    RunOut,
    RunPage,
    StatementOut,
    StatementPage,
)
from hragency.billing.views import export_file
from hragency.core.errors import ServiceError
from hragency.domain.insurance import ITEM_LABELS, PolicyError, parse_period
from hragency.domain.money import from_fen

router = Router(tags=["费用明细表"])

MAX_LIMIT = 500


class StatementFilters(Schema):
    period: str = ""
    status: str = ""
    client_id: int | None = None
    limit: int = 100
    offset: int = 0


class PageParams(Schema):
    limit: int = 100
    offset: int = 0


def _yuan(fen: int | None) -> str | None:
    return None if fen is None else str(from_fen(int(fen)))


def _window(params: Any) -> tuple[int, int]:
    return max(0, params.offset), max(1, min(params.limit, MAX_LIMIT))


def statement_out(s: Statement) -> dict[str, Any]:
    fee = s.service_fee_fen + s.tax_fen + s.risk_reserve_fen
    return {
        "id": s.pk,
        "number": s.number,
        "client_id": s.client_id,
        "client_name": s.client.name,
        "period": f"{s.period:%Y-%m}",
        "status": s.status,
        "status_label": s.get_status_display(),
        "headcount": s.headcount,
        "fee_model": s.fee_model,
        "wages": _yuan(s.wages_fen),
        "si_employer": _yuan(s.si_employer_fen),
        "si_employee": _yuan(s.si_employee_fen),
        "hf_employer": _yuan(s.hf_employer_fen),
        "hf_employee": _yuan(s.hf_employee_fen),
        "service_fee": _yuan(fee),
        "service_fee_net": _yuan(s.service_fee_fen),
        "tax": _yuan(s.tax_fen),
        "risk_reserve": _yuan(s.risk_reserve_fen),
        "adjust_si": _yuan(s.adjust_si_fen),
        "adjust_hf": _yuan(s.adjust_hf_fen),
        "total": _yuan(s.total_fen),
        "computed_at": s.computed_at,
        "responded_by": str(s.responded_by) if s.responded_by_id else None,
        "responded_at": s.responded_at,
        "dispute_reason": s.dispute_reason,
    }


def run_out(run: CloseRun, *, now: Any = None) -> dict[str, Any]:
    return {
        "id": run.pk,
        "period": f"{run.period:%Y-%m}",
        "status": run.status,
        "status_label": run.get_status_display(),
        "active": services.run_is_active(run, now=now),
        "clients_done": run.clients_done,
        "clients_total": run.clients_total,
        "people": run.people,
        "problems": list(run.problems or []),
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "started_by": str(run.started_by) if run.started_by_id else None,
    }


def _statement(request: HttpRequest, statement_id: int) -> Statement:
    require_view(request.user)
    return statement_for(request.user, statement_id)


@router.get("/statements", response=StatementPage, summary="费用明细表列表（可按所属期等筛选）")
def list_statements(request: HttpRequest, filters: Query[StatementFilters]) -> dict[str, Any]:
    require_view(request.user)
    period = None
    if filters.period.strip():
        try:
            period = parse_period(filters.period).first_day
        except PolicyError as exc:
            raise ServiceError(str(exc)) from None
    if filters.status and filters.status not in Statement.Status.values:
        allowed = "、".join(Statement.Status.values)
        raise ServiceError(f"状态无效：「{filters.status}」，应为 {allowed} 之一")
    qs = search_statements(
        request.user, period=period, status=filters.status, client_id=filters.client_id
    )
    offset, limit = _window(filters)
    return {
        "items": [statement_out(s) for s in qs[offset : offset + limit]],
        "count": qs.count(),
    }


@router.get("/statements/{statement_id}", response=StatementOut, summary="费用明细表（金额为元）")
def get_statement(request: HttpRequest, statement_id: int) -> dict[str, Any]:
    return statement_out(_statement(request, statement_id))


@router.get(
    "/statements/{statement_id}/lines", response=LinePage, summary="费用明细表的人员明细（分页）"
)
def list_lines(
    request: HttpRequest, statement_id: int, params: Query[PageParams]
) -> dict[str, Any]:
    statement = _statement(request, statement_id)
    totals = totals_of(request.user, statement)
    offset, limit = _window(params)
    rows = [
        line_row(c, totals.levied)
        for c in lines_of(request.user, statement)[offset : offset + limit]
    ]
    items = [
        {
            "person_id": r.person_id,
            "name": r.name,
            "id_number_masked": r.id_number_masked,
            "city": r.city,
            "wage": _yuan(r.wage_fen),
            "items": [
                {
                    "item": c.item.value,
                    "label": ITEM_LABELS[c.item],
                    "base": _yuan(c.base_fen),
                    "employer": _yuan(c.er_fen),
                    "employee": _yuan(c.ee_fen),
                }
                for c in r.items
            ],
            "employer_total": _yuan(r.employer_fen),
            "employee_total": _yuan(r.employee_fen),
            "total": _yuan(r.total_fen),
        }
        for r in rows
    ]
    return {"items": items, "count": totals.people}


@router.post("/statements/{statement_id}/confirm", response=StatementOut, summary="客户确认")
def confirm(request: HttpRequest, statement_id: int) -> dict[str, Any]:
    statement = _statement(request, statement_id)
    services.confirm_statement(actor=request.user, statement=statement)
    return statement_out(statement_for(request.user, statement_id))


@router.post("/statements/{statement_id}/dispute", response=StatementOut, summary="客户提出异议")
def dispute(request: HttpRequest, statement_id: int, payload: DisputeIn) -> dict[str, Any]:
    statement = _statement(request, statement_id)
    services.dispute_statement(actor=request.user, statement=statement, reason=payload.reason)
    return statement_out(statement_for(request.user, statement_id))


@router.post(
    "/statements/{statement_id}/resolve", response=StatementOut, summary="登记异议处理结果"
)
def resolve(request: HttpRequest, statement_id: int, payload: ResolveIn) -> dict[str, Any]:
    statement = _statement(request, statement_id)
    services.resolve_dispute(actor=request.user, statement=statement, note=payload.note)
    return statement_out(statement_for(request.user, statement_id))


@router.get("/statements/{statement_id}/export", summary="导出费用明细表（xlsx 或 pdf）")
def export(
    request: HttpRequest, statement_id: int, format: Literal["xlsx", "pdf"] = "xlsx"
) -> HttpResponse:
    return export_file(request.user, _statement(request, statement_id), format)


@router.post("/close", response={202: RunOut}, summary="启动月结（后台执行）")
def start_close(request: HttpRequest, payload: CloseIn) -> Status[dict[str, Any]]:
    run, _resumed = services.start_close(actor=request.user, period=payload.period)
    run.refresh_from_db()
    return Status(202, run_out(run))


@router.get("/runs", response=RunPage, summary="月结批次")
def list_runs(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    qs = runs_for(request.user)
    offset, limit = _window(params)
    now = timezone.now()
    items = [run_out(r, now=now) for r in qs[offset : offset + limit]]
    return {"items": items, "count": qs.count()}


@router.get("/runs/{run_id}", response=RunOut, summary="月结批次进度")
def get_run(request: HttpRequest, run_id: int) -> dict[str, Any]:
    return run_out(run_for(request.user, run_id))
