"""Payroll runs API: list, detail, lines, calculate, submit, approve, return, pay. Thin: reads
through ``queries`` (out of scope → 404, no permission → 403), writes through ``services``
(refused → 400 with the reason)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from hragency.core.errors import ServiceError
from hragency.domain.insurance import Period, PolicyError, parse_period
from hragency.domain.money import from_fen
from hragency.payroll import services
from hragency.payroll.calculate import items_dict
from hragency.payroll.models import PayrollLine, PayrollRun
from hragency.payroll.queries import client_in_scope, lines_of, require_prepare, run_for, runs_for
from hragency.payroll.schemas import CalculateIn, LinePage, ReturnIn, RunOut, RunPage

router = Router(tags=["薪酬个税"])

MAX_LIMIT = 500


class RunFilters(Schema):
    period: str = ""
    status: str = ""
    client_id: int | None = None
    limit: int = 100
    offset: int = 0


class PageParams(Schema):
    limit: int = 100
    offset: int = 0


def _yuan(fen: int) -> str:
    return str(from_fen(int(fen)))


def _run_out(run: PayrollRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "number": run.number,
        "client_id": run.client_id,
        "client_name": run.client.name,
        "period": f"{run.period:%Y-%m}",
        "status": run.status,
        "status_label": run.get_status_display(),
        "headcount": run.headcount,
        "gross": _yuan(run.gross_fen),
        "si_employee": _yuan(run.si_employee_fen),
        "hf_employee": _yuan(run.hf_employee_fen),
        "iit": _yuan(run.iit_fen),
        "net": _yuan(run.net_fen),
        "si_employer": _yuan(run.si_employer_fen),
        "hf_employer": _yuan(run.hf_employer_fen),
        "warnings": list(run.warnings),
        "problems": list(run.problems),
        "computed_at": run.computed_at,
        "submitted_at": run.submitted_at,
        "approved_at": run.approved_at,
        "paid_at": run.paid_at,
        "returned_reason": run.returned_reason,
    }


def _line_out(line: PayrollLine) -> dict[str, Any]:
    return {
        "id": line.pk,
        "person_id": line.person_id,
        "name": line.person.name,
        "items": {code: _yuan(fen) for code, fen in items_dict(line).items()},
        "gross": _yuan(line.gross_fen),
        "income": _yuan(line.income_fen),
        "tax_free": _yuan(line.tax_free_fen),
        "si_employee": _yuan(line.si_employee_fen),
        "hf_employee": _yuan(line.hf_employee_fen),
        "additional": _yuan(line.additional_fen),
        "other": _yuan(line.other_fen),
        "cum_income": _yuan(line.cum_income_fen),
        "cum_standard": _yuan(line.cum_standard_fen),
        "cum_taxable": _yuan(line.cum_taxable_fen),
        "cum_tax": _yuan(line.cum_tax_fen),
        "cum_withheld": _yuan(line.cum_withheld_fen),
        "rate_pct": line.rate_pct,
        "iit": _yuan(line.iit_fen),
        "bonus": _yuan(line.bonus_fen),
        "bonus_tax": _yuan(line.bonus_tax_fen),
        "post_tax": _yuan(line.post_tax_fen),
        "net": _yuan(line.net_fen),
    }


def _limits(limit: int, offset: int) -> tuple[int, int]:
    if not 1 <= limit <= MAX_LIMIT:
        raise ServiceError(f"limit 须在 1 到 {MAX_LIMIT} 之间")
    if offset < 0:
        raise ServiceError("offset 不能为负数")
    return limit, offset


def _period(text: str) -> Period:
    try:
        return parse_period(text)
    except PolicyError as error:
        raise ServiceError(str(error)) from error


@router.get("/runs", response=RunPage, summary="工资表列表")
def list_runs(request: HttpRequest, filters: Query[RunFilters]) -> dict[str, Any]:
    limit, offset = _limits(filters.limit, filters.offset)
    runs = runs_for(request.user)
    if filters.period:
        runs = runs.filter(period=_period(filters.period).first_day)
    if filters.status:
        if filters.status not in PayrollRun.Status.values:
            raise ServiceError(f"状态无效：{filters.status}")
        runs = runs.filter(status=filters.status)
    if filters.client_id is not None:
        runs = runs.filter(client_id=filters.client_id)
    runs = runs.order_by("-period", "client__number")
    return {
        "count": runs.count(),
        "items": [_run_out(run) for run in runs[offset : offset + limit]],
    }


@router.post("/runs/calculate", response=RunOut, summary="计算（或重算）客户某月工资表")
def calculate(request: HttpRequest, payload: CalculateIn) -> dict[str, Any]:
    require_prepare(request.user)
    client = client_in_scope(request.user, payload.client_id)
    period = _period(payload.period)
    services.calculate_run(actor=request.user, client=client, period=period)
    return _run_out(runs_for(request.user).get(client=client, period=period.first_day))


@router.get("/runs/{run_id}", response=RunOut, summary="工资表")
def get_run(request: HttpRequest, run_id: int) -> dict[str, Any]:
    return _run_out(run_for(request.user, run_id))


@router.get("/runs/{run_id}/lines", response=LinePage, summary="工资表明细")
def run_lines(request: HttpRequest, run_id: int, page: Query[PageParams]) -> dict[str, Any]:
    limit, offset = _limits(page.limit, page.offset)
    run = run_for(request.user, run_id)
    lines = lines_of(request.user, run)
    return {
        "count": lines.count(),
        "items": [_line_out(line) for line in lines[offset : offset + limit]],
    }


@router.post("/runs/{run_id}/submit", response=RunOut, summary="提交审核")
def submit(request: HttpRequest, run_id: int) -> dict[str, Any]:
    run = services.submit_run(actor=request.user, run=run_for(request.user, run_id))
    return _run_out(run)


@router.post("/runs/{run_id}/approve", response=RunOut, summary="审核通过")
def approve(request: HttpRequest, run_id: int) -> dict[str, Any]:
    run = services.approve_run(actor=request.user, run=run_for(request.user, run_id))
    return _run_out(run)


@router.post("/runs/{run_id}/return", response=RunOut, summary="退回草稿")
def return_to_draft(request: HttpRequest, run_id: int, payload: ReturnIn) -> dict[str, Any]:
    run = services.return_run(
        actor=request.user, run=run_for(request.user, run_id), reason=payload.reason
    )
    return _run_out(run)


@router.post("/runs/{run_id}/pay", response=RunOut, summary="确认发放（发布工资条）")
def pay(request: HttpRequest, run_id: int) -> dict[str, Any]:
    run = services.pay_run(actor=request.user, run=run_for(request.user, run_id))
    return _run_out(run)
