"""Payroll API (outputs), mounted at /api/payroll: payslips, the bank batch-payment file, the
IIT declaration export, the monthly cost list and the bank layouts.

Thin: reads through ``queries_outputs`` (out of scope → 404, no permission → 403), files
through ``payslips`` / ``bank`` / ``iit_export`` / ``costs`` (refused → 400 with the reason).
Money is a decimal string; files are plain ``HttpResponse`` bodies."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Query, Router, Schema

from hragency.core.errors import ServiceError
from hragency.domain.insurance import PolicyError, parse_period
from hragency.domain.money import from_fen
from hragency.payroll import bank, costs, iit_export, payslips
from hragency.payroll import queries_outputs as q
from hragency.payroll.models import PayrollLine
from hragency.payroll.queries import items_of_client, may_view

router = Router(tags=["薪酬个税"])

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _money(fen: int | None) -> str | None:
    return None if fen is None else str(from_fen(int(fen)))


def _file(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    response["Cache-Control"] = "private, no-store"
    return response


class PayslipBrief(Schema):
    id: int
    run_id: int
    period: str
    client_id: int
    client_name: str
    person_id: int
    person_name: str
    gross: str
    iit: str
    net: str


class Figure(Schema):
    label: str
    amount: str


class PayslipSection(Schema):
    title: str
    items: list[Figure]


class PayslipOut(PayslipBrief):
    id_number_masked: str
    employee_number: str
    run_status: str
    sections: list[PayslipSection]
    summary: list[Figure]
    year_to_date: list[Figure]
    emailed_at: str | None


class PayslipPage(Schema):
    items: list[PayslipBrief]
    count: int


class PayslipFilters(Schema):
    month: str = ""
    limit: int = 100
    offset: int = 0


class CostRowOut(Schema):
    person_id: int
    name: str
    employee_number: str
    gross: str
    benefits: str
    si_employer: str
    hf_employer: str
    total: str


class CostsOut(Schema):
    run_id: int
    run_number: str
    run_status: str
    client_id: int
    client_name: str
    period: str
    people: int
    gross: str
    benefits: str
    si_employer: str
    hf_employer: str
    total: str
    service_fee: str | None
    grand_total: str
    rows: list[CostRowOut]


class BankFormatOut(Schema):
    code: str
    name: str
    bank: str
    file_type: str
    encoding: str
    delimiter: str
    header_row: bool
    columns: list[dict[str, str]]


def _brief(line: PayrollLine) -> dict[str, Any]:
    return {
        "id": line.pk,
        "run_id": line.run_id,
        "period": f"{line.period:%Y-%m}",
        "client_id": line.client_id,
        "client_name": line.client.name,
        "person_id": line.person_id,
        "person_name": line.person.name,
        "gross": _money(line.gross_fen),
        "iit": _money(line.iit_fen + line.bonus_tax_fen),
        "net": _money(line.net_fen),
    }


def _figures(rows: list[tuple[str, int]]) -> list[dict[str, Any]]:
    return [{"label": label, "amount": _money(fen)} for label, fen in rows]


@router.get(
    "/payslips", response=PayslipPage, summary="工资条列表（员工本人 / 权限范围内，已发放）"
)
def list_payslips(request: HttpRequest, filters: Query[PayslipFilters]) -> dict[str, Any]:
    period = None
    if filters.month:
        try:
            period = parse_period(filters.month).first_day
        except PolicyError as exc:
            raise ServiceError(str(exc)) from None
    qs = q.payslip_list(request.user, period=period)
    limit = max(1, min(filters.limit, 500))
    offset = max(0, filters.offset)
    return {
        "items": [_brief(line) for line in qs[offset : offset + limit]],
        "count": qs.count(),
    }


@router.get("/payslips/{line_id}", response=PayslipOut, summary="工资条详情")
def get_payslip(request: HttpRequest, line_id: int) -> dict[str, Any]:
    line = q.payslip_line(request.user, line_id)
    slip = payslips.build_payslip(line, items_of_client(line.client_id))
    return {
        **_brief(line),
        "id_number_masked": slip.id_number_masked,
        "employee_number": slip.employee_number,
        "run_status": line.run.status,
        "sections": [{"title": s.title, "items": _figures(s.rows)} for s in slip.sections],
        "summary": _figures(slip.summary),
        "year_to_date": _figures(slip.year_to_date),
        "emailed_at": line.emailed_at.isoformat() if line.emailed_at else None,
    }


@router.get("/payslips/{line_id}/pdf", summary="工资条 PDF")
def get_payslip_pdf(request: HttpRequest, line_id: int) -> HttpResponse:
    line = q.payslip_line(request.user, line_id)
    slip = payslips.build_payslip(line, items_of_client(line.client_id))
    content = payslips.payslips_pdf([slip])
    return _file(content, "application/pdf", payslips.pdf_filename(slip))


@router.get(
    "/runs/{run_id}/bank-file", summary="银行代发文件（format=银行格式代码，缺省为客户默认）"
)
def get_bank_file(request: HttpRequest, run_id: int, format: str = "") -> HttpResponse:
    run = q.run_for_export(request.user, run_id, "bank")
    chosen = q.bank_format_by_code(format.strip()) if format.strip() else None
    if format.strip() and chosen is None:
        raise ServiceError(f"银行格式「{format.strip()}」不存在或已停用")
    name, content = bank.export_bank_file(actor=request.user, run=run, bank_format=chosen)
    used = chosen or bank.default_format(run)
    file_type = used.file_type if used is not None else "csv"
    content_type = bank.FILE_TYPES[file_type]
    if file_type != "xlsx" and used is not None:
        content_type += f"; charset={used.encoding}"
    return _file(content, content_type, name)


@router.get("/runs/{run_id}/iit-export", summary="个税扣缴申报文件（扣缴端导入模板）")
def get_iit_export(request: HttpRequest, run_id: int) -> HttpResponse:
    run = q.run_for_export(request.user, run_id, "iit")
    name, content = iit_export.export_iit(actor=request.user, run=run)
    return _file(content, XLSX_TYPE, name)


@router.get("/runs/{run_id}/costs", response=CostsOut, summary="人工成本清单")
def get_costs(request: HttpRequest, run_id: int) -> dict[str, Any]:
    user = request.user
    run = q.run_in_scope(user, run_id)
    codes = costs.cost_codes(run)
    totals = costs.totals_of(user, run, codes)
    rows = [
        {
            "person_id": r.person_id,
            "name": r.name,
            "employee_number": r.employee_number,
            "gross": _money(r.gross_fen),
            "benefits": _money(r.benefits_fen),
            "si_employer": _money(r.si_employer_fen),
            "hf_employer": _money(r.hf_employer_fen),
            "total": _money(r.total_fen),
        }
        for r in costs.rows_of(user, run, codes)
    ]
    return {
        "run_id": run.pk,
        "run_number": run.number,
        "run_status": run.status,
        "client_id": run.client_id,
        "client_name": run.client.name,
        "period": f"{run.period:%Y-%m}",
        "people": totals.people,
        "gross": _money(totals.gross_fen),
        "benefits": _money(totals.benefits_fen),
        "si_employer": _money(totals.si_employer_fen),
        "hf_employer": _money(totals.hf_employer_fen),
        "total": _money(totals.total_fen),
        "service_fee": _money(totals.service_fee_fen),
        "grand_total": _money(totals.grand_total_fen),
        "rows": rows,
    }


@router.get("/runs/{run_id}/costs.xlsx", summary="人工成本清单（Excel）")
def get_costs_xlsx(request: HttpRequest, run_id: int) -> HttpResponse:
    user = request.user
    run = q.run_in_scope(user, run_id)
    content = costs.workbook_for(user, run)
    return _file(content, XLSX_TYPE, costs.filename(run))


@router.get("/bank-formats", response=list[BankFormatOut], summary="代发银行格式")
def list_bank_formats(request: HttpRequest) -> list[dict[str, Any]]:
    user = request.user
    if not (q.may_export(user, "bank") or may_view(user)):
        raise PermissionDenied("无权查看代发银行格式")
    return [
        {
            "code": f.code,
            "name": f.name,
            "bank": f.bank,
            "file_type": f.file_type,
            "encoding": f.encoding,
            "delimiter": f.delimiter,
            "header_row": f.header_row,
            "columns": list(f.columns),
        }
        for f in q.bank_formats()
    ]
