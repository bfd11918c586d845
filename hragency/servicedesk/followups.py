"""The supervisor's follow-up of a dissatisfied client (R-DESK-7, seed 004 Q1) and the
service-quality improvement library (服务质量改进案例库).

A rating of 3 or lower opens a ``FollowUp`` owned by the CS supervisor of the first owner's
department, with two deadlines counted from the rating:

- ``servicedesk.followup_plan``: a new plan within 24 hours, **round the clock** (hotline
  calendar). A dissatisfied client is treated like a complaint, whose line runs 24 hours
  (R-CMP-1): a low score on Friday evening gets its plan by Saturday evening, not Tuesday.
- ``servicedesk.followup_visit``: the second visit within **3 working days** (office calendar):
  the visit is a call or a visit to the client's HR, who work office hours.

Both go to the deadlines engine, which warns and escalates. An improvement case (source
低分评价) is added at once, so the library holds every low rating; the supervisor writes the
improvement measures later.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from hragency.core import audit
from hragency.core.deadlines import close_deadline, open_deadline
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.models import Deadline
from hragency.core.notifications import notify
from hragency.core.worktime import due_after
from hragency.servicedesk.models import FollowUp, ImprovementCase, Ticket, TicketEvent

PLAN_KIND = "servicedesk.followup_plan"
VISIT_KIND = "servicedesk.followup_visit"
PLAN_HOURS = 24
PLAN_CALENDAR = "hotline"
VISIT_DAYS = 3
VISIT_CALENDAR = "office"
SOURCE_LOW_RATING = "低分评价"
SOURCE_COMPLAINT = "投诉"


def supervisor_for(user: Any, client: Any = None) -> Any:
    """The CS supervisor answerable for ``user``'s work: the head of their department (the
    parent department's head when they head it themselves), else a 客服主管 serving the client,
    else any 客服主管, else a 客服总监; None if the agency has none of them."""
    from hragency.accounts.queries import role_holders, serving
    from hragency.accounts.roles import Role

    department = getattr(user, "department", None)
    if department is not None:
        if department.head_id and department.head_id != user.pk and department.head.is_active:
            return department.head
        parent = department.parent
        if parent is not None and parent.head_id and parent.head.is_active:
            return parent.head
    if client is not None:
        found = serving(client, Role.CS_SUPERVISOR).first()
        if found is not None:
            return found
    return role_holders(Role.CS_SUPERVISOR).first() or role_holders(Role.CS_DIRECTOR).first()


def _link(follow_up: FollowUp) -> str:
    return f"/desk/care/followups/{follow_up.pk}/"


def _deadline(follow_up: FollowUp, kind: str) -> Deadline | None:
    return Deadline.objects.filter(
        kind=kind,
        subject_type=FollowUp._meta.label_lower,
        subject_id=str(follow_up.pk),
        status=Deadline.Status.OPEN,
    ).first()


def add_case(
    *,
    ticket: Ticket | None,
    title: str,
    problem: str,
    source: str,
    actor: Any,
    now: dt.datetime,
    improvement: str = "",
) -> ImprovementCase:
    """Add a case to the improvement library (called by the low-rating and complaint paths)."""
    case = ImprovementCase.objects.create(
        ticket=ticket,
        client_id=ticket.client_id if ticket is not None else None,
        title=title[:200],
        problem=problem,
        improvement=improvement,
        source=source,
        created_at=now,
    )
    audit.record(
        actor=actor, action="servicedesk.case_add", instance=case, after=audit.snapshot(case)
    )
    return case


@transaction.atomic
def open_follow_up(
    ticket: Ticket, *, score: int, comment: str, now: dt.datetime
) -> FollowUp | None:
    """Called by ``feedback.rate_ticket`` for a score ≤ 3. None when the ticket already has a
    follow-up or the agency has no supervisor to own it (logged in the audit trail)."""
    if FollowUp.objects.filter(ticket=ticket).exists():
        return None
    owner = supervisor_for(ticket.first_owner, ticket.client) if ticket.first_owner else None
    if owner is None:
        owner = supervisor_for(None, ticket.client)
    reason = f"满意度 {score} 分" + (f"：{comment}" if comment else "")
    add_case(
        ticket=ticket,
        title=f"{ticket.number} {ticket.subject}（满意度 {score} 分）",
        problem=f"{ticket.description}\n\n客户评价：{reason}",
        source=SOURCE_LOW_RATING,
        actor=None,
        now=now,
    )
    if owner is None:
        audit.record(
            actor=None,
            action="servicedesk.followup_unowned",
            instance=ticket,
            extra={"reason": "没有客服主管可以负责跟进"},
        )
        return None
    follow_up = FollowUp.objects.create(
        ticket=ticket, client_id=ticket.client_id, owner=owner, reason=reason, created_at=now
    )
    audit.record(
        actor=None,
        action="servicedesk.followup_open",
        instance=follow_up,
        after=audit.snapshot(follow_up),
    )
    for kind, due, verb in (
        (PLAN_KIND, due_after(now, hours=PLAN_HOURS, calendar=PLAN_CALENDAR), "制定调整方案"),
        (VISIT_KIND, due_after(now, days=VISIT_DAYS, calendar=VISIT_CALENDAR), "二次回访"),
    ):
        open_deadline(
            kind=kind,
            title=f"不满意跟进 {ticket.number}：{verb}",
            owner=owner,
            due_at=due,
            starts_at=now,
            client_id=ticket.client_id,
            subject=follow_up,
            link=_link(follow_up),
        )
    TicketEvent.objects.create(
        ticket=ticket,
        client_id=ticket.client_id,
        kind=TicketEvent.Kind.FOLLOW_UP,
        to_user=owner,
        body=f"客户不满意（{reason}），由 {owner} 跟进："
        "24 小时内制定调整方案，3 个工作日内二次回访",
        created_at=now,
    )
    notify(
        recipients=[owner],
        title=f"客户不满意：工单 {ticket.number}（{score} 分）",
        body=f"{reason}\n请 24 小时内制定调整方案并告知客户，3 个工作日内二次回访。",
        link=_link(follow_up),
        level="warning",
        email=True,
    )
    return follow_up


def _check_actor(actor: Any, follow_up: FollowUp) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录")
    if actor.pk != follow_up.owner_id and not actor.has_perm("servicedesk.supervise_ticket"):
        raise PermissionDenied("只有跟进主管可以记录跟进")


def _locked(follow_up: FollowUp) -> FollowUp:
    return FollowUp.objects.select_for_update().select_related("ticket").get(pk=follow_up.pk)


@transaction.atomic
def record_follow_up_plan(
    *, actor: Any, follow_up: FollowUp, plan: str, now: dt.datetime | None = None
) -> FollowUp:
    """The adjusted plan told to the client: closes the 24-hour deadline (met or late) and
    becomes the ticket's 后续跟进计划. It may be revised until the second visit."""
    _check_actor(actor, follow_up)
    follow_up = _locked(follow_up)
    if follow_up.status == FollowUp.Status.DONE:
        raise ServiceError("已完成二次回访，不能再修改调整方案")
    plan = (plan or "").strip()
    if not plan:
        raise InvalidFields([FieldError("plan", "调整方案", "必填")])
    now = now or timezone.now()
    before = audit.snapshot(follow_up)
    follow_up.plan = plan
    follow_up.planned_at = follow_up.planned_at or now
    follow_up.status = FollowUp.Status.PLANNED
    follow_up.save()
    ticket = follow_up.ticket
    ticket.follow_up_plan = plan
    ticket.save(update_fields=["follow_up_plan"])
    TicketEvent.objects.create(
        ticket=ticket,
        client_id=ticket.client_id,
        kind=TicketEvent.Kind.FOLLOW_UP,
        actor=actor,
        body=f"调整方案：{plan}",
        visible_to_client=True,
        created_at=now,
    )
    audit.record(
        actor=actor,
        action="servicedesk.followup_plan",
        instance=follow_up,
        before=before,
        after=audit.snapshot(follow_up),
    )
    deadline = _deadline(follow_up, PLAN_KIND)
    if deadline is not None:
        close_deadline(deadline, at=now, actor=actor)
    return follow_up


@transaction.atomic
def record_second_visit(
    *,
    actor: Any,
    follow_up: FollowUp,
    notes: str,
    score: Any,
    now: dt.datetime | None = None,
) -> FollowUp:
    """The second visit after the plan: notes and the client's new score (1–5). Closes the
    3-day deadline (met or late) and the follow-up; a resolved ticket is then closed."""
    from hragency.servicedesk.feedback import parse_score

    _check_actor(actor, follow_up)
    follow_up = _locked(follow_up)
    if follow_up.status == FollowUp.Status.DONE:
        raise ServiceError("已完成二次回访")
    errors = []
    if follow_up.status != FollowUp.Status.PLANNED:
        raise ServiceError("请先记录调整方案，再做二次回访")
    notes = (notes or "").strip()
    if not notes:
        errors.append(FieldError("notes", "二次回访记录", "必填"))
    try:
        value = parse_score(score)
    except InvalidFields as exc:
        errors.append(FieldError("score", "二次回访满意度", exc.errors[0].reason))
        value = 0
    if errors:
        raise InvalidFields(errors)
    now = now or timezone.now()
    before = audit.snapshot(follow_up)
    follow_up.visit_notes = notes
    follow_up.visit_score = value
    follow_up.visited_at = now
    follow_up.status = FollowUp.Status.DONE
    follow_up.save()
    ticket = Ticket.objects.select_for_update().get(pk=follow_up.ticket_id)
    TicketEvent.objects.create(
        ticket=ticket,
        client_id=ticket.client_id,
        kind=TicketEvent.Kind.FOLLOW_UP,
        actor=actor,
        body=f"二次回访（满意度 {value} 分）：{notes}",
        created_at=now,
    )
    if ticket.status == Ticket.Status.RESOLVED:
        ticket_before = audit.snapshot(ticket, ["status", "closed_at"])
        ticket.status = Ticket.Status.CLOSED
        ticket.closed_at = now
        ticket.save(update_fields=["status", "closed_at"])
        TicketEvent.objects.create(
            ticket=ticket,
            client_id=ticket.client_id,
            kind=TicketEvent.Kind.CLOSE,
            actor=actor,
            body="二次回访完成，工单关闭",
            visible_to_client=True,
            created_at=now,
        )
        audit.record(
            actor=actor,
            action="servicedesk.close",
            instance=ticket,
            before=ticket_before,
            after=audit.snapshot(ticket, ["status", "closed_at"]),
        )
    audit.record(
        actor=actor,
        action="servicedesk.followup_visit",
        instance=follow_up,
        before=before,
        after=audit.snapshot(follow_up),
    )
    deadline = _deadline(follow_up, VISIT_KIND)
    if deadline is not None:
        close_deadline(deadline, at=now, actor=actor)
    return follow_up


@transaction.atomic
def update_case(
    *, actor: Any, case: ImprovementCase, title: str, improvement: str
) -> ImprovementCase:
    """Edit a case's title and improvement measures (supervisors and complaint managers)."""
    if actor is None or not (
        actor.has_perm("servicedesk.supervise_ticket")
        or actor.has_perm("servicedesk.manage_complaint")
    ):
        raise PermissionDenied("无权编辑改进案例")
    case = ImprovementCase.objects.select_for_update().get(pk=case.pk)
    title = (title or "").strip()
    if not title:
        raise InvalidFields([FieldError("title", "标题", "必填")])
    before = audit.snapshot(case)
    case.title = title[:200]
    case.improvement = (improvement or "").strip()
    case.save()
    audit.record(
        actor=actor,
        action="servicedesk.case_update",
        instance=case,
        before=before,
        after=audit.snapshot(case),
    )
    return case
