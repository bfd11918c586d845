"""薪酬 › 调基建议 (R-PAY-4): choose a client and a year, see each insured person's average
monthly wage of the year before beside their declared wage, tick and apply from a month (July by
default), or download the proposals as an ``si_bases`` import file.

Thin: reads and writes through ``payroll.bases`` (no permission → 403, a client out of scope →
404); a refused apply re-renders the page with the reason and a 400.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_GET, require_POST

from hragency.core.errors import ServiceError
from hragency.domain.insurance import Period
from hragency.payroll import bases

TEMPLATE = "payroll/bases/proposals.html"


def _int(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _selection(request: HttpRequest, data: Any) -> tuple[Any, int, str]:
    """(client or None, year, error) from the query or the form. A client's HR user always
    looks at their own company."""
    user = request.user
    client_id = _int(data.get("client"))
    if client_id is None and getattr(user, "kind", "") == "client_hr":
        client_id = user.client_id  # type: ignore[union-attr]
    client = bases.proposal_client(user, client_id) if client_id is not None else None
    raw_year = (data.get("year") or "").strip()
    this_year = timezone.localdate().year
    year = _int(raw_year)
    if raw_year and (year is None or not bases.FIRST_YEAR <= year <= bases.LAST_YEAR):
        return client, this_year, f"年度应为 {bases.FIRST_YEAR}–{bases.LAST_YEAR} 之间的整数"
    return client, year or this_year, ""


def _page(
    request: HttpRequest,
    client: Any,
    year: int,
    *,
    month: str = "",
    error: str = "",
    refused: str = "",
    chosen: set[int] | None = None,
    status: int = 200,
) -> HttpResponse:
    """``error``: the selection itself is wrong (no table); ``refused``: an action was refused
    (the table stays, with the ticks as they were)."""
    user = request.user
    proposals: list[bases.Proposal] = []
    if client is not None and not error:
        try:
            period = bases.adjustment_month(year, month)
        except ServiceError as exc:
            # An apply refused for its month still shows the table, for the default month.
            refused, period = refused or str(exc), Period(year, bases.ADJUSTMENT_MONTH)
        proposals = bases.proposed_bases(user=user, client=client, year=year, month=period)
    if chosen is None:
        chosen = {p.person_id for p in proposals if p.changes}
    month = month or str(Period(year, bases.ADJUSTMENT_MONTH))
    return render(
        request,
        TEMPLATE,
        {
            "clients": bases.proposal_clients(user),
            "client": client,
            "year": year,
            "month": month,
            "proposals": proposals,
            "chosen": chosen,
            "error": error or refused,
            "may_apply": bases.may_apply_proposals(user),
            "is_hr": getattr(user, "kind", "") == "client_hr",
            "changes": sum(1 for p in proposals if p.changes),
            "flagged": sum(1 for p in proposals if p.salary_changed),
            "query": urlencode({"client": client.pk, "year": year}) if client else "",
        },
        status=status,
    )


@login_required
@require_GET
def base_proposals(request: HttpRequest) -> HttpResponse:
    bases.require_view(request.user)
    client, year, error = _selection(request, request.GET)
    month = request.GET.get("month", "").strip()
    if not error and month:
        try:
            bases.adjustment_month(year, month)
        except ServiceError as exc:
            error = str(exc)
    return _page(request, client, year, month=month, error=error, status=400 if error else 200)


@login_required
@require_POST
def base_proposals_apply(request: HttpRequest) -> HttpResponse:
    bases.require_apply(request.user)
    client, year, error = _selection(request, request.POST)
    chosen = {p for raw in request.POST.getlist("person") if (p := _int(raw)) is not None}
    if client is None:
        error = error or "请选择客户"
    typed_month = request.POST.get("month", "").strip()
    if error:
        return _page(
            request, client, year, month=typed_month, error=error, chosen=chosen, status=400
        )
    assert client is not None
    try:
        month = bases.adjustment_month(year, typed_month)
        counts = bases.apply_proposed_bases(
            actor=request.user, client=client, year=year, effective_month=month, person_ids=chosen
        )
    except ServiceError as exc:
        return _page(
            request, client, year, month=typed_month, refused=str(exc), chosen=chosen, status=400
        )
    messages.success(
        request,
        f"已从 {month} 起调整 {counts['adjusted']} 人的申报工资"
        + (f"，{counts['unchanged']} 人与现申报工资相同未变更" if counts["unchanged"] else "")
        + "。新基数需客户在申报前再次确认。",
    )
    query = urlencode({"client": client.pk, "year": year})
    return redirect(f"{reverse('payroll:base_proposals')}?{query}")


@login_required
@require_GET
def base_proposals_xlsx(request: HttpRequest) -> HttpResponse:
    bases.require_apply(request.user)
    client, year, error = _selection(request, request.GET)
    if client is None or error:
        return _page(request, client, year, error=error or "请选择客户", status=400)
    try:
        month = bases.adjustment_month(year, request.GET.get("month", "").strip())
    except ServiceError as exc:
        return _page(request, client, year, refused=str(exc), status=400)
    name, data = bases.export_proposals(actor=request.user, client=client, year=year, month=month)
    response = HttpResponse(data, content_type=bases.XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response
