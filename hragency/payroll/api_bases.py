"""``/api/payroll/base-proposals``: R-PAY-4 调基建议 (read) and applying them (write).

Reading needs the payroll specialist's ``payroll.prepare_payroll`` or, for a client's HR user,
their own company; applying also needs ``insurance.handle_order`` (the base adjustment). A client
out of scope is a 404; a refused apply is a 400 with the reason and changes nothing.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from hragency.domain.insurance import Period
from hragency.payroll import bases

router = Router(tags=["薪酬个税"])


class ProposalOut(Schema):
    person_id: int
    name: str
    id_number_masked: str
    enrollment_id: int
    city: str
    segment_start: str
    current_wage: str
    proposed_wage: str | None
    difference: str | None
    months: int
    basis: str
    note: str
    salary_changed: bool
    salary_changed_on: str | None


class ProposalsOut(Schema):
    client_id: int
    year: int
    month: str
    proposals: list[ProposalOut]


class ApplyIn(Schema):
    client: int
    year: int
    effective_month: str = ""
    person_ids: list[int]


class ApplyOut(Schema):
    month: str
    adjusted: int
    unchanged: int


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _out(p: bases.Proposal) -> dict[str, object]:
    return {
        "person_id": p.person_id,
        "name": p.name,
        "id_number_masked": p.id_number_masked,
        "enrollment_id": p.enrollment_id,
        "city": p.city,
        "segment_start": f"{p.segment_start:%Y-%m}",
        "current_wage": str(p.current_wage),
        "proposed_wage": _text(p.proposed_wage),
        "difference": _text(p.difference),
        "months": p.months,
        "basis": p.basis,
        "note": p.note,
        "salary_changed": p.salary_changed,
        "salary_changed_on": (
            f"{p.salary_changed_on:%Y-%m}" if p.salary_changed_on is not None else None
        ),
    }


@router.get("/base-proposals", response=ProposalsOut, summary="调基建议（上年度月平均工资）")
def list_base_proposals(request: HttpRequest, client: int, year: int, month: str = "") -> object:
    chosen = bases.proposal_client(request.user, client)
    period: Period = bases.adjustment_month(year, month)
    proposals = bases.proposed_bases(user=request.user, client=chosen, year=year, month=period)
    return {
        "client_id": chosen.pk,
        "year": year,
        "month": str(period),
        "proposals": [_out(p) for p in proposals],
    }


@router.post("/base-proposals/apply", response=ApplyOut, summary="按调基建议调整申报工资")
def apply_base_proposals(request: HttpRequest, payload: ApplyIn) -> object:
    bases.require_apply(request.user)
    client = bases.proposal_client(request.user, payload.client)
    month = bases.adjustment_month(payload.year, payload.effective_month)
    counts = bases.apply_proposed_bases(
        actor=request.user,
        client=client,
        year=payload.year,
        effective_month=month,
        person_ids=payload.person_ids,
    )
    return {"month": str(month), **counts}
