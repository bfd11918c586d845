"""Writes on visit tasks: complete, reschedule, cancel, and the low-score follow-up.

Completing closes the task's deadline (met if done by the end of the due day, else late) and
plans the client's next visit at once. Rescheduling cancels the old deadline and opens one for
the new date (the reason is kept on the task and in the audit log). Cancelling a 定期回访 skips
that cycle: the next one is planned one interval after the cancelled due date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from hragency.accounts.queries import role_holders, serving
from hragency.accounts.roles import Role
from hragency.clients.models import Client
from hragency.clients.services import ensure_serviceable
from hragency.core import audit
from hragency.core.deadlines import cancel_deadline, close_deadline
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.models import Deadline
from hragency.core.notifications import notify
from hragency.core.scoping import scope_queryset
from hragency.core.values import InvalidValue
from hragency.core.values import date as parse_date
from hragency.visits.models import VisitTask
from hragency.visits.planning import VISIT_KINDS, open_deadlines, plan_visits, task_link

MAX_TEXT = 2000
LOW_SCORE = 3
LOW_SCORE_DAYS = 3


def _require(actor: Any, task: VisitTask | None = None) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录")
    if not actor.has_perm("visits.change_visittask"):
        raise PermissionDenied("无权处理回访任务")
    if (
        task is not None
        and not scope_queryset(VisitTask.objects.filter(pk=task.pk), actor).exists()
    ):
        raise PermissionDenied("无权处理该客户的回访任务")


def _locked(task: VisitTask) -> VisitTask:
    task = (
        VisitTask.objects.select_for_update(of=("self",)).select_related("client").get(pk=task.pk)
    )
    if task.status != VisitTask.Status.OPEN:
        raise ServiceError(f"该回访任务{task.get_status_display()}，不能再修改")
    return task


def _text(value: Any, field: str, label: str, errors: list[FieldError], required: bool) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors.append(FieldError(field, label, "必填"))
    elif len(text) > MAX_TEXT:
        errors.append(FieldError(field, label, f"不能超过 {MAX_TEXT} 个字"))
    return text


def _deadline(task: VisitTask) -> Deadline | None:
    if task.deadline_id is None:
        return None
    return Deadline.objects.filter(pk=task.deadline_id, status=Deadline.Status.OPEN).first()


@transaction.atomic
def complete_visit(
    *,
    actor: Any,
    task: VisitTask,
    method: str,
    summary: str,
    issues: str = "",
    next_actions: str = "",
    done_at: dt.datetime | None = None,
) -> VisitTask:
    """Record the visit as done (method, what was discussed, issues raised, next actions)."""
    _require(actor, task)
    task = _locked(task)
    ensure_serviceable(task.client)
    errors: list[FieldError] = []
    if method not in VisitTask.Method.values:
        errors.append(FieldError("method", "回访方式", "请选择电话、上门或线上"))
    summary = _text(summary, "summary", "回访记录", errors, True)
    issues = _text(issues, "issues", "客户提出的问题", errors, False)
    next_actions = _text(next_actions, "next_actions", "后续跟进", errors, False)
    now = timezone.now()
    done_at = done_at or now
    if done_at > now + dt.timedelta(minutes=5):
        errors.append(FieldError("done_at", "完成时间", "不能晚于当前时间"))
    if errors:
        raise InvalidFields(errors)
    before = audit.snapshot(task)
    task.status = VisitTask.Status.DONE
    task.method = method
    task.summary = summary
    task.issues = issues
    task.next_actions = next_actions
    task.done_at = done_at
    task.completed_by = actor
    task.save()
    audit.record(
        actor=actor,
        action="visits.task_complete",
        instance=task,
        before=before,
        after=audit.snapshot(task),
    )
    deadline = _deadline(task)
    if deadline is not None:
        close_deadline(deadline, at=done_at, actor=actor)
    if task.kind in VISIT_KINDS:
        plan_visits(today=timezone.localdate(now), client_ids=[task.client_id], actor=actor)
    return task


@transaction.atomic
def reschedule_visit(*, actor: Any, task: VisitTask, due_date: Any, reason: str) -> VisitTask:
    """Move the due date (today or later) with a reason; the deadline moves with it."""
    _require(actor, task)
    task = _locked(task)
    ensure_serviceable(task.client)
    errors: list[FieldError] = []
    reason = _text(reason, "reason", "改期原因", errors, True)[:300]
    new_date: dt.date | None = None
    try:
        new_date = parse_date(due_date) if due_date not in (None, "") else None
    except InvalidValue as exc:
        errors.append(FieldError("due_date", "新的回访日期", str(exc)))
    else:
        if new_date is None:
            errors.append(FieldError("due_date", "新的回访日期", "必填"))
        elif new_date < timezone.localdate():
            errors.append(FieldError("due_date", "新的回访日期", "不能早于今天"))
        elif new_date == task.due_date:
            errors.append(FieldError("due_date", "新的回访日期", "与原日期相同"))
    if errors or new_date is None:
        raise InvalidFields(errors)
    before = audit.snapshot(task)
    deadline = _deadline(task)
    if deadline is not None:
        cancel_deadline(deadline=deadline, actor=actor)
    task.due_date = new_date
    task.note = reason
    task.deadline = None
    task.save()
    open_deadlines([task], {task.client_id: task.client.name}, actor)
    audit.record(
        actor=actor,
        action="visits.task_reschedule",
        instance=task,
        before=before,
        after=audit.snapshot(task),
    )
    return task


@transaction.atomic
def cancel_visit(*, actor: Any, task: VisitTask, reason: str) -> VisitTask:
    """Cancel (skip) the visit with a reason; its deadline is cancelled."""
    _require(actor, task)
    task = _locked(task)
    errors: list[FieldError] = []
    reason = _text(reason, "reason", "取消原因", errors, True)[:300]
    if errors:
        raise InvalidFields(errors)
    before = audit.snapshot(task)
    task.status = VisitTask.Status.CANCELLED
    task.note = reason
    task.save()
    deadline = _deadline(task)
    if deadline is not None:
        cancel_deadline(deadline=deadline, actor=actor)
    audit.record(
        actor=actor,
        action="visits.task_cancel",
        instance=task,
        before=before,
        after=audit.snapshot(task),
    )
    return task


def follow_up_owner(client: Client) -> Any:
    """Who follows up a low score (R-DESK-7: the supervisor): a CS supervisor serving the
    client, else the first CS supervisor, else the client's CS rep."""
    return (
        serving(client, Role.CS_SUPERVISOR).first()
        or role_holders(Role.CS_SUPERVISOR).first()
        or serving(client, Role.CS_REP).first()
    )


def open_low_score_visit(*, client: Client, reason: str, actor: Any = None) -> VisitTask | None:
    """A 低分回访 for the client within 3 working days, unless one is already open. Called
    inside the caller's transaction (a survey response; later a ticket's rating)."""
    from hragency.core.worktime import due_after

    if VisitTask.objects.filter(
        client=client, kind=VisitTask.Kind.LOW_SCORE, status=VisitTask.Status.OPEN
    ).exists():
        return None
    owner = follow_up_owner(client)
    if owner is None:
        return None
    due = timezone.localdate(due_after(timezone.now(), days=LOW_SCORE_DAYS))
    task = VisitTask.objects.create(
        client=client,
        kind=VisitTask.Kind.LOW_SCORE,
        due_date=due,
        owner=owner,
        reason=reason[:200],
    )
    audit.record(actor=actor, action="visits.task_plan", instance=task, after=audit.snapshot(task))
    open_deadlines([task], {client.pk: client.name}, actor)
    notify(
        recipients=[owner],
        title=f"低分回访：{client.name}",
        body=f"{reason}。请于 {due:%Y-%m-%d} 前完成回访。",
        link=task_link(task),
        level="warning",
    )
    return task
