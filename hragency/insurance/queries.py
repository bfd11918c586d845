"""Every user-facing read of the social-insurance module, for an acting user, through
``scope_queryset``. The policy library is public reference data (no client in it), so its reads
live in ``policies``."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404

from hragency.clients.models import Client
from hragency.clients.queries import clients_for
from hragency.core.crypto import blind_index
from hragency.core.models import Deadline
from hragency.core.scoping import scope_queryset
from hragency.domain.insurance import ITEMS, Item, Period
from hragency.domain.money import RoundingRule
from hragency.employees.models import InsuredPerson
from hragency.employees.queries import people_for, search_people
from hragency.insurance.models import (
    Adjustment,
    ClientRate,
    Declaration,
    Enrollment,
    Incident,
    Order,
    PolicyRule,
)
from hragency.insurance.policies import rules_in_force
from hragency.insurance.services import percent

_ID_NUMBER = re.compile(r"^\d{17}[\dXx]$")


# ---- orders --------------------------------------------------------------------------------


def orders_for(user: Any) -> QuerySet[Order]:
    return scope_queryset(
        Order.objects.select_related("client", "person", "submitted_by", "handled_by"), user
    )


def order_for(user: Any, order_id: int) -> Order:
    return get_object_or_404(orders_for(user), pk=order_id)


def _name_or_id(qs: QuerySet[Any], q: str, prefix: str = "person__") -> QuerySet[Any]:
    """A name fragment, or a full ID number matched through the blind index."""
    q = (q or "").strip()
    if not q:
        return qs
    compact = "".join(q.split())
    if _ID_NUMBER.match(compact):
        return qs.filter(**{f"{prefix}id_number_index": blind_index(compact)})
    return qs.filter(**{f"{prefix}name__icontains": q})


def search_orders(
    user: Any,
    *,
    status: str = "",
    kind: str = "",
    month: Period | None = None,
    client_id: int | None = None,
    q: str = "",
) -> QuerySet[Order]:
    qs = orders_for(user)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if month is not None:
        qs = qs.filter(month=month.first_day)
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    return _name_or_id(qs, q)


def _deadline_due() -> Subquery:
    deadlines = Deadline.objects.filter(
        subject_type=Order._meta.label_lower,
        subject_id=Cast(OuterRef("pk"), output_field=CharField()),
    ).order_by("-pk")
    return Subquery(deadlines.values("due_at")[:1])


def queue_for(
    user: Any, *, client_id: int | None = None, kind: str = "", q: str = ""
) -> QuerySet[Order]:
    """The specialist's work queue: submitted orders in scope, the earliest cut-off first, each
    with the due time of its deadline (``deadline_due``; null when nobody was responsible)."""
    qs = search_orders(user, status=Order.Status.SUBMITTED, kind=kind, client_id=client_id, q=q)
    return qs.annotate(deadline_due=_deadline_due()).order_by("month", "submitted_at", "pk")


def queued_orders(user: Any, ids: list[int]) -> list[Order]:
    """The selected queue rows the user may see (others are silently out of scope)."""
    return list(orders_for(user).filter(pk__in=ids).order_by("month", "submitted_at", "pk"))


def deadline_of(user: Any, order: Order) -> Deadline | None:
    """The specialist's deadline for an order, for staff (deadlines are the agency's own)."""
    if getattr(user, "kind", "") != "staff":
        return None
    return (
        scope_queryset(Deadline.objects.select_related("owner"), user)
        .filter(subject_type=Order._meta.label_lower, subject_id=str(order.pk))
        .order_by("-pk")
        .first()
    )


def orderable_people(user: Any, q: str = "", limit: int = 50) -> list[InsuredPerson]:
    """People the user may submit orders for (the person picker): their own company's for a
    client's HR user, their clients' for staff. People who left stay: they are the removals."""
    return list(search_people(user, q=q).order_by("name", "pk")[:limit])


def orderable_person(user: Any, person_id: int) -> InsuredPerson:
    return get_object_or_404(people_for(user), pk=person_id)


def people_for_order(user: Any, person_id: int | None) -> InsuredPerson | None:
    """The chosen person if the user may submit for them; None otherwise (a form error)."""
    if person_id is None:
        return None
    return people_for(user).filter(pk=person_id).first()


# ---- enrollments ---------------------------------------------------------------------------


def enrollments_for(user: Any) -> QuerySet[Enrollment]:
    return scope_queryset(Enrollment.objects.select_related("client", "person"), user)


def enrollments_in_force(
    user: Any, *, period: Period, client_id: int | None = None, q: str = ""
) -> QuerySet[Enrollment]:
    qs = enrollments_for(user).filter(start_month__lte=period.first_day)
    qs = qs.filter(Q(end_month__isnull=True) | Q(end_month__gte=period.first_day))
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    return _name_or_id(qs, q).order_by("client_id", "person__name", "pk")


# ---- the policy library (public reference data) -------------------------------------------


def pct(rate: Decimal | None) -> str:
    return "—" if rate is None else percent(rate)


def _rule_row(rule: PolicyRule) -> dict[str, Any]:
    def side(rate: Decimal | None) -> str:
        if rate is not None:
            return pct(rate)
        if rule.rate_min is not None or rule.rate_max is not None:
            return f"按客户设定（{pct(rule.rate_min)}–{pct(rule.rate_max)}）"
        return "按客户设定"

    return {
        "rule": rule,
        "label": Item(rule.item).label,
        "employer": side(rule.employer_rate),
        "employee": side(rule.employee_rate),
        "rounding": RoundingRule(rule.rounding).label,
        "verified": rule.certainty == PolicyRule.Certainty.CONFIRMED,
    }


def _item_order(rule: PolicyRule) -> int:
    return ITEMS.index(Item(rule.item))


def library_in_force(period: Period) -> list[tuple[str, list[dict[str, Any]]]]:
    """Per city, the rule of each item in force in ``period``, as the screens show it."""
    in_force = rules_in_force(period)
    return [
        (city, [_rule_row(r) for r in sorted(in_force[city], key=_item_order)])
        for city in sorted(in_force)
    ]


def city_history(city: str, period: Period) -> list[tuple[str, list[dict[str, Any]]]]:
    """Every version of every item of a city, newest first, the one in force marked."""
    versions = list(PolicyRule.objects.filter(city=city).order_by("item", "-effective_from"))
    in_force = {r.pk for r in rules_in_force(period, city).get(city, [])}
    items = []
    for item in ITEMS:
        rows = [_rule_row(r) for r in versions if r.item == item.value]
        for row in rows:
            row["in_force"] = row["rule"].pk in in_force
        if rows:
            items.append((item.label, rows))
    return items


def base_rules(period: Period) -> dict[str, PolicyRule]:
    """Per city, the rule whose floor and ceiling make the social-insurance base."""
    found: dict[str, PolicyRule] = {}
    for city, rules in rules_in_force(period).items():
        by_item = {r.item: r for r in rules}
        for item in ITEMS:
            if item is not Item.HOUSING_FUND and item.value in by_item:
                found[city] = by_item[item.value]
                break
    return found


# ---- clients and their rates -----------------------------------------------------------------


def client_choices(user: Any) -> list[tuple[int, str]]:
    return list(clients_for(user).order_by("number").values_list("pk", "name"))


def client_for(user: Any, client_id: int) -> Client:
    return get_object_or_404(clients_for(user), pk=client_id)


def rates_for(user: Any, client_id: int | None = None) -> QuerySet[ClientRate]:
    qs = scope_queryset(ClientRate.objects.select_related("client"), user)
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    return qs.order_by("client_id", "city")


# --- exceptions, back-pay/refunds, declarations ----------------------------------------------


def incidents_for(user: Any) -> QuerySet[Incident]:
    return scope_queryset(
        Incident.objects.select_related("client", "person", "handler", "reported_by"), user
    )


def incident_for(user: Any, incident_id: int) -> Incident:
    return get_object_or_404(incidents_for(user), pk=incident_id)


def adjustments_for(user: Any) -> QuerySet[Adjustment]:
    return scope_queryset(Adjustment.objects.select_related("client", "person", "created_by"), user)


def adjustment_for(user: Any, adjustment_id: int) -> Adjustment:
    return get_object_or_404(adjustments_for(user), pk=adjustment_id)


def declarations_for(user: Any) -> QuerySet[Declaration]:
    return scope_queryset(Declaration.objects.select_related("client", "handled_by"), user)


def declaration_for(user: Any, declaration_id: int) -> Declaration:
    return get_object_or_404(declarations_for(user), pk=declaration_id)
