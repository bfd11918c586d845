"""The second half of the workflow: waiting for the client and resuming, resolving, closing
(by hand and automatically), reopening, answering from the knowledge base, and triage of an
unmatched e-mail. Re-exported by `services`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from hragency.clients.models import Client
from hragency.core import audit
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.scoping import scope_queryset
from hragency.servicedesk import sla
from hragency.servicedesk.models import Ticket, TicketEvent
from hragency.servicedesk.services import (
    OPEN_STATES,
    PERM_SUPERVISE,
    PERM_TRIAGE,
    Kind,
    Status,
    _audit,
    _event,
    _locked,
    _record_first_response,
    _require,
    _state,
    _text,
    _visible,
    _worker,
    reply_to_client,
    tell,
)

AUTO_CLOSE_DAYS = 3


def _pause(ticket: Ticket, *, actor: Any, now: dt.datetime) -> None:
    ticket.status = Status.WAITING
    ticket.paused_at = now
    sla.cancel_clock(ticket, sla.RESOLUTION_KIND, actor=actor)


def _resume(ticket: Ticket, *, actor: Any, now: dt.datetime, why: str) -> int:
    """Back to 处理中; the resolution due time moves on by the working time paused."""
    new_due, waited = sla.resume_due(ticket, now=now)
    ticket.status = Status.IN_PROGRESS
    ticket.paused_at = None
    ticket.resolution_due_at = new_due
    ticket.save()
    if new_due is not None:
        sla.open_clock(ticket, kind=sla.RESOLUTION_KIND, due_at=new_due, start=now, actor=actor)
    _event(ticket, Kind.RESUME, actor=actor, now=now, body=f"{why}（暂停 {waited} 个工作分钟）")
    return waited


@transaction.atomic
def wait_for_client(
    *, actor: Any, ticket: Ticket, message: str = "", now: dt.datetime | None = None
) -> Ticket:
    """待客户反馈: the resolution clock stops until the client writes or the handler resumes.
    A message given is sent to the client as a reply first."""
    now = now or timezone.now()
    if message.strip():
        reply_to_client(actor=actor, ticket=ticket, body=message, now=now)
    ticket = _worker(actor, ticket, "设置等待客户反馈")
    _state(ticket, [Status.IN_PROGRESS], "设置等待客户反馈")
    before = audit.snapshot(ticket)
    _pause(ticket, actor=actor, now=now)
    ticket.save()
    _event(ticket, Kind.WAIT, actor=actor, now=now, body="等待客户补充信息", visible=True)
    _audit(actor, "wait", ticket, before)
    tell(ticket, actor=actor, title="等待客户反馈，解决时限暂停")
    return ticket


@transaction.atomic
def resume_ticket(*, actor: Any, ticket: Ticket, now: dt.datetime | None = None) -> Ticket:
    """The handler resumes a waiting ticket."""
    now = now or timezone.now()
    ticket = _worker(actor, ticket, "恢复处理")
    _state(ticket, [Status.WAITING], "恢复处理")
    before = audit.snapshot(ticket)
    _resume(ticket, actor=actor, now=now, why="处理人恢复处理")
    _audit(actor, "resume", ticket, before)
    return ticket


def handling_minutes(ticket: Ticket, *, now: dt.datetime) -> int:
    """Working minutes from intake to `now` excluding the spans waiting for the client."""
    calendar = sla.calendar_of(ticket)
    total = sla.working_minutes(ticket.created_at, now, calendar)
    paused_from: dt.datetime | None = None
    waited = 0
    for kind, at in ticket.events.filter(kind__in=[Kind.WAIT, Kind.RESUME]).values_list(
        "kind", "created_at"
    ):
        if kind == Kind.WAIT:
            paused_from = at
        elif paused_from is not None:
            waited += sla.working_minutes(paused_from, at, calendar)
            paused_from = None
    if paused_from is not None:
        waited += sla.working_minutes(paused_from, now, calendar)
    return max(0, total - waited)


@transaction.atomic
def resolve_ticket(
    *,
    actor: Any,
    ticket: Ticket,
    solution: str,
    now: dt.datetime | None = None,
    kb_article_id: int | None = None,
) -> Ticket:
    """已解决 with the solution; the clocks close met/late; the result goes to the client."""
    from hragency.servicedesk import feedback

    now = now or timezone.now()
    ticket = _worker(actor, ticket, "解决该工单")
    _state(ticket, OPEN_STATES, "标记为已解决")
    solution = _text(solution, "solution", "解决方案")
    before = audit.snapshot(ticket)
    if ticket.handler_id is None:
        ticket.handler = actor
        ticket.first_owner = ticket.first_owner or actor
    ticket.handling_minutes = handling_minutes(ticket, now=now)
    _record_first_response(ticket, actor=actor, now=now)
    sla.close_clock(ticket, sla.RESOLUTION_KIND, at=now, actor=actor)
    ticket.status = Status.RESOLVED
    ticket.paused_at = None
    ticket.solution = solution
    ticket.resolved_at = now
    if kb_article_id is not None:
        ticket.kb_article_id = kb_article_id
        ticket.answered_from_kb = True
    ticket.save()
    _event(ticket, Kind.RESOLVE, actor=actor, now=now, body=solution, visible=True)
    _audit(actor, "resolve", ticket, before)
    tell(ticket, actor=actor, title="已解决", body=solution[:200])
    feedback.send_result(ticket, actor=actor, now=now)
    return ticket


def kb_article(actor: Any, article_id: int) -> Any:
    """The published knowledge-base article the actor may read, or a field error."""
    from hragency.knowledge.queries import readable_articles

    article = readable_articles(actor).filter(pk=article_id).first() if article_id else None
    if article is None:
        raise InvalidFields([FieldError("article_id", "知识库文章", "文章不存在或未发布")])
    return article


@transaction.atomic
def answer_from_kb(
    *,
    actor: Any,
    ticket: Ticket,
    article_id: int,
    answer: str = "",
    now: dt.datetime | None = None,
) -> Ticket:
    """A rep answers an inquiry at once with a knowledge-base article (R-DESK-2): resolved
    with the answer (the article's standard text if none is typed); the article's use is
    counted."""
    from hragency.knowledge.services import count_use

    _require(actor, "servicedesk.handle_ticket", "用知识库解答")
    article = kb_article(actor, int(article_id or 0))
    ticket = resolve_ticket(
        actor=actor,
        ticket=ticket,
        solution=answer.strip() or f"{article.title}\n{article.body}",
        now=now,
        kb_article_id=article.pk,
    )
    count_use(article=article)
    return ticket


@transaction.atomic
def close_ticket(*, actor: Any, ticket: Ticket, now: dt.datetime | None = None) -> Ticket:
    """已关闭 by the first owner or a supervisor; `actor=None` is the automatic close."""
    now = now or timezone.now()
    if actor is not None:
        _require(actor, "servicedesk.handle_ticket", "关闭工单")
        _visible(actor, ticket)
    ticket = _locked(ticket)
    if actor is not None and not (
        actor.pk == ticket.first_owner_id or actor.has_perm(PERM_SUPERVISE)
    ):
        raise PermissionDenied("只有首问责任人或主管可以关闭工单")
    _state(ticket, [Status.RESOLVED], "关闭")
    before = audit.snapshot(ticket)
    ticket.status = Status.CLOSED
    ticket.closed_at = now
    ticket.save()
    body = "已关闭" if actor is not None else f"解决后 {AUTO_CLOSE_DAYS} 天无异议，自动关闭"
    _event(ticket, Kind.CLOSE, actor=actor, now=now, body=body, visible=True)
    _audit(actor, "close", ticket, before)
    return ticket


def auto_close_due(*, now: dt.datetime | None = None, days: int = AUTO_CLOSE_DAYS) -> int:
    """Close tickets resolved more than `days` ago (a client's message since would have
    reopened them), except those rated ≤ 3 whose supervisor follow-up is still running: the
    second visit closes those."""
    from hragency.servicedesk.models import FollowUp

    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=days)
    ids = list(
        Ticket.objects.filter(status=Status.RESOLVED, resolved_at__lte=cutoff)
        .exclude(follow_up__status__in=[FollowUp.Status.OPEN, FollowUp.Status.PLANNED])
        .values_list("pk", flat=True)
    )
    closed = 0
    for pk in ids:
        ticket = Ticket.objects.get(pk=pk)
        try:
            close_ticket(actor=None, ticket=ticket, now=now)
            closed += 1
        except ServiceError:
            continue
    return closed


def reopen(ticket: Ticket, event: TicketEvent, *, actor: Any, now: dt.datetime) -> None:
    """A client's message on a resolved ticket: not satisfied, back to 处理中 with a new
    resolution clock. Called by `hooks.client_message` inside intake's transaction."""
    ticket = _locked(ticket)
    before = audit.snapshot(ticket)
    ticket.status = Status.IN_PROGRESS
    ticket.resolved_at = None
    ticket.resolution_due_at = sla.reopen_due(ticket, now=now)
    ticket.save()
    if ticket.resolution_due_at is not None:
        sla.open_clock(
            ticket,
            kind=sla.RESOLUTION_KIND,
            due_at=ticket.resolution_due_at,
            start=now,
            actor=actor,
        )
    _event(
        ticket, Kind.REOPEN, actor=actor, now=now, body="客户再次来信，工单重新打开", visible=True
    )
    _audit(actor, "reopen", ticket, before)
    tell(ticket, actor=actor, title="客户再次来信，工单已重新打开", body=event.body[:200])


def resume_on_message(ticket: Ticket, *, actor: Any, now: dt.datetime) -> None:
    ticket = _locked(ticket)
    before = audit.snapshot(ticket)
    _resume(ticket, actor=actor, now=now, why="客户已反馈，自动恢复计时")
    _audit(actor, "resume", ticket, before)


@transaction.atomic
def triage_ticket(
    *, actor: Any, ticket: Ticket, client: Client, now: dt.datetime | None = None
) -> Ticket:
    """Give an unmatched e-mail its client; the client's rep takes it and the clocks start
    from when it arrived."""
    from hragency.servicedesk.intake import default_owner

    _require(actor, PERM_TRIAGE, "处理未归属来件")
    now = now or timezone.now()
    ticket = _locked(ticket)
    if ticket.client_id is not None:
        raise ServiceError("该工单已归属客户")
    if not scope_queryset(Client.objects.filter(pk=client.pk), actor).exists():
        raise PermissionDenied("无权为该客户登记工单")
    before = audit.snapshot(ticket)
    ticket.client = client
    if ticket.handler_id is None:
        owner = default_owner(client) or actor
        ticket.handler = owner
        ticket.first_owner = ticket.first_owner or owner
    ticket.save()
    ticket.events.update(client=client)
    _event(ticket, Kind.NOTE, actor=actor, now=now, body=f"归属客户：{client.name}")
    _audit(actor, "triage", ticket, before)
    if not sla.open_deadlines(ticket):
        sla.start_clocks(ticket, actor=actor, now=now)
    tell(ticket, actor=actor, title="新工单（来件已归属）")
    return ticket


__all__ = [
    "AUTO_CLOSE_DAYS",
    "OPEN_STATES",
    "answer_from_kb",
    "auto_close_due",
    "close_ticket",
    "handling_minutes",
    "resolve_ticket",
    "resume_ticket",
    "triage_ticket",
    "wait_for_client",
]
