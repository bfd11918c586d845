"""Who holds a role, and who of them serves a client: the one lookup every module uses to pick
the owner of a new obligation (an order's cut-off, an incident, a dispute, an invoice)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from hragency.accounts.models import User
from hragency.accounts.roles import ROLE_LABELS


def role_holders(role: str) -> QuerySet[User]:
    """Active staff holding ``role``, oldest account first."""
    return User.objects.filter(
        is_active=True, kind=User.Kind.STAFF, groups__name=ROLE_LABELS[role]
    ).order_by("pk")


def serving(client: object, role: str) -> QuerySet[User]:
    """The holders of ``role`` assigned to ``client``, directly or through their department."""
    return (
        role_holders(role)
        .filter(
            Q(client_assignments__client=client) | Q(department__client_assignments__client=client)
        )
        .distinct()
    )
