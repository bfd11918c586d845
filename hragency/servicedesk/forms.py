"""Parsing of the desk's form posts and the choice lists the screens show."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404

from hragency.core.business import BusinessModule
from hragency.servicedesk.models import Channel, Nature, Ticket, Urgency

STAFF_CHANNELS = [
    (c, label) for c, label in Channel.choices if c not in (Channel.PORTAL, Channel.EMAIL)
]


def choices() -> dict[str, Any]:
    return {
        "channels": Channel.choices,
        "staff_channels": STAFF_CHANNELS,
        "modules": BusinessModule.choices,
        "natures": Nature.choices,
        "urgencies": Urgency.choices,
        "statuses": Ticket.Status.choices,
    }


def ticket_fields(post: Any) -> dict[str, str]:
    """The intake fields of the staff and portal forms."""
    return {
        "subject": post.get("subject", ""),
        "description": post.get("description", ""),
        "module": post.get("module", ""),
        "nature": post.get("nature", ""),
        "urgency": post.get("urgency", ""),
        "contact_name": post.get("contact_name", ""),
        "contact_phone": post.get("contact_phone", ""),
        "contact_email": post.get("contact_email", ""),
    }


def staff_user(value: Any) -> Any:
    """A staff user picked on a form (transfer, reassign); 404 for anything else."""
    from hragency.accounts.models import User

    if not str(value or "").isdigit():
        return None
    return get_object_or_404(User, pk=int(value), kind=User.Kind.STAFF, is_active=True)


def department(value: Any) -> Any:
    from hragency.accounts.models import Department

    if not str(value or "").isdigit():
        return None
    return get_object_or_404(Department, pk=int(value))


def handlers() -> Any:
    """Staff who can handle tickets, for the transfer / reassign pickers."""
    from hragency.accounts.models import User

    perm_users = User.objects.filter(
        is_active=True,
        kind=User.Kind.STAFF,
        groups__permissions__codename="handle_ticket",
        groups__permissions__content_type__app_label="servicedesk",
    )
    return perm_users.select_related("department").distinct().order_by("department__name", "pk")
