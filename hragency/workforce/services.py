"""Writes of the workforce app: shift templates, hand-overs, warning acknowledgement.

Forecast and staffing are in ``staffing.py``, plans in ``planning.py``, warnings in
``alerts.py``; every write is keyword-only, atomic and audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hragency.core import audit, values
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.notifications import notify
from hragency.core.numbering import next_number
from hragency.workforce.models import HandoverRecord, PeakWarning, ShiftTemplate
from hragency.workforce.planning import build_shift_plan, publish_plan
from hragency.workforce.staffing import forecast_staffing, require_manager
from hragency.workforce.targets import PLAN_INTERVAL

__all__ = [
    "acknowledge_handover",
    "acknowledge_warning",
    "build_shift_plan",
    "create_handover",
    "forecast_staffing",
    "publish_plan",
    "save_template",
]

HANDOVER_PREFIX = "JJ"  # 交接
MAX_TEXT = 2000
OPEN_TICKET_LIMIT = 50


def _time(raw: Any, errors: list[FieldError]) -> dt.time | None:
    if isinstance(raw, dt.time):
        return raw
    text = values.text(raw)
    try:
        hour, minute = (int(part) for part in text.replace("：", ":").split(":"))
        return dt.time(hour, minute)
    except (ValueError, TypeError):
        errors.append(FieldError("start_time", "开始时间", "请填写如 08:00 的时间"))
        return None


def _minutes(raw: Any, field: str, label: str, errors: list[FieldError]) -> int:
    try:
        number = values.integer(raw)
    except values.InvalidValue as exc:
        errors.append(FieldError(field, label, str(exc)))
        return 0
    if number is None:
        return 0
    if number < 0:
        errors.append(FieldError(field, label, "不能为负数"))
    elif number % PLAN_INTERVAL:
        errors.append(FieldError(field, label, f"须为 {PLAN_INTERVAL} 分钟的整数倍"))
    return number


@transaction.atomic
def save_template(
    *,
    actor: Any,
    name: str,
    start_time: Any,
    length_minutes: Any,
    break_minutes: Any = 0,
    active: bool = True,
    template: ShiftTemplate | None = None,
) -> ShiftTemplate:
    """Create a shift template, or change ``template``."""
    require_manager(actor)
    errors: list[FieldError] = []
    name = values.text(name)
    if not name:
        errors.append(FieldError("name", "班次名称", "必填"))
    elif len(name) > 20:
        errors.append(FieldError("name", "班次名称", "不能超过 20 个字"))
    elif ShiftTemplate.objects.filter(name=name).exclude(pk=getattr(template, "pk", None)).exists():
        errors.append(FieldError("name", "班次名称", "已有同名班次"))
    start = _time(start_time, errors)
    if start is not None and (start.minute % PLAN_INTERVAL or start.second):
        errors.append(
            FieldError("start_time", "开始时间", f"须在整点或半点（{PLAN_INTERVAL} 分钟）")
        )
    length = _minutes(length_minutes, "length_minutes", "时长（分钟）", errors)
    rest = _minutes(break_minutes, "break_minutes", "休息（分钟）", errors)
    if not any(e.field == "length_minutes" for e in errors) and not 60 <= length <= 16 * 60:
        errors.append(FieldError("length_minutes", "时长（分钟）", "须在 60～960 分钟之间"))
    if not any(e.field == "break_minutes" for e in errors) and rest >= max(length, 1):
        errors.append(FieldError("break_minutes", "休息（分钟）", "须小于班次时长"))
    if errors:
        raise InvalidFields(errors)
    before = audit.snapshot(template) if template is not None else None
    template = template or ShiftTemplate()
    template.name = name
    template.start_time = start  # type: ignore[assignment]
    template.length_minutes = length
    template.break_minutes = rest
    template.active = bool(active)
    template.save()
    audit.record(
        actor=actor,
        action="workforce.template_update" if before else "workforce.template_create",
        instance=template,
        before=before,
        after=audit.snapshot(template),
    )
    return template


def _open_tickets(agent: Any) -> list[dict[str, str]]:
    """The outgoing agent's unfinished tickets as numbers and states only (no client names:
    the incoming agent may not serve those clients; the ticket page is scoped)."""
    from hragency.servicedesk.models import Ticket
    from hragency.servicedesk.queries import tickets_for

    open_states = [Ticket.Status.PENDING, Ticket.Status.IN_PROGRESS, Ticket.Status.WAITING]
    rows = (
        tickets_for(agent)
        .filter(handler=agent, status__in=open_states)
        .order_by("created_at")
        .values_list("number", "status")
    )
    labels = dict(Ticket.Status.choices)
    return [{"number": n, "status": labels.get(s, s)} for n, s in rows]


@transaction.atomic
def create_handover(
    *,
    actor: Any,
    from_template: ShiftTemplate,
    to_template: ShiftTemplate,
    incoming: Any,
    shift_date: Any = None,
    pending_callbacks: Any = 0,
    callback_notes: str = "",
    notes: str = "",
) -> HandoverRecord:
    """The outgoing agent (the actor) hands over to ``incoming``; snapshots their open tickets."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录")
    if not actor.has_perm("workforce.add_handoverrecord"):
        raise PermissionDenied("无权填写交接班记录")
    errors: list[FieldError] = []
    if incoming is None:
        errors.append(FieldError("incoming", "接班人", "必填"))
    elif incoming.pk == actor.pk:
        errors.append(FieldError("incoming", "接班人", "不能交接给自己"))
    elif not incoming.is_active or not incoming.has_perm("workforce.add_handoverrecord"):
        errors.append(FieldError("incoming", "接班人", "该用户不是热线坐席"))
    try:
        day = values.date(shift_date) or timezone.localdate()
    except values.InvalidValue as exc:
        errors.append(FieldError("shift_date", "日期", str(exc)))
        day = timezone.localdate()
    try:
        callbacks = values.integer(pending_callbacks) or 0
    except values.InvalidValue as exc:
        errors.append(FieldError("pending_callbacks", "待回电数", str(exc)))
        callbacks = 0
    if callbacks < 0:
        errors.append(FieldError("pending_callbacks", "待回电数", "不能为负数"))
    notes = values.text(notes)
    callback_notes = values.text(callback_notes)
    for field, label, text in (
        ("notes", "交接事项", notes),
        ("callback_notes", "待回电事项", callback_notes),
    ):
        if len(text) > MAX_TEXT:
            errors.append(FieldError(field, label, f"不能超过 {MAX_TEXT} 个字"))
    if errors:
        raise InvalidFields(errors)
    tickets = _open_tickets(actor)
    record = HandoverRecord.objects.create(
        number=next_number(HANDOVER_PREFIX),
        from_template=from_template,
        to_template=to_template,
        shift_date=day,
        outgoing=actor,
        incoming=incoming,
        open_tickets=len(tickets),
        tickets_snapshot=tickets[:OPEN_TICKET_LIMIT],
        pending_callbacks=callbacks,
        callback_notes=callback_notes,
        notes=notes,
    )
    audit.record(
        actor=actor,
        action="workforce.handover_create",
        instance=record,
        after=audit.snapshot(record),
    )
    notify(
        recipients=[incoming],
        title=f"交接班待确认：{actor.display_name or actor.username} 交给您的{to_template.name}",
        body=f"未结工单 {len(tickets)} 张，待回电 {callbacks} 个。",
        link=reverse("workforce:handover", args=[record.pk]),
    )
    return record


@transaction.atomic
def acknowledge_handover(*, actor: Any, record: HandoverRecord, note: str = "") -> HandoverRecord:
    """Only the incoming agent confirms that they have taken over."""
    record = HandoverRecord.objects.select_for_update().get(pk=record.pk)
    if actor is None or record.incoming_id != getattr(actor, "pk", None):
        raise ServiceError("只有接班人本人可以确认接班")
    if record.acknowledged_at is not None:
        raise ServiceError("该交接班记录已确认")
    note = values.text(note)[:300]
    before = audit.snapshot(record)
    record.acknowledged_at = timezone.now()
    record.acknowledged_by = actor
    record.acknowledge_note = note
    record.save()
    audit.record(
        actor=actor,
        action="workforce.handover_acknowledge",
        instance=record,
        before=before,
        after=audit.snapshot(record),
    )
    return record


@transaction.atomic
def acknowledge_warning(*, actor: Any, warning: PeakWarning, note: str = "") -> PeakWarning:
    require_manager(actor)
    warning = PeakWarning.objects.select_for_update().get(pk=warning.pk)
    if warning.status != PeakWarning.Status.OPEN:
        raise ServiceError("该预警已确认")
    before = audit.snapshot(warning)
    warning.status = PeakWarning.Status.ACKNOWLEDGED
    warning.acknowledged_at = timezone.now()
    warning.acknowledged_by = actor if getattr(actor, "is_authenticated", False) else None
    warning.note = values.text(note)[:300]
    warning.save()
    audit.record(
        actor=actor,
        action="workforce.warning_acknowledge",
        instance=warning,
        before=before,
        after=audit.snapshot(warning),
    )
    return warning
