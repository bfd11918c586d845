"""Every user-facing read of training, scoped by client. Staff see their clients' programmes
plus the ones they own or teach; a client's HR user their own company's; employees nothing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from hragency.clients.models import Client
from hragency.core.scoping import scope_queryset
from hragency.training import figures
from hragency.training.models import Enrolment, Material, Session, TrainingProgramme


def programmes_for(user: Any) -> QuerySet[TrainingProgramme]:
    base = TrainingProgramme.objects.select_related("client", "owner", "trainer")
    scoped = scope_queryset(TrainingProgramme.objects.all(), user)
    if getattr(user, "is_authenticated", False) and getattr(user, "kind", "") == "staff":
        return base.filter(Q(pk__in=scoped.values("pk")) | Q(owner=user) | Q(trainer=user))
    return base.filter(pk__in=scoped.values("pk"))


def programme_for(user: Any, programme_id: int) -> TrainingProgramme:
    return get_object_or_404(programmes_for(user), pk=programme_id)


def filter_programmes(
    qs: QuerySet[TrainingProgramme], user: Any, params: Mapping[str, Any]
) -> QuerySet[TrainingProgramme]:
    if (params.get("view") or "") == "mine":
        qs = qs.filter(Q(owner=user) | Q(trainer=user))
    status = params.get("status") or ""
    if status in TrainingProgramme.Status.values:
        qs = qs.filter(status=status)
    return qs


def sessions_for(user: Any) -> QuerySet[Session]:
    return Session.objects.select_related("programme", "programme__client").filter(
        programme__in=programmes_for(user).values("pk")
    )


def session_for(user: Any, session_id: int) -> Session:
    return get_object_or_404(sessions_for(user), pk=session_id)


def material_for(user: Any, material_id: int) -> Material:
    return get_object_or_404(
        Material.objects.select_related("programme").filter(
            programme__in=programmes_for(user).values("pk")
        ),
        pk=material_id,
    )


def enrolments_of(session: Session) -> QuerySet[Enrolment]:
    """The session's list (the caller has fetched the session through ``session_for``)."""
    return session.enrolments.select_related("person").order_by("participant_name", "pk")


def summary_of(programme: TrainingProgramme) -> figures.Summary:
    """Attendance, satisfaction and pass rate over the programme's delivered sessions (one
    query)."""
    rows = Enrolment.objects.filter(
        session__programme=programme, session__status=Session.Status.DELIVERED
    ).values_list("attended", "satisfaction", "score")
    return figures.summarise(
        [figures.Row(a, s, sc) for a, s, sc in rows], pass_score=programme.pass_score
    )


def requesting_clients(user: Any) -> QuerySet[Client]:
    return scope_queryset(
        Client.objects.exclude(status__in=[Client.Status.BLACKLISTED, Client.Status.TERMINATED]),
        user,
    ).order_by("number")
