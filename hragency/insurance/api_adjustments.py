"""/api/adjustments: 补缴与退费 (R-SI-5). Amounts are decimal strings; months "2026-09"."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from hragency.domain.money import from_fen
from hragency.employees.queries import people_for
from hragency.insurance import adjustments
from hragency.insurance.models import Adjustment
from hragency.insurance.queries import adjustment_for, adjustments_for
from hragency.insurance.views_adjustments import parse_form

router = Router(tags=["补缴与退费"])


class AdjustmentIn(Schema):
    person_id: int
    kind: str
    first_month: str
    last_month: str
    reason: str
    city: str = ""
    wage: str = ""


class StatusIn(Schema):
    status: str


class MonthOut(Schema):
    month: str
    employer: str
    employee: str
    items: dict[str, list[str]]


class AdjustmentOut(Schema):
    id: int
    number: str
    kind: str
    kind_label: str
    client_id: int
    person_id: int
    city: str
    first_month: str
    last_month: str
    wage: str
    reason: str
    employer: str
    employee: str
    total: str
    bill_month: str
    status: str
    months: list[MonthOut]


def _out(a: Adjustment) -> dict[str, object]:
    return {
        "id": a.pk,
        "number": a.number,
        "kind": a.kind,
        "kind_label": a.get_kind_display(),
        "client_id": a.client_id,
        "person_id": a.person_id,
        "city": a.city,
        "first_month": f"{a.first_month:%Y-%m}",
        "last_month": f"{a.last_month:%Y-%m}",
        "wage": str(a.wage),
        "reason": a.reason,
        "employer": str(from_fen(a.employer_fen)),
        "employee": str(from_fen(a.employee_fen)),
        "total": str(from_fen(a.employer_fen + a.employee_fen)),
        "bill_month": f"{a.bill_month:%Y-%m}",
        "status": a.status,
        "months": [
            {
                "month": m["month"],
                "employer": str(from_fen(m["employer_fen"])),
                "employee": str(from_fen(m["employee_fen"])),
                "items": {
                    item: [str(from_fen(v)) for v in values] for item, values in m["items"].items()
                },
            }
            for m in a.months
        ],
    }


@router.get("/", response=list[AdjustmentOut], summary="补缴与退费列表")
@paginate
def list_adjustments(request: HttpRequest) -> list[dict[str, object]]:
    if not request.user.has_perm("insurance.view_enrollment"):
        raise HttpError(403, "无权查看补缴与退费")
    return [_out(a) for a in adjustments_for(request.user)]


@router.post("/", response={201: AdjustmentOut}, summary="计算并生成补缴或退费单")
def create(request: HttpRequest, payload: AdjustmentIn) -> Status:
    person = get_object_or_404(people_for(request.user), pk=payload.person_id)
    values = payload.dict()
    adjustment = adjustments.create_adjustment(
        actor=request.user, person=person, **parse_form(values)
    )
    return Status(201, _out(adjustment))


@router.get("/{adjustment_id}", response=AdjustmentOut, summary="补缴或退费单详情")
def detail(request: HttpRequest, adjustment_id: int) -> dict[str, object]:
    return _out(adjustment_for(request.user, adjustment_id))


@router.post("/{adjustment_id}/status", response=AdjustmentOut, summary="标记已申报或撤销")
def set_status(request: HttpRequest, adjustment_id: int, payload: StatusIn) -> dict[str, object]:
    adjustment = adjustment_for(request.user, adjustment_id)
    return _out(
        adjustments.set_adjustment_status(
            actor=request.user, adjustment=adjustment, status=payload.status
        )
    )
