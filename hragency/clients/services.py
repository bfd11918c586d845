"""Every write to client records. Other apps refuse work for a blacklisted client through
``ensure_serviceable`` (R-CRM-5)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from hragency.clients.models import Client
from hragency.clients.validation import CLIENT_FIELDS, validate_client
from hragency.core import audit
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.numbering import next_number

BLACKLISTED_MESSAGE = "客户「{name}」已列入失信客户名单（{reason}），不再为其提供任何服务"


def ensure_serviceable(client: Client | int) -> Client:
    """The client, if the agency may still do work for it; ``ServiceError`` saying why not.

    Every service operation for a client (employee changes, imports, orders, statements …)
    calls this first, inside its transaction."""
    if not isinstance(client, Client):
        found = Client.objects.filter(pk=client).first()
        if found is None:
            raise ServiceError("客户不存在")
        client = found
    if client.status == Client.Status.BLACKLISTED:
        raise ServiceError(
            BLACKLISTED_MESSAGE.format(name=client.name, reason=client.blacklist_reason or "")
        )
    if client.status == Client.Status.TERMINATED:
        raise ServiceError(f"客户「{client.name}」已终止服务")
    return client


def ensure_all_serviceable(client_ids: Iterable[int]) -> None:
    """Set-based form of ``ensure_serviceable`` for bulk paths: one query for many clients."""
    refused = Client.objects.filter(
        pk__in=set(client_ids),
        status__in=[Client.Status.BLACKLISTED, Client.Status.TERMINATED],
    ).first()
    if refused is not None:
        ensure_serviceable(refused)


def _check_unique_credit_code(code: str, *, exclude: int | None = None) -> None:
    if not code:
        return
    clash = Client.objects.filter(credit_code=code).exclude(pk=exclude).first()
    if clash is not None:
        raise InvalidFields(
            [
                FieldError(
                    "credit_code",
                    CLIENT_FIELDS["credit_code"],
                    f"已被客户 {clash.number}「{clash.name}」使用",
                )
            ]
        )


@transaction.atomic
def create_client(*, data: Mapping[str, object], actor: Any) -> Client:
    clean, errors = validate_client(data)
    if errors:
        raise InvalidFields(errors)
    _check_unique_credit_code(clean["credit_code"])
    client = Client.objects.create(number=next_number("KH"), owner=_staff_or_none(actor), **clean)
    audit.record(
        actor=actor, action="clients.create", instance=client, after=audit.snapshot(client)
    )
    return client


@transaction.atomic
def update_client(*, client: Client, data: Mapping[str, object], actor: Any) -> Client:
    client = Client.objects.select_for_update().get(pk=client.pk)
    clean, errors = validate_client(data, partial=True)
    if errors:
        raise InvalidFields(errors)
    if "credit_code" in clean:
        _check_unique_credit_code(clean["credit_code"], exclude=client.pk)
    before = audit.snapshot(client)
    for field, value in clean.items():
        setattr(client, field, value)
    client.save()
    audit.record(
        actor=actor,
        action="clients.update",
        instance=client,
        before=before,
        after=audit.snapshot(client),
    )
    return client


def _staff_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "kind", None) == "staff" else None
