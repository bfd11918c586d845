"""The deadlines engine: every obligation with a due time is a Deadline with an owner.

``drive_deadlines`` (run every minute by core.tasks) warns owners before the due time, marks
breaches, and escalates along the chain (owner's department head → head of the parent
department by default, configurable per kind in DeadlinePolicy). Closing a deadline records
whether it was met. On-time figures come from these rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from hragency.core import audit
from hragency.core.models import Deadline, DeadlinePolicy, Notification
from hragency.core.notifications import Message, notify_all

DEFAULT_WARN_BEFORE_MINUTES = 60
DEFAULT_ESCALATION: list[dict[str, Any]] = [
    {"after_minutes": 0, "to": "supervisor"},
    {"after_minutes": 240, "to": "director"},
]


@dataclass(frozen=True)
class DriveResult:
    warned: int
    breached: int
    escalated: int


def _local(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _policy(kind: str) -> tuple[int, list[dict[str, Any]]]:
    policy = DeadlinePolicy.objects.filter(kind=kind).first()
    if policy is None:
        return DEFAULT_WARN_BEFORE_MINUTES, DEFAULT_ESCALATION
    return policy.warn_before_minutes, list(policy.escalation)


def _step_time(deadline: Deadline, level: int) -> dt.datetime | None:
    if level >= len(deadline.escalation):
        return None
    return deadline.due_at + dt.timedelta(minutes=int(deadline.escalation[level]["after_minutes"]))


def new_deadline(
    *,
    kind: str,
    title: str,
    owner_id: int,
    due_at: dt.datetime,
    client_id: int | None = None,
    subject_type: str = "",
    subject_id: str = "",
    link: str = "",
    starts_at: dt.datetime | None = None,
    warn_minutes: int | None = None,
) -> Deadline:
    """An unsaved deadline with its kind's policy applied (warning lead time and escalation
    chain). `warn_minutes` overrides the kind's lead time (a ticket's service level carries its
    own); a warning that would fall before the start is given at the start."""
    policy_warn, chain = _policy(kind)
    warn_minutes = policy_warn if warn_minutes is None else warn_minutes
    warn_at = due_at - dt.timedelta(minutes=warn_minutes) if warn_minutes else None
    if warn_at is not None and starts_at is not None and warn_at < starts_at:
        warn_at = starts_at
    deadline = Deadline(
        kind=kind,
        title=title,
        owner_id=owner_id,
        client_id=client_id,
        subject_type=subject_type,
        subject_id=subject_id,
        link=link,
        starts_at=starts_at or timezone.now(),
        due_at=due_at,
        warn_at=warn_at,
        escalation=chain,
    )
    deadline.next_escalation_at = _step_time(deadline, 0)
    return deadline


@transaction.atomic
def open_deadline(
    *,
    kind: str,
    title: str,
    owner: Any,
    due_at: dt.datetime,
    client_id: int | None = None,
    subject: Model | None = None,
    link: str = "",
    starts_at: dt.datetime | None = None,
    warn_minutes: int | None = None,
    actor: Any = None,
) -> Deadline:
    deadline = new_deadline(
        kind=kind,
        title=title,
        owner_id=owner.pk,
        due_at=due_at,
        client_id=client_id,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        link=link,
        starts_at=starts_at,
        warn_minutes=warn_minutes,
    )
    deadline.save()
    audit.record(
        actor=actor, action="deadline.open", instance=deadline, after=audit.snapshot(deadline)
    )
    return deadline


@transaction.atomic
def open_deadlines(deadlines: list[Deadline], *, actor: Any = None) -> list[Deadline]:
    """Save many deadlines built by `new_deadline` with one insert and their audit rows with
    another (planning visits for every client at once)."""
    created = Deadline.objects.bulk_create(deadlines)
    audit.record_all(
        [
            audit.entry(actor=actor, action="deadline.open", instance=d, after=audit.snapshot(d))
            for d in created
        ]
    )
    return created


@transaction.atomic
def close_deadline(
    deadline: Deadline, *, at: dt.datetime | None = None, actor: Any = None
) -> Deadline:
    """Record the obligation as fulfilled at `at`: met if on or before the due time."""
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    if deadline.status != Deadline.Status.OPEN:
        return deadline
    before = audit.snapshot(deadline)
    at = at or timezone.now()
    on_time = at <= deadline.due_at
    deadline.status = Deadline.Status.MET if on_time else Deadline.Status.LATE
    deadline.breached = not on_time
    deadline.closed_at = at
    deadline.next_escalation_at = None
    deadline.save()
    audit.record(
        actor=actor,
        action="deadline.close",
        instance=deadline,
        before=before,
        after=audit.snapshot(deadline),
    )
    return deadline


@transaction.atomic
def cancel_deadline(*, deadline: Deadline, actor: Any = None) -> Deadline:
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    if deadline.status != Deadline.Status.OPEN:
        return deadline
    before = audit.snapshot(deadline)
    deadline.status = Deadline.Status.CANCELLED
    deadline.closed_at = timezone.now()
    deadline.next_escalation_at = None
    deadline.save()
    audit.record(
        actor=actor,
        action="deadline.cancel",
        instance=deadline,
        before=before,
        after=audit.snapshot(deadline),
    )
    return deadline


@transaction.atomic
def reassign_deadline(*, deadline: Deadline, owner: Any, actor: Any = None) -> Deadline:
    before = audit.snapshot(deadline)
    deadline.owner = owner
    deadline.save(update_fields=["owner"])
    audit.record(
        actor=actor,
        action="deadline.reassign",
        instance=deadline,
        before=before,
        after=audit.snapshot(deadline),
    )
    return deadline


def escalation_targets(
    deadline: Deadline, target: str, lookup: Callable[[str], list[Any]] | None = None
) -> list[Any]:
    """Resolve an escalation step's "to": owner, supervisor, director, user:<id> or role:<code>.

    Department heads come from the deadline's preloaded owner → department chain; the other
    targets are looked up through `lookup` (a per-pass cache in ``drive_deadlines``).
    """
    lookup = lookup or _users_for
    owner = deadline.owner
    department = owner.department
    if target == "owner":
        return [owner]
    if target == "supervisor":
        if department is None:
            return []
        if department.head_id and department.head_id != owner.pk:
            return [department.head]
        parent = department.parent
        return [parent.head] if parent is not None and parent.head_id else []
    if target == "director":
        parent = department.parent if department is not None else None
        if parent is not None and parent.head_id:
            return [parent.head]
        return lookup("role:cs_director")
    return lookup(target)


def _users_for(target: str) -> list[Any]:
    from hragency.accounts.models import User
    from hragency.accounts.roles import ROLE_LABELS

    if target.startswith("user:") and target[5:].isdigit():
        return list(User.objects.filter(pk=int(target[5:]), is_active=True))
    if target.startswith("role:"):
        label = ROLE_LABELS.get(target[5:], target[5:])
        return list(User.objects.filter(groups__name=label, is_active=True))
    return []


def _claim(candidates: QuerySet[Deadline], *related: str) -> list[Deadline]:
    """Lock the candidate rows for this transaction. A concurrent driver on PostgreSQL skips
    them (SKIP LOCKED) and, once this pass commits, no longer finds them due; SQLite's
    IMMEDIATE transactions run whole passes one after the other."""
    locked = candidates.select_for_update(skip_locked=True, of=("self",))
    return list(locked.select_related("owner", *related))


def _mark_and_tell_owners(
    candidates: QuerySet[Deadline], changes: dict[str, Any], title: str, body: str, level: str
) -> int:
    with transaction.atomic():
        rows = _claim(candidates)
        Deadline.objects.filter(pk__in=[d.pk for d in rows]).update(**changes)
        notify_all(
            Message(
                [d.owner],
                title.format(title=d.title),
                body.format(due=_local(d.due_at)),
                d.link,
                level,
                d,
            )
            for d in rows
        )
    return len(rows)


def drive_deadlines(now: dt.datetime | None = None) -> DriveResult:
    """One pass of the engine: a fixed number of queries per step, whatever the row count."""
    now = now or timezone.now()
    open_ = Deadline.objects.filter(status=Deadline.Status.OPEN)

    warned = _mark_and_tell_owners(
        open_.filter(warned_at__isnull=True, warn_at__lte=now, due_at__gt=now),
        {"warned_at": now},
        "即将到期：{title}",
        "截止时间 {due}",
        Notification.Level.WARNING,
    )
    breached = _mark_and_tell_owners(
        open_.filter(breached=False, due_at__lte=now),
        {"breached": True},
        "已超时：{title}",
        "截止时间 {due} 已过，请尽快处理。",
        Notification.Level.DANGER,
    )

    with transaction.atomic():
        steps = _claim(
            open_.filter(next_escalation_at__lte=now),
            "owner__department__head",
            "owner__department__parent__head",
        )
        lookup = cache(_users_for)
        messages: list[Message] = []
        entries = []
        for d in steps:
            step = d.escalation[d.escalation_level]
            d.escalation_level += 1
            d.next_escalation_at = _step_time(d, d.escalation_level)
            messages.append(
                Message(
                    escalation_targets(d, str(step["to"]), lookup),
                    f"超时升级：{d.title}",
                    f"责任人 {d.owner}，截止时间 {_local(d.due_at)}，尚未完成。",
                    d.link,
                    Notification.Level.DANGER,
                    d,
                    email=True,
                )
            )
            entries.append(
                audit.entry(
                    actor=None,
                    action="deadline.escalate",
                    instance=d,
                    extra={"level": d.escalation_level, "to": step["to"]},
                )
            )
        Deadline.objects.bulk_update(steps, ["escalation_level", "next_escalation_at"])
        notify_all(messages)
        audit.record_all(entries)
    return DriveResult(warned=warned, breached=breached, escalated=len(steps))


def on_time_rate(queryset: Any) -> tuple[int, int]:
    """(met, counted) over closed or breached deadlines of the queryset, for "on time %"."""
    counted = queryset.filter(
        Q(status__in=[Deadline.Status.MET, Deadline.Status.LATE])
        | Q(status=Deadline.Status.OPEN, breached=True)
    )
    return queryset.filter(status=Deadline.Status.MET).count(), counted.count()
