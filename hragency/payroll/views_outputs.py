"""Screens of what payroll produces, under /payroll/: payslips (我的工资条 for employees, any
payslip in scope for staff and client HR), the run's payslips as one PDF and their e-mail, the
bank batch-payment file, the IIT declaration export and the monthly cost list.

Thin: reads through ``queries_outputs`` (out of scope → 404, no permission → 403), files and
writes through ``payslips`` / ``bank`` / ``iit_export`` / ``costs``. A refused export goes back
to its page with the reason."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from hragency.core.errors import ServiceError
from hragency.domain.insurance import PolicyError, parse_period
from hragency.payroll import bank, costs, iit_export, payslips
from hragency.payroll import queries_outputs as q
from hragency.payroll.models import PayrollRun
from hragency.payroll.queries import items_of_client

PDF_TYPE = "application/pdf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50
COST_PAGE_SIZE = 100


def download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    response["Cache-Control"] = "private, no-store"
    return response


def _run_url(run: PayrollRun) -> str:
    """The run's own page (the run workflow's screen), if it is mounted."""
    try:
        return reverse("payroll:run", args=[run.pk])
    except NoReverseMatch:
        return ""


def _run_context(request: HttpRequest, run: PayrollRun, tab: str) -> dict[str, Any]:
    user = request.user
    return {
        "run": run,
        "tab": tab,
        "run_url": _run_url(run),
        "final": run.status in (PayrollRun.Status.APPROVED, PayrollRun.Status.PAID),
        "may_bank": q.may_export(user, "bank"),
        "may_iit": q.may_export(user, "iit"),
    }


# ---- payslips ------------------------------------------------------------------------------


@login_required
@require_GET
def payslip_list(request: HttpRequest) -> HttpResponse:
    """我的工资条 for an employee; paid payslips in scope for staff and client HR."""
    user = request.user
    month = request.GET.get("month", "").strip()
    error = ""
    period = None
    if month:
        try:
            period = parse_period(month).first_day
        except PolicyError as exc:
            error = str(exc)
    page = Paginator(q.payslip_list(user, period=period), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "payroll/outputs/payslips.html",
        {
            "page": page,
            "month": month,
            "error": error,
            "own": q.is_employee(user),
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def payslip_detail(request: HttpRequest, line_id: int) -> HttpResponse:
    line = q.payslip_line(request.user, line_id)
    slip = payslips.build_payslip(line, items_of_client(line.client_id))
    return render(
        request,
        "payroll/outputs/payslip.html",
        {
            "slip": slip,
            "run": line.run,
            "own": q.is_employee(request.user),
            "run_url": "" if q.is_employee(request.user) else _run_url(line.run),
        },
    )


@login_required
@require_GET
def payslip_pdf(request: HttpRequest, line_id: int) -> HttpResponse:
    line = q.payslip_line(request.user, line_id)
    slip = payslips.build_payslip(line, items_of_client(line.client_id))
    try:
        content = payslips.payslips_pdf([slip])
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("payroll:payslip", line.pk)
    return download(content, PDF_TYPE, payslips.pdf_filename(slip))


@login_required
@require_GET
def run_payslips(request: HttpRequest, run_id: int) -> HttpResponse:
    """The run's payslips: a link per person, e-mail status, the whole run as one PDF."""
    user = request.user
    run = q.run_in_scope(user, run_id)
    page = Paginator(q.lines_of_run(user, run), PAGE_SIZE).get_page(request.GET.get("page"))
    paid = run.status == PayrollRun.Status.PAID
    return render(
        request,
        "payroll/outputs/run_payslips.html",
        {
            **_run_context(request, run, "payslips"),
            "page": page,
            "may_send": paid and q.may_send(user),
        },
    )


@login_required
@require_GET
def run_payslips_pdf(request: HttpRequest, run_id: int) -> HttpResponse:
    user = request.user
    run = q.run_in_scope(user, run_id)
    slips = payslips.build_all(q.lines_of_run(user, run), run.client_id)
    if not slips:
        messages.error(request, "该工资表没有工资条")
        return redirect("payroll:run_payslips", run.pk)
    try:
        content = payslips.payslips_pdf(slips)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("payroll:run_payslips", run.pk)
    return download(content, PDF_TYPE, f"工资条-{run.client.name}-{run.period:%Y%m}.pdf")


@login_required
@require_POST
def run_payslips_send(request: HttpRequest, run_id: int) -> HttpResponse:
    run = q.run_in_scope(request.user, run_id)
    try:
        pending = payslips.queue_payslip_emails(actor=request.user, run=run)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已安排发送 {pending} 份工资条邮件，稍后刷新查看发送状态")
    return redirect("payroll:run_payslips", run.pk)


# ---- bank file -----------------------------------------------------------------------------


@login_required
@require_GET
def run_bank(request: HttpRequest, run_id: int) -> HttpResponse:
    """Choose the bank layout, see who is paid and who is left out, then download."""
    user = request.user
    run = q.run_for_export(user, run_id, "bank")
    code = request.GET.get("format", "").strip()
    chosen = q.bank_format_by_code(code) if code else bank.default_format(run)
    error = f"银行格式「{code}」不存在或已停用" if code and chosen is None else ""
    planned = bank.plan(q.lines_of_run(user, run))
    return render(
        request,
        "payroll/outputs/bank.html",
        {
            **_run_context(request, run, "bank"),
            "formats": list(q.bank_formats()),
            "chosen": chosen,
            "default": bank.default_format(run),
            "plan": planned,
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def run_bank_download(request: HttpRequest, run_id: int) -> HttpResponse:
    user = request.user
    run = q.run_for_export(user, run_id, "bank")
    code = request.GET.get("format", "").strip()
    chosen = q.bank_format_by_code(code) if code else None
    if code and chosen is None:
        messages.error(request, f"银行格式「{code}」不存在或已停用")
        return redirect("payroll:run_bank", run.pk)
    try:
        name, content = bank.export_bank_file(actor=user, run=run, bank_format=chosen)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("payroll:run_bank", run.pk)
    used = chosen or bank.default_format(run)
    file_type = used.file_type if used is not None else "csv"
    content_type = bank.FILE_TYPES[file_type]
    if file_type != "xlsx" and used is not None:
        content_type += f"; charset={used.encoding}"
    return download(content, content_type, name)


# ---- IIT export ----------------------------------------------------------------------------


@login_required
@require_GET
def run_iit(request: HttpRequest, run_id: int) -> HttpResponse:
    user = request.user
    run = q.run_for_export(user, run_id, "iit")
    data = iit_export.collect(user, run)
    return render(
        request,
        "payroll/outputs/iit.html",
        {**_run_context(request, run, "iit"), "data": data},
    )


@login_required
@require_GET
def run_iit_download(request: HttpRequest, run_id: int) -> HttpResponse:
    user = request.user
    run = q.run_for_export(user, run_id, "iit")
    try:
        name, content = iit_export.export_iit(actor=user, run=run)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("payroll:run_iit", run.pk)
    return download(content, XLSX_TYPE, name)


# ---- cost list -----------------------------------------------------------------------------


@login_required
@require_GET
def run_costs(request: HttpRequest, run_id: int) -> HttpResponse:
    user = request.user
    run = q.run_in_scope(user, run_id)
    codes = costs.cost_codes(run)
    page = Paginator(q.lines_of_run(user, run), COST_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [costs.cost_row(line, codes) for line in page]
    start = (page.number - 1) * COST_PAGE_SIZE
    return render(
        request,
        "payroll/outputs/costs.html",
        {
            **_run_context(request, run, "costs"),
            "page": page,
            "rows": rows,
            "start": start,
            "totals": costs.totals_of(user, run, codes),
        },
    )


@login_required
@require_GET
def run_costs_xlsx(request: HttpRequest, run_id: int) -> HttpResponse:
    user = request.user
    run = q.run_in_scope(user, run_id)
    content = costs.workbook_for(user, run)
    return download(content, XLSX_TYPE, costs.filename(run))
