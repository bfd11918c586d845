"""年金支取 and transfer out: the employer part vested by the plan's schedule (fully on
retirement or death, 《企业年金办法》第二十条), the employee part in full, each with the returns
the trustee credited; the unvested rest is forfeited back to the plan."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from hragency.annuity.models import AnnuityContribution, AnnuityMember, AnnuityWithdrawal
from hragency.annuity.services import _optional_fen, _require
from hragency.clients.services import ensure_serviceable
from hragency.core import audit
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.values import InvalidValue
from hragency.core.values import date as parse_date
from hragency.domain import annuity as calc


@transaction.atomic
def withdraw(
    *,
    actor: Any,
    member: AnnuityMember,
    reason: str,
    date: Any,
    employer_returns: Any = None,
    employee_returns: Any = None,
) -> AnnuityWithdrawal:
    """年金支取 (retirement, emigration, death) or transfer out on leaving: the employer part
    vested by the plan's schedule (fully on retirement or death), the employee part in full,
    each with the returns the trustee credited."""
    _require(actor, member)
    member = (
        AnnuityMember.objects.select_for_update(of=("self",))
        .select_related("plan", "person")
        .get(pk=member.pk)
    )
    ensure_serviceable(member.client_id)
    if member.status != AnnuityMember.Status.ACTIVE:
        raise ServiceError("该成员已支取或转出")
    errors: list[FieldError] = []
    if reason not in AnnuityWithdrawal.Reason.values:
        errors.append(FieldError("reason", "原因", "请选择退休、出国（境）定居、身故或离职转出"))
    day: dt.date | None = None
    try:
        day = parse_date(date) if date not in (None, "") else None
    except InvalidValue as exc:
        errors.append(FieldError("date", "支取日期", str(exc)))
    else:
        if day is None:
            errors.append(FieldError("date", "支取日期", "必填"))
    er_returns = _optional_fen(employer_returns, "employer_returns", "单位部分收益", errors) or 0
    ee_returns = _optional_fen(employee_returns, "employee_returns", "个人部分收益", errors) or 0
    if errors:
        raise InvalidFields(errors)
    assert day is not None
    totals = AnnuityContribution.objects.filter(member=member).aggregate(
        employer=Sum("employer_fen"), employee=Sum("employee_fen")
    )
    schedule = [calc.VestingStep(v.years, v.percent) for v in member.plan.vesting.all()]
    start = member.person.hire_date or member.joined
    years = calc.completed_years(start, day)
    percent = calc.vested_percent(schedule, years, reason=reason)
    w = calc.withdrawal(
        employer_fen=totals["employer"] or 0,
        employee_fen=totals["employee"] or 0,
        employer_returns_fen=er_returns,
        employee_returns_fen=ee_returns,
        percent=percent,
    )
    row = AnnuityWithdrawal.objects.create(
        member=member,
        client_id=member.client_id,
        person_id=member.person_id,
        reason=reason,
        date=day,
        years_of_service=years,
        vested_percent=percent,
        employer_balance_fen=w.employer_balance_fen,
        employee_balance_fen=w.employee_balance_fen,
        returns_fen=er_returns + ee_returns,
        vested_fen=w.vested_employer_fen,
        forfeited_fen=w.forfeited_fen,
        payable_fen=w.payable_fen,
        created_by=actor,
    )
    member.status = AnnuityMember.Status.WITHDRAWN
    member.save(update_fields=["status"])
    audit.record(actor=actor, action="annuity.withdraw", instance=row, after=audit.snapshot(row))
    return row


@transaction.atomic
def mark_paid(*, actor: Any, withdrawal: AnnuityWithdrawal) -> AnnuityWithdrawal:
    _require(actor, withdrawal)
    withdrawal = AnnuityWithdrawal.objects.select_for_update().get(pk=withdrawal.pk)
    if withdrawal.paid_at is not None:
        raise ServiceError("已登记支付")
    before = audit.snapshot(withdrawal)
    withdrawal.paid_at = timezone.now()
    withdrawal.save(update_fields=["paid_at"])
    audit.record(
        actor=actor,
        action="annuity.withdrawal_paid",
        instance=withdrawal,
        before=before,
        after=audit.snapshot(withdrawal),
    )
    return withdrawal
