"""Admin edits are writes like any other: each add, change and delete is audited."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from hragency.core import audit


class AuditedAdminMixin:
    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        before = None
        if change and obj.pk is not None:
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = audit.snapshot(stored) if stored is not None else None
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        audit.record(
            actor=request.user,
            action=f"admin.{'change' if change else 'add'}.{obj._meta.label_lower}",
            instance=obj,
            before=before,
            after=audit.snapshot(obj),
        )

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        _record_delete(request, obj)
        super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            _record_delete(request, obj)
        super().delete_queryset(request, queryset)  # type: ignore[misc]


def _record_delete(request: HttpRequest, obj: Model) -> None:
    audit.record(
        actor=request.user,
        action=f"admin.delete.{obj._meta.label_lower}",
        instance=obj,
        before=audit.snapshot(obj),
    )
