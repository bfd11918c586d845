"""补缴 and 退费 (R-SI-5): past months computed with the policy in force in each month.

A back-payment covers months in which the person should have been insured through us but was
not (a late add order, 000 FAQ1). It is refused if any of those months is already covered by
an enrollment anywhere (by ID number), so that back-paying never insures anyone twice. A refund
gives back exactly what the month close charged for those months (the person's contribution
rows), so nothing is refunded that was not paid.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q

from hragency.billing.models import Statement
from hragency.clients.services import ensure_serviceable, require
from hragency.core import audit
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.numbering import next_number
from hragency.domain.insurance import ITEMS, Item, Period, PolicyError, contributions
from hragency.domain.money import to_fen
from hragency.employees.models import InsuredPerson
from hragency.insurance.models import Adjustment, ClientRate, Contribution, Enrollment
from hragency.insurance.policies import PolicyNotFound, normalize_city, policy_for
from hragency.insurance.services import earliest_open_period

MAX_MONTHS = 60


def _snapshot(adjustment: Adjustment) -> dict[str, Any]:
    # The month-by-month detail is the record itself; the audit keeps the totals.
    fields = [f.name for f in Adjustment._meta.concrete_fields if f.name != "months"]
    return audit.snapshot(adjustment, fields)


def months_between(first: Period, last: Period) -> list[Period]:
    return [first.shifted(n) for n in range(last.index - first.index + 1)]


def back_pay_months(
    *,
    city: str,
    months: list[Period],
    wage: Decimal,
    injury_rate: Decimal | None,
    hf_rate: Decimal | None,
    si: bool = True,
    hf: bool = True,
) -> list[dict[str, Any]]:
    """Each month's contributions with that month's policy (reference calculator, exact)."""
    wanted = [
        item
        for item in ITEMS
        if (si and item.is_social_insurance) or (hf and not item.is_social_insurance)
    ]
    result = []
    for month in months:
        rules = policy_for(city, month)
        amounts = contributions(
            rules, to_fen(wage), injury_rate=injury_rate, hf_rate=hf_rate, items=wanted
        )
        result.append(
            {
                "month": str(month),
                "employer_fen": amounts.employer_fen,
                "employee_fen": amounts.employee_fen,
                "items": {
                    line.item.value: [line.base_fen, line.employer_fen, line.employee_fen]
                    for line in amounts.lines
                },
            }
        )
    return result


def _refund_months(person: InsuredPerson, city: str, months: list[Period]) -> list[dict[str, Any]]:
    rows = {
        Period.of(row.period): row
        for row in Contribution.objects.filter(
            person=person, city=city, period__in=[m.first_day for m in months]
        )
    }
    missing = [str(m) for m in months if m not in rows]
    if missing:
        raise InvalidFields(
            [
                FieldError(
                    "first_month", "起始月份", f"以下月份没有缴费记录，无可退：{'、'.join(missing)}"
                )
            ]
        )
    result = []
    for month in months:
        row = rows[month]
        items = {}
        for item in ITEMS:
            base = getattr(row, f"{item.value}_base")
            if base is not None:
                items[item.value] = [
                    base,
                    -getattr(row, f"{item.value}_er"),
                    -getattr(row, f"{item.value}_ee"),
                ]
        result.append(
            {
                "month": str(month),
                "employer_fen": -row.employer_fen,
                "employee_fen": -row.employee_fen,
                "items": items,
            }
        )
    return result


@transaction.atomic
def create_adjustment(
    *,
    actor: Any,
    person: InsuredPerson,
    kind: str,
    first_month: Period,
    last_month: Period,
    reason: str,
    city: str = "",
    wage: Decimal | None = None,
    si: bool = True,
    hf: bool = True,
) -> Adjustment:
    require(actor, "insurance.handle_order")
    client = ensure_serviceable(person.client)
    city = normalize_city(city or person.insured_city)
    errors: list[FieldError] = []
    open_from = earliest_open_period()
    if last_month < first_month:
        errors.append(FieldError("last_month", "截止月份", "不能早于起始月份"))
    elif last_month.index - first_month.index + 1 > MAX_MONTHS:
        errors.append(FieldError("first_month", "起始月份", f"一次最多 {MAX_MONTHS} 个月"))
    if last_month >= open_from:
        errors.append(
            FieldError(
                "last_month", "截止月份", f"只能是 {open_from} 之前的月份；之后的月份请办理增减员"
            )
        )
    if not reason.strip():
        errors.append(FieldError("reason", "原因", "必填"))
    if kind == Adjustment.Kind.BACK_PAY and (wage is None or wage <= 0):
        errors.append(FieldError("wage", "申报工资", "补缴必须填写大于 0 的申报工资"))
    if kind not in Adjustment.Kind.values:
        errors.append(FieldError("kind", "类型", "应为 补缴 或 退费"))
    if errors:
        raise InvalidFields(errors)
    months = months_between(first_month, last_month)
    if kind == Adjustment.Kind.BACK_PAY:
        covered = (
            Enrollment.objects.filter(person__id_number_index=person.id_number_index)
            .filter(start_month__lte=last_month.first_day)
            .filter(Q(end_month__isnull=True) | Q(end_month__gte=first_month.first_day))
            .first()
        )
        if covered is not None:
            raise ServiceError(
                f"{person.name} 在 {covered.start_month:%Y-%m} 起已有参保记录（{covered.city}），"
                "与补缴月份重叠，不能重复参保"
            )
        earlier = (
            Adjustment.objects.filter(person=person, kind=Adjustment.Kind.BACK_PAY)
            .exclude(status=Adjustment.Status.CANCELLED)
            .filter(first_month__lte=last_month.first_day, last_month__gte=first_month.first_day)
            .first()
        )
        if earlier is not None:
            raise ServiceError(f"与已有补缴单 {earlier.number} 的月份重叠")
        rates = ClientRate.objects.filter(client=client, city=city).first()
        try:
            detail = back_pay_months(
                city=city,
                months=months,
                wage=wage or Decimal(0),
                injury_rate=rates.injury_rate if rates else None,
                hf_rate=rates.hf_rate if rates else None,
                si=si,
                hf=hf,
            )
        except PolicyNotFound as exc:
            raise InvalidFields([FieldError("first_month", "起始月份", str(exc))]) from exc
        except PolicyError as exc:
            raise ServiceError(f"{exc}（请先设置客户在{city}的费率）") from exc
    else:
        detail = _refund_months(person, city, months)
    bill_month = open_from
    confirmed = set(
        Statement.objects.filter(
            client=client, status=Statement.Status.CONFIRMED, period__gte=open_from.first_day
        ).values_list("period", flat=True)
    )
    while bill_month.first_day in confirmed:  # a confirmed statement is frozen: bill it later
        bill_month = bill_month.shifted(1)
    adjustment = Adjustment.objects.create(
        number=next_number("BJ" if kind == Adjustment.Kind.BACK_PAY else "TF"),
        kind=kind,
        client=client,
        person=person,
        city=city,
        first_month=first_month.first_day,
        last_month=last_month.first_day,
        wage=wage or Decimal(0),
        reason=reason.strip(),
        months=detail,
        employer_fen=sum(m["employer_fen"] for m in detail),
        employee_fen=sum(m["employee_fen"] for m in detail),
        bill_month=bill_month.first_day,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action=f"insurance.{kind}",
        instance=adjustment,
        after=_snapshot(adjustment),
    )
    return adjustment


@transaction.atomic
def set_adjustment_status(*, actor: Any, adjustment: Adjustment, status: str) -> Adjustment:
    """Mark declared (the bureau accepted it) or cancel a draft."""
    require(actor, "insurance.handle_order")
    adjustment = Adjustment.objects.select_for_update().get(pk=adjustment.pk)
    allowed = {
        Adjustment.Status.DECLARED: {Adjustment.Status.DRAFT},
        Adjustment.Status.CANCELLED: {Adjustment.Status.DRAFT},
    }
    if adjustment.status not in allowed.get(status, set()):
        raise ServiceError(f"{adjustment.get_status_display()}的单据不能改为该状态")
    before = _snapshot(adjustment)
    adjustment.status = status
    adjustment.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action="insurance.adjustment_status",
        instance=adjustment,
        before=before,
        after=_snapshot(adjustment),
    )
    return adjustment


def billed_adjustments(client_ids: Sequence[int], period: Period) -> dict[int, tuple[int, int]]:
    """(social insurance, housing fund) fen of the back-payments and refunds billed on each
    client's statement for ``period``, employer and employee parts together (one query; used
    by the month close)."""
    result: dict[int, tuple[int, int]] = {}
    for client_id, months in (
        Adjustment.objects.filter(client_id__in=list(client_ids), bill_month=period.first_day)
        .exclude(status=Adjustment.Status.CANCELLED)
        .values_list("client_id", "months")
    ):
        si, hf = result.get(client_id, (0, 0))
        for month in months:
            for item, (_base, er, ee) in month["items"].items():
                if item == Item.HOUSING_FUND.value:
                    hf += er + ee
                else:
                    si += er + ee
        result[client_id] = (si, hf)
    return result


__all__ = [
    "back_pay_months",
    "billed_adjustments",
    "create_adjustment",
    "months_between",
    "set_adjustment_status",
]
