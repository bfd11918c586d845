"""Every write of the social-insurance module (R-SI-1..5): client rates, add/remove orders and
the enrollments they open and end, the client's confirmation of bases.

Each function is atomic and audited, and calls ``clients.services.ensure_serviceable`` first, so
a blacklisted or terminated client is refused everywhere with the reason. The exceptions are
rejecting and cancelling an order: they close a request without doing any work for the client.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hragency.clients.models import Client
from hragency.clients.services import ensure_serviceable, require
from hragency.core import audit
from hragency.core.deadlines import cancel_deadline, close_deadline, open_deadline
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.models import Deadline
from hragency.core.notifications import notify
from hragency.core.numbering import next_number
from hragency.core.scoping import scope_for
from hragency.domain.insurance import Item, Period, PolicyError
from hragency.employees.models import InsuredPerson
from hragency.insurance.models import ClientRate, Enrollment, Order
from hragency.insurance.policies import PolicyNotFound, normalize_city, policy_rows_for

ORDER_DEADLINE_KIND = "insurance.order_cutoff"
CUTOFF_DAY = 5
"""增减员 for a month must be in and processed by the 5th of that month (000, 003 §4.3)."""

_TZ = ZoneInfo(settings.TIME_ZONE)


def cutoff(period: Period) -> dt.datetime:
    """The end of office hours on the 5th of ``period``: the last moment to submit an order for
    that month, and the specialist's deadline for processing it."""
    end = dt.time.fromisoformat(settings.BUSINESS_HOURS_END)
    return dt.datetime.combine(dt.date(period.year, period.month, CUTOFF_DAY), end, tzinfo=_TZ)


def earliest_open_period(now: dt.datetime | None = None) -> Period:
    """The first month an order may still be submitted for."""
    now = timezone.localtime(now or timezone.now(), _TZ)
    current = Period.of(now.date())
    return current if now <= cutoff(current) else current.shifted(1)


def month_error(period: Period, now: dt.datetime | None = None) -> FieldError | None:
    """The refusal of a month whose cut-off has passed, naming the first open month."""
    earliest = earliest_open_period(now)
    if period >= earliest:
        return None
    return FieldError(
        "month",
        "生效月份",
        f"{period} 的增减员已于 {cutoff(period):%m月%d日 %H:%M} 截止，"
        f"最早可选 {earliest}；往月请办理补缴",
    )


def responsible_specialist(client: Client) -> Any:
    """Who processes the client's orders: a 社保专员 assigned to the client (directly or through
    a department), else the client's owner, else any 社保专员."""
    from hragency.accounts.queries import role_holders, serving
    from hragency.accounts.roles import Role

    return (
        serving(client, Role.SI_SPECIALIST).first()
        or client.owner
        or role_holders(Role.SI_SPECIALIST).first()
    )


def percent(rate: Decimal) -> str:
    """0.16 → "16%", 0.098 → "9.8%": rates as people say them."""
    text = format((rate * 100).normalize(), "f")
    return f"{text}%"


# --- client rates -------------------------------------------------------------------------


@transaction.atomic
def set_client_rate(
    *,
    actor: Any,
    client: Client,
    city: str,
    injury_rate: Decimal | None,
    hf_rate: Decimal | None,
    period: Period | None = None,
) -> ClientRate:
    """Set the client's work-injury rate and housing-fund rate in a city, checked against the
    ranges of the city's policy in force (this month unless ``period`` is given)."""
    require(actor, "insurance.change_clientrate")
    client = ensure_serviceable(client)
    city = normalize_city(city)
    period = period or Period.of(timezone.localdate())
    try:
        rows = {row.item: row for row in policy_rows_for(city, period)}
    except PolicyNotFound as exc:
        raise InvalidFields([FieldError("city", "参保城市", str(exc))]) from exc
    errors = []
    for field, label, rate, item in (
        ("injury_rate", "工伤费率", injury_rate, Item.INJURY),
        ("hf_rate", "公积金缴存比例", hf_rate, Item.HOUSING_FUND),
    ):
        if rate is None:
            continue
        rule = rows.get(item.value)
        try:
            if rule is None:
                raise PolicyError(f"{city}的政策中没有{item.label}")
            if rate < 0 or rate > 1 or rate != rate.quantize(Decimal("0.000001")):
                raise PolicyError("应在 0 到 1 之间，最多六位小数（如 0.12 表示 12%）")
            if rule.rate_min is not None and rate < rule.rate_min:
                raise PolicyError(f"低于{city}允许的下限 {percent(rule.rate_min)}")
            if rule.rate_max is not None and rate > rule.rate_max:
                raise PolicyError(f"高于{city}允许的上限 {percent(rule.rate_max)}")
        except PolicyError as exc:
            errors.append(FieldError(field, label, str(exc)))
    if errors:
        raise InvalidFields(errors)
    rate_row, created = ClientRate.objects.get_or_create(client=client, city=city)
    before = None if created else audit.snapshot(rate_row)
    rate_row.injury_rate = injury_rate
    rate_row.hf_rate = hf_rate
    rate_row.save()
    audit.record(
        actor=actor,
        action="insurance.set_rate",
        instance=rate_row,
        before=before,
        after=audit.snapshot(rate_row),
    )
    return rate_row


# --- add/remove orders --------------------------------------------------------------------


def _in_force(period: Period) -> Q:
    return Q(start_month__lte=period.first_day) & (
        Q(end_month__isnull=True) | Q(end_month__gte=period.first_day)
    )


def may_see_client(actor: Any, client_id: int) -> bool:
    """Whether another client's name may be told to ``actor``: only within their scope."""
    scope = scope_for(actor)
    return scope.all_clients or client_id in scope.client_ids


def elsewhere(actor: Any, client: Client, detail: str = "") -> str:
    """How a clash at another client is named: by name within the actor's scope, else
    anonymously (a client's HR user never learns another client's name)."""
    if may_see_client(actor, client.pk):
        return f"客户「{client.name}」{detail}"
    return "其他单位"


def _check_duplicate_insurance(actor: Any, person: InsuredPerson, period: Period) -> None:
    """R-SI-5: nobody may be insured twice for a month, in any city, through any client. The
    person is matched by ID number (blind index), so the same person archived by two clients
    is found. Another client's name is told only to users whose scope covers that client."""
    clash = (
        Enrollment.objects.filter(person__id_number_index=person.id_number_index)
        .filter(Q(end_month__isnull=True) | Q(end_month__gte=period.first_day))
        .select_related("client")
        .first()
    )
    if clash is not None:
        detail = f"（{clash.city}，{clash.start_month:%Y-%m} 起）"
        if clash.client_id == person.client_id:
            where = f"本单位{detail}"
        else:
            where = elsewhere(actor, clash.client, detail)
        raise ServiceError(
            f"{person.name} 在 {period} 已有参保记录：{where}；不能重复参保，请先办理减员"
        )
    pending = (
        Order.objects.filter(
            person__id_number_index=person.id_number_index,
            kind=Order.Kind.ADD,
            status=Order.Status.SUBMITTED,
        )
        .exclude(client_id=person.client_id)
        .select_related("client")
        .first()
    )
    if pending is not None:
        where = elsewhere(actor, pending.client, f"（单号 {pending.number}）")
        raise ServiceError(f"{person.name} 已有待办理的增员单：{where}；不能重复参保")


def _validate_order(
    *,
    person: InsuredPerson,
    kind: str,
    city: str,
    period: Period,
    wage: Decimal | None,
    hf_wage: Decimal | None,
    si: bool,
    hf: bool,
    reason: str,
    now: dt.datetime,
) -> Enrollment | None:
    errors: list[FieldError] = []
    late = month_error(period, now)
    if late is not None:
        errors.append(late)
    try:
        policy_rows_for(city, period)
    except PolicyNotFound as exc:
        if exc.missing == "period":
            errors.append(FieldError("month", "生效月份", str(exc)))
        else:
            errors.append(FieldError("city", "参保城市", str(exc)))
    enrollment = None
    if kind == Order.Kind.ADD:
        if wage is None:
            errors.append(FieldError("wage", "申报工资", "增员必须填写申报工资"))
        elif wage <= 0:
            errors.append(FieldError("wage", "申报工资", "应大于 0"))
        if hf_wage is not None and hf_wage <= 0:
            errors.append(FieldError("hf_wage", "公积金申报工资", "应大于 0，不填则与申报工资相同"))
        if not si and not hf:
            errors.append(FieldError("si", "参加社保", "参加社保与缴存公积金至少选一项"))
    elif kind == Order.Kind.REMOVE:
        if not reason.strip():
            errors.append(FieldError("reason", "减员原因", "减员必须填写原因"))
        enrollment = (
            Enrollment.objects.filter(person=person, city=city)
            .filter(Q(end_month__isnull=True) | Q(end_month__gte=period.first_day))
            .first()
        )
        if enrollment is None:
            errors.append(
                FieldError("city", "参保城市", f"{person.name} 在{city}没有该月在保的记录")
            )
        elif enrollment.start_month >= period.first_day:
            errors.append(
                FieldError(
                    "month",
                    "生效月份",
                    f"参保起始月份为 {enrollment.start_month:%Y-%m}，减员月份须晚于它",
                )
            )
    else:
        errors.append(FieldError("kind", "类型", "应为 增员 或 减员"))
    if errors:
        raise InvalidFields(errors)
    return enrollment


@transaction.atomic
def submit_order(
    *,
    actor: Any,
    person: InsuredPerson,
    kind: str,
    city: str,
    period: Period,
    wage: Decimal | None = None,
    hf_wage: Decimal | None = None,
    si: bool = True,
    hf: bool = True,
    reason: str = "",
    channel: str = Order.Channel.PORTAL,
) -> Order:
    """Submit one 增员/减员 for ``period``: refused after that month's cut-off, refused if it
    would insure the person twice; opens the specialist's deadline at the cut-off."""
    require(actor, "insurance.add_order")
    client = ensure_serviceable(person.client_id)
    # One pending order per person: the person's row is the lock two submitters queue on.
    person = InsuredPerson.objects.select_for_update().get(pk=person.pk)
    city = normalize_city(city or person.insured_city)
    now = timezone.now()
    _validate_order(
        person=person,
        kind=kind,
        city=city,
        period=period,
        wage=wage,
        hf_wage=hf_wage,
        si=si,
        hf=hf,
        reason=reason,
        now=now,
    )
    pending = Order.objects.filter(person=person, status=Order.Status.SUBMITTED).first()
    if pending is not None:
        raise ServiceError(
            f"{person.name} 已有待办理的{pending.get_kind_display()}单 {pending.number}"
        )
    if kind == Order.Kind.ADD:
        _check_duplicate_insurance(actor, person, period)
    order = Order.objects.create(
        number=next_number("ZY"),
        client=client,
        person=person,
        kind=kind,
        city=city,
        month=period.first_day,
        wage=wage if kind == Order.Kind.ADD else None,
        hf_wage=hf_wage if kind == Order.Kind.ADD else None,
        si=si,
        hf=hf,
        reason=reason.strip(),
        channel=channel,
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor=actor, action="insurance.order_submit", instance=order, after=audit.snapshot(order)
    )
    owner = responsible_specialist(client)
    if owner is not None:
        open_deadline(
            kind=ORDER_DEADLINE_KIND,
            title=f"办理{order.get_kind_display()} {order.number}（{person.name}，{period}）",
            owner=owner,
            due_at=cutoff(period),
            client_id=client.pk,
            subject=order,
            link=f"/insurance/orders/{order.pk}/",
            actor=actor,
        )
    return order


def _end_order_deadline(order: Order, actor: Any, *, cancel: bool = False) -> None:
    deadline = Deadline.objects.filter(
        subject_type=Order._meta.label_lower, subject_id=str(order.pk), status=Deadline.Status.OPEN
    ).first()
    if deadline is None:
        return
    if cancel:
        cancel_deadline(deadline=deadline, actor=actor)
    else:
        close_deadline(deadline, actor=actor)


@transaction.atomic
def process_order(*, actor: Any, order: Order, note: str = "") -> Order:
    """The specialist has declared the order: an add opens the enrollment, a remove ends it
    with the month before the order's month."""
    require(actor, "insurance.handle_order")
    order = Order.objects.select_for_update().select_related("person", "client").get(pk=order.pk)
    ensure_serviceable(order.client_id)
    if order.status != Order.Status.SUBMITTED:
        raise ServiceError(f"{order.number} 已{order.get_status_display()}，不能再办理")
    period = Period.of(order.month)
    before = audit.snapshot(order)
    if order.kind == Order.Kind.ADD:
        clash = (
            Enrollment.objects.filter(person__id_number_index=order.person.id_number_index)
            .filter(Q(end_month__isnull=True) | Q(end_month__gte=order.month))
            .select_related("client")
            .first()
        )
        if clash is not None:
            where = (
                "本单位" if clash.client_id == order.client_id else elsewhere(actor, clash.client)
            )
            raise ServiceError(
                f"{order.person.name} 在 {period} 已有参保记录（{where}，{clash.city}，"
                f"{clash.start_month:%Y-%m} 起）；不能重复参保"
            )
        enrollment = Enrollment.objects.create(
            client=order.client,
            person=order.person,
            city=order.city,
            wage=order.wage or Decimal(0),
            hf_wage=order.hf_wage,
            si=order.si,
            hf=order.hf,
            start_month=order.month,
        )
        audit.record(
            actor=actor,
            action="insurance.enroll",
            instance=enrollment,
            after=audit.snapshot(enrollment),
        )
    else:
        enrollment = (
            Enrollment.objects.select_for_update()
            .filter(person=order.person, city=order.city)
            .filter(Q(end_month__isnull=True) | Q(end_month__gte=order.month))
            .first()
        )
        if enrollment is None or enrollment.start_month >= order.month:
            raise ServiceError("找不到可减员的参保记录（可能已被其他单据处理）")
        enrollment_before = audit.snapshot(enrollment)
        enrollment.end_month = period.shifted(-1).first_day
        enrollment.save(update_fields=["end_month"])
        audit.record(
            actor=actor,
            action="insurance.unenroll",
            instance=enrollment,
            before=enrollment_before,
            after=audit.snapshot(enrollment),
        )
    order.status = Order.Status.DONE
    order.handled_by = actor
    order.handled_at = timezone.now()
    order.handling_note = note.strip()
    order.enrollment = enrollment
    order.save()
    audit.record(
        actor=actor,
        action="insurance.order_done",
        instance=order,
        before=before,
        after=audit.snapshot(order),
    )
    _end_order_deadline(order, actor)
    if order.submitted_by_id and order.submitted_by_id != actor.pk:
        notify(
            recipients=[order.submitted_by],
            title=f"{order.get_kind_display()}单 {order.number} 已办理",
            body=f"{order.person.name}，{period}，{order.city}",
            link=f"/insurance/orders/{order.pk}/",
        )
    return order


@transaction.atomic
def reject_order(*, actor: Any, order: Order, reason: str) -> Order:
    """The specialist sends the order back with the reason (the submitter is told). Allowed for
    a blacklisted client too: it closes the order without doing any work."""
    require(actor, "insurance.handle_order")
    if not (reason or "").strip():
        raise InvalidFields([FieldError("reason", "退回原因", "请填写退回原因")])
    return _finish_without_effect(
        actor, order, Order.Status.REJECTED, reason, "insurance.order_reject"
    )


def may_cancel(actor: Any, order: Order) -> bool:
    """The submitter, or service staff who may submit or handle orders."""
    if not getattr(actor, "is_authenticated", False):
        return False
    if order.submitted_by_id is not None and order.submitted_by_id == actor.pk:
        return True
    return getattr(actor, "kind", "") == "staff" and (
        actor.has_perm("insurance.add_order") or actor.has_perm("insurance.handle_order")
    )


@transaction.atomic
def cancel_order(*, actor: Any, order: Order) -> Order:
    """The submitter (or staff) withdraws an order that has not been processed; the
    specialist's deadline is cancelled."""
    if not may_cancel(actor, order):
        raise PermissionDenied("只有提交人或服务人员可以撤销该单")
    return _finish_without_effect(
        actor, order, Order.Status.CANCELLED, "", "insurance.order_cancel"
    )


def _finish_without_effect(actor: Any, order: Order, status: str, note: str, action: str) -> Order:
    order = Order.objects.select_for_update().select_related("client", "person").get(pk=order.pk)
    if order.status != Order.Status.SUBMITTED:
        raise ServiceError(f"{order.number} 已{order.get_status_display()}")
    before = audit.snapshot(order)
    order.status = status
    order.handled_by = actor
    order.handled_at = timezone.now()
    order.handling_note = note.strip()
    order.save()
    audit.record(
        actor=actor, action=action, instance=order, before=before, after=audit.snapshot(order)
    )
    _end_order_deadline(order, actor, cancel=status == Order.Status.CANCELLED)
    if status == Order.Status.REJECTED and order.submitted_by_id:
        notify(
            recipients=[order.submitted_by],
            title=f"{order.get_kind_display()}单 {order.number} 被退回",
            body=note,
            link=f"/insurance/orders/{order.pk}/",
        )
    return order


@transaction.atomic
def confirm_bases(*, actor: Any, client: Client) -> int:
    """R-SI-3: the client's HR confirms the declared wages (bases) of every enrollment in force
    this month before declaration. Returns how many were confirmed."""
    require(actor, "insurance.view_enrollment")
    if getattr(actor, "kind", "") != "client_hr" or actor.client_id != client.pk:
        raise PermissionDenied("缴费基数由客户本单位的 HR 确认")
    client = ensure_serviceable(client.pk)
    now = timezone.now()
    period = Period.of(timezone.localdate())
    rows = Enrollment.objects.filter(client=client).filter(_in_force(period))
    count = rows.update(bases_confirmed_at=now)
    if not count:
        raise ServiceError(f"{period} 没有在保人员，无需确认缴费基数")
    audit.record(
        actor=actor,
        action="insurance.bases_confirmed",
        client_id=client.pk,
        extra={"enrollments": count, "period": str(period)},
    )
    return count
