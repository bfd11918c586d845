"""Every user-facing read of recruitment, scoped by client.

Staff see the requisitions of their clients (core scoping) plus the ones they recruit for (a
recruiter picked because nobody serves the client is not assigned to it). A client's HR user sees
their own company's requisitions and, of the candidates, only those sent to them (shortlisted at
some point); the screening stays internal. Employees see nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from hragency.clients.models import Client
from hragency.core.scoping import scope_queryset
from hragency.recruitment.models import Application, Candidate, Interview, Requisition


def _is_client_user(user: Any) -> bool:
    return getattr(user, "kind", "") == "client_hr"


def requisitions_for(user: Any) -> QuerySet[Requisition]:
    base = Requisition.objects.select_related("client", "recruiter", "requested_by")
    scoped = scope_queryset(Requisition.objects.all(), user)
    if getattr(user, "is_authenticated", False) and getattr(user, "kind", "") == "staff":
        return base.filter(Q(pk__in=scoped.values("pk")) | Q(recruiter=user))
    return base.filter(pk__in=scoped.values("pk"))


def requisition_for(user: Any, requisition_id: int) -> Requisition:
    return get_object_or_404(requisitions_for(user), pk=requisition_id)


def filter_requisitions(
    qs: QuerySet[Requisition], user: Any, params: Mapping[str, Any]
) -> QuerySet[Requisition]:
    view = params.get("view") or ""
    if view == "mine":
        qs = qs.filter(recruiter=user)
    status = params.get("status") or ""
    if status in Requisition.Status.values:
        qs = qs.filter(status=status)
    stage = params.get("stage") or ""
    if stage in Requisition.Stage.values:
        qs = qs.filter(stage=stage)
    client = params.get("client") or ""
    if str(client).isdigit():
        qs = qs.filter(client_id=int(client))
    return qs


def applications_for(user: Any) -> QuerySet[Application]:
    qs = Application.objects.select_related(
        "candidate", "requisition", "requisition__client", "person"
    ).filter(requisition__in=requisitions_for(user).values("pk"))
    if _is_client_user(user):
        qs = qs.filter(shortlisted_at__isnull=False)
    return qs


def application_for(user: Any, application_id: int) -> Application:
    return get_object_or_404(applications_for(user), pk=application_id)


def candidates_for(user: Any) -> QuerySet[Candidate]:
    """Candidates are the agency's working files: staff only."""
    if getattr(user, "kind", "") != "staff":
        return Candidate.objects.none()
    visible = requisitions_for(user).values("pk")
    return (
        Candidate.objects.select_related("client")
        .filter(
            Q(pk__in=scope_queryset(Candidate.objects.all(), user).values("pk"))
            | Q(applications__requisition__in=visible)
        )
        .distinct()
    )


def candidate_for(user: Any, candidate_id: int) -> Candidate:
    return get_object_or_404(candidates_for(user), pk=candidate_id)


def interviews_of(applications: list[Application]) -> dict[int, list[Interview]]:
    """Interviews per application, one query."""
    result: dict[int, list[Interview]] = {a.pk: [] for a in applications}
    for interview in Interview.objects.filter(application__in=[a.pk for a in applications]):
        result[interview.application_id].append(interview)
    return result


def requesting_clients(user: Any) -> QuerySet[Client]:
    """Clients the user may raise a requisition for (served ones)."""
    return scope_queryset(
        Client.objects.exclude(status__in=[Client.Status.BLACKLISTED, Client.Status.TERMINATED]),
        user,
    ).order_by("number")
