"""Writes on requisitions: submit (with the 2 h contact and 24 h shortlist deadlines), record the
contact, the job description, the plan, the channels, cancel, evaluate.

Candidates and applications are in ``pipeline.py``. Every function is keyword-only and atomic,
checks the actor's permission and scope, calls ``ensure_serviceable`` and audits.

The requisition's stage is the step being worked on; it only moves forward, and each step needs
the one before it (no plan before the job description, no channel before the plan, no
candidate before a channel).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from hragency.accounts.queries import client_hr_users, role_holders, serving
from hragency.accounts.roles import Role
from hragency.clients.models import Client
from hragency.clients.services import ensure_serviceable
from hragency.core import audit, fields
from hragency.core.deadlines import cancel_deadline, close_deadline, open_deadline
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.models import Deadline
from hragency.core.notifications import notify
from hragency.core.numbering import next_number
from hragency.core.worktime import due_after
from hragency.recruitment.models import STAGE_ORDER, Channel, Requisition
from hragency.recruitment.queries import requisitions_for

# 004 (问题处理与协作执行): "招聘类需求：客服转接至招聘部，专员需在2小时内联系客户，明确岗位需求、
# 薪资范围、任职要求等". Round the clock: the same seed writes "2个工作小时" where it means working
# hours (e-mail replies) and plain "2小时" here.
CONTACT_HOURS = 2
# 004 (流程执行关键控制点): "招聘部需在收到需求后24小时内反馈人才推荐名单" — round the clock too.
SHORTLIST_HOURS = 24
DEADLINE_CALENDAR = "hotline"
CONTACT_KIND = "recruitment.contact"
SHORTLIST_KIND = "recruitment.shortlist"
MAX_HEADCOUNT = 500

S = Requisition.Stage


def link(requisition: Requisition) -> str:
    return f"/recruitment/{requisition.pk}/"


def portal_link(requisition: Requisition) -> str:
    return f"/recruitment/portal/{requisition.pk}/"


# ---- gates ---------------------------------------------------------------------------------


def _authenticated(actor: Any) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录")


def require_handler(actor: Any, requisition: Requisition | None = None) -> None:
    """Recruiters (and administrators) work the requisition."""
    _authenticated(actor)
    if not actor.has_perm("recruitment.handle_requisition"):
        raise PermissionDenied("无权办理招聘需求")
    if requisition is not None:
        require_visible(actor, requisition)


def require_visible(actor: Any, requisition: Requisition) -> None:
    _authenticated(actor)
    if not requisitions_for(actor).filter(pk=requisition.pk).exists():
        raise PermissionDenied("无权处理该客户的招聘需求")


def require_client_or_handler(actor: Any, requisition: Requisition) -> None:
    """The client's own HR user, or a recruiter recording what the client said."""
    _authenticated(actor)
    if getattr(actor, "kind", "") == "client_hr":
        if actor.client_id != requisition.client_id or not actor.has_perm(
            "recruitment.view_requisition"
        ):
            raise PermissionDenied("无权处理该招聘需求")
        return
    require_handler(actor, requisition)


def locked(requisition: Requisition) -> Requisition:
    requisition = (
        Requisition.objects.select_for_update(of=("self",))
        .select_related("client", "recruiter")
        .get(pk=requisition.pk)
    )
    ensure_serviceable(requisition.client)
    return requisition


def ensure_open(requisition: Requisition) -> None:
    if requisition.status != Requisition.Status.OPEN:
        raise ServiceError(f"该招聘需求{requisition.get_status_display()}，不能再办理")


def ensure_stage(requisition: Requisition, at_least: str, message: str) -> None:
    if STAGE_ORDER.index(requisition.stage) < STAGE_ORDER.index(at_least):
        raise ServiceError(message)


def advance(requisition: Requisition, stage: str) -> None:
    """Move the stage forward to ``stage`` (never back)."""
    if STAGE_ORDER.index(stage) > STAGE_ORDER.index(requisition.stage):
        requisition.stage = stage


def open_deadline_of(requisition: Requisition, kind: str) -> Deadline | None:
    return Deadline.objects.filter(
        kind=kind,
        subject_type=Requisition._meta.label_lower,
        subject_id=str(requisition.pk),
        status=Deadline.Status.OPEN,
    ).first()


def pick_recruiter(client: Client) -> Any:
    """A recruiter serving the client, else the first recruiter of the agency."""
    return serving(client, Role.RECRUITER).first() or role_holders(Role.RECRUITER).first()


# ---- submit --------------------------------------------------------------------------------


@transaction.atomic
def submit_requisition(
    *,
    actor: Any,
    client: Client,
    position: Any,
    headcount: Any,
    salary_min: Any,
    salary_max: Any,
    location: Any = "",
    requirements: Any = "",
    urgency: Any = "",
    requested_at: dt.datetime | None = None,
) -> Requisition:
    """A client's request (from the portal, or taken by a rep or recruiter): numbered, given to
    a recruiter, with the deadlines to contact the client (2 h) and send a shortlist (24 h)."""
    _authenticated(actor)
    if not actor.has_perm("recruitment.add_requisition"):
        raise PermissionDenied("无权提交招聘需求")
    if getattr(actor, "kind", "") == "client_hr" and actor.client_id != client.pk:
        raise PermissionDenied("只能为本企业提交招聘需求")
    client = ensure_serviceable(client)
    errors: list[FieldError] = []
    position = fields.text(position, "position", "岗位", errors, required=True, max_length=60)
    count = fields.integer(headcount, "headcount", "招聘人数", errors, low=1, high=MAX_HEADCOUNT)
    low = fields.amount(salary_min, "salary_min", "薪资下限", errors)
    high = fields.amount(salary_max, "salary_max", "薪资上限", errors)
    if low is not None and high is not None and high < low:
        errors.append(FieldError("salary_max", "薪资上限", "不能低于薪资下限"))
    location = fields.text(location, "location", "工作地点", errors, max_length=100)
    requirements = fields.text(requirements, "requirements", "任职要求", errors)
    urgency = (
        fields.choice(urgency, "urgency", "紧急程度", Requisition.Urgency.choices, errors)
        if urgency not in (None, "")
        else Requisition.Urgency.NORMAL
    )
    now = timezone.now()
    requested_at = requested_at or now
    if requested_at > now + dt.timedelta(minutes=5):
        errors.append(FieldError("requested_at", "提出时间", "不能晚于当前时间"))
    if errors:
        raise InvalidFields(errors)
    recruiter = pick_recruiter(client)
    if recruiter is None:
        raise ServiceError("尚未设置招聘专员，无法受理招聘需求，请联系管理员")
    requisition = Requisition.objects.create(
        number=next_number("ZP", on=timezone.localdate(requested_at)),
        client=client,
        position=position,
        headcount=count,
        location=location,
        salary_min=low,
        salary_max=high,
        requirements=requirements,
        urgency=urgency,
        requested_by=actor,
        requested_at=requested_at,
        recruiter=recruiter,
    )
    audit.record(
        actor=actor,
        action="recruitment.requisition_submit",
        instance=requisition,
        after=audit.snapshot(requisition),
    )
    for kind, hours, what in (
        (CONTACT_KIND, CONTACT_HOURS, "联系客户确认需求"),
        (SHORTLIST_KIND, SHORTLIST_HOURS, "反馈人才推荐名单"),
    ):
        open_deadline(
            kind=kind,
            title=f"{client.name}·{position}：{hours}小时内{what}",
            owner=recruiter,
            due_at=due_after(requested_at, hours=hours, calendar=DEADLINE_CALENDAR),
            starts_at=requested_at,
            client_id=client.pk,
            subject=requisition,
            link=link(requisition),
            warn_minutes=30 if hours <= CONTACT_HOURS else None,
            actor=actor,
        )
    notify(
        recipients=[recruiter],
        title=f"新招聘需求 {requisition.number}：{client.name}·{position} {count} 人",
        body=f"请在 {CONTACT_HOURS} 小时内联系客户确认需求，{SHORTLIST_HOURS} 小时内反馈推荐名单。",
        link=link(requisition),
        level="warning" if urgency != Requisition.Urgency.NORMAL else "info",
    )
    return requisition


# ---- the recruiter's steps -----------------------------------------------------------------


def _audit(actor: Any, action: str, requisition: Requisition, before: dict[str, Any]) -> None:
    audit.record(
        actor=actor,
        action=action,
        instance=requisition,
        before=before,
        after=audit.snapshot(requisition),
    )


@transaction.atomic
def record_contact(
    *, actor: Any, requisition: Requisition, note: Any, at: dt.datetime | None = None
) -> Requisition:
    """The recruiter has called the client and confirmed the need (closes the 2 h deadline)."""
    require_handler(actor, requisition)
    requisition = locked(requisition)
    ensure_open(requisition)
    if requisition.contacted_at is not None:
        raise ServiceError("已记录过联系客户")
    errors: list[FieldError] = []
    note = fields.text(note, "note", "需求确认记录", errors, required=True)
    now = timezone.now()
    at = at or now
    if at > now + dt.timedelta(minutes=5):
        errors.append(FieldError("at", "联系时间", "不能晚于当前时间"))
    elif at < requisition.requested_at:
        errors.append(FieldError("at", "联系时间", "不能早于需求提出时间"))
    if errors:
        raise InvalidFields(errors)
    before = audit.snapshot(requisition)
    requisition.contacted_at = at
    requisition.contact_note = note
    advance(requisition, S.JD)
    requisition.save()
    _audit(actor, "recruitment.contact", requisition, before)
    deadline = open_deadline_of(requisition, CONTACT_KIND)
    if deadline is not None:
        close_deadline(deadline, at=at, actor=actor)
    return requisition


@transaction.atomic
def save_jd(*, actor: Any, requisition: Requisition, jd: Any) -> Requisition:
    """The 《岗位说明书》: duties and qualifications (002 §2(2))."""
    require_handler(actor, requisition)
    requisition = locked(requisition)
    ensure_open(requisition)
    ensure_stage(requisition, S.JD, "请先联系客户确认需求，再编写岗位说明书")
    errors: list[FieldError] = []
    jd = fields.text(jd, "jd", "岗位说明书", errors, required=True)
    if errors:
        raise InvalidFields(errors)
    before = audit.snapshot(requisition)
    requisition.jd = jd
    advance(requisition, S.PLAN)
    requisition.save()
    _audit(actor, "recruitment.jd", requisition, before)
    return requisition


@transaction.atomic
def save_plan(
    *, actor: Any, requisition: Requisition, plan_start: Any, plan_end: Any, plan_note: Any
) -> Requisition:
    """The recruitment plan: from when, people in post by when, how."""
    require_handler(actor, requisition)
    requisition = locked(requisition)
    ensure_open(requisition)
    ensure_stage(requisition, S.PLAN, "请先编写岗位说明书，再制定招聘计划")
    errors: list[FieldError] = []
    start = fields.date(plan_start, "plan_start", "计划开始", errors)
    end = fields.date(plan_end, "plan_end", "计划到岗", errors)
    if start and end and end < start:
        errors.append(FieldError("plan_end", "计划到岗", "不能早于计划开始"))
    note = fields.text(plan_note, "plan_note", "招聘计划", errors, required=True)
    if errors:
        raise InvalidFields(errors)
    before = audit.snapshot(requisition)
    requisition.plan_start, requisition.plan_end, requisition.plan_note = start, end, note
    advance(requisition, S.CHANNELS)
    requisition.save()
    _audit(actor, "recruitment.plan", requisition, before)
    return requisition


@transaction.atomic
def add_channel(
    *,
    actor: Any,
    requisition: Requisition,
    name: Any,
    cost: Any,
    published_on: Any = None,
    note: Any = "",
) -> Channel:
    """Publish on a channel (job site, fair, referral, headhunter…) with its exact cost."""
    require_handler(actor, requisition)
    requisition = locked(requisition)
    ensure_open(requisition)
    ensure_stage(requisition, S.CHANNELS, "请先制定招聘计划，再发布渠道")
    errors: list[FieldError] = []
    name = fields.text(name, "name", "渠道", errors, required=True, max_length=60)
    amount = fields.amount(cost, "cost", "费用", errors)
    day = (
        fields.date(published_on, "published_on", "发布日期", errors)
        if published_on not in (None, "")
        else timezone.localdate()
    )
    note = fields.text(note, "note", "说明", errors, max_length=200)
    if errors or amount is None or day is None:
        raise InvalidFields(errors)
    channel = Channel.objects.create(
        requisition=requisition, name=name, cost=amount, published_on=day, note=note
    )
    before = audit.snapshot(requisition)
    advance(requisition, S.SCREENING)
    requisition.save()
    audit.record(
        actor=actor,
        action="recruitment.channel_add",
        instance=requisition,
        before=before,
        after=audit.snapshot(requisition),
        extra={"channel": {"name": name, "cost": str(amount), "published_on": str(day)}},
    )
    return channel


@transaction.atomic
def cancel_requisition(*, actor: Any, requisition: Requisition, reason: Any) -> Requisition:
    """Withdraw the request (the client's HR or the recruiter); open deadlines are cancelled."""
    require_client_or_handler(actor, requisition)
    requisition = Requisition.objects.select_for_update(of=("self",)).get(pk=requisition.pk)
    ensure_open(requisition)
    errors: list[FieldError] = []
    reason = fields.text(reason, "reason", "取消原因", errors, required=True, max_length=300)
    if errors:
        raise InvalidFields(errors)
    before = audit.snapshot(requisition)
    requisition.status = Requisition.Status.CANCELLED
    requisition.cancel_reason = reason
    requisition.save()
    _audit(actor, "recruitment.cancel", requisition, before)
    for kind in (CONTACT_KIND, SHORTLIST_KIND):
        deadline = open_deadline_of(requisition, kind)
        if deadline is not None:
            cancel_deadline(deadline=deadline, actor=actor)
    others = [requisition.recruiter] if actor.pk != requisition.recruiter_id else []
    others += [u for u in client_hr_users(requisition.client_id) if u.pk != actor.pk]
    notify(
        recipients=others,
        title=f"招聘需求 {requisition.number} 已取消",
        body=reason,
        link=link(requisition),
    )
    return requisition


@transaction.atomic
def evaluate_requisition(
    *, actor: Any, requisition: Requisition, satisfaction: Any, note: Any = ""
) -> Requisition:
    """The client's evaluation of the service once filled (002 §2(6)); one, may be revised."""
    require_client_or_handler(actor, requisition)
    requisition = Requisition.objects.select_for_update(of=("self",)).get(pk=requisition.pk)
    if requisition.status != Requisition.Status.FILLED:
        raise ServiceError("招聘完成（全部录用人员确认入职）后才能评价")
    errors: list[FieldError] = []
    score = fields.integer(satisfaction, "satisfaction", "客户满意度", errors, low=1, high=5)
    note = fields.text(note, "note", "评价", errors)
    if errors:
        raise InvalidFields(errors)
    before = audit.snapshot(requisition)
    requisition.satisfaction = score
    requisition.evaluation_note = note
    requisition.evaluated_at = timezone.now()
    advance(requisition, S.EVALUATION)
    requisition.save()
    _audit(actor, "recruitment.evaluate", requisition, before)
    return requisition
