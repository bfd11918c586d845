"""Appraisal and destruction of archive items past retention (003 §5.1 鉴定、销毁).

One ``DestructionRecord`` per client and batch: proposed by a keeper (the items of the client
past retention, in store and in no other open batch) → appraised by at least two people
(keepers or approvers) with an opinion → approved by the general manager or the customer-service
director (``approve_destruction``), never by the proposer or an appraiser → executed on a date,
by a method, before at least two witnesses. Every step re-checks that no item is lent and every
item is past retention; destroyed items stay as rows (the register) with status 已销毁, their
summary, location and scan removed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from hragency.archives.models import ArchiveItem, DestructionRecord
from hragency.archives.services import MANAGE, require_manager
from hragency.clients.models import Client
from hragency.core import audit
from hragency.core import values as v
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.numbering import next_number
from hragency.core.scoping import scope_queryset

PREFIX = "XH"
APPROVE = "archives.approve_destruction"
OPEN_STATUSES = (
    DestructionRecord.Status.PROPOSED,
    DestructionRecord.Status.APPRAISED,
    DestructionRecord.Status.APPROVED,
)


def candidates(client: Client, today: dt.date) -> list[ArchiveItem]:
    """Items of the client past retention, in store and in no open destruction batch."""
    return list(
        ArchiveItem.objects.filter(
            client=client, destroy_after__lt=today, status=ArchiveItem.Status.IN_STORE
        )
        .exclude(destructions__status__in=OPEN_STATUSES)
        .order_by("month", "pk")
    )


def _check_items(record: DestructionRecord, today: dt.date) -> list[ArchiveItem]:
    items = list(record.items.select_for_update())
    lent = [i.title for i in items if i.status == ArchiveItem.Status.LENT]
    young = [i.title for i in items if i.destroy_after >= today]
    gone = [i.title for i in items if i.status == ArchiveItem.Status.DESTROYED]
    problems = []
    if lent:
        problems.append("借出未还：" + "、".join(lent))
    if young:
        problems.append("未过保管期限：" + "、".join(young))
    if gone:
        problems.append("已销毁：" + "、".join(gone))
    if problems:
        raise ServiceError("以下材料不能销毁——" + "；".join(problems))
    return items


def _locked(record: DestructionRecord) -> DestructionRecord:
    return DestructionRecord.objects.select_for_update(of=("self",)).get(pk=record.pk)


@transaction.atomic
def propose_destruction(
    *, actor: Any, client: Client, item_ids: list[int] | None = None, today: dt.date | None = None
) -> DestructionRecord:
    """A batch of the client's items past retention (all of them, or the chosen ones)."""
    require_manager(actor, client)
    today = today or timezone.localdate()
    if item_ids is not None:
        chosen = list(ArchiveItem.objects.filter(client=client, pk__in=item_ids))
        if len(chosen) != len(set(item_ids)):
            raise ServiceError("所选材料不属于该客户")
        lent = [i.title for i in chosen if i.status == ArchiveItem.Status.LENT]
        young = [i.title for i in chosen if i.destroy_after >= today]
        if lent or young:
            parts = []
            if lent:
                parts.append("借出未还：" + "、".join(lent))
            if young:
                parts.append("未过保管期限：" + "、".join(young))
            raise ServiceError("以下材料不能列入销毁清册——" + "；".join(parts))
        allowed = {i.pk for i in candidates(client, today)}
        items = [i for i in chosen if i.pk in allowed]
        if len(items) != len(chosen):
            raise ServiceError("部分材料已销毁或已在其他销毁清册中")
    else:
        items = candidates(client, today)
    if not items:
        raise ServiceError("该客户没有保管期满、在库可销毁的材料")
    record = DestructionRecord.objects.create(
        number=next_number(PREFIX), client=client, proposed_by=actor
    )
    record.items.set(items)
    audit.record(
        actor=actor,
        action="archives.destruction_propose",
        instance=record,
        after={"number": record.number, "items": [i.pk for i in items]},
    )
    return record


@transaction.atomic
def appraise(
    *, actor: Any, record: DestructionRecord, appraisers: list[Any], opinion: str
) -> DestructionRecord:
    """The appraisal: at least two different people who keep or approve archives."""
    require_manager(actor, record.client_id)
    record = _locked(record)
    if record.status != DestructionRecord.Status.PROPOSED:
        raise ServiceError(f"该清册{record.get_status_display()}，不能鉴定")
    errors: list[FieldError] = []
    people = {u.pk: u for u in appraisers if u is not None}
    if len(people) < 2:
        errors.append(FieldError("appraisers", "鉴定人", "鉴定须由至少两人进行"))
    elif any(not (u.has_perm(MANAGE) or u.has_perm(APPROVE)) for u in people.values()):
        errors.append(FieldError("appraisers", "鉴定人", "鉴定人须为档案管理人员或审批人"))
    opinion = str(opinion or "").strip()
    if not opinion:
        errors.append(FieldError("opinion", "鉴定意见", "必填"))
    if errors:
        raise InvalidFields(errors)
    _check_items(record, timezone.localdate())
    before = audit.snapshot(record)
    record.appraisal_opinion = opinion[:2000]
    record.appraised_at = timezone.now()
    record.status = DestructionRecord.Status.APPRAISED
    record.save()
    record.appraisers.set(list(people.values()))
    audit.record(
        actor=actor,
        action="archives.destruction_appraise",
        instance=record,
        before=before,
        after={**audit.snapshot(record), "appraisers": sorted(people)},
    )
    return record


def _require_approver(actor: Any, record: DestructionRecord) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录")
    if not actor.has_perm(APPROVE):
        raise PermissionDenied("档案销毁须由总经理或客服总监批准")
    if not scope_queryset(Client.objects.filter(pk=record.client_id), actor).exists():
        raise PermissionDenied("无权批准该客户的档案销毁")


@transaction.atomic
def approve_destruction(*, actor: Any, record: DestructionRecord) -> DestructionRecord:
    _require_approver(actor, record)
    record = _locked(record)
    if record.status != DestructionRecord.Status.APPRAISED:
        raise ServiceError(f"该清册{record.get_status_display()}，须先完成鉴定")
    if record.proposed_by_id == actor.pk:
        raise ServiceError("提出销毁的人不能批准自己的清册")
    if record.appraisers.filter(pk=actor.pk).exists():
        raise ServiceError("参加鉴定的人不能批准该清册")
    _check_items(record, timezone.localdate())
    before = audit.snapshot(record)
    record.status = DestructionRecord.Status.APPROVED
    record.approved_by = actor
    record.approved_at = timezone.now()
    record.save()
    audit.record(
        actor=actor,
        action="archives.destruction_approve",
        instance=record,
        before=before,
        after=audit.snapshot(record),
    )
    return record


@transaction.atomic
def reject_destruction(*, actor: Any, record: DestructionRecord, reason: str) -> DestructionRecord:
    _require_approver(actor, record)
    record = _locked(record)
    if record.status not in (DestructionRecord.Status.PROPOSED, DestructionRecord.Status.APPRAISED):
        raise ServiceError(f"该清册{record.get_status_display()}，不能驳回")
    reason = str(reason or "").strip()[:200]
    if not reason:
        raise InvalidFields([FieldError("reason", "驳回原因", "必填")])
    before = audit.snapshot(record)
    record.status = DestructionRecord.Status.REJECTED
    record.rejection_reason = reason
    record.approved_by = actor
    record.approved_at = timezone.now()
    record.save()
    audit.record(
        actor=actor,
        action="archives.destruction_reject",
        instance=record,
        before=before,
        after=audit.snapshot(record),
    )
    return record


@transaction.atomic
def execute_destruction(
    *,
    actor: Any,
    record: DestructionRecord,
    destroyed_on: Any,
    method: str,
    witnesses: str,
) -> DestructionRecord:
    """Destroy the approved batch: the items become register rows without content."""
    require_manager(actor, record.client_id)
    record = _locked(record)
    if record.status != DestructionRecord.Status.APPROVED:
        raise ServiceError(f"该清册{record.get_status_display()}，须经批准后才能销毁")
    errors: list[FieldError] = []
    day: dt.date | None = None
    try:
        day = v.date(destroyed_on)
    except v.InvalidValue as exc:
        errors.append(FieldError("destroyed_on", "销毁日期", str(exc)))
    if day is not None and day > timezone.localdate():
        errors.append(FieldError("destroyed_on", "销毁日期", "不能晚于今天"))
    if method not in DestructionRecord.Method.values:
        errors.append(FieldError("method", "销毁方式", "请选择粉碎、化浆或焚烧"))
    names = [
        n
        for n in str(witnesses or "").replace("，", ",").replace("、", ",").split(",")
        if n.strip()
    ]
    if len({n.strip() for n in names}) < 2:
        errors.append(FieldError("witnesses", "监销人", "须有至少两名监销人"))
    if errors:
        raise InvalidFields(errors)
    assert day is not None
    items = _check_items(record, day)
    before = audit.snapshot(record)
    now = timezone.now()
    scans = [i.scan.name for i in items if i.scan]
    ArchiveItem.objects.filter(pk__in=[i.pk for i in items]).update(
        status=ArchiveItem.Status.DESTROYED,
        destroyed_at=now,
        description="",
        box="",
        location="",
        scan="",
    )
    record.status = DestructionRecord.Status.EXECUTED
    record.destroyed_on = day
    record.method = method
    record.witnesses = "、".join(n.strip() for n in names)[:120]
    record.executed_by = actor
    record.executed_at = now
    record.save()
    audit.record(
        actor=actor,
        action="archives.destruction_execute",
        instance=record,
        before=before,
        after={**audit.snapshot(record), "items": [i.pk for i in items]},
    )
    if scans:
        transaction.on_commit(lambda: [default_storage.delete(name) for name in scans])
    return record
