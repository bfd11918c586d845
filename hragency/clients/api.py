"""REST API for clients (R-CRM). Thin: reads through ``queries`` (out of scope → 404), writes
through ``services`` (permission → 403, refused → 400 with the reason and the fields)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from hragency.clients import services
from hragency.clients.models import Agreement, Client, Contact, HandoverItem, InfoReview, Intake
from hragency.clients.queries import (
    agreement_for,
    agreements_for,
    blacklisted_for,
    client_for,
    clients_for,
    contact_for,
    contacts_for,
    handover_item_for,
    handover_items_for,
    intake_for,
    intakes_for,
    review_for,
    reviews_for,
)
from hragency.clients.queries import filter_clients as apply_filters
from hragency.clients.schemas import (
    AgreementIn,
    AgreementOut,
    ClientIn,
    ClientOut,
    ClientPage,
    ContactIn,
    ContactOut,
    DecisionIn,
    HandoverItemIn,
    HandoverItemOut,
    HandoverUpdateIn,
    IntakeIn,
    IntakeOut,
    ReasonIn,
    ReviewIn,
    ReviewOut,
    TimelineOut,
)
from hragency.clients.tags import tags_for
from hragency.clients.timeline import timeline_page
from hragency.domain.segments import size_class

router = Router(tags=["客户"])


class ClientFilters(Schema):
    q: str = ""
    status: str = ""
    grade: str = ""
    size: str = ""
    city: str = ""
    limit: int = 100
    offset: int = 0


def _need(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied("无权执行此操作")


def _staff_only(request: HttpRequest) -> None:
    if request.user.kind != "staff":  # type: ignore[union-attr]
        raise PermissionDenied("无权查看")


def _client_out(clients: list[Client]) -> list[dict[str, Any]]:
    tags = tags_for(clients)
    return [
        {
            **{f: getattr(c, f) for f in ClientOut.model_fields if hasattr(c, f)},
            "size_class": size_class(c.headcount).value,  # type: ignore[attr-defined]
            "tags": [{"code": t.code, "label": t.label} for t in tags[c.pk]],
        }
        for c in clients
    ]


def _data(payload: Schema) -> dict[str, Any]:
    return payload.dict(exclude_unset=True)


@router.get("/", response=ClientPage, summary="客户列表（筛选：状态、等级、规模、城市、搜索）")
def list_clients(request: HttpRequest, filters: Query[ClientFilters]) -> dict[str, Any]:
    qs = apply_filters(clients_for(request.user), filters.dict())
    limit = max(1, min(filters.limit, 500))
    offset = max(0, filters.offset)
    rows = list(qs[offset : offset + limit])
    return {"items": _client_out(rows), "count": qs.count()}


@router.post("/", response={201: ClientOut}, summary="新建客户")
def create_client(request: HttpRequest, payload: ClientIn) -> Status[dict[str, Any]]:
    _need(request, "clients.add_client")
    client = services.create_client(data=_data(payload), actor=request.user)
    return Status(201, _client_out([client_for(request.user, client.pk)])[0])


@router.get("/blacklist", response=list[ClientOut], summary="失信客户名单")
def list_blacklisted(request: HttpRequest) -> list[dict[str, Any]]:
    _staff_only(request)
    return _client_out(list(blacklisted_for(request.user)[:500]))


@router.get("/{client_id}", response=ClientOut, summary="客户详情")
def get_client(request: HttpRequest, client_id: int) -> dict[str, Any]:
    return _client_out([client_for(request.user, client_id)])[0]


@router.patch("/{client_id}", response=ClientOut, summary="修改客户资料（只改提交的字段）")
def update_client(request: HttpRequest, client_id: int, payload: ClientIn) -> dict[str, Any]:
    client = client_for(request.user, client_id)
    _need(request, "clients.change_client")
    services.update_client(client=client, data=_data(payload), actor=request.user)
    return _client_out([client_for(request.user, client_id)])[0]


@router.post("/{client_id}/blacklist", response=ClientOut, summary="列入失信客户名单")
def blacklist(request: HttpRequest, client_id: int, payload: ReasonIn) -> dict[str, Any]:
    client = client_for(request.user, client_id)
    services.blacklist_client(client=client, reason=payload.reason, actor=request.user)
    return _client_out([client_for(request.user, client_id)])[0]


# ---- contacts ----


@router.get("/{client_id}/contacts", response=list[ContactOut], summary="联系人")
def list_contacts(request: HttpRequest, client_id: int) -> list[Contact]:
    client = client_for(request.user, client_id)
    return list(contacts_for(request.user).filter(client=client))


@router.post("/{client_id}/contacts", response={201: ContactOut}, summary="添加联系人")
def add_contact(request: HttpRequest, client_id: int, payload: ContactIn) -> Status[Contact]:
    client = client_for(request.user, client_id)
    return Status(201, services.add_contact(client=client, data=_data(payload), actor=request.user))


@router.patch("/contacts/{contact_id}", response=ContactOut, summary="修改联系人")
def update_contact(request: HttpRequest, contact_id: int, payload: ContactIn) -> Contact:
    contact = contact_for(request.user, contact_id)
    return services.update_contact(contact=contact, data=_data(payload), actor=request.user)


@router.delete("/contacts/{contact_id}", response={204: None}, summary="删除联系人")
def remove_contact(request: HttpRequest, contact_id: int) -> Status[None]:
    contact = contact_for(request.user, contact_id)
    services.remove_contact(contact=contact, actor=request.user)
    return Status(204, None)


# ---- 服务需求表 ----


@router.get("/{client_id}/intakes", response=list[IntakeOut], summary="服务需求表")
def list_intakes(request: HttpRequest, client_id: int) -> list[Intake]:
    client = client_for(request.user, client_id)
    _staff_only(request)
    return list(intakes_for(request.user).filter(client=client))


@router.post(
    "/{client_id}/intakes",
    response={201: IntakeOut},
    summary="登记首次接触并新建服务需求表（开始24小时计时）",
)
def create_intake(request: HttpRequest, client_id: int, payload: IntakeIn) -> Status[Intake]:
    client = client_for(request.user, client_id)
    intake = services.create_intake(client=client, data=_data(payload), actor=request.user)
    return Status(201, intake_for(request.user, intake.pk))


@router.patch("/intakes/{intake_id}", response=IntakeOut, summary="修改服务需求表")
def update_intake(request: HttpRequest, intake_id: int, payload: IntakeIn) -> Intake:
    intake = intake_for(request.user, intake_id)
    services.update_intake(intake=intake, data=_data(payload), actor=request.user)
    return intake_for(request.user, intake_id)


@router.post("/intakes/{intake_id}/complete", response=IntakeOut, summary="确认服务需求表完成")
def complete_intake(request: HttpRequest, intake_id: int) -> Intake:
    intake = intake_for(request.user, intake_id)
    services.complete_intake(intake=intake, actor=request.user)
    return intake_for(request.user, intake_id)


# ---- 信息审核 ----


@router.get("/{client_id}/reviews", response=list[ReviewOut], summary="信息审核记录")
def list_reviews(request: HttpRequest, client_id: int) -> list[InfoReview]:
    client = client_for(request.user, client_id)
    _staff_only(request)
    return list(reviews_for(request.user).filter(client=client))


@router.post("/{client_id}/reviews", response={201: ReviewOut}, summary="信息初审")
def first_review(request: HttpRequest, client_id: int, payload: ReviewIn) -> Status[InfoReview]:
    client = client_for(request.user, client_id)
    data = _data(payload)
    data["checks"] = [c.dict() for c in payload.checks or []]
    review = services.record_first_review(client=client, data=data, actor=request.user)
    return Status(201, review_for(request.user, review.pk))


@router.post(
    "/reviews/{info_review_id}/decision",
    response=ReviewOut,
    summary="总经理复审（同意/不同意/确认伪造）",
)
def decide_review(request: HttpRequest, info_review_id: int, payload: DecisionIn) -> InfoReview:
    review = review_for(request.user, info_review_id)
    services.decide_review(
        review=review, decision=payload.decision, note=payload.note, actor=request.user
    )
    return review_for(request.user, info_review_id)


# ---- 服务协议 ----


@router.get("/{client_id}/agreements", response=list[AgreementOut], summary="服务协议")
def list_agreements(request: HttpRequest, client_id: int) -> list[Agreement]:
    client = client_for(request.user, client_id)
    return list(agreements_for(request.user).filter(client=client))


@router.post("/{client_id}/agreements", response={201: AgreementOut}, summary="起草服务协议")
def create_agreement(
    request: HttpRequest, client_id: int, payload: AgreementIn
) -> Status[Agreement]:
    client = client_for(request.user, client_id)
    agreement = services.create_agreement(client=client, data=_data(payload), actor=request.user)
    return Status(201, agreement_for(request.user, agreement.pk))


@router.get("/agreements/{agreement_id}", response=AgreementOut, summary="协议详情")
def get_agreement(request: HttpRequest, agreement_id: int) -> Agreement:
    return agreement_for(request.user, agreement_id)


@router.patch("/agreements/{agreement_id}", response=AgreementOut, summary="修改协议草稿")
def update_agreement(request: HttpRequest, agreement_id: int, payload: AgreementIn) -> Agreement:
    agreement = agreement_for(request.user, agreement_id)
    services.update_agreement(agreement=agreement, data=_data(payload), actor=request.user)
    return agreement_for(request.user, agreement_id)


@router.post(
    "/agreements/{agreement_id}/sign",
    response=AgreementOut,
    summary="签订协议（须信息审核已复审通过；生成资料交接清单）",
)
def sign_agreement(request: HttpRequest, agreement_id: int) -> Agreement:
    agreement = agreement_for(request.user, agreement_id)
    services.sign_agreement(agreement=agreement, actor=request.user)
    return agreement_for(request.user, agreement_id)


@router.post(
    "/agreements/{agreement_id}/renew",
    response={201: AgreementOut},
    summary="续签（返回新协议；可修改起止日期等条款）",
)
def renew_agreement(
    request: HttpRequest, agreement_id: int, payload: AgreementIn
) -> Status[Agreement]:
    agreement = agreement_for(request.user, agreement_id)
    successor = services.renew_agreement(
        agreement=agreement, data=_data(payload), actor=request.user
    )
    return Status(201, agreement_for(request.user, successor.pk))


@router.post("/agreements/{agreement_id}/terminate", response=AgreementOut, summary="终止协议")
def terminate_agreement(request: HttpRequest, agreement_id: int, payload: ReasonIn) -> Agreement:
    agreement = agreement_for(request.user, agreement_id)
    services.terminate_agreement(agreement=agreement, reason=payload.reason, actor=request.user)
    return agreement_for(request.user, agreement_id)


# ---- 资料交接清单 ----


@router.get(
    "/agreements/{agreement_id}/handover", response=list[HandoverItemOut], summary="资料交接清单"
)
def list_handover(request: HttpRequest, agreement_id: int) -> list[HandoverItem]:
    agreement = agreement_for(request.user, agreement_id)
    return list(handover_items_for(request.user).filter(agreement=agreement))


@router.post(
    "/agreements/{agreement_id}/handover", response={201: HandoverItemOut}, summary="添加交接资料"
)
def add_handover_item(
    request: HttpRequest, agreement_id: int, payload: HandoverItemIn
) -> Status[HandoverItem]:
    agreement = agreement_for(request.user, agreement_id)
    item = services.add_handover_item(agreement=agreement, name=payload.name, actor=request.user)
    return Status(201, item)


@router.patch(
    "/handover/{handover_item_id}", response=HandoverItemOut, summary="登记收到 / 真实性合规性审核"
)
def update_handover_item(
    request: HttpRequest, handover_item_id: int, payload: HandoverUpdateIn
) -> HandoverItem:
    item = handover_item_for(request.user, handover_item_id)
    services.update_handover_item(item=item, data=_data(payload), actor=request.user)
    return handover_item_for(request.user, handover_item_id)


@router.delete("/handover/{handover_item_id}", response={204: None}, summary="删除交接资料")
def remove_handover_item(request: HttpRequest, handover_item_id: int) -> Status[None]:
    item = handover_item_for(request.user, handover_item_id)
    services.remove_handover_item(item=item, actor=request.user)
    return Status(204, None)


# ---- 服务记录 ----


@router.get("/{client_id}/timeline", response=TimelineOut, summary="客户服务记录（时间线）")
def client_timeline(request: HttpRequest, client_id: int, page: int = 1) -> dict[str, Any]:
    client = client_for(request.user, client_id)
    current, events = timeline_page(request.user, client, page)
    return {
        "items": [e.__dict__ for e in events],
        "count": current.paginator.count,
        "page": current.number,
        "pages": current.paginator.num_pages,
    }


@router.post(
    "/{client_id}/licence",
    response={201: dict[str, Any]},
    summary="上传营业执照复印件（JPG/PNG/PDF，不超过 10 MB；下载见 /clients/{id}/licence/）",
)
def upload_licence(
    request: HttpRequest,
    client_id: int,
    file: UploadedFile | None = File(None),  # noqa: B008
) -> Status[dict[str, Any]]:
    client = services.upload_licence(
        client=client_for(request.user, client_id), file=file, actor=request.user
    )
    return Status(
        201,
        {
            "name": client.licence_name,
            "uploaded_at": client.licence_uploaded_at.isoformat()
            if client.licence_uploaded_at
            else None,
        },
    )
