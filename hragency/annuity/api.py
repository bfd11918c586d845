"""/api/annuity: plans, data check, enrolment, monthly contributions, withdrawals, and an
employee's own account (R-SI-10). Thin: services and queries do the work."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from hragency.annuity import services
from hragency.annuity.models import (
    AnnuityContribution,
    AnnuityMember,
    AnnuityPlan,
    AnnuityWithdrawal,
)
from hragency.annuity.queries import (
    client_for,
    contributions_of,
    latest_check,
    member_for,
    members_of,
    my_accounts,
    plan_for,
    plans_for,
)
from hragency.annuity.schemas import (
    AccountOut,
    CheckIn,
    CheckOut,
    ComputeOut,
    ContributionOut,
    EnrolIn,
    EnrolOut,
    MemberOut,
    MonthIn,
    PlanIn,
    PlanOut,
    WithdrawalOut,
    WithdrawIn,
)
from hragency.core.errors import InvalidFields
from hragency.domain.money import from_fen

router = Router(tags=["企业年金"])


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied("无权访问企业年金")


def _yuan(fen: int | None) -> str | None:
    return None if fen is None else str(from_fen(fen))


def _plan(p: AnnuityPlan) -> dict[str, Any]:
    return {
        "id": p.pk,
        "client_id": p.client_id,
        "client": p.client.name,
        "name": p.name,
        "employer_rate": str(p.employer_rate),
        "employee_rate": str(p.employee_rate),
        "base_source": p.base_source,
        "base_floor": _yuan(p.base_floor_fen),
        "base_ceiling": _yuan(p.base_ceiling_fen),
        "effective_from": p.effective_from,
        "status": p.status,
        "vesting": [[v.years, v.percent] for v in p.vesting.all()],
    }


def _member(m: AnnuityMember) -> dict[str, Any]:
    return {
        "id": m.pk,
        "person_id": m.person_id,
        "person": m.person.name,
        "joined": m.joined,
        "status": m.status,
        "declared_base": _yuan(m.declared_base_fen),
        "check_result": m.check_result,
    }


def _contribution(c: AnnuityContribution) -> dict[str, Any]:
    return {
        "member_id": c.member_id,
        "person": c.person.name,
        "month": c.month,
        "base": str(from_fen(c.base_fen)),
        "employer": str(from_fen(c.employer_fen)),
        "employee": str(from_fen(c.employee_fen)),
    }


def _withdrawal(w: AnnuityWithdrawal) -> dict[str, Any]:
    return {
        "id": w.pk,
        "member_id": w.member_id,
        "person": w.person.name,
        "reason": w.reason,
        "date": w.date,
        "years_of_service": w.years_of_service,
        "vested_percent": w.vested_percent,
        "employer_balance": str(from_fen(w.employer_balance_fen)),
        "employee_balance": str(from_fen(w.employee_balance_fen)),
        "vested": str(from_fen(w.vested_fen)),
        "forfeited": str(from_fen(w.forfeited_fen)),
        "payable": str(from_fen(w.payable_fen)),
        "paid_at": w.paid_at,
    }


@router.get("/plans", response=list[PlanOut], summary="企业年金方案")
@paginate
def list_plans(request: HttpRequest) -> list[dict[str, Any]]:
    _require(request, "annuity.view_annuityplan")
    return [_plan(p) for p in plans_for(request.user).prefetch_related("vesting")]


@router.post("/plans", response={201: PlanOut}, summary="建立方案（比例为百分数）")
def create_plan(request: HttpRequest, payload: PlanIn) -> Status[dict[str, Any]]:
    _require(request, "annuity.manage_annuity")
    client = client_for(request.user, payload.client_id)
    data = payload.dict()
    data.pop("client_id")
    plan = services.create_plan(actor=request.user, client=client, **data)
    return Status(201, _plan(plan))


@router.get("/plans/{annuity_plan_id}", response=PlanOut, summary="方案详情")
def get_plan(request: HttpRequest, annuity_plan_id: int) -> dict[str, Any]:
    _require(request, "annuity.view_annuityplan")
    return _plan(plan_for(request.user, annuity_plan_id))


@router.get("/plans/{annuity_plan_id}/check", response=CheckOut | None, summary="最近一次数据核对")
def get_check(request: HttpRequest, annuity_plan_id: int) -> Any:
    _require(request, "annuity.view_annuityplan")
    check = latest_check(request.user, plan_for(request.user, annuity_plan_id))
    if check is None:
        return None
    return {"month": check.month, "checked_at": check.checked_at, "results": check.results}


@router.post("/plans/{annuity_plan_id}/check", response=CheckOut, summary="数据核对")
def run_check(request: HttpRequest, annuity_plan_id: int, payload: CheckIn) -> dict[str, Any]:
    _require(request, "annuity.manage_annuity")
    plan = plan_for(request.user, annuity_plan_id)
    check = services.data_check(
        actor=request.user, plan=plan, month=payload.month, person_ids=payload.person_ids
    )
    return {"month": check.month, "checked_at": check.checked_at, "results": check.results}


@router.get("/plans/{annuity_plan_id}/members", response=list[MemberOut], summary="成员")
@paginate
def list_members(request: HttpRequest, annuity_plan_id: int) -> list[dict[str, Any]]:
    _require(request, "annuity.view_annuityplan")
    plan = plan_for(request.user, annuity_plan_id)
    return [_member(m) for m in members_of(request.user, plan)]


@router.post("/plans/{annuity_plan_id}/members", response=EnrolOut, summary="年金申办（批量）")
def enrol(request: HttpRequest, annuity_plan_id: int, payload: EnrolIn) -> dict[str, Any]:
    _require(request, "annuity.manage_annuity")
    plan = plan_for(request.user, annuity_plan_id)
    result = services.enrol_members(
        actor=request.user,
        plan=plan,
        person_ids=payload.person_ids,
        month=payload.month,
        declared_bases=dict(payload.declared_bases),
    )
    return {"members": [_member(m) for m in result.members], "refused": result.refused}


@router.get(
    "/plans/{annuity_plan_id}/contributions",
    response=list[ContributionOut],
    summary="某月缴费清单",
)
@paginate
def list_contributions(
    request: HttpRequest, annuity_plan_id: int, month: str = ""
) -> list[dict[str, Any]]:
    _require(request, "annuity.view_annuityplan")
    plan = plan_for(request.user, annuity_plan_id)
    try:
        month = services.parse_month(month)
    except InvalidFields:
        return []
    return [_contribution(c) for c in contributions_of(request.user, plan, month)]


@router.post(
    "/plans/{annuity_plan_id}/contributions", response=ComputeOut, summary="计算月度缴费（可重算）"
)
def compute(request: HttpRequest, annuity_plan_id: int, payload: MonthIn) -> dict[str, Any]:
    _require(request, "annuity.manage_annuity")
    plan = plan_for(request.user, annuity_plan_id)
    r = services.compute_contributions(actor=request.user, plan=plan, month=payload.month)
    return {
        "month": r.month,
        "rows": r.rows,
        "employer": str(from_fen(r.employer_fen)),
        "employee": str(from_fen(r.employee_fen)),
        "skipped": r.skipped,
    }


@router.post(
    "/members/{annuity_member_id}/withdraw",
    response={201: WithdrawalOut},
    summary="年金支取/离职转出",
)
def withdraw(
    request: HttpRequest, annuity_member_id: int, payload: WithdrawIn
) -> Status[dict[str, Any]]:
    _require(request, "annuity.manage_annuity")
    member = member_for(request.user, annuity_member_id)
    w = services.withdraw(actor=request.user, member=member, **payload.dict())
    return Status(201, _withdrawal(w))


@router.get("/mine", response=list[AccountOut], summary="我的企业年金（员工本人）")
def mine(request: HttpRequest) -> list[dict[str, Any]]:
    if request.user.kind != "employee":
        raise PermissionDenied("此接口供员工查看本人企业年金账户")
    return [
        {
            "plan": a["member"].plan.name,
            "member": _member(a["member"]),
            "employer_total": str(from_fen(a["employer"])),
            "employee_total": str(from_fen(a["employee"])),
            "contributions": [_contribution(c) for c in a["rows"]],
            "withdrawal": _withdrawal(a["withdrawal"]) if a["withdrawal"] else None,
        }
        for a in my_accounts(request.user)
    ]
