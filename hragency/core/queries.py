"""Reads of the shared mechanisms, always for an acting user."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from hragency.core.models import AuditLog, Deadline, Notification
from hragency.core.scoping import scope_queryset


def open_deadlines_for(user: Any) -> QuerySet[Deadline]:
    """Open deadlines the user owns, soonest first (see escalated_to for the others)."""
    return (
        Deadline.objects.filter(status=Deadline.Status.OPEN, owner=user)
        .select_related("client", "owner")
        .order_by("due_at")
    )


def escalated_to(user: Any) -> QuerySet[Deadline]:
    return (
        Deadline.objects.filter(status=Deadline.Status.OPEN, notifications__recipient=user)
        .exclude(owner=user)
        .distinct()
        .select_related("client", "owner")
        .order_by("due_at")
    )


def inbox_for(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("deadline")


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def audit_log_for(user: Any) -> QuerySet[AuditLog]:
    """Audit rows about the clients the user may see; rows with no client only for admins."""
    qs = AuditLog.objects.select_related("actor", "client")
    if getattr(user, "is_administrator", False):
        return qs
    return scope_queryset(qs.filter(client__isnull=False), user)
