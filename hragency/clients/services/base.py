"""The gates every client service passes: may the actor do it, may we still serve the client."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied

from hragency.clients.models import Client
from hragency.core.errors import ServiceError

BLACKLISTED_MESSAGE = "客户「{name}」已列入失信客户名单（{reason}），不再为其提供任何服务"

PERMISSION_LABELS = {
    "clients.add_client": "新建客户",
    "clients.change_client": "修改客户资料",
    "clients.add_contact": "添加联系人",
    "clients.change_contact": "修改联系人",
    "clients.delete_contact": "删除联系人",
    "clients.add_intake": "填写服务需求表",
    "clients.change_intake": "修改服务需求表",
    "clients.review_client_info": "信息初审",
    "clients.approve_client_info": "信息复审",
    "clients.blacklist_client": "列入失信客户名单",
    "clients.manage_agreement": "管理服务协议",
    "clients.add_handoveritem": "添加交接资料",
    "clients.change_handoveritem": "登记资料交接",
    "clients.delete_handoveritem": "删除交接资料",
}


def require(actor: Any, permission: str) -> None:
    """``PermissionDenied`` (403) unless the actor holds ``permission``. The services check it
    themselves, so the two-level review and the blacklist hold whatever the entry point."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录")
    if not actor.has_perm(permission):
        raise PermissionDenied(f"无权{PERMISSION_LABELS.get(permission, '执行此操作')}")


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


def locked(client: Client) -> Client:
    """The client row, locked for the rest of the transaction and re-read (status may have
    changed since the caller loaded it, e.g. blacklisted by someone else)."""
    return Client.objects.select_for_update().get(pk=client.pk)


def staff_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "kind", None) == "staff" else None
