from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from hragency.clients.models import Client
from hragency.core.scoping import scope_queryset


def clients_for(user: Any) -> QuerySet[Client]:
    # Meta.ordering is ignored by aggregating queries, so order explicitly for pagination.
    return (
        scope_queryset(Client.objects.all(), user)
        .annotate(headcount=Count("people"))
        .order_by("number")
    )


def client_for(user: Any, client_id: int) -> Client:
    """The client if the user may see it; 404 otherwise, so existence does not leak."""
    return get_object_or_404(clients_for(user), pk=client_id)
