"""The client timeline (R-CRM-8): everything that happened to a client, newest first.

It is built from the audit trail — every service write is audited with the client's id, so
rows of later modules (tickets, orders, statements, visits) appear here without changes — plus
deadline breaches, which the engine marks without an audit row. Labels come from
``ACTION_LABELS``; an app adds its own with ``register_actions``. Client HR users see only the
actions marked as theirs to see (agreements, hand-over, contacts, their people); internal due
diligence, deadlines and reveals stay with the agency.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.paginator import Page, Paginator
from django.db.models import CharField, F, IntegerField, QuerySet, Value

from hragency.clients.models import Client
from hragency.core.models import AuditLog, Deadline
from hragency.core.scoping import scope_queryset

PAGE_SIZE = 30

# action → (label, visible to the client's HR users)
ACTION_LABELS: dict[str, tuple[str, bool]] = {
    "clients.create": ("建立客户档案", False),
    "clients.update": ("修改客户资料", False),
    "clients.activate": ("客户转为服务中", True),
    "clients.blacklist": ("列入失信客户名单", False),
    "clients.contact_add": ("添加联系人", True),
    "clients.contact_update": ("修改联系人", True),
    "clients.contact_remove": ("删除联系人", True),
    "clients.intake_create": ("登记首次接触，开始填写《服务需求表》", False),
    "clients.intake_update": ("修改《服务需求表》", False),
    "clients.intake_complete": ("《服务需求表》完成", False),
    "clients.review_first": ("信息初审", False),
    "clients.review_decide": ("总经理复审", False),
    "clients.agreement_create": ("起草服务协议", False),
    "clients.agreement_update": ("修改协议草稿", False),
    "clients.agreement_sign": ("签订服务协议", True),
    "clients.agreement_renew": ("续签服务协议", True),
    "clients.agreement_renewed": ("原协议已续签", True),
    "clients.agreement_terminate": ("终止服务协议", True),
    "clients.agreement_expire": ("服务协议到期", True),
    "clients.handover_add": ("资料交接清单：添加资料", True),
    "clients.handover_update": ("资料交接：登记收到/审核", True),
    "clients.handover_remove": ("资料交接清单：删除资料", True),
    "clients.handover_complete": ("资料交接完成", True),
    "deadline.open": ("开始计时", False),
    "deadline.close": ("时限事项完成", False),
    "deadline.cancel": ("时限事项取消", False),
    "deadline.reassign": ("时限事项转交", False),
    "deadline.escalate": ("超时升级", False),
    "deadline.breached": ("时限已超时", False),
    "accounts.assign_client": ("分配服务人员", False),
    "accounts.unassign_client": ("取消服务人员分配", False),
    "employees.create": ("新增参保人档案", True),
    "employees.update": ("修改参保人档案", True),
    "reveal.id_number": ("查看完整身份证号", False),
    "reveal.phone": ("查看完整手机号", False),
    "reveal.bank_account": ("查看完整银行账号", False),
}


def register_actions(labels: dict[str, tuple[str, bool]]) -> None:
    """Let a later app label its audit actions (call from its AppConfig.ready)."""
    ACTION_LABELS.update(labels)


def client_visible_actions() -> list[str]:
    return [action for action, (_, visible) in ACTION_LABELS.items() if visible]


@dataclass(frozen=True)
class Event:
    at: Any
    action: str
    label: str
    subject: str
    actor: str
    detail: str
    kind: str  # "audit" or "deadline"


def _columns(at: Any, action: Any, subject: Any, actor: Any, kind: str) -> dict[str, Any]:
    return {
        "t_at": at,
        "t_action": action,
        "t_subject": subject,
        "t_actor": actor,
        "t_kind": Value(kind, output_field=CharField()),
        "t_ref": F("pk"),
    }


def _events(user: Any, client: Client) -> QuerySet[Any]:
    audit_rows = scope_queryset(AuditLog.objects.filter(client=client), user)
    is_client_hr = getattr(user, "kind", None) == "client_hr"
    if is_client_hr:
        audit_rows = audit_rows.filter(action__in=client_visible_actions())
    names = ["t_at", "t_action", "t_subject", "t_actor", "t_kind", "t_ref"]
    audit_part = (
        audit_rows.annotate(
            **_columns(F("at"), F("action"), F("object_repr"), F("actor_id"), "audit")
        )
        .values(*names)
        .order_by()
    )
    if is_client_hr:
        return audit_part.order_by("-t_at", "-t_ref")
    breaches = scope_queryset(Deadline.objects.filter(client=client, breached=True), user)
    deadline_part = (
        breaches.annotate(
            **_columns(
                F("due_at"),
                Value("deadline.breached", output_field=CharField()),
                F("title"),
                Value(None, output_field=IntegerField()),
                "deadline",
            )
        )
        .values(*names)
        .order_by()
    )
    return audit_part.union(deadline_part, all=True).order_by("-t_at", "-t_ref")


def timeline_page(user: Any, client: Client, page: Any = 1) -> tuple[Page[Any], list[Event]]:
    """One page of the client's timeline for the user (the client must already be scoped).

    A fixed number of queries: count, page rows, actors and audit details of the page."""
    paginator = Paginator(_events(user, client), PAGE_SIZE)
    current = paginator.get_page(page)
    rows = list(current.object_list)
    from hragency.accounts.models import User

    actor_ids = {r["t_actor"] for r in rows if r["t_actor"]}
    actors = {u.pk: str(u) for u in User.objects.filter(pk__in=actor_ids)} if actor_ids else {}
    audit_ids = [r["t_ref"] for r in rows if r["t_kind"] == "audit"]
    details = (
        {
            pk: (object_type, changes)
            for pk, object_type, changes in AuditLog.objects.filter(pk__in=audit_ids).values_list(
                "pk", "object_type", "changes"
            )
        }
        if audit_ids
        else {}
    )
    show_detail = getattr(user, "kind", None) != "client_hr"
    events = []
    for row in rows:
        action = row["t_action"]
        label = ACTION_LABELS.get(action, (action, False))[0]
        object_type, changes = details.get(row["t_ref"], ("", {}))
        events.append(
            Event(
                at=row["t_at"],
                action=action,
                label=label,
                subject=row["t_subject"],
                actor=actors.get(row["t_actor"], "系统" if row["t_kind"] == "audit" else ""),
                detail=describe(action, object_type, changes) if show_detail else "",
                kind=row["t_kind"],
            )
        )
    return current, events


def describe(action: str, object_type: str, changes: Any) -> str:
    """A short human summary of an audit row's changes."""
    if not isinstance(changes, dict) or not changes:
        return ""
    if action == "deadline.close" and "status" in changes:
        return dict(Deadline.Status.choices).get(str(changes["status"][1]), "")
    if action == "clients.review_first" and changes.get("checks"):
        return "；".join(str(c) for c in changes["checks"])
    if action == "clients.handover_complete":
        return str(changes.get("result", ""))
    names = _field_labels(object_type)
    # Only fields that had a value before: on creation every field "changes" from nothing.
    fields = [
        names.get(key, key)
        for key, value in changes.items()
        if isinstance(value, list) and len(value) == 2 and value[0] not in (None, "", [], {})
    ]
    return ("变更：" + "、".join(fields[:8])) if fields else ""


def _field_labels(object_type: str) -> dict[str, str]:
    if "." not in object_type:
        return {}
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return {}
    return {f.name: str(f.verbose_name) for f in model._meta.concrete_fields}
