"""REST API for client funds (R-FEE-4) and invoices (R-FEE-3), mounted at /api/funds.

Thin: reads through ``queries_funds`` (out of scope → 404, no permission → 403), writes through
``funds`` (refused → 400 with the reason and the fields). Money is a decimal string."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from hragency.billing import funds
from hragency.billing import queries_funds as q
from hragency.billing.models import FundEntry, Invoice
from hragency.billing.schemas_funds import (
    BalanceOut,
    EntryIn,
    EntryOut,
    EntryPage,
    InvoiceOut,
    IssueIn,
    OverviewOut,
    ReportOut,
    VoidIn,
    VoidOut,
)
from hragency.clients.queries import client_for
from hragency.domain.money import from_fen

router = Router(tags=["发票与资金"])


def _money(fen: int) -> str:
    return str(from_fen(int(fen)))


def entry_out(entry: FundEntry, balance_fen: int | None = None) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "client_id": entry.client_id,
        "date": entry.date,
        "kind": entry.kind,
        "kind_label": entry.get_kind_display(),
        "amount": _money(entry.amount_fen),
        "signed_amount": _money(entry.signed_fen),
        "reference": entry.reference,
        "statement_id": entry.statement_id,
        "statement_number": entry.statement.number if entry.statement is not None else "",
        "note": entry.note,
        "created_by": str(entry.created_by) if entry.created_by_id else "",
        "created_at": entry.created_at,
        "balance_after": None if balance_fen is None else _money(balance_fen),
    }


def _figures(source: Any) -> dict[str, str]:
    def get(name: str) -> int:
        return int(source[name] if isinstance(source, dict) else getattr(source, name))

    return {
        "opening": _money(get("opening_fen")),
        "receipts": _money(get("receipts_fen")),
        "si_payments": _money(get("si_payments_fen")),
        "hf_payments": _money(get("hf_payments_fen")),
        "refunds": _money(get("refunds_fen")),
        "adjustments": _money(get("adjustments_fen")),
        "closing": _money(get("closing_fen")),
    }


def invoice_out(invoice: Invoice) -> dict[str, Any]:
    return {
        "id": invoice.pk,
        "number": invoice.number,
        "client_id": invoice.client_id,
        "client_name": invoice.client.name,
        "statement_id": invoice.statement_id,
        "statement_number": invoice.statement.number,
        "period": f"{invoice.statement.period:%Y-%m}",
        "status": invoice.status,
        "status_label": invoice.get_status_display(),
        "total": _money(invoice.total_fen),
        "paid_on": invoice.paid_on,
        "requested_at": invoice.requested_at,
        "due_at": invoice.due_at,
        "deadline_status": invoice.deadline.get_status_display() if invoice.deadline else "",
        "issued_at": invoice.issued_at,
        "issued_by": str(invoice.issued_by) if invoice.issued_by_id else "",
        "invoice_code": invoice.invoice_code,
        "invoice_number": invoice.invoice_number,
        "voided_at": invoice.voided_at,
        "void_reason": invoice.void_reason,
        "lines": [
            {"position": line.position, "item": line.item, "amount": _money(line.amount_fen)}
            for line in invoice.lines.all()
        ],
    }


class EntryFilters(Schema):
    client_id: int | None = None
    month: str = ""
    limit: int = 100
    offset: int = 0


class InvoiceFilters(Schema):
    status: str = ""
    client_id: int | None = None
    limit: int = 100
    offset: int = 0


# ---- the ledger ----------------------------------------------------------------------------


@router.get("/entries", response=EntryPage, summary="资金往来（可按客户、月份筛选）")
def list_entries(request: HttpRequest, filters: Query[EntryFilters]) -> dict[str, Any]:
    user = request.user
    q.need(q.may_view_funds(user), "无权查看客户资金账户")
    qs = q.entries_for(user)
    if filters.client_id is not None:
        qs = qs.filter(client=q.fund_client_for(user, filters.client_id))
    if filters.month:
        period = q.parse_month(filters.month)
        qs = qs.filter(date__gte=period.first_day, date__lt=period.shifted(1).first_day)
    limit = max(1, min(filters.limit, 500))
    offset = max(0, filters.offset)
    rows = list(qs.order_by("-date", "-pk")[offset : offset + limit])
    return {"items": [entry_out(e) for e in rows], "count": qs.count()}


@router.post("/entries", response={201: EntryOut}, summary="登记资金往来（来款、缴费、退款、调整）")
def create_entry(request: HttpRequest, payload: EntryIn) -> Status[dict[str, Any]]:
    client = client_for(request.user, payload.client_id)
    data = payload.dict(exclude_unset=True, exclude={"client_id"})
    if "statement_id" in data:
        data["statement"] = data.pop("statement_id")
    entry = funds.record_entry(client=client, data=data, actor=request.user)
    entry = q.entries_for(request.user).get(pk=entry.pk)
    return Status(201, entry_out(entry, funds.balance_after_fen(entry)))


@router.get("/clients/{client_id}/balance", response=BalanceOut, summary="客户资金账户余额")
def get_balance(request: HttpRequest, client_id: int) -> dict[str, Any]:
    client = q.fund_client_for(request.user, client_id)
    return {
        "client_id": client.pk,
        "client_number": client.number,
        "client_name": client.name,
        "balance": _money(q.balance_of(request.user, client)),
    }


@router.get("/clients/{client_id}/report", response=ReportOut, summary="客户资金月度收支表")
def get_report(request: HttpRequest, client_id: int, month: str = "") -> dict[str, Any]:
    client = q.fund_client_for(request.user, client_id)
    report = q.month_report(request.user, client, q.parse_month(month))
    return {
        "client_id": client.pk,
        "client_number": client.number,
        "client_name": client.name,
        "month": str(report.period),
        **_figures(report),
        "entries": [entry_out(e, e.balance_fen) for e in report.entries],  # type: ignore[attr-defined]
    }


@router.get("/balances", response=OverviewOut, summary="各客户资金余额总览（按月）")
def get_overview(request: HttpRequest, month: str = "") -> dict[str, Any]:
    user = request.user
    if getattr(user, "kind", None) != "staff":
        raise PermissionDenied("无权查看")
    q.need(q.may_view_funds(user), "无权查看客户资金账户")
    period = q.parse_month(month)
    rows = q.balances_overview(user, period)
    return {
        "month": str(period),
        "items": [
            {"client_id": c.pk, "client_number": c.number, "client_name": c.name, **_figures(c)}
            for c in rows
        ],
        "totals": _figures(q.overview_totals(user, period)),
    }


# ---- invoices ------------------------------------------------------------------------------


@router.get("/invoices", response=list[InvoiceOut], summary="发票列表（可按状态、客户筛选）")
def list_invoices(request: HttpRequest, filters: Query[InvoiceFilters]) -> list[dict[str, Any]]:
    user = request.user
    q.need(q.may_view_invoices(user), "无权查看发票")
    qs = q.search_invoices(user, status=filters.status, client_id=filters.client_id)
    limit = max(1, min(filters.limit, 500))
    offset = max(0, filters.offset)
    rows = qs.prefetch_related("lines")[offset : offset + limit]
    return [invoice_out(i) for i in rows]


@router.get("/invoices/{invoice_id}", response=InvoiceOut, summary="发票详情")
def get_invoice(request: HttpRequest, invoice_id: int) -> dict[str, Any]:
    return invoice_out(q.invoice_for(request.user, invoice_id))


@router.post("/invoices/{invoice_id}/issue", response=InvoiceOut, summary="登记已开具的发票")
def issue(request: HttpRequest, invoice_id: int, payload: IssueIn) -> dict[str, Any]:
    invoice = q.invoice_for(request.user, invoice_id)
    data = payload.dict(exclude_unset=True)
    funds.issue_invoice(invoice=invoice, data=data, actor=request.user)
    return invoice_out(q.invoice_for(request.user, invoice_id))


@router.post("/invoices/{invoice_id}/void", response=VoidOut, summary="作废发票（须填写原因）")
def void(request: HttpRequest, invoice_id: int, payload: VoidIn) -> dict[str, Any]:
    invoice = q.invoice_for(request.user, invoice_id)
    replacement = funds.void_invoice(invoice=invoice, reason=payload.reason, actor=request.user)
    return {
        "invoice": invoice_out(q.invoice_for(request.user, invoice_id)),
        "replacement": invoice_out(q.invoice_for(request.user, replacement.pk))
        if replacement is not None
        else None,
    }
