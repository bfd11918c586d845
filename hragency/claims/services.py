"""Writes on claims: report, documents, the six steps, approval, payment, close, withdraw.

Every function is keyword-only, atomic and audited (``claims.*`` actions, shown on the client's
timeline). Steps are done in order: only the current step (the first pending one) can be
completed; an optional step may be skipped with a reason; a required one never. Completing a
step needs its documents (``workflow.REQUIRED_DOCUMENTS``), closes its deadline, opens the next
step's and tells the client's HR users.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hragency.accounts.queries import client_hr_users
from hragency.claims import workflow as wf
from hragency.claims.documents import add_document, record_download
from hragency.claims.models import Claim, ClaimStep
from hragency.clients.services import ensure_serviceable
from hragency.core import audit
from hragency.core.deadlines import cancel_deadline, close_deadline, open_deadline
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.models import Deadline
from hragency.core.notifications import notify
from hragency.core.numbering import next_number
from hragency.core.scoping import scope_queryset
from hragency.core.values import InvalidValue
from hragency.core.values import amount as parse_amount
from hragency.core.values import date as parse_date
from hragency.core.worktime import due_after
from hragency.domain.money import format_cny, to_fen
from hragency.employees.models import InsuredPerson
from hragency.insurance.services import responsible_specialist

PREFIX = "LP"  # 理赔
__all__ = [
    "add_document",
    "close_claim",
    "complete_step",
    "record_approval",
    "record_download",
    "record_payment",
    "report_claim",
    "skip_step",
    "withdraw_claim",
]
MAX_TEXT = 2000


def _require(actor: Any, *perms: str) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录")
    if not any(actor.has_perm(p) for p in perms):
        raise PermissionDenied("无权办理出险理赔")


def _in_scope(actor: Any, claim: Claim) -> None:
    if not scope_queryset(Claim.objects.filter(pk=claim.pk), actor).exists():
        raise PermissionDenied("无权处理该理赔")


def _locked(claim: Claim) -> Claim:
    claim = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("client", "person")
        .get(pk=claim.pk)
    )
    if claim.status != Claim.Status.OPEN:
        raise ServiceError(f"该理赔{claim.get_status_display()}，不能再办理")
    return claim


def _link(claim: Claim) -> str:
    return reverse("claims:detail", args=[claim.pk])


def _fen(value: Any, field: str, label: str) -> int:
    try:
        parsed = parse_amount(value)
    except InvalidValue as exc:
        raise InvalidFields([FieldError(field, label, str(exc))]) from exc
    if parsed is None or parsed <= 0:
        raise InvalidFields([FieldError(field, label, "请填写大于 0 的金额")])
    return to_fen(parsed)


def recognition_due(incident_date: dt.date) -> dt.datetime:
    """End of the 30th calendar day after the accident (《工伤保险条例》第十七条)."""
    day = incident_date + dt.timedelta(days=wf.RECOGNITION_DAYS)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def _open_step_deadline(claim: Claim, step: ClaimStep, now: dt.datetime, actor: Any) -> None:
    if claim.owner_id is None:
        return
    label = wf.STEP_LABELS[step.code]
    if claim.kind == Claim.Kind.WORK_INJURY and step.code == wf.REPORT:
        deadline = open_deadline(
            kind="claims.injury_recognition",
            title=f"提交工伤认定申请：{claim.person.name}（{claim.number}）",
            owner=claim.owner,
            due_at=recognition_due(claim.incident_date),
            client_id=claim.client_id,
            subject=step,
            link=_link(claim),
            starts_at=now,
            warn_minutes=wf.RECOGNITION_WARN_MINUTES,
            actor=actor,
        )
    else:
        deadline = open_deadline(
            kind="claims.step",
            title=f"理赔{label}：{claim.person.name}（{claim.number}）",
            owner=claim.owner,
            due_at=due_after(now, days=wf.STEP_DAYS[step.code]),
            client_id=claim.client_id,
            subject=step,
            link=_link(claim),
            starts_at=now,
            actor=actor,
        )
    step.deadline = deadline
    step.save(update_fields=["deadline"])


def _open_deadline_of(step: ClaimStep) -> Deadline | None:
    if step.deadline_id is None:
        return None
    return Deadline.objects.filter(pk=step.deadline_id, status=Deadline.Status.OPEN).first()


def _advance(claim: Claim, now: dt.datetime, actor: Any) -> None:
    """Make the first pending step current and start its clock."""
    step = claim.steps.filter(status=ClaimStep.Status.PENDING).order_by("position").first()
    claim.current_step = step.code if step is not None else ""
    claim.save(update_fields=["current_step"])
    if step is not None:
        _open_step_deadline(claim, step, now, actor)
    elif claim.owner_id is not None:
        notify(
            recipients=[claim.owner],
            title=f"理赔 {claim.number} 各环节已办结，可以结案",
            link=_link(claim),
        )


def _tell_client(claim: Claim, title: str, body: str = "") -> None:
    recipients = list(client_hr_users(claim.client_id))
    if recipients:
        notify(recipients=recipients, title=title, body=body, link=_link(claim))


@transaction.atomic
def report_claim(
    *,
    actor: Any,
    person: InsuredPerson,
    kind: str,
    incident_date: Any,
    description: str,
    hospital: str = "",
    now: dt.datetime | None = None,
) -> Claim:
    """Register a case (报案) for an insured person the actor may see: staff for their clients,
    a client's HR user for their own people. Opens the six steps and the first clock."""
    _require(actor, "claims.add_claim", "claims.handle_claim")
    if not scope_queryset(InsuredPerson.objects.filter(pk=person.pk), actor).exists():
        raise PermissionDenied("无权为该人员报案")
    client = ensure_serviceable(person.client_id)
    now = now or timezone.now()
    errors: list[FieldError] = []
    if kind not in Claim.Kind.values:
        errors.append(FieldError("kind", "类型", "请选择工伤、医疗或生育"))
    day: dt.date | None = None
    try:
        day = parse_date(incident_date) if incident_date not in (None, "") else None
    except InvalidValue as exc:
        errors.append(FieldError("incident_date", "出险日期", str(exc)))
    else:
        if day is None:
            errors.append(FieldError("incident_date", "出险日期", "必填"))
        elif day > timezone.localdate(now):
            errors.append(FieldError("incident_date", "出险日期", "不能晚于今天"))
    description = str(description or "").strip()
    if not description:
        errors.append(FieldError("description", "经过说明", "必填"))
    elif len(description) > MAX_TEXT:
        errors.append(FieldError("description", "经过说明", f"不能超过 {MAX_TEXT} 个字"))
    hospital = str(hospital or "").strip()
    if len(hospital) > 120:
        errors.append(FieldError("hospital", "就诊医院", "不能超过 120 个字"))
    if errors:
        raise InvalidFields(errors)
    assert day is not None
    claim = Claim.objects.create(
        number=next_number(PREFIX, on=timezone.localdate(now)),
        client=client,
        person=person,
        kind=kind,
        incident_date=day,
        reported_at=now,
        reported_by=actor,
        description=description,
        hospital=hospital,
        owner=responsible_specialist(client),
    )
    steps = []
    for position, (code, _label) in enumerate(wf.STEPS, start=1):
        na = wf.applicability(kind, code) == wf.NA
        steps.append(
            ClaimStep(
                claim=claim,
                code=code,
                position=position,
                status=ClaimStep.Status.SKIPPED if na else ClaimStep.Status.PENDING,
                note="不适用" if na else "",
                done_at=now if na else None,
            )
        )
    ClaimStep.objects.bulk_create(steps)
    audit.record(actor=actor, action="claims.report", instance=claim, after=audit.snapshot(claim))
    _advance(claim, now, actor)
    if claim.owner_id is not None:
        notify(
            recipients=[claim.owner],
            title=f"新的{claim.get_kind_display()}报案：{person.name}（{claim.number}）",
            body=description[:200],
            link=_link(claim),
        )
    return claim


def missing_documents(claim: Claim, step: str) -> list[str]:
    have = set(claim.documents.filter(step=step).values_list("kind", flat=True))
    return [k for k in wf.required_documents(claim.kind, step) if k not in have]


def _step(claim: Claim, code: str) -> ClaimStep:
    step = claim.steps.filter(code=code).first()
    if step is None:
        raise ServiceError("环节不存在")
    return step


@transaction.atomic
def complete_step(
    *,
    actor: Any,
    claim: Claim,
    step: str,
    note: str = "",
    amount: Any = None,
    now: dt.datetime | None = None,
) -> Claim:
    """Complete the current step. Refused while a required document is missing; the 待遇申请
    step takes the amount applied for, the 待遇支付 step needs the approved amount paid."""
    _require(actor, "claims.handle_claim")
    _in_scope(actor, claim)
    claim = _locked(claim)
    ensure_serviceable(claim.client)
    now = now or timezone.now()
    if step not in wf.STEP_LABELS:
        raise ServiceError("环节不存在")
    label = wf.STEP_LABELS[step]
    if claim.current_step != step:
        current = wf.STEP_LABELS.get(claim.current_step, "无")
        raise ServiceError(f"当前环节是「{current}」，不能办理「{label}」")
    missing = missing_documents(claim, step)
    if missing:
        names = "、".join(wf.DOCUMENT_LABELS[k] for k in missing)
        raise ServiceError(f"「{label}」缺少材料：{names}")
    note = str(note or "").strip()[:500]
    before = audit.snapshot(claim)
    if step == wf.APPLICATION:
        claim.claimed_fen = _fen(amount, "amount", "申请金额")
        claim.save(update_fields=["claimed_fen"])
    if step == wf.PAYMENT:
        if claim.approved_fen is None:
            raise ServiceError("尚未登记核定金额")
        if claim.paid_fen != claim.approved_fen:
            raise ServiceError(
                f"待遇尚未支付完毕：核定 {format_cny(claim.approved_fen)}，"
                f"已支付 {format_cny(claim.paid_fen)}"
            )
    row = _step(claim, step)
    row.status = ClaimStep.Status.DONE
    row.done_by = actor
    row.done_at = now
    row.note = note
    row.save(update_fields=["status", "done_by", "done_at", "note"])
    deadline = _open_deadline_of(row)
    if deadline is not None:
        close_deadline(deadline, at=now, actor=actor)
    audit.record(
        actor=actor,
        action="claims.step_complete",
        instance=claim,
        before=before,
        after=audit.snapshot(claim),
        extra={"step": label, "note": note},
    )
    _advance(claim, now, actor)
    _tell_client(claim, f"理赔 {claim.number}（{claim.person.name}）已完成「{label}」", note)
    return claim


@transaction.atomic
def skip_step(
    *, actor: Any, claim: Claim, step: str, reason: str, now: dt.datetime | None = None
) -> Claim:
    """Skip an optional step the case does not need (no transfer, no disability, no move)."""
    _require(actor, "claims.handle_claim")
    _in_scope(actor, claim)
    claim = _locked(claim)
    ensure_serviceable(claim.client)
    now = now or timezone.now()
    if step not in wf.STEP_LABELS:
        raise ServiceError("环节不存在")
    label = wf.STEP_LABELS[step]
    if wf.applicability(claim.kind, step) == wf.REQUIRED:
        raise ServiceError(f"「{label}」是{claim.get_kind_display()}理赔的必经环节，不能跳过")
    reason = str(reason or "").strip()
    if not reason:
        raise InvalidFields([FieldError("reason", "跳过原因", "必填")])
    row = _step(claim, step)
    if row.status != ClaimStep.Status.PENDING:
        raise ServiceError(f"「{label}」{row.get_status_display()}，不能跳过")
    row.status = ClaimStep.Status.SKIPPED
    row.done_by = actor
    row.done_at = now
    row.note = reason[:500]
    row.save(update_fields=["status", "done_by", "done_at", "note"])
    deadline = _open_deadline_of(row)
    if deadline is not None:
        cancel_deadline(deadline=deadline, actor=actor)
    audit.record(
        actor=actor,
        action="claims.step_skip",
        instance=claim,
        extra={"step": label, "reason": reason},
    )
    if claim.current_step == step:
        _advance(claim, now, actor)
    return claim


@transaction.atomic
def record_approval(*, actor: Any, claim: Claim, amount: Any) -> Claim:
    """The bureau's approved amount (核定金额), after the application; at most what was claimed."""
    _require(actor, "claims.handle_claim")
    _in_scope(actor, claim)
    claim = _locked(claim)
    ensure_serviceable(claim.client)
    if _step(claim, wf.APPLICATION).status != ClaimStep.Status.DONE:
        raise ServiceError("待遇申请完成后才能登记核定金额")
    if _step(claim, wf.PAYMENT).status != ClaimStep.Status.PENDING:
        raise ServiceError("待遇支付已办结，不能修改核定金额")
    fen = _fen(amount, "amount", "核定金额")
    if fen > claim.claimed_fen:
        raise ServiceError(
            f"核定金额 {format_cny(fen)} 不能超过申请金额 {format_cny(claim.claimed_fen)}"
        )
    if fen < claim.paid_fen:
        raise ServiceError(f"核定金额不能低于已支付金额 {format_cny(claim.paid_fen)}")
    before = audit.snapshot(claim)
    claim.approved_fen = fen
    claim.save(update_fields=["approved_fen"])
    audit.record(
        actor=actor,
        action="claims.approve",
        instance=claim,
        before=before,
        after=audit.snapshot(claim),
    )
    _tell_client(claim, f"理赔 {claim.number} 核定金额 {format_cny(fen)}")
    return claim


@transaction.atomic
def record_payment(*, actor: Any, claim: Claim, amount: Any) -> Claim:
    """A payment of the benefit to the person; the total paid never exceeds the approved amount."""
    _require(actor, "claims.handle_claim")
    _in_scope(actor, claim)
    claim = _locked(claim)
    ensure_serviceable(claim.client)
    if claim.approved_fen is None:
        raise ServiceError("尚未登记核定金额，不能登记支付")
    fen = _fen(amount, "amount", "支付金额")
    if claim.paid_fen + fen > claim.approved_fen:
        raise ServiceError(
            f"支付金额超过核定金额：核定 {format_cny(claim.approved_fen)}，"
            f"已支付 {format_cny(claim.paid_fen)}，本次 {format_cny(fen)}"
        )
    before = audit.snapshot(claim)
    claim.paid_fen += fen
    claim.save(update_fields=["paid_fen"])
    audit.record(
        actor=actor,
        action="claims.payment",
        instance=claim,
        before=before,
        after=audit.snapshot(claim),
        extra={"amount": format_cny(fen)},
    )
    _tell_client(claim, f"理赔 {claim.number} 已支付待遇 {format_cny(fen)}")
    return claim


@transaction.atomic
def close_claim(*, actor: Any, claim: Claim, outcome: str, now: dt.datetime | None = None) -> Claim:
    """Close a claim whose steps are all done or skipped, with its outcome."""
    _require(actor, "claims.handle_claim")
    _in_scope(actor, claim)
    claim = _locked(claim)
    ensure_serviceable(claim.client)
    pending = [wf.STEP_LABELS[s.code] for s in claim.steps.filter(status=ClaimStep.Status.PENDING)]
    if pending:
        raise ServiceError(f"尚有环节未办结：{'、'.join(pending)}")
    outcome = str(outcome or "").strip()
    if not outcome:
        raise InvalidFields([FieldError("outcome", "结果", "必填")])
    before = audit.snapshot(claim)
    claim.status = Claim.Status.CLOSED
    claim.outcome = outcome[:MAX_TEXT]
    claim.closed_at = now or timezone.now()
    claim.save(update_fields=["status", "outcome", "closed_at"])
    audit.record(
        actor=actor,
        action="claims.close",
        instance=claim,
        before=before,
        after=audit.snapshot(claim),
    )
    _tell_client(claim, f"理赔 {claim.number}（{claim.person.name}）已结案", claim.outcome)
    return claim


@transaction.atomic
def withdraw_claim(
    *, actor: Any, claim: Claim, reason: str, now: dt.datetime | None = None
) -> Claim:
    """Withdraw a claim (reported in error, or the person declines); its clocks are cancelled."""
    _require(actor, "claims.add_claim", "claims.handle_claim")
    _in_scope(actor, claim)
    claim = _locked(claim)
    reason = str(reason or "").strip()
    if not reason:
        raise InvalidFields([FieldError("reason", "撤销原因", "必填")])
    if claim.paid_fen > 0:
        raise ServiceError("已支付待遇的理赔不能撤销，请结案")
    before = audit.snapshot(claim)
    for step in claim.steps.exclude(deadline=None):
        deadline = _open_deadline_of(step)
        if deadline is not None:
            cancel_deadline(deadline=deadline, actor=actor)
    claim.status = Claim.Status.WITHDRAWN
    claim.outcome = f"撤销：{reason[:MAX_TEXT]}"
    claim.closed_at = now or timezone.now()
    claim.current_step = ""
    claim.save(update_fields=["status", "outcome", "closed_at", "current_step"])
    audit.record(
        actor=actor,
        action="claims.withdraw",
        instance=claim,
        before=before,
        after=audit.snapshot(claim),
    )
    if claim.owner_id is not None and claim.owner_id != getattr(actor, "pk", None):
        notify(
            recipients=[claim.owner],
            title=f"理赔 {claim.number} 已撤销",
            body=reason,
            link=_link(claim),
        )
    return claim
