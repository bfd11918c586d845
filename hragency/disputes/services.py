"""Writes on labour-dispute cases: open (staff or the client's consultation), assign legal
support, move the stage, hearings with their preparation deadline, documents, notes, outcome.

Deadlines: ``disputes.limitation`` is due at the end of the arbitration limitation's last day
(warned 30 days before) while the case is before arbitration; ``disputes.hearing`` is the
preparation of a hearing, due at the end of the working day before it (18:00).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hragency.accounts.queries import role_holders, serving
from hragency.accounts.roles import Role
from hragency.clients.models import Client
from hragency.clients.services import ensure_serviceable
from hragency.core import audit, fields
from hragency.core import values as v
from hragency.core.deadlines import cancel_deadline, close_deadline, open_deadline
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.models import Deadline
from hragency.core.notifications import notify
from hragency.core.numbering import next_number
from hragency.core.scoping import scope_queryset
from hragency.core.worktime import office_calendar
from hragency.disputes.limitation import limitation_ends
from hragency.disputes.models import DisputeCase
from hragency.employees.models import InsuredPerson

PREFIX = "LD"
LIMITATION_WARN_MINUTES = 30 * 24 * 60
MAX_TEXT = 4000
STAGE_ORDER = [s.value for s in DisputeCase.Stage]


def _authenticated(actor: Any) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录")


def _require_handler(actor: Any, case: DisputeCase | None = None) -> None:
    _authenticated(actor)
    if not actor.has_perm("disputes.handle_dispute"):
        raise PermissionDenied("无权处理劳动争议")
    if case is not None and not may_see(actor, case):
        raise PermissionDenied("无权处理该客户的劳动争议")


def may_see(user: Any, case: DisputeCase) -> bool:
    from hragency.disputes.queries import cases_for

    return cases_for(user).filter(pk=case.pk).exists()


def _locked(case: DisputeCase) -> DisputeCase:
    return (
        DisputeCase.objects.select_for_update(of=("self",)).select_related("client").get(pk=case.pk)
    )


def parse_demands(raw: Any, errors: list[FieldError]) -> tuple[list[dict[str, str]], Decimal]:
    """Demands as a list of {"item", "amount"} or as text lines "经济补偿金 12000"; amounts are
    exact (core.values.amount)."""
    rows: list[tuple[str, Any]] = []
    if isinstance(raw, list):
        rows = [(str(d.get("item", "")), d.get("amount", "")) for d in raw if isinstance(d, dict)]
    else:
        for line in str(raw or "").splitlines():
            line = line.strip()
            if not line:
                continue
            match = re.match(r"^(.*?)[\s:：,，]+([¥￥]?[\d,]+(?:\.\d+)?)\s*元?$", line)
            if match is None:
                rows.append((line, ""))
            else:
                rows.append((match.group(1).strip(), match.group(2)))
    demands: list[dict[str, str]] = []
    total = Decimal("0.00")
    for index, (item, raw_amount) in enumerate(rows, start=1):
        item = item.strip()[:60]
        if not item:
            errors.append(FieldError("demands", "请求事项", f"第 {index} 项缺少事项名称"))
            continue
        amount = Decimal("0.00")
        if raw_amount not in (None, ""):
            try:
                amount = v.amount(raw_amount)
            except v.InvalidValue as exc:
                errors.append(FieldError("demands", "请求事项", f"第 {index} 项金额：{exc}"))
                continue
        demands.append({"item": item, "amount": f"{amount:.2f}"})
        total += amount
    return demands, total


def default_owner(client: Client) -> Any:
    """The labour-relations specialist serving the client, else the first one."""
    return (
        serving(client, Role.LABOUR_RELATIONS).first()
        or role_holders(Role.LABOUR_RELATIONS).first()
    )


def _link(case: DisputeCase) -> str:
    return reverse("disputes:detail", args=[case.pk])


def _is_working_day(day: dt.date) -> bool:
    return office_calendar().is_working_day(day)


def _end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))


def _apply_limitation(case: DisputeCase, actor: Any) -> None:
    """Compute the last day of the limitation and keep its deadline in step."""
    cal = office_calendar()
    ends = (
        limitation_ends(
            case.known_on,
            is_working_day=cal.is_working_day,
            unpaid_wages_during_employment=case.unpaid_wages_ongoing,
            employment_ended_on=case.employment_ended_on,
        )
        if case.known_on is not None
        else None
    )
    case.limitation_ends_on = ends
    current = (
        Deadline.objects.filter(pk=case.limitation_deadline_id, status=Deadline.Status.OPEN).first()
        if case.limitation_deadline_id
        else None
    )
    # A period already over has nothing left to warn about: the page shows it as 已届满.
    wanted = (
        ends is not None
        and ends >= timezone.localdate()
        and case.stage
        in (
            DisputeCase.Stage.CONSULTATION,
            DisputeCase.Stage.MEDIATION,
        )
    )
    if current is not None and (not wanted or current.due_at != _end_of_day(ends)):  # type: ignore[arg-type]
        cancel_deadline(deadline=current, actor=actor)
        current = None
    if wanted and current is None and case.owner_id is not None:
        case.limitation_deadline = open_deadline(
            kind="disputes.limitation",
            title=f"劳动争议 {case.number} 仲裁时效届满（{ends:%Y-%m-%d}）",
            owner=case.owner,
            due_at=_end_of_day(ends),  # type: ignore[arg-type]
            client_id=case.client_id,
            subject=case,
            link=_link(case),
            warn_minutes=LIMITATION_WARN_MINUTES,
            actor=actor,
        )


@transaction.atomic
def open_case(
    *,
    actor: Any,
    client: Client,
    category: str,
    title: str,
    description: str,
    person: InsuredPerson | None = None,
    claimant: str = "",
    demands: Any = None,
    known_on: Any = None,
    unpaid_wages_ongoing: bool = False,
    employment_ended_on: Any = None,
    owner: Any = None,
    stage: str = DisputeCase.Stage.CONSULTATION,
) -> DisputeCase:
    """Register a dispute. Staff need ``handle_dispute``; a client's HR user may open a
    consultation for their own company (``submit_consultation``)."""
    _authenticated(actor)
    is_client = getattr(actor, "kind", "") == "client_hr"
    if is_client:
        if actor.client_id != client.pk:
            raise PermissionDenied("只能为本单位提交劳动争议咨询")
        stage = DisputeCase.Stage.CONSULTATION
    else:
        _require_handler(actor)
        if not scope_queryset(Client.objects.filter(pk=client.pk), actor).exists():
            raise PermissionDenied("无权为该客户登记劳动争议")
    ensure_serviceable(client)
    errors: list[FieldError] = []
    if category not in DisputeCase.Category.values:
        errors.append(FieldError("category", "争议类型", "请选择争议类型"))
    if stage not in (DisputeCase.Stage.CONSULTATION, DisputeCase.Stage.MEDIATION):
        errors.append(FieldError("stage", "阶段", "新案件从咨询或调解阶段开始"))
    title = fields.text(title, "title", "案由", errors, required=True, max_length=120)
    description = fields.text(
        description, "description", "争议经过", errors, required=True, max_length=MAX_TEXT
    )
    claimant = fields.text(claimant, "claimant", "申请人", errors, required=False, max_length=60)
    if person is not None and person.client_id != client.pk:
        errors.append(FieldError("person", "涉及人员", "该人员不属于此客户"))
    parsed_demands, total = parse_demands(demands, errors)
    known = fields.date(known_on, "known_on", "知道权利被侵害之日", errors, required=False)
    ended = fields.date(
        employment_ended_on, "employment_ended_on", "劳动关系终止日", errors, required=False
    )
    today = timezone.localdate()
    if known is not None and known > today:
        errors.append(FieldError("known_on", "知道权利被侵害之日", "不能晚于今天"))
    if errors:
        raise InvalidFields(errors)
    if owner is None:
        owner = default_owner(client)
    case = DisputeCase.objects.create(
        number=next_number(PREFIX),
        client=client,
        person=person,
        claimant=claimant or (person.name if person is not None else ""),
        category=category,
        title=title,
        description=description,
        demands=parsed_demands,
        claimed_total=total,
        stage=stage,
        owner=owner,
        known_on=known,
        unpaid_wages_ongoing=bool(unpaid_wages_ongoing),
        employment_ended_on=ended,
        opened_by=actor,
    )
    _apply_limitation(case, actor)
    case.save()
    audit.record(
        actor=actor,
        action="disputes.consultation" if is_client else "disputes.case_open",
        instance=case,
        after=audit.snapshot(case),
    )
    if owner is not None and owner != actor:
        notify(
            recipients=[owner],
            title=f"新的劳动争议{'咨询' if is_client else '案件'} {case.number}：{client.name}",
            body=title,
            link=_link(case),
        )
    return case


def submit_consultation(
    *, actor: Any, category: str, title: str, description: str, person: Any = None
) -> DisputeCase:
    """A client's HR user asks for advice on a dispute (portal)."""
    if getattr(actor, "kind", "") != "client_hr" or actor.client_id is None:
        raise PermissionDenied("仅客户人事可提交咨询")
    return open_case(
        actor=actor,
        client=actor.client,
        category=category,
        title=title,
        description=description,
        person=person,
    )


@transaction.atomic
def assign_legal(*, actor: Any, case: DisputeCase, legal: Any) -> DisputeCase:
    _require_handler(actor, case)
    case = _locked(case)
    ensure_serviceable(case.client)
    if not case.is_open:
        raise ServiceError("案件已结案")
    if legal is None or not legal.has_role(Role.LEGAL) or not legal.is_active:
        raise InvalidFields([FieldError("legal", "法务", "请选择法务人员")])
    before = audit.snapshot(case, ["legal"])
    case.legal = legal
    case.save(update_fields=["legal"])
    audit.record(
        actor=actor,
        action="disputes.legal_assign",
        instance=case,
        before=before,
        after=audit.snapshot(case, ["legal"]),
    )
    if legal != actor:
        notify(
            recipients=[legal],
            title=f"请为劳动争议 {case.number} 提供仲裁支持",
            body=f"{case.client.name}：{case.title}",
            link=_link(case),
        )
    return case


@transaction.atomic
def change_stage(*, actor: Any, case: DisputeCase, stage: str, note: str = "") -> DisputeCase:
    """Move the case forward (consultation → mediation → arbitration → litigation). Closing
    goes through ``record_outcome``. Arbitration and litigation need legal support assigned."""
    _require_handler(actor, case)
    case = _locked(case)
    ensure_serviceable(case.client)
    if not case.is_open:
        raise ServiceError("案件已结案")
    if stage not in STAGE_ORDER or stage == DisputeCase.Stage.CLOSED:
        raise InvalidFields([FieldError("stage", "阶段", "请选择调解、仲裁或诉讼")])
    if STAGE_ORDER.index(stage) <= STAGE_ORDER.index(case.stage):
        raise ServiceError(f"案件已处于{case.get_stage_display()}阶段，不能退回")
    if (
        stage in (DisputeCase.Stage.ARBITRATION, DisputeCase.Stage.LITIGATION)
        and case.legal_id is None
    ):
        raise ServiceError("进入仲裁或诉讼前，请先指派法务提供支持")
    before = audit.snapshot(case, ["stage"])
    case.stage = stage
    if case.limitation_deadline_id and stage in (
        DisputeCase.Stage.ARBITRATION,
        DisputeCase.Stage.LITIGATION,
    ):
        deadline = Deadline.objects.filter(pk=case.limitation_deadline_id).first()
        if deadline is not None:
            close_deadline(deadline, actor=actor)
    case.save(update_fields=["stage"])
    audit.record(
        actor=actor,
        action="disputes.stage_change",
        instance=case,
        before=before,
        after=audit.snapshot(case, ["stage"]),
        extra={"note": note[:300]} if note else None,
    )
    return case


@transaction.atomic
def record_outcome(
    *,
    actor: Any,
    case: DisputeCase,
    outcome: str,
    amount_awarded: Any = None,
    amount_paid: Any = None,
    cost_to_client: Any = None,
    lessons: str = "",
) -> DisputeCase:
    """Close the case with its outcome and amounts; open deadlines are settled."""
    _require_handler(actor, case)
    case = _locked(case)
    ensure_serviceable(case.client)
    if not case.is_open:
        raise ServiceError("案件已结案")
    errors: list[FieldError] = []
    if outcome not in DisputeCase.Outcome.values:
        errors.append(FieldError("outcome", "结果", "请选择撤回、调解结案、仲裁裁决或法院判决"))
    elif outcome == DisputeCase.Outcome.AWARD and case.stage not in (
        DisputeCase.Stage.ARBITRATION,
        DisputeCase.Stage.LITIGATION,
    ):
        errors.append(FieldError("outcome", "结果", "案件未进入仲裁，不能以仲裁裁决结案"))
    elif outcome == DisputeCase.Outcome.JUDGMENT and case.stage != DisputeCase.Stage.LITIGATION:
        errors.append(FieldError("outcome", "结果", "案件未进入诉讼，不能以法院判决结案"))
    awarded = fields.amount(
        amount_awarded, "amount_awarded", "裁决/调解金额", errors, required=False
    )
    paid = fields.amount(amount_paid, "amount_paid", "实际支付金额", errors, required=False)
    cost = fields.amount(cost_to_client, "cost_to_client", "客户承担费用", errors, required=False)
    lessons = fields.text(
        lessons, "lessons", "经验教训", errors, required=False, max_length=MAX_TEXT
    )
    if errors:
        raise InvalidFields(errors)
    before = audit.snapshot(case)
    now = timezone.now()
    case.outcome = outcome
    case.amount_awarded = awarded
    case.amount_paid = paid
    case.cost_to_client = cost
    case.lessons = lessons
    case.stage = DisputeCase.Stage.CLOSED
    case.closed_at = now
    case.save()
    open_ones = Deadline.objects.filter(
        subject_type=DisputeCase._meta.label_lower,
        subject_id=str(case.pk),
        status=Deadline.Status.OPEN,
    )
    for deadline in open_ones:
        if deadline.kind == "disputes.limitation" and outcome in (
            DisputeCase.Outcome.WITHDRAWN,
            DisputeCase.Outcome.MEDIATED,
        ):
            close_deadline(deadline, at=now, actor=actor)
        else:
            cancel_deadline(deadline=deadline, actor=actor)
    audit.record(
        actor=actor,
        action="disputes.outcome",
        instance=case,
        before=before,
        after=audit.snapshot(case),
    )
    return case
