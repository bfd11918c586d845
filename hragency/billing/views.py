"""Screens: the statements (list, detail with the per-person table, confirm / dispute /
resolve, Excel and PDF downloads) and the month close (start, progress polled by htmx)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from hragency.billing import exports, services
from hragency.billing.models import CloseRun, Statement
from hragency.billing.queries import (
    LineRow,
    client_choices,
    fee_model_label,
    history_of,
    line_row,
    lines_of,
    may_close,
    may_respond,
    open_dispute_deadline,
    period_choices,
    require_close,
    require_view,
    run_for,
    runs_for,
    search_statements,
    statement_for,
    summary_of,
    totals_of,
)
from hragency.core.errors import ServiceError
from hragency.domain.insurance import Item, Period, PolicyError, parse_period

LIST_PAGE_SIZE = 50
LINES_PAGE_SIZE = 100
RUNS_PAGE_SIZE = 20


def _int_or_none(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return redirect("billing:statements")


# ---- statements ------------------------------------------------------------------------------


@login_required
def statement_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_view(user)
    errors: list[str] = []
    period_text = request.GET.get("period", "").strip()
    period = None
    if period_text:
        try:
            period = parse_period(period_text).first_day
        except PolicyError as exc:
            errors.append(str(exc))
    status = request.GET.get("status", "")
    if status and status not in Statement.Status.values:
        errors.append(f"状态无效：「{status}」")
    show_clients = user.kind == "staff"
    client_id = _int_or_none(request.GET.get("client")) if show_clients else None
    qs = search_statements(user, period=period, status=status, client_id=client_id)
    if errors:
        qs = qs.none()
    page = Paginator(qs, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "billing/list.html",
        {
            "page": page,
            "errors": errors,
            "filters": {"period": period_text, "status": status, "client_id": client_id},
            "periods": period_choices(user),
            "statuses": Statement.Status.choices,
            "clients": client_choices(user) if show_clients else [],
            "show_clients": show_clients,
            "query": query.urlencode(),
        },
        status=400 if errors else 200,
    )


def _detail(
    request: HttpRequest, statement: Statement, *, status: int = 200, **extra: Any
) -> HttpResponse:
    user = request.user
    totals = totals_of(user, statement)
    levied = totals.levied
    page = Paginator(lines_of(user, statement), LINES_PAGE_SIZE).get_page(request.GET.get("page"))
    deadline = open_dispute_deadline(statement) if user.kind == "staff" else None
    draft = statement.status == Statement.Status.DRAFT
    context: dict[str, Any] = {
        "statement": statement,
        "summary": summary_of(statement),
        "fee_model": fee_model_label(statement),
        "totals": totals,
        "levied": levied,
        "item_totals": [totals.items[item.value] for item in levied],
        "page": page,
        "rows": [line_row(c, levied) for c in page],
        "history": list(history_of(user, statement)),
        "deadline": deadline,
        "may_respond": draft and may_respond(user, statement),
        "may_resolve": may_close(user)
        and (statement.status == Statement.Status.DISPUTED or (draft and deadline is not None)),
        "S": Statement.Status,
    }
    context.update(extra)
    return render(request, "billing/detail.html", context, status=status)


@login_required
def statement_detail(request: HttpRequest, statement_id: int) -> HttpResponse:
    require_view(request.user)
    return _detail(request, statement_for(request.user, statement_id))


@login_required
@require_POST
def statement_confirm(request: HttpRequest, statement_id: int) -> HttpResponse:
    require_view(request.user)
    statement = statement_for(request.user, statement_id)
    seen = parse_datetime(request.POST.get("computed_at", "") or "")
    try:
        services.confirm_statement(actor=request.user, statement=statement, seen_computed_at=seen)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已确认费用明细表 {statement.number}")
    return redirect("billing:statement", statement.pk)


@login_required
@require_POST
def statement_dispute(request: HttpRequest, statement_id: int) -> HttpResponse:
    require_view(request.user)
    statement = statement_for(request.user, statement_id)
    reason = request.POST.get("reason", "")
    try:
        services.dispute_statement(actor=request.user, statement=statement, reason=reason)
    except ServiceError as exc:
        return _detail(request, statement, status=400, dispute_error=str(exc), reason=reason)
    messages.success(request, "异议已提交，社保专员将在 1 个工作日内处理并回复")
    return redirect("billing:statement", statement.pk)


@login_required
@require_POST
def statement_resolve(request: HttpRequest, statement_id: int) -> HttpResponse:
    require_view(request.user)
    statement = statement_for(request.user, statement_id)
    note = request.POST.get("note", "")
    try:
        services.resolve_dispute(actor=request.user, statement=statement, note=note)
    except ServiceError as exc:
        return _detail(request, statement, status=400, resolve_error=str(exc), note=note)
    messages.success(request, "已登记处理结果，费用明细表已退回客户重新确认")
    return redirect("billing:statement", statement.pk)


def all_lines(user: Any, statement: Statement, levied: list[Item]) -> Iterator[LineRow]:
    for contribution in lines_of(user, statement).iterator(chunk_size=2000):
        yield line_row(contribution, levied)


def download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    response["Cache-Control"] = "private, no-store"
    return response


def export_file(user: Any, statement: Statement, fmt: str) -> HttpResponse:
    """The Excel or PDF file of a statement the user may see, logged (shared with the API)."""
    totals = totals_of(user, statement)
    lines = all_lines(user, statement, totals.levied)
    if fmt == "pdf":
        content = exports.statement_pdf(statement, list(lines), totals)
        response = download(content, exports.PDF_TYPE, exports.filename(statement, "pdf"))
    else:
        content = exports.statement_workbook(statement, lines, totals)
        response = download(content, exports.XLSX_TYPE, exports.filename(statement, "xlsx"))
    services.record_export(actor=user, statement=statement, fmt=fmt)
    return response


@login_required
def statement_xlsx(request: HttpRequest, statement_id: int) -> HttpResponse:
    require_view(request.user)
    return export_file(request.user, statement_for(request.user, statement_id), "xlsx")


@login_required
def statement_pdf(request: HttpRequest, statement_id: int) -> HttpResponse:
    require_view(request.user)
    statement = statement_for(request.user, statement_id)
    try:
        return export_file(request.user, statement, "pdf")
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("billing:statement", statement.pk)


# ---- month close -----------------------------------------------------------------------------


def _run_rows(runs: list[CloseRun]) -> list[dict[str, Any]]:
    now = timezone.now()
    return [
        {
            "run": run,
            "percent": int(run.clients_done * 100 / run.clients_total) if run.clients_total else 0,
            "active": services.run_is_active(run, now=now),
        }
        for run in runs
    ]


@login_required
def close_screen(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_close(user)
    error = ""
    typed = request.POST.get("period", "") if request.method == "POST" else ""
    if request.method == "POST":
        try:
            run, resumed = services.start_close(actor=user, period=typed)
        except ServiceError as exc:
            error = str(exc)
        else:
            period = Period.of(run.period)
            if resumed:
                messages.success(request, f"已继续上次未完成的 {period} 月结")
            else:
                messages.success(request, f"已开始 {period} 月结，进度见下表")
            return redirect("billing:close")
    page = Paginator(runs_for(user), RUNS_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _run_rows(list(page))
    context = {
        "page": page,
        "rows": rows,
        "polling": any(r["run"].status == CloseRun.Status.RUNNING for r in rows),
        "error": error,
        "typed": typed or f"{Period.of(timezone.localdate())}",
    }
    if getattr(request, "htmx", False):
        return render(request, "billing/close.html#runs", context)
    return render(request, "billing/close.html", context, status=400 if error else 200)


@login_required
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = run_for(request.user, run_id)
    row = _run_rows([run])[0]
    context = {"row": row, "run": run}
    if getattr(request, "htmx", False):
        return render(request, "billing/run.html#body", context)
    return render(request, "billing/run.html", context)
