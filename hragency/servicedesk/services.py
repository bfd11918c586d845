"""The ticket workflow (R-DESK-3/5/6): accept, reply, note, transfer, urge, supervise, return
and its review, reassign, wait for the client and resume, resolve, close, answer from the
knowledge base, triage. Every function is atomic, audited, writes a `TicketEvent`, checks the
actor's permission itself and refuses a wrong state with a Chinese `ServiceError`.

First-contact responsibility (首问责任制, R-DESK-6): `first_owner` never changes after intake
(except when a triaged e-mail gets its first owner); they are told of every step on their
ticket until it is solved, and a refused or approved return sends the ticket back to them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from hragency.core import audit
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.notifications import notify
from hragency.servicedesk import sla
from hragency.servicedesk.models import Ticket, TicketEvent

Status = Ticket.Status
Kind = TicketEvent.Kind
OPEN_STATES = (Status.PENDING, Status.IN_PROGRESS, Status.WAITING)
PERM_VIEW = "servicedesk.view_ticket"
PERM_HANDLE = "servicedesk.handle_ticket"
PERM_SUPERVISE = "servicedesk.supervise_ticket"
PERM_TRIAGE = "servicedesk.triage_ticket"


# ---------------------------------------------------------------- helpers


def _require(actor: Any, perm: str, what: str) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录")
    if not actor.has_perm(perm):
        raise PermissionDenied(f"无权{what}")


def _visible(actor: Any, ticket: Ticket) -> None:
    from hragency.servicedesk.queries import tickets_for

    if not tickets_for(actor).filter(pk=ticket.pk).exists():
        raise PermissionDenied("无权查看该工单")


def _locked(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("handler", "first_owner", "sla_policy", "client")
        .get(pk=ticket.pk)
    )


def _is_worker(actor: Any, ticket: Ticket) -> bool:
    """The handler, the first owner, or a supervisor (or anyone if nobody handles it)."""
    return (
        ticket.handler_id is None
        or actor.pk in (ticket.handler_id, ticket.first_owner_id)
        or actor.has_perm(PERM_SUPERVISE)
    )


def _worker(actor: Any, ticket: Ticket, what: str) -> Ticket:
    _require(actor, PERM_HANDLE, what)
    _visible(actor, ticket)
    ticket = _locked(ticket)
    if not _is_worker(actor, ticket):
        raise PermissionDenied(f"该工单由{ticket.handler}处理，您无权{what}")
    return ticket


def _state(ticket: Ticket, allowed: Iterable[str], what: str) -> None:
    if ticket.status not in allowed:
        raise ServiceError(f"工单{ticket.get_status_display()}，不能{what}")


def _text(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidFields([FieldError(field, label, "必填")])
    return value


def _event(
    ticket: Ticket,
    kind: str,
    *,
    actor: Any,
    now: dt.datetime,
    body: str = "",
    visible: bool = False,
    to_user: Any = None,
    to_department: Any = None,
) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        client_id=ticket.client_id,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        author_name=str(actor) if actor is not None else "系统",
        body=body,
        visible_to_client=visible,
        to_user=to_user,
        to_department=to_department,
        created_at=now,
    )


def _audit(actor: Any, action: str, ticket: Ticket, before: dict[str, Any], **extra: Any) -> None:
    audit.record(
        actor=actor,
        action=f"servicedesk.{action}",
        instance=ticket,
        before=before,
        after=audit.snapshot(ticket),
        extra=extra or None,
    )


def tell(
    ticket: Ticket, *, actor: Any, title: str, body: str = "", also: Iterable[Any] = ()
) -> None:
    """Tell the handler and — until the ticket is solved — the first owner (R-DESK-6), plus
    `also`; never the actor themselves."""
    people = [ticket.handler, *also]
    if ticket.status in OPEN_STATES or ticket.status == Status.RESOLVED:
        people.append(ticket.first_owner)
    actor_pk = getattr(actor, "pk", None)
    recipients = {p.pk: p for p in people if p is not None and p.pk != actor_pk}
    if recipients:
        notify(
            recipients=recipients.values(),
            title=f"工单 {ticket.number}：{title}",
            body=body or ticket.subject,
            link=sla.link(ticket),
        )


def _record_first_response(ticket: Ticket, *, actor: Any, now: dt.datetime) -> None:
    if ticket.first_response_at is None:
        ticket.first_response_at = now
        sla.close_clock(ticket, sla.RESPONSE_KIND, at=now, actor=actor)


def _department_head(user: Any) -> Any:
    department = getattr(user, "department", None)
    if department is None:
        return None
    if department.head_id and department.head_id != user.pk:
        return department.head
    parent = department.parent
    return parent.head if parent is not None and parent.head_id else None


def _check_handler(user: Any) -> None:
    if user is None or not user.is_active or user.kind != "staff" or not user.has_perm(PERM_HANDLE):
        raise InvalidFields([FieldError("to_user", "处理人", "该用户不能处理工单")])


# ---------------------------------------------------------------- accept, reply, note


@transaction.atomic
def accept_ticket(*, actor: Any, ticket: Ticket, now: dt.datetime | None = None) -> Ticket:
    """待处理 → 处理中 by the handler (taking it if nobody handles it). Records the first
    response if there was none."""
    now = now or timezone.now()
    ticket = _worker(actor, ticket, "受理该工单")
    _state(ticket, [Status.PENDING], "受理")
    before = audit.snapshot(ticket)
    if ticket.handler_id is None:
        ticket.handler = actor
        ticket.first_owner = ticket.first_owner or actor
    ticket.status = Status.IN_PROGRESS
    _record_first_response(ticket, actor=actor, now=now)
    ticket.save()
    _event(ticket, Kind.ACCEPT, actor=actor, now=now, body="已受理", visible=True)
    _audit(actor, "accept", ticket, before)
    tell(ticket, actor=actor, title=f"{actor} 已受理")
    return ticket


@transaction.atomic
def reply_to_client(
    *, actor: Any, ticket: Ticket, body: str, now: dt.datetime | None = None
) -> TicketEvent:
    """A reply the client sees (and receives on the ticket's channel after commit). The
    first reply is the first response: it closes the response clock."""
    from hragency.servicedesk.channels import outbound

    now = now or timezone.now()
    ticket = _worker(actor, ticket, "答复客户")
    _state(ticket, [*OPEN_STATES, Status.RESOLVED], "答复客户")
    body = _text(body, "body", "答复内容")
    before = audit.snapshot(ticket)
    if ticket.status == Status.PENDING:
        ticket.status = Status.IN_PROGRESS
        if ticket.handler_id is None:
            ticket.handler = actor
    _record_first_response(ticket, actor=actor, now=now)
    ticket.save()
    event = _event(ticket, Kind.REPLY, actor=actor, now=now, body=body, visible=True)
    _audit(actor, "reply", ticket, before, event=event.pk)
    tell(ticket, actor=actor, title=f"{actor} 已答复客户", body=body[:200])
    event_id = event.pk
    transaction.on_commit(lambda: outbound.deliver_by_id(event_id))
    return event


@transaction.atomic
def add_note(
    *, actor: Any, ticket: Ticket, body: str, now: dt.datetime | None = None
) -> TicketEvent:
    """An internal note: staff only, never shown to the client."""
    _require(actor, PERM_HANDLE, "添加内部备注")
    _visible(actor, ticket)
    now = now or timezone.now()
    body = _text(body, "body", "备注内容")
    ticket = _locked(ticket)
    event = _event(ticket, Kind.NOTE, actor=actor, now=now, body=body)
    audit.record(actor=actor, action="servicedesk.note", instance=ticket, after={"event": event.pk})
    tell(ticket, actor=actor, title=f"{actor} 添加了内部备注", body=body[:200])
    return event


# ---------------------------------------------------------------- transfer and reassign


def _hand_over(
    ticket: Ticket,
    *,
    actor: Any,
    now: dt.datetime,
    to_user: Any,
    department: Any,
    kind: str,
    reason: str,
    action: str,
) -> Ticket:
    _check_handler(to_user)
    if to_user.pk == ticket.handler_id:
        raise ServiceError(f"工单已由{to_user}处理")
    before = audit.snapshot(ticket)
    previous = ticket.handler
    ticket.handler = to_user
    ticket.department = department or to_user.department
    if ticket.status == Status.IN_PROGRESS:
        ticket.status = Status.PENDING  # the new handler accepts it
    ticket.save()
    sla.move_clocks(ticket, owner=to_user, actor=actor)
    who = f"{ticket.department.name} / {to_user}" if ticket.department else str(to_user)
    body = f"{previous or '（无）'} → {who}" + (f"：{reason}" if reason else "")
    _event(
        ticket,
        kind,
        actor=actor,
        now=now,
        body=body,
        to_user=to_user,
        to_department=ticket.department,
    )
    _audit(actor, action, ticket, before, reason=reason)
    label = TicketEvent.Kind(kind).label
    tell(
        ticket,
        actor=actor,
        title=f"{label}给 {to_user}",
        body=f"{ticket.subject}\n{reason}".strip(),
        also=[previous],
    )
    return ticket


@transaction.atomic
def transfer_ticket(
    *,
    actor: Any,
    ticket: Ticket,
    to_user: Any = None,
    department: Any = None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Ticket:
    """转办 to a chosen user, or to the department's handler by the routing rules. The whole
    history goes with the ticket; the first owner stays answerable and is told."""
    from hragency.servicedesk import routing

    now = now or timezone.now()
    ticket = _worker(actor, ticket, "转办该工单")
    _state(ticket, OPEN_STATES, "转办")
    if to_user is None and department is not None:
        to_user = routing.handler_in(department, "", ticket.client)
    if to_user is None:
        found = routing.route(ticket)
        if found is None or found.handler is None:
            raise ServiceError("没有适用的分派规则或该部门无可处理人员，请指定处理人")
        to_user, department = found.handler, found.department
    return _hand_over(
        ticket,
        actor=actor,
        now=now,
        to_user=to_user,
        department=department,
        kind=Kind.TRANSFER,
        reason=reason.strip(),
        action="transfer",
    )


@transaction.atomic
def reassign_ticket(
    *, actor: Any, ticket: Ticket, to_user: Any, reason: str = "", now: dt.datetime | None = None
) -> Ticket:
    """改派 by a supervisor."""
    _require(actor, PERM_SUPERVISE, "改派工单")
    _visible(actor, ticket)
    now = now or timezone.now()
    ticket = _locked(ticket)
    _state(ticket, OPEN_STATES, "改派")
    ticket.return_reason, ticket.return_requested_by = "", None
    return _hand_over(
        ticket,
        actor=actor,
        now=now,
        to_user=to_user,
        department=None,
        kind=Kind.REASSIGN,
        reason=reason.strip(),
        action="reassign",
    )


# ---------------------------------------------------------------- urge and supervise


@transaction.atomic
def urge_ticket(
    *, actor: Any, ticket: Ticket, note: str = "", now: dt.datetime | None = None
) -> Ticket:
    """催办: anyone who can see the ticket (staff, the first owner, the client's HR)."""
    _require(actor, PERM_VIEW, "催办工单")
    _visible(actor, ticket)
    now = now or timezone.now()
    ticket = _locked(ticket)
    _state(ticket, OPEN_STATES, "催办")
    before = audit.snapshot(ticket)
    ticket.urge_count += 1
    ticket.save(update_fields=["urge_count"])
    by_client = actor.kind == "client_hr"
    body = note.strip() or ("客户催办" if by_client else "请尽快处理")
    _event(ticket, Kind.URGE, actor=actor, now=now, body=body, visible=by_client)
    _audit(actor, "urge", ticket, before)
    tell(
        ticket,
        actor=actor,
        title=f"{'客户' if by_client else actor} 催办（第 {ticket.urge_count} 次）",
        body=body,
    )
    return ticket


@transaction.atomic
def supervise_ticket(
    *, actor: Any, ticket: Ticket, note: str = "", now: dt.datetime | None = None
) -> Ticket:
    """督办 by a supervisor: flagged, the handler and their head are told."""
    _require(actor, PERM_SUPERVISE, "督办工单")
    _visible(actor, ticket)
    now = now or timezone.now()
    ticket = _locked(ticket)
    _state(ticket, OPEN_STATES, "督办")
    before = audit.snapshot(ticket)
    ticket.supervised = True
    ticket.save(update_fields=["supervised"])
    body = note.strip() or "请优先处理"
    _event(ticket, Kind.SUPERVISE, actor=actor, now=now, body=body)
    _audit(actor, "supervise", ticket, before)
    head = _department_head(ticket.handler) if ticket.handler else None
    tell(ticket, actor=actor, title=f"{actor} 督办", body=body, also=[head])
    return ticket


# ---------------------------------------------------------------- return and review


@transaction.atomic
def request_return(
    *, actor: Any, ticket: Ticket, reason: str, now: dt.datetime | None = None
) -> Ticket:
    """退单: the handler says the ticket is not theirs; a supervisor reviews it."""
    from hragency.accounts.queries import role_holders
    from hragency.accounts.roles import Role

    _require(actor, PERM_HANDLE, "申请退单")
    _visible(actor, ticket)
    now = now or timezone.now()
    ticket = _locked(ticket)
    if ticket.handler_id != actor.pk:
        raise PermissionDenied("只有当前处理人可以申请退单")
    _state(ticket, OPEN_STATES, "退单")
    if ticket.first_owner_id == actor.pk:
        raise ServiceError("您是该工单的首问责任人，不能退单；请转办或申请改派")
    if ticket.return_requested_by_id:
        raise ServiceError("退单申请已提交，等待主管审核")
    reason = _text(reason, "reason", "退单原因")
    before = audit.snapshot(ticket)
    ticket.return_reason, ticket.return_requested_by = reason, actor
    ticket.save(update_fields=["return_reason", "return_requested_by"])
    _event(ticket, Kind.RETURN_REQUEST, actor=actor, now=now, body=reason)
    _audit(actor, "return_request", ticket, before)
    reviewers = [_department_head(actor), _department_head(ticket.first_owner)]
    if not any(reviewers):
        reviewers = list(role_holders(Role.CS_SUPERVISOR))
    tell(ticket, actor=actor, title=f"{actor} 申请退单，待审核", body=reason, also=reviewers)
    return ticket


@transaction.atomic
def review_return(
    *,
    actor: Any,
    ticket: Ticket,
    approve: bool,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Ticket:
    """退单审核: approved → back to the first owner, 待处理; refused → stays with the handler."""
    _require(actor, PERM_SUPERVISE, "审核退单")
    _visible(actor, ticket)
    now = now or timezone.now()
    ticket = _locked(ticket)
    if not ticket.return_requested_by_id:
        raise ServiceError("该工单没有待审核的退单申请")
    if not approve:
        reason = _text(reason, "reason", "驳回理由")
    before = audit.snapshot(ticket)
    requester = ticket.return_requested_by
    ticket.return_reason, ticket.return_requested_by = "", None
    if approve:
        owner = ticket.first_owner
        if owner is None or not owner.is_active:
            raise ServiceError("首问责任人已不可用，请改派")
        ticket.handler = owner
        ticket.department = owner.department
        ticket.status = Status.PENDING
        ticket.save()
        sla.move_clocks(ticket, owner=owner, actor=actor)
        _event(ticket, Kind.RETURN_APPROVED, actor=actor, now=now, body=reason, to_user=owner)
    else:
        ticket.save(update_fields=["return_reason", "return_requested_by"])
        _event(ticket, Kind.RETURN_REFUSED, actor=actor, now=now, body=reason)
    _audit(actor, "return_review", ticket, before, approved=approve, reason=reason)
    tell(
        ticket,
        actor=actor,
        title="退单已通过，工单退回首问责任人" if approve else "退单被驳回，请继续处理",
        body=reason,
        also=[requester],
    )
    return ticket


# The second half of the workflow lives in `lifecycle` (file size); callers use `services`.
from hragency.servicedesk.lifecycle import (  # noqa: E402
    answer_from_kb,
    auto_close_due,
    close_ticket,
    handling_minutes,
    resolve_ticket,
    resume_ticket,
    triage_ticket,
    wait_for_client,
)

__all__ = [
    "accept_ticket",
    "add_note",
    "answer_from_kb",
    "auto_close_due",
    "close_ticket",
    "handling_minutes",
    "reassign_ticket",
    "reply_to_client",
    "request_return",
    "resolve_ticket",
    "resume_ticket",
    "review_return",
    "supervise_ticket",
    "tell",
    "transfer_ticket",
    "triage_ticket",
    "urge_ticket",
    "wait_for_client",
]
