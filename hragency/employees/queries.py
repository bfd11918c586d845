from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from hragency.core.scoping import scope_queryset
from hragency.employees.models import InsuredPerson


def people_for(user: Any) -> QuerySet[InsuredPerson]:
    return scope_queryset(InsuredPerson.objects.select_related("client"), user)


def person_for(user: Any, person_id: int) -> InsuredPerson:
    return get_object_or_404(people_for(user), pk=person_id)


def may_reveal(user: Any) -> bool:
    """Full ID numbers and accounts: staff holding the permission, the client's HR, the person."""
    return bool(
        user.is_authenticated
        and (
            user.kind in ("client_hr", "employee") or user.has_perm("accounts.reveal_personal_data")
        )
    )
