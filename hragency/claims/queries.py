"""Every user-facing read of claims, scoped by client (client HR: their own company)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from hragency.claims import workflow as wf
from hragency.claims.models import Claim, ClaimDocument, ClaimStep
from hragency.clients.models import Client
from hragency.core.models import Deadline
from hragency.core.scoping import scope_queryset
from hragency.employees.models import InsuredPerson


def claims_for(user: Any) -> QuerySet[Claim]:
    return scope_queryset(Claim.objects.select_related("client", "person", "owner"), user)


def claim_for(user: Any, claim_id: int) -> Claim:
    return get_object_or_404(claims_for(user), pk=claim_id)


def filter_claims(qs: QuerySet[Claim], params: Mapping[str, Any]) -> QuerySet[Claim]:
    """The list's filters: kind, step, status, client, overdue=1, q (number or name)."""
    kind = params.get("kind") or ""
    if kind in Claim.Kind.values:
        qs = qs.filter(kind=kind)
    step = params.get("step") or ""
    if step in wf.STEP_LABELS:
        qs = qs.filter(current_step=step, status=Claim.Status.OPEN)
    status = params.get("status") or ""
    if status in Claim.Status.values:
        qs = qs.filter(status=status)
    client = str(params.get("client") or "")
    if client.isdigit():
        qs = qs.filter(client_id=int(client))
    if str(params.get("overdue") or "") in ("1", "true", "on"):
        late_steps = Deadline.objects.filter(
            subject_type=ClaimStep._meta.label_lower,
            status=Deadline.Status.OPEN,
            due_at__lt=timezone.now(),
        ).values("subject_id")
        step_ids = [int(s) for s in late_steps.values_list("subject_id", flat=True)]
        qs = qs.filter(status=Claim.Status.OPEN, steps__pk__in=step_ids).distinct()
    q = str(params.get("q") or "").strip()
    if q:
        qs = qs.filter(number__icontains=q) | qs.filter(person__name__icontains=q)
    return qs


def open_deadlines_by_claim(claims: list[Claim]) -> dict[int, Deadline]:
    """The open clock of each claim's current step, in one query."""
    steps = dict(
        ClaimStep.objects.filter(
            claim__in=claims, deadline__status=Deadline.Status.OPEN
        ).values_list("deadline_id", "claim_id")
    )
    return {steps[d.pk]: d for d in Deadline.objects.filter(pk__in=list(steps))}


def steps_of(claim: Claim) -> list[ClaimStep]:
    return list(claim.steps.select_related("done_by", "deadline"))


def documents_of(user: Any, claim: Claim) -> QuerySet[ClaimDocument]:
    return scope_queryset(
        ClaimDocument.objects.filter(claim=claim).select_related("uploaded_by"), user
    )


def document_for(user: Any, claim_id: int, claim_document_id: int) -> ClaimDocument:
    return get_object_or_404(
        scope_queryset(ClaimDocument.objects.select_related("claim"), user),
        pk=claim_document_id,
        claim_id=claim_id,
    )


def reportable_people(user: Any) -> QuerySet[InsuredPerson]:
    """People the user may report a claim for: in scope, not yet left."""
    return (
        scope_queryset(InsuredPerson.objects.select_related("client"), user)
        .exclude(status=InsuredPerson.Status.LEFT)
        .order_by("client_id", "name")
    )


def reportable_person(user: Any, person_id: Any) -> InsuredPerson:
    return get_object_or_404(reportable_people(user), pk=person_id)


def client_choices(user: Any) -> list[tuple[int, str]]:
    return list(
        scope_queryset(Client.objects.all(), user).order_by("number").values_list("pk", "name")
    )
