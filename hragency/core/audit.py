"""The audit trail. Service functions call ``record``; snapshots never hold personal data."""

from __future__ import annotations

import datetime as dt
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from hragency.core.crypto import BlindIndexField, EncryptedTextField, blind_index
from hragency.core.models import AuditLog

# Set per request by core.middleware.RequestContextMiddleware; None in jobs and commands.
current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime, dt.time, Decimal)):
        return str(value)
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name or ""  # the stored path, never the content
    return value


def snapshot(instance: Model, fields: list[str] | None = None) -> dict[str, Any]:
    """Field values for before/after; encrypted fields appear only as "已加密（已变更）"-style
    markers computed by ``diff``, never in the clear."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if isinstance(field, BlindIndexField) or field.name == "password":
            continue
        if getattr(field, "auto_now", False):
            continue  # "updated at" is in the audit row's own timestamp
        value = getattr(instance, field.attname)
        if isinstance(field, EncryptedTextField):
            # A truncated keyed hash lets diff tell a change without storing the value.
            data[field.name] = {"encrypted": blind_index(value)[:16] if value else ""}
        else:
            data[field.name] = _jsonable(value)
    return data


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, Any]:
    before = before or {}
    after = after or {}
    changes: dict[str, Any] = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if isinstance(old, dict) or isinstance(new, dict):
            changes[key] = ["（加密字段）", "（已变更）"]
        else:
            changes[key] = [old, new]
    return changes


def entry(
    *,
    actor: Any,
    action: str,
    instance: Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    client_id: int | None = None,
    extra: dict[str, Any] | None = None,
) -> AuditLog:
    """An unsaved audit row; ``record`` saves one, ``record_all`` saves many in one insert."""
    changes = diff(before, after)
    if extra:
        changes.update(extra)
    if instance is not None and client_id is None:
        client_id = _client_id_of(instance)
    return AuditLog(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=instance._meta.label_lower if instance is not None else "",
        object_id=str(instance.pk) if instance is not None else "",
        object_repr=str(instance)[:200] if instance is not None else "",
        client_id=client_id,
        changes=changes,
        ip=current_ip.get(),
    )


def record(**kwargs: Any) -> AuditLog:
    """Audit one write; takes the keyword arguments of ``entry``."""
    row = entry(**kwargs)
    row.save()
    return row


def record_all(entries: list[AuditLog]) -> list[AuditLog]:
    """Save many audit rows with multi-row INSERTs (the returned rows carry no ids).

    Bulk paths (imports of 100,000 people, the deadlines pass) write one audit row per record;
    ``bulk_create``'s per-value compiler work was a third of an import's commit time. Values are
    still prepared by each field's ``get_db_prep_save``, as the ORM does."""
    if not entries:
        return entries
    now = timezone.now()
    fields = [f for f in AuditLog._meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(AuditLog._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    one = f"({', '.join(['%s'] * len(fields))})"
    rows = []
    for row in entries:
        if row.at is None:
            row.at = now
        rows.append([f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields])
    size = max(1, min(1000, connection.ops.bulk_batch_size(fields, rows)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(batch))}",
                [value for values in batch for value in values],
            )
    return entries


def _client_id_of(instance: Model) -> int | None:
    field = getattr(instance, "SCOPE_CLIENT_FIELD", None)
    if field == "pk":
        return int(instance.pk)
    if field and "__" not in field:
        return getattr(instance, f"{field}_id", None)
    return None
