"""Writes of the agent assessment (R-WFM-2): profiles, events, the month's assessments
(compute → edit → confirm → apply to payroll) and the ratio rules. Keyword-only, atomic,
audited; refusals are ``ServiceError`` / ``InvalidFields`` with a Chinese message.

* **Compute** is set-based for the whole month (``sources.month_figures``): a draft is
  overwritten (dimensions a supervisor entered by hand are kept), a confirmed or applied month
  of an agent is left alone and reported.
* **Confirm** needs every dimension; nobody confirms their own assessment.
* **Apply** writes the coefficient into the payroll module's attendance of the agent's own
  payroll record (``payroll.setup_inputs.record_attendance``, keeping the other attendance
  figures), so payroll's rights check and month lock apply: a run that has left draft refuses,
  and the refusal is shown as it is. Agents without a payroll record are listed as skipped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hragency.agents.common import APPLY, MANAGE, parse_month, parse_score, require
from hragency.agents.models import (
    AgentProfile,
    MonthlyAssessment,
)
from hragency.agents.schemes import ensure_scheme, to_domain
from hragency.agents.sources import month_figures
from hragency.core import audit
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.notifications import Message, notify_all
from hragency.domain.agent_rating import DIMENSION_LABELS, DIMENSIONS, rate

SCORE_FIELDS = list(DIMENSIONS)
SNAPSHOT = [*SCORE_FIELDS, "manual", "total", "grade", "coefficient", "status", "scheme"]


def on_job_in(first: dt.date, following: dt.date) -> Q:
    """Agents employed at some point of the month."""
    return Q(hire_date__lt=following) & (Q(leave_date__isnull=True) | Q(leave_date__gte=first))


def missing_dimensions(row: MonthlyAssessment) -> list[str]:
    return [d for d in DIMENSIONS if getattr(row, d) is None]


def _rate_row(row: MonthlyAssessment) -> None:
    """Total, grade and coefficient from the row's scores and scheme (blank if incomplete)."""
    if missing_dimensions(row):
        row.total, row.grade, row.coefficient = None, "", None
        return
    rating = rate(to_domain(row.scheme), {d: Decimal(getattr(row, d)) for d in DIMENSIONS})
    row.total, row.grade, row.coefficient = rating.total, rating.grade, rating.coefficient


@dataclass
class ComputeResult:
    month: str
    created: int = 0
    updated: int = 0
    kept: list[str] = field(default_factory=list)  # confirmed/applied, left alone


@transaction.atomic
def compute_month(*, actor: Any, month: object, now: dt.datetime | None = None) -> ComputeResult:
    require(actor, MANAGE, "无权计算坐席考核")
    label, first, following = parse_month(month)
    now = now or timezone.now()
    scheme = ensure_scheme(actor=actor)
    agents = {
        pk: user_id
        for pk, user_id in AgentProfile.objects.filter(on_job_in(first, following))
        .exclude(position=AgentProfile.Position.MANAGER)
        .values_list("pk", "user_id")
    }
    figures = month_figures(agents, first, following)
    existing = {
        row.agent_id: row
        for row in MonthlyAssessment.objects.select_for_update(of=("self",))
        .select_related("agent__user")
        .filter(month=label, agent_id__in=list(agents))
    }
    result = ComputeResult(month=label)
    to_create: list[MonthlyAssessment] = []
    to_update: list[MonthlyAssessment] = []
    entries = []
    for agent_id in sorted(agents):
        data = figures[agent_id]
        row = existing.get(agent_id)
        if row is not None and row.status != MonthlyAssessment.Status.DRAFT:
            result.kept.append(row.agent.name)
            continue
        before = audit.snapshot(row, SNAPSHOT) if row is not None else None
        row = row or MonthlyAssessment(agent_id=agent_id, month=label)
        row.scheme = scheme
        for dim in DIMENSIONS:
            if dim not in (row.manual or []):
                setattr(row, dim, data.scores.get(dim))
        row.sources = data.sources
        row.computed_at = now
        _rate_row(row)
        (to_update if row.pk else to_create).append(row)
        entries.append((row, before))
    MonthlyAssessment.objects.bulk_create(to_create)
    if to_update:
        # Drafts are rewritten with their own ids (delete + insert): ``bulk_update``'s CASE
        # statements cost ~6 s per 1,000 rows; nothing refers to a draft but the audit log.
        MonthlyAssessment.objects.filter(pk__in=[r.pk for r in to_update]).delete()
        MonthlyAssessment.objects.bulk_create(to_update)
    if to_create:  # bulk_create sets pks on PostgreSQL only; read them back everywhere
        ids = dict(
            MonthlyAssessment.objects.filter(
                month=label, agent_id__in=[r.agent_id for r in to_create]
            ).values_list("agent_id", "pk")
        )
        for row in to_create:
            row.pk = ids[row.agent_id]
    result.created, result.updated = len(to_create), len(to_update)
    audit.record_all(
        [
            audit.entry(
                actor=actor,
                action="agents.assessment_compute",
                instance=row,
                before=before,
                after=audit.snapshot(row, SNAPSHOT),
            )
            for row, before in entries
        ]
    )
    return result


def _locked(row: MonthlyAssessment) -> MonthlyAssessment:
    return (
        MonthlyAssessment.objects.select_for_update(of=("self",))
        .select_related("agent__user", "scheme")
        .get(pk=row.pk)
    )


@transaction.atomic
def edit_assessment(
    *, actor: Any, assessment: MonthlyAssessment, scores: dict[str, Any], note: str | None = None
) -> MonthlyAssessment:
    """The supervisor's figures for some dimensions (empty clears a manual figure, so the
    next computation fills it again). Only a draft can be edited."""
    require(actor, MANAGE, "无权修改坐席考核")
    row = _locked(assessment)
    if row.status != MonthlyAssessment.Status.DRAFT:
        raise ServiceError(
            f"{row.agent.name} {row.month} 的考核已{row.get_status_display()}，不能再修改"
        )
    unknown = set(scores) - set(DIMENSIONS)
    if unknown:
        raise InvalidFields(
            [FieldError("scores", "考核维度", f"未知维度：{'、'.join(sorted(unknown))}")]
        )
    errors: list[FieldError] = []
    clean: dict[str, Decimal | None] = {}
    for dim, raw in scores.items():
        try:
            clean[dim] = parse_score(dim, raw)
        except InvalidFields as exc:
            errors.extend(exc.errors)
    if errors:
        raise InvalidFields(errors)
    before = audit.snapshot(row, SNAPSHOT)
    manual = [d for d in (row.manual or []) if d not in clean]
    for dim, value in clean.items():
        setattr(row, dim, value)
        if value is not None:
            manual.append(dim)
    row.manual = [d for d in DIMENSIONS if d in manual]
    if note is not None:
        row.note = note.strip()[:200]
    _rate_row(row)
    row.save()
    audit.record(
        actor=actor,
        action="agents.assessment_edit",
        instance=row,
        before=before,
        after=audit.snapshot(row, SNAPSHOT),
    )
    return row


def _confirm(actor: Any, row: MonthlyAssessment, now: dt.datetime) -> MonthlyAssessment:
    if row.agent.user_id == actor.pk:
        raise ServiceError("不能确认自己的考核")
    if row.status != MonthlyAssessment.Status.DRAFT:
        raise ServiceError(f"{row.agent.name} {row.month} 的考核已{row.get_status_display()}")
    missing = missing_dimensions(row)
    if missing:
        raise ServiceError(
            f"{row.agent.name} {row.month} 的考核缺少："
            f"{'、'.join(DIMENSION_LABELS[d] for d in missing)}，请先录入"
        )
    before = audit.snapshot(row, SNAPSHOT)
    _rate_row(row)  # the scheme's current figures, in case it was edited in the admin
    row.status = MonthlyAssessment.Status.CONFIRMED
    row.confirmed_by = actor
    row.confirmed_at = now
    row.save()
    audit.record(
        actor=actor,
        action="agents.assessment_confirm",
        instance=row,
        before=before,
        after=audit.snapshot(row, [*SNAPSHOT, "confirmed_by"]),
    )
    return row


@transaction.atomic
def confirm_assessment(
    *, actor: Any, assessment: MonthlyAssessment, now: dt.datetime | None = None
) -> MonthlyAssessment:
    require(actor, MANAGE, "无权确认坐席考核")
    row = _confirm(actor, _locked(assessment), now or timezone.now())
    _tell_agents([row])
    from hragency.agents.training import close_assessment_deadlines

    close_assessment_deadlines(rows=[row], actor=actor)
    return row


@dataclass
class BatchResult:
    month: str
    done: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


@transaction.atomic
def confirm_month(*, actor: Any, month: object, now: dt.datetime | None = None) -> BatchResult:
    """Confirm every complete draft of the month except the actor's own (listed as refused)."""
    require(actor, MANAGE, "无权确认坐席考核")
    label, _first, _following = parse_month(month)
    now = now or timezone.now()
    result = BatchResult(month=label)
    confirmed = []
    rows = (
        MonthlyAssessment.objects.select_for_update(of=("self",))
        .select_related("agent__user", "scheme")
        .filter(month=label, status=MonthlyAssessment.Status.DRAFT)
        .order_by("agent_id")
    )
    for row in rows:
        try:
            with transaction.atomic():
                confirmed.append(_confirm(actor, row, now))
            result.done.append(row.agent.name)
        except ServiceError as exc:
            result.refused.append((row.agent.name, str(exc)))
    _tell_agents(confirmed)
    from hragency.agents.training import close_assessment_deadlines

    close_assessment_deadlines(rows=confirmed, actor=actor)
    return result


def _tell_agents(rows: list[MonthlyAssessment]) -> None:
    notify_all(
        Message(
            recipients=[row.agent.user],
            title=f"{row.month} 月度考核已确认：{row.total} 分，{row.grade} 级",
            body=f"绩效系数 {row.coefficient}",
            link=f"/agents/{row.agent_id}/",
        )
        for row in rows
    )


def _attendance_values(actor: Any, person_id: int, first: dt.date) -> dict[str, Any]:
    """The attendance already recorded for the month (read through payroll's own scoped
    query), so that applying the coefficient keeps the days and hours."""
    from hragency.payroll.queries_setup import attendance_for
    from hragency.payroll.setup import ATTENDANCE_FIELDS

    row = attendance_for(actor).filter(person_id=person_id, period=first).first()
    if row is None:
        return {}
    return {f: getattr(row, f) for f in ATTENDANCE_FIELDS}


def _apply(actor: Any, row: MonthlyAssessment, now: dt.datetime) -> MonthlyAssessment:
    from hragency.clients.services import ensure_serviceable
    from hragency.payroll.setup_inputs import record_attendance

    if row.status == MonthlyAssessment.Status.DRAFT:
        raise ServiceError(f"{row.agent.name} {row.month} 的考核尚未确认，不能计入工资")
    person = row.agent.person
    if person is None:
        raise ServiceError(f"{row.agent.name} 未关联本公司工资档案，无法计入工资")
    ensure_serviceable(person.client_id)
    _label, first, _following = parse_month(row.month)
    values = _attendance_values(actor, person.pk, first)
    values["performance_coefficient"] = str(row.coefficient)
    note = str(values.get("note") or "")
    if "坐席考核" not in note:
        values["note"] = (f"{note}；" if note else "") + f"坐席考核 {row.month} {row.grade} 级"
        values["note"] = values["note"][:200]
    try:
        record_attendance(actor=actor, person=person, period=row.month, **values)
    except PermissionDenied as exc:
        raise ServiceError(f"薪酬模块拒绝：{exc}") from None
    before = audit.snapshot(row, ["status"])
    row.status = MonthlyAssessment.Status.APPLIED
    row.applied_by = actor
    row.applied_at = now
    row.save(update_fields=["status", "applied_by", "applied_at"])
    audit.record(
        actor=actor,
        action="agents.assessment_apply",
        instance=row,
        before=before,
        after=audit.snapshot(row, ["status", "coefficient"]),
        extra={"person": person.pk},
    )
    return row


@transaction.atomic
def apply_assessment(
    *, actor: Any, assessment: MonthlyAssessment, now: dt.datetime | None = None
) -> MonthlyAssessment:
    """Write one confirmed (or already applied: re-apply) coefficient into payroll."""
    require(actor, APPLY, "无权将考核结果计入工资")
    return _apply(actor, _locked(assessment), now or timezone.now())


@transaction.atomic
def apply_month(*, actor: Any, month: object, now: dt.datetime | None = None) -> BatchResult:
    """Every confirmed assessment of the month into payroll. Each agent is its own savepoint:
    a refusal (payroll month locked, client refused, no rights) is listed and the rest go on."""
    require(actor, APPLY, "无权将考核结果计入工资")
    label, _first, _following = parse_month(month)
    now = now or timezone.now()
    result = BatchResult(month=label)
    rows = (
        MonthlyAssessment.objects.select_for_update(of=("self",))
        .select_related("agent__user", "agent__person", "scheme")
        .filter(month=label, status=MonthlyAssessment.Status.CONFIRMED)
        .order_by("agent_id")
    )
    for row in rows:
        if row.agent.person_id is None:
            result.skipped.append(row.agent.name)
            continue
        try:
            with transaction.atomic():
                _apply(actor, row, now)
            result.done.append(row.agent.name)
        except ServiceError as exc:
            result.refused.append((row.agent.name, str(exc)))
    return result


# Profiles, events and ratio limits live in profiles.py (re-exported: one entry point).
from hragency.agents.profiles import (  # noqa: E402
    create_profile,
    record_event,
    set_ratio_limit,
    update_profile,
)

__all__ = [
    "apply_assessment",
    "apply_month",
    "compute_month",
    "confirm_assessment",
    "confirm_month",
    "create_profile",
    "edit_assessment",
    "record_event",
    "set_ratio_limit",
    "update_profile",
]
