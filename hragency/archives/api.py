"""/api/archives: monthly filings, files and items, borrowing, appraisal and destruction
(R-SVC-4). Thin: the services and queries do the work."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import paginate

from hragency.accounts.models import User
from hragency.archives import borrowing as lending
from hragency.archives import destruction, retention, services
from hragency.archives.models import (
    ArchiveFile,
    ArchiveItem,
    Borrowing,
    DestructionRecord,
    MonthlyFiling,
)
from hragency.archives.queries import (
    borrowing_for,
    borrowings_for,
    destruction_for,
    destructions_for,
    files_for,
    filing_for,
    filings_for,
    items_for,
)
from hragency.archives.schemas import (
    AppraiseIn,
    BorrowIn,
    BorrowingOut,
    DestructionOut,
    ExecuteIn,
    FileItemsIn,
    FileOut,
    FilingOut,
    ItemIn,
    ItemOut,
    MissingOut,
    OpenMonthIn,
    ProposeIn,
    ReasonIn,
)
from hragency.clients.models import Client
from hragency.core.errors import ServiceError
from hragency.core.scoping import scope_queryset

router = Router(tags=["档案管理"])
VIEW = "archives.view_archivefile"


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied("无权查看档案" if permission == VIEW else "无权管理档案")


def _month(text: str) -> Any:
    try:
        return retention.parse_month(text)
    except ValueError as exc:
        raise ServiceError(str(exc)) from exc


def _client(request: HttpRequest, client_id: int) -> Client:
    return get_object_or_404(scope_queryset(Client.objects.all(), request.user), pk=client_id)


def _filing(f: MonthlyFiling) -> dict[str, Any]:
    return {
        "id": f.pk,
        "client_id": f.client_id,
        "client": f.client.name,
        "month": f"{f.month:%Y-%m}",
        "status": f.status,
        "status_label": f.get_status_display(),
        "due_on": f.due_on,
        "overdue": f.status == MonthlyFiling.Status.OPEN and f.due_on < timezone.localdate(),
        "owner": str(f.owner) if f.owner_id else None,
        "filed_at": f.filed_at,
        "item_count": f.item_count,
    }


def _file(f: ArchiveFile) -> dict[str, Any]:
    return {
        "id": f.pk,
        "number": f.number,
        "client_id": f.client_id,
        "client": f.client.name,
        "agreement": f.agreement.number if f.agreement_id else None,
        "title": f.title,
    }


def _item(i: ArchiveItem) -> dict[str, Any]:
    return {
        "id": i.pk,
        "archive_id": i.archive_id,
        "kind": i.kind,
        "kind_label": i.get_kind_display(),
        "title": i.title,
        "month": f"{i.month:%Y-%m}",
        "source_ref": i.source_ref,
        "pages": i.pages,
        "box": i.box,
        "location": i.location,
        "retention_years": i.retention_years,
        "destroy_after": i.destroy_after,
        "status": i.status,
    }


def _borrowing(b: Borrowing) -> dict[str, Any]:
    return {
        "id": b.pk,
        "number": b.number,
        "client_id": b.client_id,
        "borrower_kind": b.borrower_kind,
        "borrower_name": b.borrower_name,
        "purpose": b.purpose,
        "status": b.status,
        "status_label": b.get_status_display(),
        "items": sorted(i.pk for i in b.items.all()),
        "borrowed_at": b.borrowed_at,
        "due_back": b.due_back,
        "returned_at": b.returned_at,
        "overdue": lending.is_overdue(b),
    }


def _destruction(r: DestructionRecord) -> dict[str, Any]:
    return {
        "id": r.pk,
        "number": r.number,
        "client_id": r.client_id,
        "status": r.status,
        "status_label": r.get_status_display(),
        "items": sorted(i.pk for i in r.items.all()),
        "proposed_by": str(r.proposed_by) if r.proposed_by_id else None,
        "approved_by": str(r.approved_by) if r.approved_by_id else None,
        "destroyed_on": r.destroyed_on,
        "method": r.method,
        "witnesses": r.witnesses,
    }


@router.get("/filings", response=list[FilingOut], summary="月度归档列表")
@paginate
def list_filings(request: HttpRequest, month: str = "", status: str = "") -> list[dict[str, Any]]:
    _require(request, VIEW)
    qs = filings_for(request.user)
    if month:
        qs = qs.filter(month=_month(month))
    if status in MonthlyFiling.Status.values:
        qs = qs.filter(status=status)
    return [_filing(f) for f in qs]


@router.post("/filings/open", response=dict, summary="开启某月的归档（服务中客户）")
def open_month(request: HttpRequest, payload: OpenMonthIn) -> dict[str, Any]:
    _require(request, services.MANAGE)
    result = services.open_month(month=_month(payload.month), actor=request.user)
    return {"created": result.created, "existing": result.existing, "no_owner": result.no_owner}


@router.get("/filings/{archive_filing_id}", response=FilingOut, summary="月度归档详情")
def get_filing(request: HttpRequest, archive_filing_id: int) -> dict[str, Any]:
    _require(request, VIEW)
    return _filing(filing_for(request.user, archive_filing_id))


@router.get(
    "/filings/{archive_filing_id}/missing", response=list[MissingOut], summary="尚未归档的单据"
)
def filing_missing(request: HttpRequest, archive_filing_id: int) -> list[dict[str, Any]]:
    _require(request, VIEW)
    f = filing_for(request.user, archive_filing_id)
    missing = services.missing_materials([f.client_id], f.month)[f.client_id]
    return [
        {"source_type": e.source_type, "source_ref": e.source_ref, "title": e.title}
        for e in missing
    ]


@router.post(
    "/filings/{archive_filing_id}/materials",
    response=list[ItemOut],
    summary="将本月已办理的增减员单和签订的协议归档",
)
def filing_materials(
    request: HttpRequest, archive_filing_id: int, payload: FileItemsIn
) -> list[dict[str, Any]]:
    _require(request, services.MANAGE)
    f = filing_for(request.user, archive_filing_id)
    items = services.file_month_materials(
        actor=request.user,
        client=f.client,
        month=f.month,
        box=payload.box,
        location=payload.location,
    )
    return [_item(i) for i in items]


@router.post("/filings/{archive_filing_id}/close", response=FilingOut, summary="完成月度归档")
def close_filing(request: HttpRequest, archive_filing_id: int) -> dict[str, Any]:
    _require(request, services.MANAGE)
    f = filing_for(request.user, archive_filing_id)
    return _filing(services.close_filing(actor=request.user, filing=f))


@router.get("/files", response=list[FileOut], summary="卷宗列表")
@paginate
def list_files(request: HttpRequest) -> list[dict[str, Any]]:
    _require(request, VIEW)
    return [_file(f) for f in files_for(request.user).order_by("pk")]


@router.get("/items", response=list[ItemOut], summary="档案材料")
@paginate
def list_items(
    request: HttpRequest, client_id: int | None = None, month: str = "", status: str = ""
) -> list[dict[str, Any]]:
    _require(request, VIEW)
    qs = items_for(request.user)
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if month:
        qs = qs.filter(month=_month(month))
    if status in ArchiveItem.Status.values:
        qs = qs.filter(status=status)
    return [_item(i) for i in qs]


@router.post("/items", response={201: ItemOut}, summary="登记档案材料")
def create_item(request: HttpRequest, payload: ItemIn) -> Any:
    _require(request, services.MANAGE)
    item = services.file_item(
        actor=request.user,
        client=_client(request, payload.client_id),
        kind=payload.kind,
        title=payload.title,
        month=payload.month,
        pages=payload.pages,
        box=payload.box,
        location=payload.location,
        description=payload.description,
    )
    return Status(201, _item(item))


@router.get("/borrowings", response=list[BorrowingOut], summary="借阅登记")
@paginate
def list_borrowings(request: HttpRequest, overdue: bool = False) -> list[dict[str, Any]]:
    _require(request, VIEW)
    qs = borrowings_for(request.user).prefetch_related("items")
    if overdue:
        qs = qs.filter(status=Borrowing.Status.LENT, due_back__lt=timezone.localdate())
    return [_borrowing(b) for b in qs]


@router.post("/borrowings", response={201: BorrowingOut}, summary="申请借阅")
def create_borrowing(request: HttpRequest, payload: BorrowIn) -> Any:
    _require(request, VIEW)
    b = lending.request_borrowing(
        actor=request.user,
        client=_client(request, payload.client_id),
        item_ids=payload.item_ids,
        purpose=payload.purpose,
        borrower_kind=payload.borrower_kind,
        borrower_name=payload.borrower_name,
        days=payload.days,
    )
    return Status(201, _borrowing(b))


@router.post(
    "/borrowings/{archive_borrowing_id}/approve", response=BorrowingOut, summary="批准借出"
)
def approve_borrowing(request: HttpRequest, archive_borrowing_id: int) -> dict[str, Any]:
    _require(request, services.MANAGE)
    b = borrowing_for(request.user, archive_borrowing_id)
    return _borrowing(lending.approve_borrowing(actor=request.user, borrowing=b))


@router.post("/borrowings/{archive_borrowing_id}/reject", response=BorrowingOut, summary="拒绝借阅")
def reject_borrowing(
    request: HttpRequest, archive_borrowing_id: int, payload: ReasonIn
) -> dict[str, Any]:
    _require(request, services.MANAGE)
    b = borrowing_for(request.user, archive_borrowing_id)
    return _borrowing(
        lending.reject_borrowing(actor=request.user, borrowing=b, reason=payload.reason)
    )


@router.post("/borrowings/{archive_borrowing_id}/return", response=BorrowingOut, summary="登记归还")
def return_borrowing(request: HttpRequest, archive_borrowing_id: int) -> dict[str, Any]:
    _require(request, services.MANAGE)
    b = borrowing_for(request.user, archive_borrowing_id)
    return _borrowing(lending.return_borrowing(actor=request.user, borrowing=b))


@router.get("/destructions", response=list[DestructionOut], summary="销毁清册")
@paginate
def list_destructions(request: HttpRequest) -> list[dict[str, Any]]:
    return [_destruction(r) for r in destructions_for(request.user).prefetch_related("items")]


@router.post(
    "/destructions", response={201: DestructionOut}, summary="提出销毁清册（保管期满材料）"
)
def propose(request: HttpRequest, payload: ProposeIn) -> Any:
    _require(request, services.MANAGE)
    record = destruction.propose_destruction(
        actor=request.user, client=_client(request, payload.client_id), item_ids=payload.item_ids
    )
    return Status(201, _destruction(record))


@router.post(
    "/destructions/{archive_destruction_id}/appraise", response=DestructionOut, summary="鉴定"
)
def appraise(
    request: HttpRequest, archive_destruction_id: int, payload: AppraiseIn
) -> dict[str, Any]:
    record = destruction_for(request.user, archive_destruction_id)
    people = list(
        User.objects.filter(pk__in=payload.appraiser_ids, is_active=True, kind=User.Kind.STAFF)
    )
    return _destruction(
        destruction.appraise(
            actor=request.user, record=record, appraisers=people, opinion=payload.opinion
        )
    )


@router.post(
    "/destructions/{archive_destruction_id}/approve", response=DestructionOut, summary="批准销毁"
)
def approve(request: HttpRequest, archive_destruction_id: int) -> dict[str, Any]:
    record = destruction_for(request.user, archive_destruction_id)
    return _destruction(destruction.approve_destruction(actor=request.user, record=record))


@router.post(
    "/destructions/{archive_destruction_id}/reject", response=DestructionOut, summary="驳回销毁"
)
def reject(request: HttpRequest, archive_destruction_id: int, payload: ReasonIn) -> dict[str, Any]:
    record = destruction_for(request.user, archive_destruction_id)
    return _destruction(
        destruction.reject_destruction(actor=request.user, record=record, reason=payload.reason)
    )


@router.post(
    "/destructions/{archive_destruction_id}/execute", response=DestructionOut, summary="执行销毁"
)
def execute(
    request: HttpRequest, archive_destruction_id: int, payload: ExecuteIn
) -> dict[str, Any]:
    record = destruction_for(request.user, archive_destruction_id)
    return _destruction(
        destruction.execute_destruction(
            actor=request.user,
            record=record,
            destroyed_on=payload.destroyed_on,
            method=payload.method,
            witnesses=payload.witnesses,
        )
    )
