"""Service agreements (R-CRM-6) and the 《资料交接清单》 that signing starts (R-CRM-7).

Expiry reminder: signing opens a deadline ``clients.agreement_renewal`` — "确定续签或终止" —
due at 09:00 thirty days before the end date, owned by the client's account manager. We model
the reminder as that obligation rather than a deadline due on the end date with a 30-day
warning because (a) the warning window would live in an admin-editable DeadlinePolicy row
that a later edit could shrink back to the 60-minute default, and (b) the thing the agency
must do on time is decide about renewal *before* the month runs out; on-time statistics and
escalation (owner → supervisor → director) then measure exactly that. The deadline sits in the
owner's 我的待办 from the day of signing. Renewing or terminating closes it; renewal opens the
successor's. An agreement signed with under 30 days left gets the end date itself as due time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from hragency.clients.models import Agreement, Client, HandoverItem
from hragency.clients.services.base import ensure_serviceable, locked, require, staff_or_none
from hragency.clients.services.review import ensure_review_approved
from hragency.clients.validation import (
    AGREEMENT_FIELDS,
    check_agreement_terms,
    validate_agreement,
)
from hragency.core import audit
from hragency.core.deadlines import cancel_deadline, close_deadline, open_deadline
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.models import Deadline
from hragency.core.numbering import next_number
from hragency.core.worktime import due_after

RENEWAL_NOTICE_DAYS = 30
HANDOVER_WORKING_DAYS = 3  # 000: 资料交接 — 签约后3个工作日
# 000 §合同签订与资料交接 and 003 §4.3/§4.4; staff edit the list per client afterwards.
STANDARD_HANDOVER_ITEMS = [
    "营业执照复印件（加盖公章）",
    "员工身份证信息",
    "工资表",
    "增减员花名册（加盖公章）",
    "公章使用授权书",
    "劳动合同",
]
_TERMS = list(AGREEMENT_FIELDS)


def _refuse_unknown(data: Mapping[str, object]) -> None:
    unknown = sorted(set(data) - set(AGREEMENT_FIELDS) - {"csrfmiddlewaretoken"})
    if unknown:
        raise ServiceError(f"未知字段：{'、'.join(unknown)}")


def _clean_terms(data: Mapping[str, object], *, base: Agreement | None = None) -> dict[str, Any]:
    _refuse_unknown(data)
    clean, errors = validate_agreement(data, partial=base is not None)
    merged = {f: getattr(base, f) for f in _TERMS} if base is not None else {}
    merged.update(clean)
    if not errors:
        errors = check_agreement_terms(merged)
    if errors:
        raise InvalidFields(errors)
    return clean


@transaction.atomic
def create_agreement(*, client: Client, data: Mapping[str, object], actor: Any) -> Agreement:
    """A draft agreement; drafting needs no review, signing does."""
    require(actor, "clients.manage_agreement")
    client = ensure_serviceable(locked(client))
    clean = _clean_terms(data)
    agreement = Agreement.objects.create(
        client=client, number=next_number("HT"), created_by=actor, **clean
    )
    audit.record(
        actor=actor,
        action="clients.agreement_create",
        instance=agreement,
        after=audit.snapshot(agreement),
    )
    return agreement


@transaction.atomic
def update_agreement(*, agreement: Agreement, data: Mapping[str, object], actor: Any) -> Agreement:
    require(actor, "clients.manage_agreement")
    ensure_serviceable(locked(agreement.client))
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status != Agreement.Status.DRAFT:
        raise ServiceError("只能修改草稿状态的协议；已签订的协议请续签或终止")
    clean = _clean_terms(data, base=agreement)
    before = audit.snapshot(agreement)
    for field, value in clean.items():
        setattr(agreement, field, value)
    agreement.save()
    audit.record(
        actor=actor,
        action="clients.agreement_update",
        instance=agreement,
        before=before,
        after=audit.snapshot(agreement),
    )
    return agreement


def _at_nine(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def _open_renewal_deadline(agreement: Agreement, owner: Any, actor: Any) -> Deadline | None:
    now = timezone.now()
    due = _at_nine(agreement.end_date - dt.timedelta(days=RENEWAL_NOTICE_DAYS))
    if due <= now:
        due = _at_nine(agreement.end_date)
    if due <= now:
        return None  # signed after the fact: nothing left to remind about
    return open_deadline(
        kind="clients.agreement_renewal",
        title=(
            f"{agreement.client.name}：协议 {agreement.number} 将于 "
            f"{agreement.end_date:%Y-%m-%d} 到期，确定续签或终止"
        ),
        owner=owner,
        due_at=due,
        client_id=agreement.client_id,
        subject=agreement,
        link=f"/clients/{agreement.client_id}/agreements/",
        actor=actor,
    )


def _owner_for(client: Client, actor: Any) -> Any:
    return client.owner if client.owner_id else actor


def _activate(agreement: Agreement, actor: Any, at: dt.datetime) -> None:
    agreement.status = Agreement.Status.ACTIVE
    agreement.signed_at = at
    agreement.signed_by = staff_or_none(actor)
    agreement.expiry_deadline = _open_renewal_deadline(
        agreement, _owner_for(agreement.client, actor), actor
    )


def _activate_client(client: Client, actor: Any) -> None:
    if client.status != Client.Status.PROSPECT:
        return
    before = audit.snapshot(client, ["status"])
    client.status = Client.Status.ACTIVE
    client.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action="clients.activate",
        instance=client,
        before=before,
        after=audit.snapshot(client, ["status"]),
    )


@transaction.atomic
def sign_agreement(
    *,
    agreement: Agreement,
    actor: Any,
    handover_owner: Any = None,
    handover_items: list[str] | None = None,
) -> Agreement:
    """Sign a draft: needs a serviceable client whose latest information review the general
    manager approved. Activates the client, opens the renewal reminder, and starts the
    《资料交接清单》 with its 3-working-day deadline."""
    require(actor, "clients.manage_agreement")
    client = ensure_serviceable(locked(agreement.client))
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status != Agreement.Status.DRAFT:
        raise ServiceError(
            f"协议 {agreement.number} 状态为“{agreement.get_status_display()}”，不能签订"
        )
    ensure_review_approved(client)
    errors = check_agreement_terms({f: getattr(agreement, f) for f in _TERMS})
    if errors:
        raise InvalidFields(errors)
    before = audit.snapshot(agreement)
    now = timezone.now()
    agreement.client = client
    _activate(agreement, actor, now)
    owner = handover_owner or _owner_for(client, actor)
    agreement.handover_deadline = open_deadline(
        kind="clients.handover",
        title=f"{client.name}：《资料交接清单》签约后3个工作日内完成",
        owner=owner,
        due_at=due_after(now, days=HANDOVER_WORKING_DAYS),
        starts_at=now,
        client_id=client.pk,
        subject=agreement,
        link=f"/clients/{client.pk}/handover/",
        actor=actor,
    )
    agreement.save()
    names = handover_items if handover_items is not None else STANDARD_HANDOVER_ITEMS
    items = HandoverItem.objects.bulk_create(
        HandoverItem(client=client, agreement=agreement, name=name[:80], position=index)
        for index, name in enumerate(n.strip() for n in names if n.strip())
    )
    audit.record(
        actor=actor,
        action="clients.agreement_sign",
        instance=agreement,
        before=before,
        after=audit.snapshot(agreement),
        extra={"handover_items": [i.name for i in items]},
    )
    _activate_client(client, actor)
    return agreement


@transaction.atomic
def renew_agreement(
    *, agreement: Agreement, actor: Any, data: Mapping[str, object] | None = None
) -> Agreement:
    """The successor agreement, signed at once, starting the day after the old one ends (terms
    copied unless ``data`` changes them). The old one is marked renewed; its renewal deadline
    closes (met or late) and the successor's opens for the new end date."""
    require(actor, "clients.manage_agreement")
    client = ensure_serviceable(locked(agreement.client))
    old = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if old.status not in (Agreement.Status.ACTIVE, Agreement.Status.EXPIRED):
        raise ServiceError(f"协议 {old.number} 状态为“{old.get_status_display()}”，不能续签")
    ensure_review_approved(client)
    terms = {f: getattr(old, f) for f in _TERMS}
    start = old.end_date + dt.timedelta(days=1)
    terms["start_date"] = start
    terms["end_date"] = _same_term_end(old.start_date, old.end_date, start)
    changes = dict(data or {})
    if changes:
        _refuse_unknown(changes)
        clean, errors = validate_agreement(changes, partial=True)
        if errors:
            raise InvalidFields(errors)
        terms.update(clean)
    errors = check_agreement_terms(terms)
    if terms["start_date"] <= old.start_date:
        errors.append(
            FieldError("start_date", AGREEMENT_FIELDS["start_date"], "应晚于原协议开始日期")
        )
    if errors:
        raise InvalidFields(errors)
    now = timezone.now()
    successor = Agreement(
        client=client, number=next_number("HT"), created_by=actor, renewed_from=old, **terms
    )
    _activate(successor, actor, now)
    successor.save()
    before = audit.snapshot(old)
    old.status = Agreement.Status.RENEWED
    old.save(update_fields=["status"])
    if old.expiry_deadline_id:
        close_deadline(old.expiry_deadline, at=now, actor=actor)  # type: ignore[arg-type]
    audit.record(
        actor=actor,
        action="clients.agreement_renewed",
        instance=old,
        before=before,
        after=audit.snapshot(old),
    )
    audit.record(
        actor=actor,
        action="clients.agreement_renew",
        instance=successor,
        after=audit.snapshot(successor),
        extra={"renewed_from": old.number},
    )
    return successor


def _same_term_end(start: dt.date, end: dt.date, new_start: dt.date) -> dt.date:
    """The new end date for a term as long as the old one: whole months when the old term was
    whole months (2026-01-01…2026-12-31 → one year), otherwise the same number of days."""
    after = end + dt.timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    if after.day == start.day and months > 0:
        index = new_start.month - 1 + months
        try:
            target = dt.date(new_start.year + index // 12, index % 12 + 1, new_start.day)
        except ValueError:
            pass  # e.g. the 31st in a shorter month: fall back to days
        else:
            return target - dt.timedelta(days=1)
    return new_start + (end - start)


@transaction.atomic
def terminate_agreement(*, agreement: Agreement, reason: str, actor: Any) -> Agreement:
    """End an agreement (a draft that will not be signed, or an active one ended early).
    Its open reminders are cancelled: there is nothing left to renew or hand over."""
    require(actor, "clients.manage_agreement")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidFields([FieldError("reason", "终止原因", "必填")])
    locked(agreement.client)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status not in (Agreement.Status.DRAFT, Agreement.Status.ACTIVE):
        raise ServiceError(
            f"协议 {agreement.number} 状态为“{agreement.get_status_display()}”，不能终止"
        )
    before = audit.snapshot(agreement)
    agreement.status = Agreement.Status.TERMINATED
    agreement.terminated_at = timezone.now()
    agreement.termination_reason = reason[:200]
    agreement.save(update_fields=["status", "terminated_at", "termination_reason"])
    for deadline in (agreement.expiry_deadline, agreement.handover_deadline):
        if deadline is not None:
            cancel_deadline(deadline=deadline, actor=actor)
    audit.record(
        actor=actor,
        action="clients.agreement_terminate",
        instance=agreement,
        before=before,
        after=audit.snapshot(agreement),
    )
    return agreement


@transaction.atomic
def expire_agreements(*, today: dt.date | None = None) -> int:
    """Mark active agreements whose end date has passed as expired (daily job, no actor). A
    renewal decision still open is closed late: the agreement ran out without one."""
    today = today or timezone.localdate()
    due = list(
        Agreement.objects.select_for_update(of=("self",))
        .filter(status=Agreement.Status.ACTIVE, end_date__lt=today)
        .select_related("expiry_deadline")
    )
    entries = []
    for agreement in due:
        before = audit.snapshot(agreement, ["status"])
        agreement.status = Agreement.Status.EXPIRED
        entries.append(
            audit.entry(
                actor=None,
                action="clients.agreement_expire",
                instance=agreement,
                before=before,
                after=audit.snapshot(agreement, ["status"]),
            )
        )
    Agreement.objects.bulk_update(due, ["status"])
    audit.record_all(entries)
    for agreement in due:
        deadline = agreement.expiry_deadline
        if deadline is not None and deadline.status == Deadline.Status.OPEN:
            # Closed at the moment the term ran out: no decision was recorded before it.
            ran_out = timezone.make_aware(
                dt.datetime.combine(agreement.end_date + dt.timedelta(days=1), dt.time())
            )
            close_deadline(deadline, at=ran_out)
    return len(due)


# ---- 《资料交接清单》 ----


def _editable_agreement(agreement: Agreement) -> Agreement:
    ensure_serviceable(locked(agreement.client))
    if agreement.status not in (Agreement.Status.ACTIVE, Agreement.Status.RENEWED):
        raise ServiceError("只有已签订的协议才有资料交接清单")
    return agreement


@transaction.atomic
def add_handover_item(*, agreement: Agreement, name: str, actor: Any) -> HandoverItem:
    require(actor, "clients.add_handoveritem")
    agreement = _editable_agreement(agreement)
    name = (name or "").strip()
    if not name:
        raise InvalidFields([FieldError("name", "资料名称", "必填")])
    if len(name) > 80:
        raise InvalidFields([FieldError("name", "资料名称", "不能超过 80 个字")])
    last = agreement.handover_items.aggregate(m=Max("position"))["m"]
    item = HandoverItem.objects.create(
        client_id=agreement.client_id,
        agreement=agreement,
        name=name,
        position=(last or 0) + 1,
    )
    audit.record(
        actor=actor, action="clients.handover_add", instance=item, after=audit.snapshot(item)
    )
    return item


@transaction.atomic
def update_handover_item(
    *, item: HandoverItem, data: Mapping[str, object], actor: Any
) -> HandoverItem:
    """Record receipt (``received``), the authenticity and compliance check (``check_result``:
    "ok" or "problem") and a ``note``; who and when are stamped on each step. When every item
    is received and sound, the checklist's deadline closes (met or late)."""
    from hragency.core import values

    require(actor, "clients.change_handoveritem")
    unknown = sorted(set(data) - {"received", "check_result", "note", "csrfmiddlewaretoken"})
    if unknown:
        raise ServiceError(f"未知字段：{'、'.join(unknown)}")
    _editable_agreement(item.agreement)
    item = HandoverItem.objects.select_for_update().get(pk=item.pk)
    errors: list[FieldError] = []
    before = audit.snapshot(item)
    now = timezone.now()
    try:
        received = values.yes_no(data["received"]) if "received" in data else item.received
    except values.InvalidValue as exc:
        errors.append(FieldError("received", "已收到", str(exc)))
        received = item.received
    try:
        check = (
            values.choice(data["check_result"], dict(HandoverItem.Check.choices))
            if "check_result" in data
            else item.check_result
        )
    except values.InvalidValue as exc:
        errors.append(FieldError("check_result", "真实性、合规性审核", str(exc)))
        check = item.check_result
    note = values.text(data.get("note", item.note))
    if len(note) > 300:
        errors.append(FieldError("note", "备注", "不能超过 300 个字"))
    if check and not received:
        errors.append(FieldError("check_result", "真实性、合规性审核", "须先登记收到资料"))
    if check == HandoverItem.Check.PROBLEM and not note:
        errors.append(FieldError("note", "备注", "资料存疑或不合规时须写明问题"))
    if errors:
        raise InvalidFields(errors)
    if received != item.received:
        item.received = received
        item.received_at = now if received else None
        item.received_by = actor if received else None
    if check != item.check_result:
        item.check_result = check
        item.checked_at = now if check else None
        item.checked_by = actor if check else None
    item.note = note
    item.save()
    audit.record(
        actor=actor,
        action="clients.handover_update",
        instance=item,
        before=before,
        after=audit.snapshot(item),
    )
    _close_checklist_if_done(item.agreement, actor, now)
    return item


def _close_checklist_if_done(agreement: Agreement, actor: Any, now: dt.datetime) -> None:
    agreement = Agreement.objects.select_related("handover_deadline").get(pk=agreement.pk)
    deadline = agreement.handover_deadline
    if deadline is None or deadline.status != Deadline.Status.OPEN:
        return
    items = list(agreement.handover_items.all())
    if not items or not all(i.done for i in items):
        return
    closed = close_deadline(deadline, at=now, actor=actor)
    audit.record(
        actor=actor,
        action="clients.handover_complete",
        instance=agreement,
        extra={"result": closed.get_status_display()},
    )


@transaction.atomic
def remove_handover_item(*, item: HandoverItem, actor: Any) -> None:
    require(actor, "clients.delete_handoveritem")
    agreement = _editable_agreement(item.agreement)
    item = HandoverItem.objects.select_for_update().get(pk=item.pk)
    if item.received:
        raise ServiceError("已收到的资料不能从清单中删除")
    audit.record(
        actor=actor, action="clients.handover_remove", instance=item, before=audit.snapshot(item)
    )
    item.delete()
    _close_checklist_if_done(agreement, actor, timezone.now())
