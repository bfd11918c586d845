"""Service levels (R-DESK-4/5, R-CMP-1): which policy applies to a ticket, and its two clocks.

A ticket's clocks are `core.deadlines` deadlines of kinds `servicedesk.response` (first
response) and `servicedesk.resolution`, owned by the handler; the engine warns, marks the
breach and escalates along `DEFAULT_ESCALATION` (supervisor at due time, director 240 min
later) unless an administrator adds a `DeadlinePolicy` row for the kind.

Warnings: each ticket is warned at its own policy's lead time (`warn_minutes`, passed to
`open_deadline`; e.g. none for a 1-minute chat response, 15 minutes for an emergency) rather
than the one value per kind of a `DeadlinePolicy`.

Online chat's "first response in 30 s" cannot be expressed in whole minutes: the seeded chat
policy uses 1 minute (the smallest unit); the 30-second target is the chat gateway's.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q

from hragency.core.deadlines import (
    cancel_deadline,
    close_deadline,
    open_deadline,
    reassign_deadline,
)
from hragency.core.models import Deadline
from hragency.core.worktime import calendar_for, due_after
from hragency.servicedesk.models import SlaPolicy, Ticket

RESPONSE_KIND = "servicedesk.response"
RESOLUTION_KIND = "servicedesk.resolution"
CRITERIA = ("nature", "urgency", "module", "channel")


def match_policy(
    *, nature: str, urgency: str, module: str, channel: str, policies: Any = None
) -> SlaPolicy | None:
    """The most specific active policy matching the four criteria (a blank criterion matches
    anything); ties go to the shortest response time, then the oldest policy."""
    values = {"nature": nature, "urgency": urgency, "module": module, "channel": channel}
    if policies is None:
        condition = Q(active=True)
        for name, value in values.items():
            condition &= Q(**{name: ""}) | Q(**{name: value})
        policies = SlaPolicy.objects.filter(condition)
    best: tuple[int, int, int] | None = None
    chosen: SlaPolicy | None = None
    for policy in policies:
        if not policy.active:
            continue
        if any(getattr(policy, name) not in ("", value) for name, value in values.items()):
            continue
        specificity = sum(1 for name in CRITERIA if getattr(policy, name))
        key = (-specificity, policy.response_minutes, policy.pk)
        if best is None or key < best:
            best, chosen = key, policy
    return chosen


def policy_for(ticket: Ticket) -> SlaPolicy | None:
    return match_policy(
        nature=ticket.nature, urgency=ticket.urgency, module=ticket.module, channel=ticket.channel
    )


def calendar_of(ticket: Ticket) -> str:
    policy = ticket.sla_policy
    return policy.calendar if policy is not None else SlaPolicy.Calendar.OFFICE


def due(start: dt.datetime, minutes: int, calendar: str) -> dt.datetime:
    return due_after(start, hours=Decimal(minutes) / 60, calendar=calendar)


def working_minutes(a: dt.datetime, b: dt.datetime, calendar: str) -> int:
    """Whole working minutes between a and b on the calendar (0 if b is before a)."""
    if b <= a:
        return 0
    return int(calendar_for(calendar).working_time_between(a, b).total_seconds() // 60)


def link(ticket: Ticket) -> str:
    return f"/desk/tickets/{ticket.pk}/"


def open_clock(
    ticket: Ticket, *, kind: str, due_at: dt.datetime, start: dt.datetime, actor: Any
) -> Deadline | None:
    if ticket.handler_id is None:
        return None
    verb = "首次响应" if kind == RESPONSE_KIND else "解决"
    policy = ticket.sla_policy
    return open_deadline(
        kind=kind,
        title=f"{verb}工单 {ticket.number}：{ticket.subject[:60]}",
        owner=ticket.handler,
        due_at=due_at,
        starts_at=start,
        # The ticket's own policy decides the warning lead time (see the module docstring).
        warn_minutes=policy.warn_minutes if policy is not None else None,
        client_id=ticket.client_id,
        subject=ticket,
        link=link(ticket),
        actor=actor,
    )


def start_clocks(ticket: Ticket, *, actor: Any, now: dt.datetime) -> None:
    """Pick the policy, set the due times from `ticket.created_at` and open the deadlines
    (only when the ticket has a handler: an unmatched e-mail starts them at triage)."""
    policy = policy_for(ticket)
    ticket.sla_policy = policy
    if policy is None:
        ticket.save(update_fields=["sla_policy"])
        return
    start = ticket.created_at
    ticket.response_due_at = due(start, policy.response_minutes, policy.calendar)
    ticket.resolution_due_at = due(start, policy.resolution_minutes, policy.calendar)
    ticket.save(update_fields=["sla_policy", "response_due_at", "resolution_due_at"])
    if ticket.first_response_at is None:
        open_clock(
            ticket, kind=RESPONSE_KIND, due_at=ticket.response_due_at, start=start, actor=actor
        )
    open_clock(
        ticket, kind=RESOLUTION_KIND, due_at=ticket.resolution_due_at, start=start, actor=actor
    )


def open_deadlines(ticket: Ticket, kind: str | None = None) -> list[Deadline]:
    qs = Deadline.objects.filter(
        subject_type=Ticket._meta.label_lower,
        subject_id=str(ticket.pk),
        status=Deadline.Status.OPEN,
    )
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs)


def deadlines_of(ticket: Ticket) -> list[Deadline]:
    return list(
        Deadline.objects.filter(
            subject_type=Ticket._meta.label_lower, subject_id=str(ticket.pk)
        ).order_by("due_at", "pk")
    )


def close_clock(ticket: Ticket, kind: str, *, at: dt.datetime, actor: Any) -> None:
    for deadline in open_deadlines(ticket, kind):
        close_deadline(deadline, at=at, actor=actor)


def cancel_clock(ticket: Ticket, kind: str, *, actor: Any) -> None:
    for deadline in open_deadlines(ticket, kind):
        cancel_deadline(deadline=deadline, actor=actor)


def move_clocks(ticket: Ticket, *, owner: Any, actor: Any) -> None:
    """Transfer and reassignment: the open clocks follow the ticket to its new handler."""
    for deadline in open_deadlines(ticket):
        if deadline.owner_id != owner.pk:
            reassign_deadline(deadline=deadline, owner=owner, actor=actor)


def resume_due(ticket: Ticket, *, now: dt.datetime) -> tuple[dt.datetime | None, int]:
    """The resolution due time moved on by the working time spent waiting, and that time
    in minutes."""
    if ticket.paused_at is None or ticket.resolution_due_at is None:
        return ticket.resolution_due_at, 0
    calendar = calendar_of(ticket)
    waited = calendar_for(calendar).working_time_between(ticket.paused_at, now)
    if waited.total_seconds() <= 0:
        return ticket.resolution_due_at, 0
    hours = Decimal(int(waited.total_seconds())) / 3600
    new_due = calendar_for(calendar).add_working_hours(ticket.resolution_due_at, hours)
    return new_due, int(waited.total_seconds() // 60)


def reopen_due(ticket: Ticket, *, now: dt.datetime) -> dt.datetime | None:
    policy = ticket.sla_policy
    if policy is None:
        return None
    return due(now, policy.resolution_minutes, policy.calendar)


def remaining(due_at: dt.datetime | None, now: dt.datetime) -> str:
    """“剩余 2小时5分” / “已超时 15分” for the screens."""
    if due_at is None:
        return ""
    seconds = int((due_at - now).total_seconds())
    label = "剩余" if seconds >= 0 else "已超时"
    minutes = abs(seconds) // 60
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days}天")
    if hours:
        parts.append(f"{hours}小时")
    parts.append(f"{mins}分")
    return label + " " + "".join(parts)
