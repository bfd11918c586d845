"""Every user-facing read of the analytics app's own rows: saved queries (the owner's, and
those shared with the user's department). The figures themselves are in dashboard.py,
hotspots.py and query.py, all on scoped querysets."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from hragency.analytics.models import SavedQuery


def saved_queries_for(user: Any) -> QuerySet[SavedQuery]:
    if not getattr(user, "is_authenticated", False) or not user.has_perm(
        "analytics.use_custom_query"
    ):
        return SavedQuery.objects.none()
    visible = Q(owner=user)
    if getattr(user, "kind", "") == "staff" and user.department_id:
        visible |= Q(shared_department_id=user.department_id)
    return SavedQuery.objects.filter(visible).select_related("owner", "shared_department")


def saved_query_for(user: Any, query_id: int) -> SavedQuery:
    return get_object_or_404(saved_queries_for(user), pk=query_id)
