"""Screens for the client fund account (R-FEE-4) and invoices (R-FEE-3), under /billing/funds/.

Thin: reads through ``queries_funds`` (out of scope → 404, no permission → 403), writes through
``funds``; a refused write re-renders the page with the reason and a 400."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST
from openpyxl import Workbook
from openpyxl.styles import Font

from hragency.billing import funds
from hragency.billing import queries_funds as q
from hragency.billing.models import FundEntry, Invoice
from hragency.clients.queries import clients_for
from hragency.core.errors import InvalidFields, ServiceError
from hragency.domain.insurance import Period
from hragency.domain.money import format_cny, from_fen

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY = "#,##0.00"
PAGE_SIZE = 50


def _month(request: HttpRequest) -> tuple[Period, str]:
    """The month asked for (current month if none); an unreadable one is reported, not 500."""
    try:
        return q.parse_month(request.GET.get("month")), ""
    except ServiceError as exc:
        return Period.of(timezone.localdate()), str(exc)


def _int_or_none(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


# ---- overview and ledger -------------------------------------------------------------------


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """资金账户总览: every client the staff member serves, with the month's figures. A client's
    HR user goes straight to their own account."""
    user = request.user
    if user.kind == "client_hr":  # type: ignore[union-attr]
        q.need(q.may_view_funds(user), "无权查看客户资金账户")
        return redirect("funds:ledger", user.client_id)  # type: ignore[union-attr]
    if user.kind != "staff":  # type: ignore[union-attr]
        raise PermissionDenied("无权查看")
    q.need(q.may_view_funds(user), "无权查看客户资金账户")
    period, error = _month(request)
    page = Paginator(q.balances_overview(user, period), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "billing/funds/overview.html",
        {
            "period": period,
            "error": error,
            "page": page,
            "totals": q.overview_totals(user, period),
            "tab": "overview",
        },
    )


def _ledger_page(
    request: HttpRequest,
    client: Any,
    *,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    may_record = q.may_record(user) and user.kind == "staff"  # type: ignore[union-attr]
    return render(
        request,
        "billing/funds/ledger.html",
        {
            "client": client,
            "balance_fen": q.balance_of(user, client),
            "entries": q.ledger_of(user, client),
            "may_record": may_record,
            "kinds": FundEntry.Kind.choices,
            "statements": q.open_statements_of(user, client) if may_record else [],
            "typed": typed or {"date": timezone.localdate().isoformat()},
            "errors": errors or {},
            "error": error,
            "this_month": f"{timezone.localdate():%Y-%m}",
            "tab": "ledger",
        },
        status=status,
    )


@login_required
def ledger(request: HttpRequest, client_id: int) -> HttpResponse:
    """The client's fund account: balance, latest entries, and the form to record one."""
    user = request.user
    client = q.fund_client_for(user, client_id)
    if request.method != "POST":
        return _ledger_page(request, client)
    q.need(q.may_record(user), "无权登记资金往来")
    typed = {f: request.POST.get(f, "").strip() for f in funds.ENTRY_FIELDS}
    data = {k: v for k, v in typed.items() if v != ""}
    try:
        entry = funds.record_entry(client=client, data=data, actor=user)
    except InvalidFields as exc:
        return _ledger_page(
            request,
            client,
            typed=typed,
            errors=exc.by_field(),
            error="请修改标红的字段后重新提交",
            status=400,
        )
    except ServiceError as exc:
        return _ledger_page(request, client, typed=typed, error=str(exc), status=400)
    messages.success(request, f"已登记：{entry.get_kind_display()} {format_cny(entry.amount_fen)}")
    if entry.statement is not None and entry.kind == FundEntry.Kind.RECEIPT:
        live = q.invoices_for(user).filter(statement=entry.statement)
        invoice = live.exclude(status=Invoice.Status.VOID).first()
        if invoice is not None and invoice.status == Invoice.Status.PENDING:
            messages.info(
                request,
                f"费用明细表 {entry.statement.number} 已付清，已生成待开具发票 {invoice.number}，"
                f"请于 {timezone.localtime(invoice.due_at):%Y-%m-%d %H:%M} 前开具",
            )
    return redirect("funds:ledger", client.pk)


# ---- the monthly fund-flow report ----------------------------------------------------------


@login_required
@require_GET
def report(request: HttpRequest, client_id: int) -> HttpResponse:
    user = request.user
    client = q.fund_client_for(user, client_id)
    period, error = _month(request)
    return render(
        request,
        "billing/funds/report.html",
        {
            "client": client,
            "report": q.month_report(user, client, period),
            "balance_fen": q.balance_of(user, client),
            "previous": period.shifted(-1),
            "next": period.shifted(1),
            "error": error,
            "tab": "report",
        },
        status=400 if error else 200,
    )


def _yuan(fen: int) -> Decimal:
    return from_fen(int(fen))


def report_workbook(report: q.FundReport) -> bytes:
    """The report as .xlsx: the figures, then each entry with the balance after it. Amounts
    are exact Decimals (never floats) formatted #,##0.00."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "资金收支表"
    bold = Font(bold=True)
    client = report.client
    sheet.append([f"客户资金月度收支表（{report.period}）"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["客户", client.name])
    sheet.append(["客户编号", client.number])
    sheet.append(["月份", str(report.period)])
    sheet.append([])
    figures = [
        ("期初余额", report.opening_fen),
        ("客户来款", report.receipts_fen),
        ("缴纳社保", report.si_payments_fen),
        ("缴纳公积金", report.hf_payments_fen),
        ("退款", report.refunds_fen),
        ("调整（净额）", report.adjustments_fen),
        ("期末余额", report.closing_fen),
    ]
    for label, fen in figures:
        sheet.append([label, _yuan(fen)])
        sheet.cell(sheet.max_row, 1).font = bold
        sheet.cell(sheet.max_row, 2).number_format = MONEY
    sheet.append([])
    headers = ["日期", "类型", "收入", "支出", "余额", "银行流水号/凭证号", "费用明细表", "备注"]
    sheet.append(headers)
    for column in range(1, len(headers) + 1):
        sheet.cell(sheet.max_row, column).font = bold
    for entry in report.entries:
        inflow = entry.kind in FundEntry.INFLOWS
        sheet.append(
            [
                entry.date,
                entry.get_kind_display(),
                _yuan(entry.amount_fen) if inflow else None,
                None if inflow else _yuan(entry.amount_fen),
                _yuan(entry.balance_fen),  # type: ignore[attr-defined]
                entry.reference,
                entry.statement.number if entry.statement is not None else "",
                entry.note,
            ]
        )
        row = sheet.max_row
        sheet.cell(row, 1).number_format = "yyyy-mm-dd"
        for column in (3, 4, 5):
            sheet.cell(row, column).number_format = MONEY
    for letter, width in zip("ABCDEFGH", (14, 16, 14, 14, 14, 22, 18, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@login_required
@require_GET
def report_xlsx(request: HttpRequest, client_id: int) -> HttpResponse:
    user = request.user
    client = q.fund_client_for(user, client_id)
    period, error = _month(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    data = report_workbook(q.month_report(user, client, period))
    response = HttpResponse(data, content_type=XLSX_TYPE)
    name = f"资金收支表-{client.name}-{period}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response


# ---- invoices ------------------------------------------------------------------------------


@login_required
@require_GET
def invoice_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    q.need(q.may_view_invoices(user), "无权查看发票")
    status = request.GET.get("status", "")
    client_id = _int_or_none(request.GET.get("client"))
    qs = q.search_invoices(user, status=status, client_id=client_id)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    show_clients = user.kind == "staff"  # type: ignore[union-attr]
    return render(
        request,
        "billing/funds/invoices.html",
        {
            "page": page,
            "status": status,
            "client_id": client_id,
            "statuses": Invoice.Status.choices,
            "clients": list(clients_for(user).values_list("pk", "name")) if show_clients else [],
            "show_clients": show_clients,
            "query": query.urlencode(),
            "tab": "invoices",
        },
    )


def _invoice_page(
    request: HttpRequest,
    invoice: Invoice,
    *,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "billing/funds/invoice.html",
        {
            "invoice": invoice,
            "lines": list(invoice.lines.all()),
            "may_issue": q.may_issue(request.user),
            "typed": typed or {},
            "errors": errors or {},
            "error": error,
            "tab": "invoices",
        },
        status=status,
    )


@login_required
@require_GET
def invoice_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    return _invoice_page(request, q.invoice_for(request.user, invoice_id))


@login_required
@require_POST
def invoice_issue(request: HttpRequest, invoice_id: int) -> HttpResponse:
    user = request.user
    invoice = q.invoice_for(user, invoice_id)
    q.need(q.may_issue(user), "无权开具或作废发票")
    typed = {f: request.POST.get(f, "").strip() for f in funds.ISSUE_FIELDS}
    try:
        issued = funds.issue_invoice(invoice=invoice, data=typed, actor=user)
    except InvalidFields as exc:
        return _invoice_page(
            request,
            invoice,
            typed=typed,
            errors=exc.by_field(),
            error="请修改标红的字段后重新提交",
            status=400,
        )
    except ServiceError as exc:
        return _invoice_page(request, invoice, typed=typed, error=str(exc), status=400)
    late = issued.issued_at is not None and issued.issued_at > issued.due_at
    text = f"发票 {issued.number} 已登记开具" + ("（已超过开票时限）" if late else "")
    (messages.warning if late else messages.success)(request, text)
    return redirect("funds:invoice", issued.pk)


@login_required
@require_POST
def invoice_void(request: HttpRequest, invoice_id: int) -> HttpResponse:
    user = request.user
    invoice = q.invoice_for(user, invoice_id)
    q.need(q.may_issue(user), "无权开具或作废发票")
    reason = request.POST.get("reason", "").strip()
    try:
        replacement = funds.void_invoice(invoice=invoice, reason=reason, actor=user)
    except ServiceError as exc:
        return _invoice_page(request, invoice, typed={"reason": reason}, error=str(exc), status=400)
    if replacement is not None:
        messages.success(
            request, f"发票 {invoice.number} 已作废，已重新生成待开具发票 {replacement.number}"
        )
        return redirect("funds:invoice", replacement.pk)
    messages.success(request, f"发票 {invoice.number} 已作废")
    return redirect("funds:invoice", invoice.pk)
