"""Who holds a role, and who of them serves a client: the one lookup every module uses to pick
the owner of a new obligation (an order's cut-off, an incident, a dispute, an invoice); and a
client's own HR users, whom every module tells about their company."""

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


def client_hr_users(*client_ids: int) -> QuerySet[User]:
    """The active HR users of these clients: who is told about their company's statements,
    declarations, policy changes and payroll."""
    return User.objects.filter(
        is_active=True, kind=User.Kind.CLIENT_HR, client_id__in=client_ids
    ).order_by("pk")
