"""Hearings and mediation sessions of a dispute case: each opens a preparation deadline
(``disputes.hearing``) due at the end of business on the working day before it, for the legal
support (else the case owner)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hragency.clients.services import ensure_serviceable
from hragency.core import audit, fields
from hragency.core.deadlines import close_deadline, open_deadline
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.models import Deadline
from hragency.core.worktime import office_calendar
from hragency.disputes.limitation import previous_working_day
from hragency.disputes.models import CaseHearing, DisputeCase
from hragency.disputes.services import _link, _locked, _require_handler


def preparation_due(hearing_at: dt.datetime) -> dt.datetime:
    """18:00 (end of business) on the last working day before the hearing's day."""
    cal = office_calendar()
    day = previous_working_day(timezone.localtime(hearing_at).date(), cal.is_working_day)
    end = dt.time.fromisoformat(_business_end())
    return timezone.make_aware(dt.datetime.combine(day, end))


def _business_end() -> str:
    return str(settings.BUSINESS_HOURS_END)


@transaction.atomic
def add_hearing(
    *, actor: Any, case: DisputeCase, kind: str, at: dt.datetime, place: str = "", note: str = ""
) -> CaseHearing:
    """A mediation session or hearing; opens a preparation deadline due the working day
    before (for the legal support, else the owner)."""
    _require_handler(actor, case)
    case = _locked(case)
    ensure_serviceable(case.client)
    errors: list[FieldError] = []
    if not case.is_open:
        raise ServiceError("案件已结案")
    if kind not in CaseHearing.Kind.values:
        errors.append(FieldError("kind", "类型", "请选择调解会、仲裁庭审或法院庭审"))
    if at is None:
        errors.append(FieldError("at", "开庭时间", "必填"))
    elif at <= timezone.now():
        errors.append(FieldError("at", "开庭时间", "应晚于当前时间"))
    place = fields.text(place, "place", "地点", errors, required=False, max_length=120)
    note = fields.text(note, "note", "说明", errors, required=False, max_length=300)
    if errors:
        raise InvalidFields(errors)
    hearing = CaseHearing.objects.create(case=case, kind=kind, at=at, place=place, note=note)
    owner = case.legal or case.owner
    if owner is not None:
        due = preparation_due(at)
        hearing.deadline = open_deadline(
            kind="disputes.hearing",
            title=f"{case.number} {hearing.get_kind_display()}准备"
            f"（{timezone.localtime(at):%m-%d %H:%M}）",
            owner=owner,
            due_at=due,
            client_id=case.client_id,
            subject=case,
            link=_link(case),
            starts_at=min(timezone.now(), due),
            actor=actor,
        )
        hearing.save(update_fields=["deadline"])
    audit.record(
        actor=actor,
        action="disputes.hearing_add",
        instance=case,
        extra={
            "hearing": {
                "id": hearing.pk,
                "kind": hearing.get_kind_display(),
                "at": f"{timezone.localtime(at):%Y-%m-%d %H:%M}",
                "place": place,
            }
        },
    )
    return hearing


@transaction.atomic
def confirm_hearing_ready(*, actor: Any, hearing: CaseHearing) -> CaseHearing:
    """The preparation is done: the hearing's deadline is closed (met or late)."""
    _require_handler(actor, hearing.case)
    if hearing.deadline_id is None:
        raise ServiceError("该安排没有准备时限")
    deadline = Deadline.objects.get(pk=hearing.deadline_id)
    if deadline.status != Deadline.Status.OPEN:
        raise ServiceError("准备工作已确认")
    close_deadline(deadline, actor=actor)
    audit.record(
        actor=actor,
        action="disputes.hearing_ready",
        instance=hearing.case,
        extra={"hearing": hearing.pk},
    )
    return hearing
