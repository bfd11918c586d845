"""Every user-facing read of tickets. Scoped by `core.scoping`; staff also see the tickets
they handle or first took (R-DESK-6, a transferred ticket may leave their client scope), and
triage holders the tickets without a client. A client's HR sees only visible events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from hragency.core.scoping import scope_queryset
from hragency.servicedesk.models import Ticket, TicketAttachment, TicketEvent

OPEN = [Ticket.Status.PENDING, Ticket.Status.IN_PROGRESS, Ticket.Status.WAITING]
SOON_MINUTES = 60


def is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.kind == "staff")


def tickets_for(user: Any) -> QuerySet[Ticket]:
    if not getattr(user, "is_authenticated", False) or not user.has_perm("servicedesk.view_ticket"):
        return Ticket.objects.none()
    scoped = scope_queryset(Ticket.objects.all(), user)
    if not is_staff(user):
        return scoped
    mine = Q(handler=user) | Q(first_owner=user)
    if user.has_perm("servicedesk.triage_ticket"):
        mine |= Q(client__isnull=True)
    return Ticket.objects.filter(Q(pk__in=scoped.values("pk")) | mine)


def ticket_for(user: Any, ticket_id: int) -> Ticket:
    return get_object_or_404(
        tickets_for(user).select_related(
            "client", "handler", "first_owner", "department", "sla_policy", "contact"
        ),
        pk=ticket_id,
    )


def ticket_by_number(user: Any, number: str) -> Ticket | None:
    number = (number or "").strip().upper()
    if not number:
        return None
    return tickets_for(user).filter(number=number).first()


def events_for(user: Any, ticket: Ticket) -> QuerySet[TicketEvent]:
    """The ticket's events the user may read: all for staff, visible ones for the client."""
    qs = ticket.events.select_related("actor", "to_user", "to_department").prefetch_related(
        "attachments"
    )
    if not is_staff(user):
        qs = qs.filter(visible_to_client=True)
    return qs.order_by("created_at", "pk")


def attachment_for(user: Any, ticket_id: int, attachment_id: int) -> TicketAttachment:
    """A file of a ticket the user may read; a client user only a file sent with a message they
    can see."""
    ticket = ticket_for(user, ticket_id)
    files = TicketAttachment.objects.filter(ticket=ticket)
    if not is_staff(user):
        files = files.filter(event__visible_to_client=True)
    return get_object_or_404(files, pk=attachment_id)


def with_list_columns(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return qs.select_related("client", "handler", "first_owner", "department")


TABS = {
    "mine": "我的",
    "first": "我首问的",
    "department": "部门待处理",
    "soon": "即将超时",
    "overdue": "已超时",
    "triage": "未归属",
    "all": "全部",
}


def queue(user: Any, tab: str, now: dt.datetime | None = None) -> QuerySet[Ticket]:
    """The 工单台 tabs. "我的" = tickets I handle or first took and not yet closed."""
    now = now or timezone.now()
    qs = tickets_for(user)
    if tab == "mine":
        return qs.filter(Q(handler=user) | Q(first_owner=user)).exclude(status=Ticket.Status.CLOSED)
    if tab == "first":
        return qs.filter(first_owner=user)
    if tab == "department":
        if user.department_id is None:
            return qs.none()
        return qs.filter(status=Ticket.Status.PENDING).filter(
            Q(department_id=user.department_id) | Q(handler__department_id=user.department_id)
        )
    if tab == "soon":
        horizon = now + dt.timedelta(minutes=SOON_MINUTES)
        return qs.filter(status__in=OPEN).filter(
            Q(first_response_at__isnull=True, response_due_at__gt=now, response_due_at__lte=horizon)
            | Q(
                status__in=[Ticket.Status.PENDING, Ticket.Status.IN_PROGRESS],
                resolution_due_at__gt=now,
                resolution_due_at__lte=horizon,
            )
        )
    if tab == "overdue":
        return qs.filter(status__in=OPEN).filter(
            Q(first_response_at__isnull=True, response_due_at__lte=now)
            | Q(
                status__in=[Ticket.Status.PENDING, Ticket.Status.IN_PROGRESS],
                resolution_due_at__lte=now,
            )
        )
    if tab == "triage":
        if not user.has_perm("servicedesk.triage_ticket"):
            return qs.none()
        return qs.filter(client__isnull=True)
    return qs


def apply_filters(qs: QuerySet[Ticket], params: Any) -> QuerySet[Ticket]:
    for field in ("status", "channel", "module", "nature", "urgency"):
        value = params.get(field) or ""
        if value:
            qs = qs.filter(**{field: value})
    client = params.get("client") or ""
    if str(client).isdigit():
        qs = qs.filter(client_id=int(client))
    number = (params.get("q") or "").strip()
    if number:
        qs = qs.filter(Q(number__icontains=number) | Q(subject__icontains=number))
    return qs


def is_overdue(ticket: Ticket, now: dt.datetime) -> bool:
    if ticket.status not in OPEN:
        return False
    if (
        ticket.first_response_at is None
        and ticket.response_due_at
        and ticket.response_due_at <= now
    ):
        return True
    return bool(
        ticket.status != Ticket.Status.WAITING
        and ticket.resolution_due_at
        and ticket.resolution_due_at <= now
    )
