"""Every user-facing read of client records, scoped to the acting user (R-SEC-1)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from hragency.clients.models import (
    Agreement,
    Client,
    Contact,
    HandoverItem,
    InfoReview,
    Intake,
    RegistryCheck,
)
from hragency.core.scoping import scope_queryset
from hragency.domain.segments import SizeClass, headcount_range

# Headcount counts insured persons in service (在职在保); onboarding and departed people are not
# yet / no longer part of the client's service load.
IN_SERVICE = Q(people__status="active")


def clients_for(user: Any) -> QuerySet[Client]:
    # Meta.ordering is ignored by aggregating queries, so order explicitly for pagination.
    return (
        scope_queryset(Client.objects.all(), user)
        .annotate(headcount=Count("people", filter=IN_SERVICE))
        .order_by("number")
    )


def client_for(user: Any, client_id: int) -> Client:
    """The client if the user may see it; 404 otherwise, so existence does not leak."""
    return get_object_or_404(clients_for(user).select_related("owner"), pk=client_id)


def filter_clients(qs: QuerySet[Client], params: Mapping[str, Any]) -> QuerySet[Client]:
    """The list filters (status, grade, size class, city, free text); unknown values are
    ignored rather than refused, as in any search form."""
    status = str(params.get("status") or "")
    if status in Client.Status.values:
        qs = qs.filter(status=status)
    grade = str(params.get("grade") or "")
    if grade in Client.Grade.values:
        qs = qs.filter(grade=grade)
    size = str(params.get("size") or "")
    if size in SizeClass.__members__.values():
        low, high = headcount_range(SizeClass(size))
        qs = qs.filter(headcount__gte=low)
        if high is not None:
            qs = qs.filter(headcount__lte=high)
    city = str(params.get("city") or "").strip()
    if city:
        qs = qs.filter(service_cities__icontains=city)
    q = str(params.get("q") or "").strip()
    if q:
        qs = qs.filter(
            Q(name__icontains=q) | Q(number__icontains=q) | Q(credit_code__icontains=q.upper())
        )
    return qs


def blacklisted_for(user: Any) -> QuerySet[Client]:
    return clients_for(user).filter(status=Client.Status.BLACKLISTED).order_by("-blacklisted_at")


def contacts_for(user: Any) -> QuerySet[Contact]:
    return scope_queryset(Contact.objects.all(), user)


def contact_for(user: Any, contact_id: int) -> Contact:
    return get_object_or_404(contacts_for(user).select_related("client"), pk=contact_id)


def intakes_for(user: Any) -> QuerySet[Intake]:
    return scope_queryset(Intake.objects.select_related("sales", "deadline"), user)


def intake_for(user: Any, intake_id: int) -> Intake:
    return get_object_or_404(intakes_for(user).select_related("client"), pk=intake_id)


def reviews_for(user: Any) -> QuerySet[InfoReview]:
    return scope_queryset(
        InfoReview.objects.select_related("reviewer", "approver").prefetch_related(
            Prefetch("checks", queryset=RegistryCheck.objects.order_by("id"))
        ),
        user,
    )


def review_for(user: Any, review_id: int) -> InfoReview:
    return get_object_or_404(reviews_for(user).select_related("client"), pk=review_id)


def agreements_for(user: Any) -> QuerySet[Agreement]:
    return scope_queryset(
        Agreement.objects.select_related(
            "signed_by", "renewed_from", "expiry_deadline", "handover_deadline"
        ),
        user,
    )


def agreement_for(user: Any, agreement_id: int) -> Agreement:
    return get_object_or_404(agreements_for(user).select_related("client"), pk=agreement_id)


def handover_items_for(user: Any) -> QuerySet[HandoverItem]:
    return scope_queryset(
        HandoverItem.objects.select_related("received_by", "checked_by", "agreement"), user
    )


def handover_item_for(user: Any, item_id: int) -> HandoverItem:
    return get_object_or_404(
        handover_items_for(user).select_related("agreement__client"), pk=item_id
    )


def current_handover(user: Any, client: Client) -> tuple[Agreement | None, list[HandoverItem]]:
    """The latest signed agreement that has a checklist, and its items."""
    agreement = (
        agreements_for(user)
        .filter(client=client, handover_deadline__isnull=False)
        .order_by("-signed_at", "-id")
        .first()
    )
    if agreement is None:
        return None, []
    return agreement, list(handover_items_for(user).filter(agreement=agreement))
