"""The deadlines engine: every obligation with a due time is a Deadline with an owner.

``drive_deadlines`` (run every minute by core.tasks) warns owners before the due time, marks
breaches, and escalates along the chain (owner's department head → head of the parent
department by default, configurable per kind in DeadlinePolicy). Closing a deadline records
whether it was met. On-time figures come from these rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from hragency.core import audit
from hragency.core.models import Deadline, DeadlinePolicy, Notification
from hragency.core.notifications import notify

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
    actor: Any = None,
) -> Deadline:
    warn_minutes, chain = _policy(kind)
    warn_at = due_at - dt.timedelta(minutes=warn_minutes) if warn_minutes else None
    deadline = Deadline(
        kind=kind,
        title=title,
        owner=owner,
        client_id=client_id,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        link=link,
        starts_at=starts_at or timezone.now(),
        due_at=due_at,
        warn_at=warn_at,
        escalation=chain,
    )
    deadline.next_escalation_at = _step_time(deadline, 0)
    deadline.save()
    audit.record(
        actor=actor, action="deadline.open", instance=deadline, after=audit.snapshot(deadline)
    )
    return deadline


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


def escalation_targets(deadline: Deadline, target: str) -> list[Any]:
    """Resolve an escalation step's "to": owner, supervisor, director, user:<id> or role:<code>."""
    from hragency.accounts.models import User
    from hragency.accounts.roles import ROLE_LABELS

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
        return list(User.objects.filter(groups__name=ROLE_LABELS["cs_director"], is_active=True))
    if target.startswith("user:"):
        return list(User.objects.filter(pk=int(target[5:]), is_active=True))
    if target.startswith("role:"):
        label = ROLE_LABELS.get(target[5:], target[5:])
        return list(User.objects.filter(groups__name=label, is_active=True))
    return []


def drive_deadlines(now: dt.datetime | None = None) -> DriveResult:
    """One pass of the engine. Safe to run concurrently with itself: each row is claimed by a
    conditional UPDATE before anyone is told, so nobody is told twice."""
    now = now or timezone.now()
    warned = breached = escalated = 0
    open_ = Deadline.objects.filter(status=Deadline.Status.OPEN)

    for deadline in open_.filter(
        warned_at__isnull=True, warn_at__lte=now, due_at__gt=now
    ).select_related("owner"):
        with transaction.atomic():
            if not Deadline.objects.filter(pk=deadline.pk, warned_at__isnull=True).update(
                warned_at=now
            ):
                continue
            notify(
                recipients=[deadline.owner],
                title=f"即将到期：{deadline.title}",
                body=f"截止时间 {_local(deadline.due_at)}",
                link=deadline.link,
                level=Notification.Level.WARNING,
                deadline=deadline,
            )
            warned += 1

    for deadline in open_.filter(breached=False, due_at__lte=now).select_related("owner"):
        with transaction.atomic():
            if not Deadline.objects.filter(pk=deadline.pk, breached=False).update(breached=True):
                continue
            notify(
                recipients=[deadline.owner],
                title=f"已超时：{deadline.title}",
                body=f"截止时间 {_local(deadline.due_at)} 已过，请尽快处理。",
                link=deadline.link,
                level=Notification.Level.DANGER,
                deadline=deadline,
            )
            breached += 1

    due_steps = open_.filter(next_escalation_at__lte=now).select_related(
        "owner__department__parent__head", "owner__department__head"
    )
    for deadline in due_steps:
        with transaction.atomic():
            level = deadline.escalation_level
            next_at = _step_time(deadline, level + 1)
            claimed = Deadline.objects.filter(pk=deadline.pk, escalation_level=level).update(
                escalation_level=level + 1, next_escalation_at=next_at
            )
            if not claimed:
                continue
            step = deadline.escalation[level]
            notify(
                recipients=escalation_targets(deadline, str(step["to"])),
                title=f"超时升级：{deadline.title}",
                body=(f"责任人 {deadline.owner}，截止时间 {_local(deadline.due_at)}，尚未完成。"),
                link=deadline.link,
                level=Notification.Level.DANGER,
                deadline=deadline,
                email=True,
            )
            audit.record(
                actor=None,
                action="deadline.escalate",
                instance=deadline,
                extra={"level": level + 1, "to": step["to"]},
            )
            escalated += 1
    return DriveResult(warned=warned, breached=breached, escalated=escalated)


def on_time_rate(queryset: Any) -> tuple[int, int]:
    """(met, counted) over closed or breached deadlines of the queryset, for "on time %"."""
    counted = queryset.exclude(status=Deadline.Status.CANCELLED).filter(
        status__in=[Deadline.Status.MET, Deadline.Status.LATE]
    ) | queryset.filter(status=Deadline.Status.OPEN, breached=True)
    met = queryset.filter(status=Deadline.Status.MET).count()
    return met, counted.count()
