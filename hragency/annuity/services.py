"""Writes of the enterprise annuity: plan, 数据核对, enrolment, monthly contributions,
withdrawals. Keyword-only, atomic, audited (``annuity.*``).

- **Rates** are entered in percent (``"8"`` = 8 %) and stored as fractions; the legal caps
  (employer ≤ 8 %, together ≤ 12 %) and the ≤ 8-year vesting limit are checked by
  ``domain.annuity``.
- **Data check** is set-based over the client's people: in service (在职在保), an enrollment
  with social insurance in force in the month (``insurance.Enrollment``), a valid ID number,
  not already a member of this plan, and not an active member of another plan (same ID
  number by blind index, at any client).
- **The base** of a month is the person's SI declared wage (申报工资) of the enrollment in force
  in that month — base changes are new enrollment segments, so a re-run of an old month uses
  that month's base — or, for a plan with ``base_source = declared``, the member's declared
  annuity base. Clamped to the plan's floor/ceiling.
- **A month's computation is idempotent**: the plan's rows of that month for active members are
  deleted and written again in one transaction; rows of withdrawn members are frozen.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q

from hragency.annuity.models import (
    AnnuityContribution,
    AnnuityDataCheck,
    AnnuityMember,
    AnnuityPlan,
    VestingRule,
)
from hragency.clients.models import Client
from hragency.clients.services import ensure_serviceable
from hragency.core import audit
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.scoping import scope_queryset
from hragency.core.values import InvalidValue
from hragency.core.values import amount as parse_amount
from hragency.core.values import date as parse_date
from hragency.domain import annuity as calc
from hragency.domain.idcard import InvalidIdNumber, parse_id_number
from hragency.domain.money import RoundingRule, format_cny, to_fen
from hragency.employees.models import InsuredPerson
from hragency.insurance.models import Enrollment

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
__all__ = [
    "compute_contributions",
    "create_plan",
    "data_check",
    "enrol_members",
    "mark_paid",
    "withdraw",
]


def _require(actor: Any, obj: Any = None) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录")
    if not actor.has_perm("annuity.manage_annuity"):
        raise PermissionDenied("无权办理企业年金")
    if obj is not None and not scope_queryset(type(obj).objects.filter(pk=obj.pk), actor).exists():
        raise PermissionDenied("无权办理该客户的企业年金")


def parse_month(value: Any, field_name: str = "month", label: str = "月份") -> str:
    """ "2026-11" (or a date) → "2026-11"."""
    if isinstance(value, dt.date):
        return f"{value:%Y-%m}"
    match = MONTH.match(str(value or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InvalidFields([FieldError(field_name, label, "请按 2026-11 的格式填写月份")])
    return f"{int(match.group(1)):04d}-{int(match.group(2)):02d}"


def first_day(month: str) -> dt.date:
    year, mon = month.split("-")
    return dt.date(int(year), int(mon), 1)


def _percent(value: Any, field_name: str, label: str, errors: list[FieldError]) -> Decimal:
    text = str(value if value is not None else "").strip().rstrip("%").strip()
    try:
        parsed = parse_amount(text)
    except InvalidValue as exc:
        errors.append(FieldError(field_name, label, str(exc)))
        return Decimal(0)
    if parsed is None:
        errors.append(FieldError(field_name, label, "必填"))
        return Decimal(0)
    return parsed / 100


def _optional_fen(value: Any, field_name: str, label: str, errors: list[FieldError]) -> int | None:
    if value in (None, ""):
        return None
    try:
        parsed = parse_amount(value)
    except InvalidValue as exc:
        errors.append(FieldError(field_name, label, str(exc)))
        return None
    if parsed is None:
        return None
    if parsed < 0:
        errors.append(FieldError(field_name, label, "不能为负数"))
        return None
    return to_fen(parsed)


def parse_vesting(value: Any) -> list[calc.VestingStep]:
    """ "0:0, 1:20, 3:60, 5:100" (years:percent) or a list of {years, percent} / pairs."""
    if value in (None, ""):
        return [calc.VestingStep(0, 100)]
    steps: list[calc.VestingStep] = []
    try:
        if isinstance(value, str):
            for part in re.split(r"[,，;；\s]+", value.strip()):
                if part:
                    years, percent = re.split(r"[:：]", part)
                    steps.append(calc.VestingStep(int(years), int(percent.rstrip("%"))))
        else:
            for item in value:
                if isinstance(item, dict):
                    steps.append(calc.VestingStep(int(item["years"]), int(item["percent"])))
                else:
                    steps.append(calc.VestingStep(int(item[0]), int(item[1])))
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise InvalidFields(
            [FieldError("vesting", "归属规则", "格式应为 年限:比例，如 0:0, 1:20, 5:100")]
        ) from exc
    return steps


def _effective_month(value: Any, errors: list[FieldError]) -> str:
    if isinstance(value, dt.date):
        return f"{value:%Y-%m}"
    try:
        return parse_month(value, "effective_from", "生效月份")
    except InvalidFields:
        pass
    try:
        day = parse_date(value)
    except InvalidValue:
        day = None
    if day is None:
        errors.append(FieldError("effective_from", "生效月份", "请按 2026-11 的格式填写月份"))
        return ""
    return f"{day:%Y-%m}"


@transaction.atomic
def create_plan(
    *,
    actor: Any,
    client: Client,
    name: str,
    employer_rate: Any,
    employee_rate: Any,
    effective_from: Any,
    vesting: Any = None,
    base_source: str = AnnuityPlan.BaseSource.SI_WAGE,
    base_floor: Any = None,
    base_ceiling: Any = None,
    trustee: str = "",
) -> AnnuityPlan:
    """A client's plan; refused above the legal caps or with a vesting period over 8 years."""
    _require(actor, client)
    ensure_serviceable(client)
    errors: list[FieldError] = []
    name = str(name or "").strip()
    if not name:
        errors.append(FieldError("name", "方案名称", "必填"))
    employer = _percent(employer_rate, "employer_rate", "单位缴费比例", errors)
    employee = _percent(employee_rate, "employee_rate", "个人缴费比例", errors)
    if not errors:
        for problem in calc.check_rates(employer, employee):
            field_name = "employee_rate" if "合计" in problem else "employer_rate"
            errors.append(FieldError(field_name, "缴费比例", problem))
    month = _effective_month(effective_from, errors)
    if base_source not in AnnuityPlan.BaseSource.values:
        errors.append(FieldError("base_source", "缴费基数来源", "请选择"))
    floor = _optional_fen(base_floor, "base_floor", "基数下限", errors)
    ceiling = _optional_fen(base_ceiling, "base_ceiling", "基数上限", errors)
    if floor is not None and ceiling is not None and floor > ceiling:
        errors.append(FieldError("base_ceiling", "基数上限", "不能低于下限"))
    try:
        steps = parse_vesting(vesting)
    except InvalidFields as exc:
        errors.extend(exc.errors)
        steps = []
    else:
        errors.extend(FieldError("vesting", "归属规则", p) for p in calc.check_schedule(steps))
    if errors:
        raise InvalidFields(errors)
    plan = AnnuityPlan.objects.create(
        client=client,
        name=name[:100],
        employer_rate=employer,
        employee_rate=employee,
        base_source=base_source,
        base_floor_fen=floor,
        base_ceiling_fen=ceiling,
        rounding=RoundingRule.FEN,
        effective_from=first_day(month),
        trustee=str(trustee or "").strip()[:100],
        created_by=actor,
    )
    VestingRule.objects.bulk_create(
        [VestingRule(plan=plan, years=s.years, percent=s.percent) for s in steps]
    )
    audit.record(
        actor=actor,
        action="annuity.plan_create",
        instance=plan,
        after=audit.snapshot(plan),
        extra={"vesting": [[s.years, s.percent] for s in steps]},
    )
    return plan


def _check(plan: AnnuityPlan, month: str, person_ids: list[int] | None) -> list[dict[str, Any]]:
    """The data check, set-based: three queries whatever the number of people."""
    people = InsuredPerson.objects.filter(client_id=plan.client_id).order_by("name", "pk")
    if person_ids is not None:
        people = people.filter(pk__in=person_ids)
    rows = list(people.only("pk", "name", "status", "id_number", "id_number_index"))
    day = first_day(month)
    insured = set(
        Enrollment.objects.filter(
            client_id=plan.client_id,
            person_id__in=[p.pk for p in rows],
            si=True,
            start_month__lte=day,
        )
        .filter(Q(end_month__isnull=True) | Q(end_month__gte=day))
        .values_list("person_id", flat=True)
    )
    memberships = AnnuityMember.objects.filter(
        person__id_number_index__in=[p.id_number_index for p in rows if p.id_number_index]
    ).values_list("person__id_number_index", "plan_id", "status")
    here: set[str] = set()
    elsewhere: set[str] = set()
    for index, plan_id, status in memberships:
        if plan_id == plan.pk:
            here.add(index)
        elif status == AnnuityMember.Status.ACTIVE:
            elsewhere.add(index)
    results = []
    for p in rows:
        problems: list[str] = []
        if p.status != InsuredPerson.Status.ACTIVE:
            problems.append(f"人员状态为「{p.get_status_display()}」")
        if p.pk not in insured:
            problems.append(f"{month} 无在保的社保参保记录")
        try:
            parse_id_number(p.id_number or "")
        except InvalidIdNumber as exc:
            problems.append(f"身份证号码无效：{exc}")
        if p.id_number_index in here:
            problems.append("已是本方案成员")
        elif p.id_number_index in elsewhere:
            problems.append("已在其他企业年金方案中缴费")
        results.append({"person_id": p.pk, "name": p.name, "problems": problems})
    return results


@transaction.atomic
def data_check(
    *, actor: Any, plan: AnnuityPlan, month: Any, person_ids: list[int] | None = None
) -> AnnuityDataCheck:
    """数据核对: who of the client's people (or of ``person_ids``) may join, and why not."""
    _require(actor, plan)
    ensure_serviceable(plan.client_id)
    month = parse_month(month)
    check = AnnuityDataCheck.objects.create(
        plan=plan, month=month, results=_check(plan, month, person_ids), checked_by=actor
    )
    audit.record(
        actor=actor,
        action="annuity.data_check",
        instance=plan,
        extra={"month": month, "people": len(check.results), "passed": check.passed},
    )
    return check


@dataclass
class Enrolment:
    members: list[AnnuityMember] = field(default_factory=list)
    refused: dict[int, list[str]] = field(default_factory=dict)


@transaction.atomic
def enrol_members(
    *,
    actor: Any,
    plan: AnnuityPlan,
    person_ids: list[int],
    month: Any,
    declared_bases: dict[int, Any] | None = None,
) -> Enrolment:
    """年金申办 for many people at once: those who pass the data check join from ``month``;
    the others are returned with their reasons."""
    _require(actor, plan)
    ensure_serviceable(plan.client_id)
    if plan.status != AnnuityPlan.Status.ACTIVE:
        raise ServiceError("方案已终止，不能再加入成员")
    month = parse_month(month)
    if first_day(month) < plan.effective_from:
        raise ServiceError(f"加入月份不能早于方案生效月份 {plan.effective_from:%Y-%m}")
    if not person_ids:
        raise InvalidFields([FieldError("person_ids", "人员", "请选择要加入的人员")])
    results = _check(plan, month, list(person_ids))
    found = {r["person_id"] for r in results}
    outcome = Enrolment(
        refused={pid: ["不是该客户的人员"] for pid in person_ids if pid not in found}
    )
    bases = declared_bases or {}
    new: list[AnnuityMember] = []
    for r in results:
        if r["problems"]:
            outcome.refused[r["person_id"]] = r["problems"]
            continue
        errors: list[FieldError] = []
        base = _optional_fen(bases.get(r["person_id"]), "declared_base", "年金基数", errors)
        if errors:
            raise InvalidFields(errors)
        new.append(
            AnnuityMember(
                plan=plan,
                client_id=plan.client_id,
                person_id=r["person_id"],
                joined=first_day(month),
                declared_base_fen=base,
                check_result=f"{month} 核对通过",
                enrolled_by=actor,
            )
        )
    AnnuityMember.objects.bulk_create(new)
    outcome.members = list(
        AnnuityMember.objects.filter(
            plan=plan, person_id__in=[m.person_id for m in new]
        ).select_related("plan", "person")
    )
    audit.record_all(
        [
            audit.entry(
                actor=actor,
                action="annuity.member_enrol",
                instance=m,
                client_id=plan.client_id,
                extra={"plan": plan.name, "month": month},
            )
            for m in outcome.members
        ]
    )
    return outcome


@dataclass
class Computation:
    month: str
    rows: int = 0
    employer_fen: int = 0
    employee_fen: int = 0
    skipped: dict[str, str] = field(default_factory=dict)


def _si_bases(plan: AnnuityPlan, person_ids: list[int], day: dt.date) -> dict[int, int]:
    """Each person's SI declared wage in force in the month (latest segment wins), in fen."""
    bases: dict[int, int] = {}
    rows = (
        Enrollment.objects.filter(
            client_id=plan.client_id, person_id__in=person_ids, si=True, start_month__lte=day
        )
        .filter(Q(end_month__isnull=True) | Q(end_month__gte=day))
        .order_by("person_id", "start_month", "pk")
        .values_list("person_id", "wage")
    )
    for person_id, wage in rows:
        bases[person_id] = to_fen(wage)
    return bases


@transaction.atomic
def compute_contributions(*, actor: Any, plan: AnnuityPlan, month: Any) -> Computation:
    """年金缴交: the month's contributions of the plan's active members, written again from
    scratch (idempotent). Members without a base that month are reported, not charged."""
    _require(actor, plan)
    ensure_serviceable(plan.client_id)
    plan = AnnuityPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != AnnuityPlan.Status.ACTIVE:
        raise ServiceError("方案已终止")
    month = parse_month(month)
    day = first_day(month)
    if day < plan.effective_from:
        raise ServiceError(f"{month} 早于方案生效月份 {plan.effective_from:%Y-%m}")
    members = list(
        AnnuityMember.objects.filter(
            plan=plan, status=AnnuityMember.Status.ACTIVE, joined__lte=day
        ).select_related("person")
    )
    result = Computation(month=month)
    if plan.base_source == AnnuityPlan.BaseSource.SI_WAGE:
        bases = _si_bases(plan, [m.person_id for m in members], day)
    else:
        bases = {m.person_id: m.declared_base_fen for m in members if m.declared_base_fen}
    rows: list[AnnuityContribution] = []
    for m in members:
        base = bases.get(m.person_id)
        if base is None:
            result.skipped[m.person.name] = (
                f"{month} 无在保的社保申报工资"
                if plan.base_source == AnnuityPlan.BaseSource.SI_WAGE
                else "未申报年金基数"
            )
            continue
        c = calc.monthly_contribution(
            base,
            employer_rate=plan.employer_rate,
            employee_rate=plan.employee_rate,
            floor_fen=plan.base_floor_fen,
            ceiling_fen=plan.base_ceiling_fen,
            rounding=RoundingRule(plan.rounding),
        )
        rows.append(
            AnnuityContribution(
                plan=plan,
                member=m,
                client_id=plan.client_id,
                person_id=m.person_id,
                month=month,
                base_fen=c.base_fen,
                employer_fen=c.employer_fen,
                employee_fen=c.employee_fen,
            )
        )
        result.employer_fen += c.employer_fen
        result.employee_fen += c.employee_fen
    AnnuityContribution.objects.filter(
        plan=plan, month=month, member__status=AnnuityMember.Status.ACTIVE
    ).delete()
    AnnuityContribution.objects.bulk_create(rows, batch_size=2000)
    result.rows = len(rows)
    audit.record(
        actor=actor,
        action="annuity.contributions_compute",
        instance=plan,
        extra={
            "month": month,
            "rows": result.rows,
            "employer": format_cny(result.employer_fen),
            "employee": format_cny(result.employee_fen),
            "skipped": len(result.skipped),
        },
    )
    return result


from hragency.annuity.withdrawals import mark_paid, withdraw  # noqa: E402  (uses the helpers above)
