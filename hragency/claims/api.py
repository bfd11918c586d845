"""/api/claims: claims, their steps and documents (R-SI-9); thin over services and queries."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from hragency.claims import services
from hragency.claims import workflow as wf
from hragency.claims.models import Claim, ClaimDocument
from hragency.claims.queries import (
    claim_for,
    claims_for,
    document_for,
    documents_of,
    filter_claims,
    reportable_person,
    steps_of,
)
from hragency.claims.schemas import (
    AmountIn,
    ClaimDetailOut,
    ClaimOut,
    CompleteIn,
    DocumentOut,
    OutcomeIn,
    ReasonIn,
    ReportIn,
)
from hragency.domain.money import from_fen

router = Router(tags=["出险理赔"])


def _require(request: HttpRequest, *perms: str) -> None:
    if not any(request.user.has_perm(p) for p in perms):
        raise PermissionDenied("无权访问出险理赔")


def _claim(c: Claim) -> dict[str, Any]:
    return {
        "id": c.pk,
        "number": c.number,
        "client_id": c.client_id,
        "client": c.client.name,
        "person_id": c.person_id,
        "person": c.person.name,
        "kind": c.kind,
        "kind_label": c.get_kind_display(),
        "incident_date": c.incident_date,
        "reported_at": c.reported_at,
        "description": c.description,
        "hospital": c.hospital,
        "current_step": c.current_step,
        "current_step_label": c.current_step_label,
        "status": c.status,
        "status_label": c.get_status_display(),
        "owner": str(c.owner) if c.owner_id else None,
        "claimed": str(from_fen(c.claimed_fen)),
        "approved": str(from_fen(c.approved_fen)) if c.approved_fen is not None else None,
        "paid": str(from_fen(c.paid_fen)),
        "outcome": c.outcome,
    }


def _document(d: ClaimDocument) -> dict[str, Any]:
    return {
        "id": d.pk,
        "step": d.step,
        "kind": d.kind,
        "kind_label": str(d),
        "original_name": d.original_name,
        "size": d.size,
        "content_type": d.content_type,
        "uploaded_at": d.uploaded_at,
    }


def _detail(request: HttpRequest, c: Claim) -> dict[str, Any]:
    documents = list(documents_of(request.user, c))
    have: dict[str, set[str]] = {}
    for d in documents:
        have.setdefault(d.step, set()).add(d.kind)
    steps = []
    for s in steps_of(c):
        required = wf.required_documents(c.kind, s.code)
        steps.append(
            {
                "code": s.code,
                "label": wf.STEP_LABELS[s.code],
                "position": s.position,
                "status": s.status,
                "status_label": s.get_status_display(),
                "applicability": wf.applicability(c.kind, s.code),
                "required_documents": required,
                "missing_documents": [k for k in required if k not in have.get(s.code, set())],
                "done_by": str(s.done_by) if s.done_by_id else None,
                "done_at": s.done_at,
                "note": s.note,
                "due_at": s.deadline.due_at if s.deadline_id and s.deadline else None,
            }
        )
    return {**_claim(c), "steps": steps, "documents": [_document(d) for d in documents]}


@router.get("/", response=list[ClaimOut], summary="理赔列表")
@paginate
def list_claims(
    request: HttpRequest,
    kind: str = "",
    step: str = "",
    status: str = "",
    client: str = "",
    overdue: str = "",
    q: str = "",
) -> list[dict[str, Any]]:
    _require(request, "claims.view_claim")
    params = {
        "kind": kind,
        "step": step,
        "status": status,
        "client": client,
        "overdue": overdue,
        "q": q,
    }
    return [_claim(c) for c in filter_claims(claims_for(request.user), params)]


@router.post("/", response={201: ClaimDetailOut}, summary="出险报案")
def report(request: HttpRequest, payload: ReportIn) -> Status[dict[str, Any]]:
    _require(request, "claims.add_claim", "claims.handle_claim")
    person = reportable_person(request.user, payload.person_id)
    claim = services.report_claim(
        actor=request.user,
        person=person,
        kind=payload.kind,
        incident_date=payload.incident_date,
        description=payload.description,
        hospital=payload.hospital,
    )
    return Status(201, _detail(request, claim))


@router.get("/{claim_id}", response=ClaimDetailOut, summary="理赔详情（环节与材料）")
def get_claim(request: HttpRequest, claim_id: int) -> dict[str, Any]:
    _require(request, "claims.view_claim")
    return _detail(request, claim_for(request.user, claim_id))


@router.post(
    "/{claim_id}/documents",
    response={201: DocumentOut},
    summary="上传环节材料（JPG/PNG/PDF，不超过 10 MB）",
)
def upload_document(
    request: HttpRequest,
    claim_id: int,
    step: str = Form(""),
    kind: str = Form(""),
    file: UploadedFile | None = File(None),  # noqa: B008
) -> Status[dict[str, Any]]:
    _require(request, "claims.add_claim", "claims.handle_claim")
    claim = claim_for(request.user, claim_id)
    document = services.add_document(
        actor=request.user, claim=claim, step=step, kind=kind, file=file
    )
    return Status(201, _document(document))


@router.get("/{claim_id}/documents/{claim_document_id}", summary="下载材料（记录日志）")
def download_document(request: HttpRequest, claim_id: int, claim_document_id: int) -> HttpResponse:
    _require(request, "claims.view_claim")
    document = document_for(request.user, claim_id, claim_document_id)
    try:
        with document.file.open("rb") as handle:
            content = handle.read()
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    services.record_download(actor=request.user, document=document)
    response = HttpResponse(content, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(True, document.original_name) or ""
    response["Cache-Control"] = "private, no-store"
    return response


@router.post("/{claim_id}/steps/{claim_step}/complete", response=ClaimDetailOut, summary="完成环节")
def complete(
    request: HttpRequest, claim_id: int, claim_step: str, payload: CompleteIn
) -> dict[str, Any]:
    claim = claim_for(request.user, claim_id)
    claim = services.complete_step(
        actor=request.user, claim=claim, step=claim_step, note=payload.note, amount=payload.amount
    )
    return _detail(request, claim)


@router.post("/{claim_id}/steps/{claim_step}/skip", response=ClaimDetailOut, summary="跳过环节")
def skip(request: HttpRequest, claim_id: int, claim_step: str, payload: ReasonIn) -> dict[str, Any]:
    claim = claim_for(request.user, claim_id)
    claim = services.skip_step(
        actor=request.user, claim=claim, step=claim_step, reason=payload.reason
    )
    return _detail(request, claim)


@router.post("/{claim_id}/approve", response=ClaimDetailOut, summary="登记核定金额")
def approve(request: HttpRequest, claim_id: int, payload: AmountIn) -> dict[str, Any]:
    claim = claim_for(request.user, claim_id)
    claim = services.record_approval(actor=request.user, claim=claim, amount=payload.amount)
    return _detail(request, claim)


@router.post("/{claim_id}/payments", response=ClaimDetailOut, summary="登记待遇支付")
def pay(request: HttpRequest, claim_id: int, payload: AmountIn) -> dict[str, Any]:
    claim = claim_for(request.user, claim_id)
    claim = services.record_payment(actor=request.user, claim=claim, amount=payload.amount)
    return _detail(request, claim)


@router.post("/{claim_id}/close", response=ClaimDetailOut, summary="结案")
def close(request: HttpRequest, claim_id: int, payload: OutcomeIn) -> dict[str, Any]:
    claim = claim_for(request.user, claim_id)
    claim = services.close_claim(actor=request.user, claim=claim, outcome=payload.outcome)
    return _detail(request, claim)


@router.post("/{claim_id}/withdraw", response=ClaimDetailOut, summary="撤销报案")
def withdraw(request: HttpRequest, claim_id: int, payload: ReasonIn) -> dict[str, Any]:
    claim = claim_for(request.user, claim_id)
    claim = services.withdraw_claim(actor=request.user, claim=claim, reason=payload.reason)
    return _detail(request, claim)
