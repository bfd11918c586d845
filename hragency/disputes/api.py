"""/api/disputes: labour-dispute cases and their actions (R-SVC-3). Thin: the services and
queries do the work."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import paginate

from hragency.accounts.models import User
from hragency.clients.models import Client
from hragency.core.errors import ServiceError
from hragency.core.scoping import scope_queryset
from hragency.disputes import documents, hearings, services
from hragency.disputes.models import CaseHearing, DisputeCase
from hragency.disputes.queries import case_for, cases_for, filter_cases, hearings_of, statistics
from hragency.disputes.schemas import (
    CaseIn,
    CaseOut,
    ConsultationIn,
    HearingOut,
    HearingPlaceIn,
    LegalIn,
    NoteIn,
    OutcomeIn,
    StageIn,
)
from hragency.employees.queries import people_for

router = Router(tags=["劳动争议"])


def _require(request: HttpRequest, permission: str, message: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied(message)


def _case(case: DisputeCase) -> dict[str, Any]:
    return {
        "id": case.pk,
        "number": case.number,
        "client_id": case.client_id,
        "client": case.client.name,
        "category": case.category,
        "category_label": case.get_category_display(),
        "title": case.title,
        "description": case.description,
        "claimant": case.claimant,
        "demands": [{"item": i, "amount": a} for i, a in case.demand_rows],
        "claimed_total": case.claimed_total,
        "stage": case.stage,
        "stage_label": case.get_stage_display(),
        "owner": str(case.owner) if case.owner_id else None,
        "legal": str(case.legal) if case.legal_id else None,
        "known_on": case.known_on,
        "limitation_ends_on": case.limitation_ends_on,
        "outcome": case.outcome,
        "amount_awarded": case.amount_awarded,
        "amount_paid": case.amount_paid,
        "cost_to_client": case.cost_to_client,
        "opened_at": case.opened_at,
        "closed_at": case.closed_at,
    }


def _hearing(h: CaseHearing, staff: bool) -> dict[str, Any]:
    return {
        "id": h.pk,
        "kind": h.kind,
        "kind_label": h.get_kind_display(),
        "at": h.at,
        "place": h.place,
        "preparation_due": h.deadline.due_at if staff and h.deadline_id else None,
    }


@router.get("/cases", response=list[CaseOut], summary="劳动争议案件列表")
@paginate
def list_cases(
    request: HttpRequest,
    stage: str = "",
    category: str = "",
    client: str = "",
    limitation_soon: bool = False,
) -> list[dict[str, Any]]:
    _require(request, "disputes.view_disputecase", "无权查看劳动争议")
    qs = filter_cases(
        cases_for(request.user),
        {
            "stage": stage,
            "category": category,
            "client": client,
            "limitation_soon": "1" if limitation_soon else "",
        },
    )
    return [_case(c) for c in qs]


@router.post("/cases", response={201: CaseOut}, summary="登记劳动争议案件")
def create_case(request: HttpRequest, payload: CaseIn) -> Any:
    _require(request, "disputes.handle_dispute", "无权登记劳动争议")
    client = get_object_or_404(
        scope_queryset(Client.objects.all(), request.user), pk=payload.client_id
    )
    person = None
    if payload.person_id is not None:
        person = get_object_or_404(people_for(request.user), pk=payload.person_id)
    case = services.open_case(
        actor=request.user,
        client=client,
        person=person,
        claimant=payload.claimant,
        category=payload.category,
        title=payload.title,
        description=payload.description,
        demands=[d.dict() for d in payload.demands],
        known_on=payload.known_on,
        unpaid_wages_ongoing=payload.unpaid_wages_ongoing,
        employment_ended_on=payload.employment_ended_on,
        stage=payload.stage,
    )
    return Status(201, _case(case))


@router.post("/consultations", response={201: CaseOut}, summary="客户提交劳动争议咨询")
def consult(request: HttpRequest, payload: ConsultationIn) -> Any:
    case = services.submit_consultation(
        actor=request.user,
        category=payload.category,
        title=payload.title,
        description=payload.description,
    )
    return Status(201, _case(case))


@router.get("/cases/{dispute_id}", response=CaseOut, summary="劳动争议案件详情")
def get_case(request: HttpRequest, dispute_id: int) -> dict[str, Any]:
    _require(request, "disputes.view_disputecase", "无权查看劳动争议")
    return _case(case_for(request.user, dispute_id))


@router.get("/cases/{dispute_id}/hearings", response=list[HearingOut], summary="开庭/调解安排")
def list_hearings(request: HttpRequest, dispute_id: int) -> list[dict[str, Any]]:
    _require(request, "disputes.view_disputecase", "无权查看劳动争议")
    case = case_for(request.user, dispute_id)
    staff = getattr(request.user, "kind", "") == "staff"
    return [_hearing(h, staff) for h in hearings_of(case)]


@router.post("/cases/{dispute_id}/hearings", response={201: HearingOut}, summary="登记开庭/调解")
def add_hearing(request: HttpRequest, dispute_id: int, payload: HearingPlaceIn) -> Any:
    case = case_for(request.user, dispute_id)
    at = payload.at if timezone.is_aware(payload.at) else timezone.make_aware(payload.at)
    hearing = hearings.add_hearing(
        actor=request.user,
        case=case,
        kind=payload.kind,
        at=at,
        place=payload.place,
        note=payload.note,
    )
    return Status(201, _hearing(hearing, True))


@router.post("/cases/{dispute_id}/stage", response=CaseOut, summary="推进阶段")
def stage(request: HttpRequest, dispute_id: int, payload: StageIn) -> dict[str, Any]:
    case = case_for(request.user, dispute_id)
    return _case(
        services.change_stage(actor=request.user, case=case, stage=payload.stage, note=payload.note)
    )


@router.post("/cases/{dispute_id}/legal", response=CaseOut, summary="指派法务")
def legal(request: HttpRequest, dispute_id: int, payload: LegalIn) -> dict[str, Any]:
    case = case_for(request.user, dispute_id)
    user = User.objects.filter(pk=payload.user_id, kind=User.Kind.STAFF).first()
    if user is None:
        raise ServiceError("法务人员不存在")
    return _case(services.assign_legal(actor=request.user, case=case, legal=user))


@router.post("/cases/{dispute_id}/outcome", response=CaseOut, summary="记录结果并结案")
def outcome(request: HttpRequest, dispute_id: int, payload: OutcomeIn) -> dict[str, Any]:
    case = case_for(request.user, dispute_id)
    return _case(services.record_outcome(actor=request.user, case=case, **payload.dict()))


@router.post("/cases/{dispute_id}/notes", response={201: dict}, summary="添加处理记录")
def note(request: HttpRequest, dispute_id: int, payload: NoteIn) -> Any:
    case = case_for(request.user, dispute_id)
    created = documents.add_note(
        actor=request.user,
        case=case,
        text=payload.text,
        visible_to_client=payload.visible_to_client,
    )
    return Status(201, {"id": created.pk})


@router.get("/statistics", response=dict, summary="按类型与结果统计")
def stats(request: HttpRequest, start: dt.date, end: dt.date) -> dict[str, Any]:
    _require(request, "disputes.view_disputecase", "无权查看劳动争议")
    if start > end:
        raise ServiceError("结束日期不能早于开始日期")
    data = statistics(request.user, start, end)
    return {
        "start": str(start),
        "end": str(end),
        "outcomes": [label for _code, label in data["outcomes"]],
        "lines": [
            {
                "category": line["category"],
                "label": line["label"],
                "n": line["n"],
                "counts": line["counts"],
                "claimed": str(line["claimed"]),
                "awarded": str(line["awarded"]),
                "paid": str(line["paid"]),
                "cost": str(line["cost"]),
            }
            for line in data["lines"]
        ],
    }
