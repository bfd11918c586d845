"""/api/declarations: declarations and their results (R-SI-4)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from ninja import File, Form, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from hragency.clients.queries import clients_for
from hragency.domain.insurance import PolicyError, parse_period
from hragency.domain.money import from_fen
from hragency.insurance import declarations
from hragency.insurance.models import Declaration
from hragency.insurance.queries import declaration_for, declarations_for
from hragency.insurance.views_declarations import XLSX

router = Router(tags=["申报与回执"])


class PrepareIn(Schema):
    client_id: int
    month: str


class DeclarationOut(Schema):
    id: int
    client_id: int
    city: str
    month: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    headcount: int
    amount: str
    declared_at: dt.datetime | None
    completed_at: dt.datetime | None
    receipt_number: str
    has_receipt_file: bool
    has_proof_file: bool
    failure_reason: str


def _out(d: Declaration) -> dict[str, object]:
    return {
        "id": d.pk,
        "client_id": d.client_id,
        "city": d.city,
        "month": f"{d.month:%Y-%m}",
        "kind": d.kind,
        "kind_label": d.get_kind_display(),
        "status": d.status,
        "status_label": d.get_status_display(),
        "headcount": d.headcount,
        "amount": str(from_fen(d.amount_fen)),
        "declared_at": d.declared_at,
        "completed_at": d.completed_at,
        "receipt_number": d.receipt_number,
        "has_receipt_file": bool(d.receipt_file),
        "has_proof_file": bool(d.proof_file),
        "failure_reason": d.failure_reason,
    }


@router.get("/", response=list[DeclarationOut], summary="申报记录列表")
@paginate
def list_declarations(
    request: HttpRequest, month: str = "", status: str = ""
) -> list[dict[str, object]]:
    if not request.user.has_perm("insurance.view_enrollment"):
        raise HttpError(403, "无权查看申报记录")
    qs = declarations_for(request.user)
    if month:
        try:
            qs = qs.filter(month=parse_period(month).first_day)
        except PolicyError as exc:
            raise HttpError(400, str(exc)) from exc
    if status:
        qs = qs.filter(status=status)
    return [_out(d) for d in qs]


@router.post("/prepare", response=list[DeclarationOut], summary="生成某客户某月的申报（须已月结）")
def prepare(request: HttpRequest, payload: PrepareIn) -> list[dict[str, object]]:
    client = get_object_or_404(clients_for(request.user), pk=payload.client_id)
    try:
        month = parse_period(payload.month)
    except PolicyError as exc:
        raise HttpError(400, str(exc)) from exc
    rows = declarations.prepare_declarations(actor=request.user, client=client, month=month)
    return [_out(d) for d in rows]


@router.get("/{declaration_id}", response=DeclarationOut, summary="申报详情")
def detail(request: HttpRequest, declaration_id: int) -> dict[str, object]:
    return _out(declaration_for(request.user, declaration_id))


@router.get(
    "/{declaration_id}/export", summary="下载申报文件（按城市模板，含完整证件号码，记入审计）"
)
def export(request: HttpRequest, declaration_id: int) -> HttpResponse:
    declaration = declaration_for(request.user, declaration_id)
    name, content = declarations.export_declaration(actor=request.user, declaration=declaration)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@router.post("/{declaration_id}/declared", response=DeclarationOut, summary="标记为已申报")
def declared(request: HttpRequest, declaration_id: int) -> dict[str, object]:
    declaration = declaration_for(request.user, declaration_id)
    return _out(declarations.mark_declared(actor=request.user, declaration=declaration))


@router.post(
    "/{declaration_id}/result", response=DeclarationOut, summary="登记申报结果（回执、缴费凭证）"
)
def result(
    request: HttpRequest,
    declaration_id: int,
    succeeded: bool = Form(...),
    receipt_number: str = Form(""),
    failure_reason: str = Form(""),
    receipt_file: UploadedFile | None = File(None),  # noqa: B008
    proof_file: UploadedFile | None = File(None),  # noqa: B008
) -> dict[str, object]:
    declaration = declaration_for(request.user, declaration_id)
    return _out(
        declarations.record_result(
            actor=request.user,
            declaration=declaration,
            succeeded=succeeded,
            receipt_number=receipt_number,
            failure_reason=failure_reason,
            receipt_file=receipt_file,
            proof_file=proof_file,
        )
    )
