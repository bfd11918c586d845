"""Reads of archives, scoped by client (staff see the clients they serve; client HR users and
employees have no archive permission)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from hragency.archives.models import (
    ArchiveFile,
    ArchiveItem,
    Borrowing,
    DestructionRecord,
    MonthlyFiling,
)
from hragency.core.scoping import scope_queryset

VIEW = "archives.view_archivefile"


def _allowed(user: Any) -> bool:
    return bool(
        user is not None and getattr(user, "is_authenticated", False) and user.has_perm(VIEW)
    )


def filings_for(user: Any) -> QuerySet[MonthlyFiling]:
    if not _allowed(user):
        return MonthlyFiling.objects.none()
    return scope_queryset(MonthlyFiling.objects.all(), user).select_related("client", "owner")


def filing_for(user: Any, filing_id: int) -> MonthlyFiling:
    return get_object_or_404(filings_for(user), pk=filing_id)


def files_for(user: Any) -> QuerySet[ArchiveFile]:
    if not _allowed(user):
        return ArchiveFile.objects.none()
    return (
        scope_queryset(ArchiveFile.objects.all(), user)
        .select_related("client", "agreement")
        .annotate(item_count=Count("items"))
    )


def file_for(user: Any, file_id: int) -> ArchiveFile:
    return get_object_or_404(files_for(user), pk=file_id)


def items_for(user: Any) -> QuerySet[ArchiveItem]:
    if not _allowed(user):
        return ArchiveItem.objects.none()
    return scope_queryset(ArchiveItem.objects.all(), user).select_related("filed_by")


def borrowings_for(user: Any) -> QuerySet[Borrowing]:
    if not _allowed(user):
        return Borrowing.objects.none()
    return scope_queryset(Borrowing.objects.all(), user).select_related(
        "client", "borrower", "approved_by"
    )


def borrowing_for(user: Any, borrowing_id: int) -> Borrowing:
    return get_object_or_404(borrowings_for(user), pk=borrowing_id)


def destructions_for(user: Any) -> QuerySet[DestructionRecord]:
    if not _allowed(user) and not (
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.has_perm("archives.approve_destruction")
    ):
        return DestructionRecord.objects.none()
    return scope_queryset(DestructionRecord.objects.all(), user).select_related(
        "client", "proposed_by", "approved_by"
    )


def destruction_for(user: Any, record_id: int) -> DestructionRecord:
    return get_object_or_404(destructions_for(user), pk=record_id)
