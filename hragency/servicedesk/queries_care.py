"""Reads of feedback, follow-ups, improvement cases, complaints and quality samples.

All of them are the agency's internal work: a client's HR user (and an employee) sees none of
them, even for their own company — the portal shows the ticket's client-visible events only.
Staff see the rows of the clients in their scope (``core.scoping``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from hragency.core.models import Deadline
from hragency.core.scoping import scope_queryset
from hragency.servicedesk.models import (
    Complaint,
    FollowUp,
    ImprovementCase,
    QualitySample,
    Ticket,
    TicketEvent,
)


def is_desk_staff(user: Any) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and getattr(user, "kind", "") == "staff"
        and user.has_perm("servicedesk.view_ticket")
    )


def _staff_scoped(qs: QuerySet[Any], user: Any) -> QuerySet[Any]:
    if not is_desk_staff(user):
        return qs.none()
    return scope_queryset(qs, user)


def follow_ups_for(user: Any) -> QuerySet[FollowUp]:
    return _staff_scoped(FollowUp.objects.select_related("ticket", "owner", "client"), user)


def follow_up_for(user: Any, follow_up_id: int) -> FollowUp:
    return get_object_or_404(follow_ups_for(user), pk=follow_up_id)


def cases_for(user: Any, search: str = "") -> QuerySet[ImprovementCase]:
    qs = _staff_scoped(ImprovementCase.objects.select_related("ticket", "client"), user)
    search = search.strip()
    if search:
        qs = qs.filter(
            Q(title__icontains=search)
            | Q(problem__icontains=search)
            | Q(improvement__icontains=search)
            | Q(ticket__number__icontains=search)
        )
    return qs


def case_for(user: Any, case_id: int) -> ImprovementCase:
    return get_object_or_404(cases_for(user), pk=case_id)


def complaints_for(user: Any) -> QuerySet[Complaint]:
    return _staff_scoped(
        Complaint.objects.select_related(
            "ticket", "client", "investigator", "target_department", "ticket__department"
        ),
        user,
    )


def complaint_for(user: Any, complaint_id: int) -> Complaint:
    return get_object_or_404(complaints_for(user), pk=complaint_id)


def samples_for(user: Any) -> QuerySet[QualitySample]:
    return _staff_scoped(
        QualitySample.objects.select_related("ticket", "rep", "scorer", "client"), user
    )


def sample_for(user: Any, sample_id: int) -> QualitySample:
    return get_object_or_404(samples_for(user), pk=sample_id)


def desk_tickets_for(user: Any) -> QuerySet[Ticket]:
    return _staff_scoped(Ticket.objects.all(), user)


def desk_deadlines_for(user: Any) -> QuerySet[Deadline]:
    return _staff_scoped(Deadline.objects.filter(kind__startswith="servicedesk."), user)


def events_of(ticket: Ticket, user: Any) -> QuerySet[TicketEvent]:
    """The whole conversation and history of a ticket, for staff (QA, follow-up, complaint)."""
    return _staff_scoped(
        TicketEvent.objects.filter(ticket=ticket).select_related("actor", "to_user"), user
    )


def deadlines_of(subject: Any) -> QuerySet[Deadline]:
    return Deadline.objects.filter(
        subject_type=subject._meta.label_lower, subject_id=str(subject.pk)
    ).order_by("due_at")
