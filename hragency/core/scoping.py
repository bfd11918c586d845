"""Which rows a user may see (R-SEC-1). Every user-facing read goes through ``scope_queryset``.

Rules: administrators and holders of ``accounts.view_all_clients`` see every client; other staff
see the clients assigned to them, to their department, and — for a department head — to the
members of their department; a client HR user sees their own company; an employee sees only
records about themselves. Anyone else sees nothing.

A model opts in by naming the path to its client (``SCOPE_CLIENT_FIELD``, "pk" for Client
itself) and, if an employee may see some of its rows, the path to the insured person
(``SCOPE_PERSON_FIELD``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Scope:
    all_clients: bool = False
    client_ids: frozenset[int] = frozenset()
    person_id: int | None = None


NOTHING = Scope()


def scope_for(user: Any) -> Scope:
    """The user's scope, computed once per request object and cached on the user."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    cached = getattr(user, "_hragency_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    user._hragency_scope = scope
    return scope


def _compute_scope(user: Any) -> Scope:
    from hragency.accounts.models import ClientAssignment, User

    if user.kind == User.Kind.CLIENT_HR:
        return Scope(client_ids=frozenset([user.client_id]))
    if user.kind == User.Kind.EMPLOYEE:
        return Scope(person_id=user.insured_person_id)
    if user.is_superuser or user.has_perm("accounts.view_all_clients"):
        return Scope(all_clients=True)
    assigned = Q(user=user)
    if user.department_id:
        assigned |= Q(department_id=user.department_id)
        headed = list(user.headed_departments.values_list("id", flat=True))
        if headed:
            assigned |= Q(user__department_id__in=headed) | Q(department_id__in=headed)
    ids = ClientAssignment.objects.filter(assigned).values_list("client_id", flat=True)
    return Scope(client_ids=frozenset(ids))


def scope_queryset(queryset: QuerySet[M], user: Any) -> QuerySet[M]:
    model = queryset.model
    client_field: str | None = getattr(model, "SCOPE_CLIENT_FIELD", None)
    person_field: str | None = getattr(model, "SCOPE_PERSON_FIELD", None)
    if client_field is None:
        raise TypeError(f"{model.__name__} does not declare SCOPE_CLIENT_FIELD")
    scope = scope_for(user)
    if scope.person_id is not None:
        if person_field is None:
            return queryset.none()
        return queryset.filter(**{person_field: scope.person_id})
    if scope.all_clients:
        return queryset
    if not scope.client_ids:
        return queryset.none()
    lookup = "pk__in" if client_field == "pk" else f"{client_field}__in"
    return queryset.filter(**{lookup: scope.client_ids})
