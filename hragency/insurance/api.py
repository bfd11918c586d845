"""REST API of social insurance (/api/insurance): add/remove orders, enrollments, client rates
and the policy library. Thin: queries for reads, services for writes.

Errors: bad input → 400 with ``detail`` and a per-field ``errors`` list (Chinese); an order,
person or client out of the caller's scope → 404; a role without the right → 403. Amounts and
rates are decimal strings both ways ("8000.00", "0.12"), never floats.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import paginate

from hragency.core.errors import FieldError, InvalidFields
from hragency.domain.insurance import Item, Period, PolicyError, parse_period
from hragency.domain.money import RoundingRule
from hragency.insurance import forms, queries, services
from hragency.insurance.models import ClientRate, Enrollment, Order, PolicyRule
from hragency.insurance.policies import (
    PolicyNotFound,
    normalize_city,
    policy_rows_for,
    rule_as_row,
    rules_in_force,
)
from hragency.insurance.schemas import (
    ConfirmIn,
    ConfirmOut,
    EnrollmentOut,
    NoteIn,
    OrderIn,
    OrderOut,
    PoliciesOut,
    RateIn,
    RateOut,
    RejectIn,
)

router = Router(tags=["社保公积金"])
_LABELS = {"city": "城市", "period": "所属期"}


def _need(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied("无权访问")


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _rate(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _month(raw: str | None, field: str = "month") -> Period | None:
    if not raw:
        return None
    try:
        return parse_period(raw)
    except PolicyError as exc:
        raise InvalidFields([FieldError(field, "月份", str(exc))]) from exc


class _Mapped:
    """A queryset serialised page by page (the paginator slices it, then counts it)."""

    def __init__(self, rows: Any, serialise: Callable[[Any], dict[str, Any]]) -> None:
        self.rows = rows
        self.serialise = serialise

    def __len__(self) -> int:
        return int(self.rows.count())

    def __getitem__(self, key: slice) -> Sequence[dict[str, Any]]:
        return [self.serialise(row) for row in self.rows[key]]


# ---- orders --------------------------------------------------------------------------------


def _order(o: Order) -> dict[str, Any]:
    return {
        "id": o.pk,
        "number": o.number,
        "client_id": o.client_id,
        "client_name": o.client.name,
        "person_id": o.person_id,
        "person_name": o.person.name,
        "id_number_masked": o.person.id_number_masked,
        "kind": o.kind,
        "kind_label": o.get_kind_display(),
        "city": o.city,
        "month": f"{o.month:%Y-%m}",
        "wage": _money(o.wage),
        "hf_wage": _money(o.hf_wage),
        "si": o.si,
        "hf": o.hf,
        "reason": o.reason,
        "channel": o.channel,
        "status": o.status,
        "status_label": o.get_status_display(),
        "cutoff": services.cutoff(Period.of(o.month)),
        "submitted_by": str(o.submitted_by or ""),
        "submitted_at": o.submitted_at,
        "handled_by": str(o.handled_by or ""),
        "handled_at": o.handled_at,
        "handling_note": o.handling_note,
        "enrollment_id": o.enrollment_id,
    }


@router.get("/orders", response=list[OrderOut], summary="增减员单列表")
@paginate
def list_orders(
    request: HttpRequest,
    status: str = "",
    kind: str = "",
    month: str = "",
    client_id: int | None = None,
    q: str = "",
) -> Any:
    """筛选：状态（submitted/done/rejected/cancelled）、类型（add/remove）、生效月份（2026-12）、
    客户、q 为姓名或完整身份证号。"""
    _need(request, "insurance.view_order")
    qs = queries.search_orders(
        request.user,
        status=status,
        kind=kind,
        month=_month(month),
        client_id=client_id,
        q=q,
    )
    return _Mapped(qs, _order)


@router.post("/orders", response={201: OrderOut}, summary="提交增减员单（生效月份当月 5 日截止）")
def create_order(request: HttpRequest, payload: OrderIn) -> Status[dict[str, Any]]:
    _need(request, "insurance.add_order")
    user = request.user
    person = queries.orderable_person(user, payload.person_id)
    clean, errors = forms.parse_order(payload.dict())
    if errors:
        late = services.month_error(clean["month"]) if clean.get("month") else None
        raise InvalidFields([*errors, late] if late else errors)
    order = services.submit_order(
        actor=user, person=person, channel=Order.Channel.API, **forms.order_arguments(clean)
    )
    return Status(201, _order(queries.order_for(user, order.pk)))


@router.get("/orders/{order_id}", response=OrderOut, summary="增减员单详情")
def get_order(request: HttpRequest, order_id: int) -> dict[str, Any]:
    _need(request, "insurance.view_order")
    return _order(queries.order_for(request.user, order_id))


@router.post("/orders/{order_id}/process", response=OrderOut, summary="办理（社保专员）")
def process_order(request: HttpRequest, order_id: int, payload: NoteIn) -> dict[str, Any]:
    order = queries.order_for(request.user, order_id)
    services.process_order(actor=request.user, order=order, note=payload.note)
    return _order(queries.order_for(request.user, order_id))


@router.post("/orders/{order_id}/reject", response=OrderOut, summary="退回（须填原因）")
def reject_order(request: HttpRequest, order_id: int, payload: RejectIn) -> dict[str, Any]:
    order = queries.order_for(request.user, order_id)
    services.reject_order(actor=request.user, order=order, reason=payload.reason)
    return _order(queries.order_for(request.user, order_id))


@router.post("/orders/{order_id}/cancel", response=OrderOut, summary="撤销（提交人或服务人员）")
def cancel_order(request: HttpRequest, order_id: int) -> dict[str, Any]:
    order = queries.order_for(request.user, order_id)
    services.cancel_order(actor=request.user, order=order)
    return _order(queries.order_for(request.user, order_id))


# ---- enrollments ---------------------------------------------------------------------------


def _enrollment(e: Enrollment) -> dict[str, Any]:
    return {
        "id": e.pk,
        "client_id": e.client_id,
        "client_name": e.client.name,
        "person_id": e.person_id,
        "person_name": e.person.name,
        "id_number_masked": e.person.id_number_masked,
        "city": e.city,
        "wage": _money(e.wage),
        "hf_wage": _money(e.hf_wage),
        "si": e.si,
        "hf": e.hf,
        "start_month": f"{e.start_month:%Y-%m}",
        "end_month": f"{e.end_month:%Y-%m}" if e.end_month else None,
        "bases_confirmed_at": e.bases_confirmed_at,
    }


@router.get("/enrollments", response=list[EnrollmentOut], summary="在保名单（某月在保）")
@paginate
def list_enrollments(
    request: HttpRequest, client_id: int | None = None, month: str = "", q: str = ""
) -> Any:
    """month 默认为本月：列出该月在保的参保记录（起始月份不晚于该月，且未在该月前停保）。"""
    _need(request, "insurance.view_enrollment")
    period = _month(month) or Period.of(timezone.localdate())
    qs = queries.enrollments_in_force(request.user, period=period, client_id=client_id, q=q)
    return _Mapped(qs, _enrollment)


@router.post("/enrollments/confirm", response=ConfirmOut, summary="客户确认本月缴费基数")
def confirm_bases(request: HttpRequest, payload: ConfirmIn) -> dict[str, Any]:
    _need(request, "insurance.view_enrollment")
    user = request.user
    client = queries.client_for(user, payload.client_id or getattr(user, "client_id", 0) or 0)
    count = services.confirm_bases(actor=user, client=client)
    return {"confirmed": count, "period": str(Period.of(timezone.localdate()))}


# ---- client rates --------------------------------------------------------------------------


def _client_rate(r: ClientRate) -> dict[str, Any]:
    return {
        "client_id": r.client_id,
        "client_name": r.client.name,
        "city": r.city,
        "injury_rate": _rate(r.injury_rate),
        "hf_rate": _rate(r.hf_rate),
        "updated_at": r.updated_at,
    }


@router.get("/rates", response=list[RateOut], summary="客户参保费率")
def list_rates(request: HttpRequest, client_id: int | None = None) -> list[dict[str, Any]]:
    _need(request, "insurance.view_clientrate")
    if client_id is not None:
        queries.client_for(request.user, client_id)
    return [_client_rate(r) for r in queries.rates_for(request.user, client_id)]


@router.put("/rates", response=RateOut, summary="设置客户在某城市的工伤费率和公积金比例")
def put_rate(request: HttpRequest, payload: RateIn) -> dict[str, Any]:
    """费率为小数字符串：0.004 表示 0.4%，0.12 表示 12%；按当月生效的城市政策检查范围。"""
    _need(request, "insurance.change_clientrate")
    client = queries.client_for(request.user, payload.client_id)
    clean, errors = forms.parse_rates(payload.dict(), as_percent=False)
    if errors:
        raise InvalidFields(errors)
    rate = services.set_client_rate(
        actor=request.user,
        client=client,
        city=clean["city"],
        injury_rate=clean["injury_rate"],
        hf_rate=clean["hf_rate"],
    )
    return _client_rate(queries.rates_for(request.user, client.pk).get(pk=rate.pk))


# ---- policy library ------------------------------------------------------------------------


def _policy(rule: PolicyRule) -> dict[str, Any]:
    row: dict[str, Any] = dict(rule_as_row(rule))
    for key in ("employer_rate", "employee_rate", "rate_min", "rate_max"):
        row[key] = row[key] or None
    row["item_label"] = Item(rule.item).label
    row["rounding_label"] = RoundingRule(rule.rounding).label
    return row


@router.get("/policies", response=PoliciesOut, summary="某月生效的政策（含来源和核实状态）")
def list_policies(request: HttpRequest, city: str = "", period: str = "") -> dict[str, Any]:
    """period 默认为本月；city 为空时列出所有城市。"""
    _need(request, "insurance.view_policyrule")
    month = _month(period, "period") or Period.of(timezone.localdate())
    wanted = normalize_city(city) or None
    if wanted is not None:
        try:
            policy_rows_for(wanted, month)
        except PolicyNotFound as exc:
            field = "period" if exc.missing == "period" else "city"
            raise InvalidFields([FieldError(field, _LABELS[field], str(exc))]) from exc
    in_force = rules_in_force(month, wanted)
    items = [
        _policy(rule)
        for name in sorted(in_force)
        for rule in sorted(in_force[name], key=lambda r: list(Item).index(Item(r.item)))
    ]
    return {"period": str(month), "items": items}
