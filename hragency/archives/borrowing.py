"""Borrowing archive items (003 §5.1 借阅).

Rules: staff may borrow the materials of the clients they serve (their scope); a client may
borrow only its own materials, registered by the archive keeper for the client's named
person. A request lists items of one client that are in store and not in another open
request. A keeper (``manage_archive``) other than the borrower approves and lends them: 7 days
by default, at most 30; a deadline ``archives.borrowing`` is due at 18:00 on the day they are
due back (owner: the staff borrower, else the approver). Returning puts the items back.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hragency.archives import retention
from hragency.archives.models import ArchiveItem, Borrowing
from hragency.archives.services import MANAGE, require_manager
from hragency.clients.models import Client
from hragency.clients.services import ensure_serviceable
from hragency.core import audit
from hragency.core.deadlines import cancel_deadline, close_deadline, open_deadline
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.models import Deadline
from hragency.core.numbering import next_number
from hragency.core.scoping import scope_queryset

PREFIX = "JY"
OPEN_STATUSES = (Borrowing.Status.REQUESTED, Borrowing.Status.LENT)


def _due_at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(18, 0)))


@transaction.atomic
def request_borrowing(
    *,
    actor: Any,
    client: Client,
    item_ids: list[int],
    purpose: str,
    borrower_kind: str = Borrowing.BorrowerKind.STAFF,
    borrower: Any = None,
    borrower_name: str = "",
    days: Any = retention.BORROW_DAYS_DEFAULT,
) -> Borrowing:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录")
    if not actor.has_perm("archives.view_archivefile"):
        raise PermissionDenied("无权借阅档案")
    if not scope_queryset(Client.objects.filter(pk=client.pk), actor).exists():
        raise PermissionDenied("无权借阅该客户的档案")
    ensure_serviceable(client)
    errors: list[FieldError] = []
    purpose = str(purpose or "").strip()[:200]
    if not purpose:
        errors.append(FieldError("purpose", "借阅目的", "必填"))
    try:
        day_count = int(str(days or retention.BORROW_DAYS_DEFAULT))
        if not 1 <= day_count <= retention.BORROW_DAYS_MAX:
            raise ValueError
    except ValueError:
        errors.append(FieldError("days", "借阅天数", f"应为 1–{retention.BORROW_DAYS_MAX} 天"))
        day_count = retention.BORROW_DAYS_DEFAULT
    if borrower_kind == Borrowing.BorrowerKind.STAFF:
        borrower = borrower or actor
        if getattr(borrower, "kind", "") != "staff":
            errors.append(FieldError("borrower", "借阅人", "请选择本公司员工"))
        elif not scope_queryset(Client.objects.filter(pk=client.pk), borrower).exists():
            errors.append(FieldError("borrower", "借阅人", "该员工不服务此客户，不能借阅其档案"))
        name = str(borrower)
    elif borrower_kind == Borrowing.BorrowerKind.CLIENT:
        if not actor.has_perm(MANAGE):
            raise PermissionDenied("客户借阅须由档案管理员登记")
        borrower = None
        name = str(borrower_name or "").strip()[:60]
        if not name:
            errors.append(FieldError("borrower_name", "借阅人姓名", "请填写客户借阅人姓名"))
    else:
        errors.append(FieldError("borrower_kind", "借阅人类别", "请选择本公司员工或客户"))
        name = ""
    ids = sorted({int(i) for i in item_ids if str(i).isdigit()})
    if not ids:
        errors.append(FieldError("items", "借阅材料", "请至少选择一件材料"))
    if errors:
        raise InvalidFields(errors)
    items = list(ArchiveItem.objects.select_for_update().filter(pk__in=ids, client=client))
    if len(items) != len(ids):
        raise ServiceError("所选材料不属于该客户")
    unavailable = [i.title for i in items if i.status != ArchiveItem.Status.IN_STORE]
    pending = list(
        ArchiveItem.objects.filter(
            pk__in=ids, borrowings__status=Borrowing.Status.REQUESTED
        ).values_list("title", flat=True)
    )
    if unavailable or pending:
        raise ServiceError("以下材料不在库或已有借阅申请：" + "、".join([*unavailable, *pending]))
    borrowing = Borrowing.objects.create(
        number=next_number(PREFIX),
        client=client,
        borrower_kind=borrower_kind,
        borrower=borrower,
        borrower_name=name,
        purpose=purpose,
        days=day_count,
        requested_by=actor,
    )
    borrowing.items.set(items)
    audit.record(
        actor=actor,
        action="archives.borrow_request",
        instance=borrowing,
        after={**audit.snapshot(borrowing), "items": ids},
    )
    return borrowing


def _locked(borrowing: Borrowing) -> Borrowing:
    return (
        Borrowing.objects.select_for_update(of=("self",))
        .select_related("client")
        .get(pk=borrowing.pk)
    )


@transaction.atomic
def approve_borrowing(
    *, actor: Any, borrowing: Borrowing, today: dt.date | None = None
) -> Borrowing:
    """Approve and lend: the items leave the store and are due back after ``days``."""
    require_manager(actor, borrowing.client_id)
    borrowing = _locked(borrowing)
    ensure_serviceable(borrowing.client)
    if borrowing.status != Borrowing.Status.REQUESTED:
        raise ServiceError(f"该借阅{borrowing.get_status_display()}，不能审批")
    if borrowing.borrower_id == actor.pk:
        raise ServiceError("不能审批自己的借阅")
    items = list(borrowing.items.select_for_update())
    if any(i.status != ArchiveItem.Status.IN_STORE for i in items):
        raise ServiceError("部分材料已不在库，不能借出")
    before = audit.snapshot(borrowing)
    now = timezone.now()
    today = today or timezone.localdate(now)
    borrowing.status = Borrowing.Status.LENT
    borrowing.approved_by = actor
    borrowing.borrowed_at = now
    borrowing.due_back = today + dt.timedelta(days=borrowing.days)
    owner = borrowing.borrower if borrowing.borrower_id else actor
    borrowing.deadline = open_deadline(
        kind="archives.borrowing",
        title=f"档案借阅 {borrowing.number} 应于 {borrowing.due_back:%Y-%m-%d} 归还",
        owner=owner,
        due_at=_due_at(borrowing.due_back),
        client_id=borrowing.client_id,
        subject=borrowing,
        link=reverse("archives:borrowings"),
        actor=actor,
    )
    borrowing.save()
    ArchiveItem.objects.filter(pk__in=[i.pk for i in items]).update(status=ArchiveItem.Status.LENT)
    audit.record(
        actor=actor,
        action="archives.borrow_approve",
        instance=borrowing,
        before=before,
        after=audit.snapshot(borrowing),
    )
    return borrowing


@transaction.atomic
def reject_borrowing(*, actor: Any, borrowing: Borrowing, reason: str) -> Borrowing:
    require_manager(actor, borrowing.client_id)
    borrowing = _locked(borrowing)
    if borrowing.status != Borrowing.Status.REQUESTED:
        raise ServiceError(f"该借阅{borrowing.get_status_display()}，不能拒绝")
    reason = str(reason or "").strip()[:200]
    if not reason:
        raise InvalidFields([FieldError("reason", "拒绝原因", "必填")])
    before = audit.snapshot(borrowing)
    borrowing.status = Borrowing.Status.REJECTED
    borrowing.note = reason
    borrowing.approved_by = actor
    borrowing.save()
    audit.record(
        actor=actor,
        action="archives.borrow_reject",
        instance=borrowing,
        before=before,
        after=audit.snapshot(borrowing),
    )
    return borrowing


@transaction.atomic
def return_borrowing(
    *, actor: Any, borrowing: Borrowing, at: dt.datetime | None = None
) -> Borrowing:
    """The items are back in store; the deadline is closed (met, or late when overdue)."""
    require_manager(actor, borrowing.client_id)
    borrowing = _locked(borrowing)
    if borrowing.status != Borrowing.Status.LENT:
        raise ServiceError(f"该借阅{borrowing.get_status_display()}，不能登记归还")
    before = audit.snapshot(borrowing)
    at = at or timezone.now()
    borrowing.status = Borrowing.Status.RETURNED
    borrowing.returned_at = at
    borrowing.save()
    borrowing.items.filter(status=ArchiveItem.Status.LENT).update(
        status=ArchiveItem.Status.IN_STORE
    )
    if borrowing.deadline_id:
        deadline = Deadline.objects.filter(pk=borrowing.deadline_id).first()
        if deadline is not None:
            close_deadline(deadline, at=at, actor=actor)
    audit.record(
        actor=actor,
        action="archives.borrow_return",
        instance=borrowing,
        before=before,
        after=audit.snapshot(borrowing),
    )
    return borrowing


def is_overdue(borrowing: Borrowing, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        borrowing.status == Borrowing.Status.LENT
        and borrowing.due_back is not None
        and borrowing.due_back < today
    )


__all__ = [
    "approve_borrowing",
    "cancel_deadline",
    "is_overdue",
    "reject_borrowing",
    "request_borrowing",
    "return_borrowing",
]
