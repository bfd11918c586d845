"""Social-insurance exceptions (R-SI-6): report → respond within 1 hour → resolve within
24 hours with the 《异常处理报告》 → close. Both clocks run around the clock (the hotline
calendar): a failed payment at 20:00 is answered that evening, not the next working morning.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import CharField
from django.db.models.functions import Cast
from django.utils import timezone

from hragency.clients.models import Client
from hragency.clients.services import ensure_serviceable, require
from hragency.core import audit
from hragency.core.deadlines import close_deadline, open_deadline
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.models import Deadline
from hragency.core.notifications import notify
from hragency.core.numbering import next_number
from hragency.core.scoping import scope_queryset
from hragency.core.worktime import due_after
from hragency.employees.models import InsuredPerson
from hragency.insurance.models import Incident

RESPONSE_KIND = "insurance.incident_response"
RESOLUTION_KIND = "insurance.incident_resolution"
RESPONSE_HOURS = 1
RESOLUTION_HOURS = 24
REPORT_FIELDS = {
    "cause": "原因分析",
    "handling": "处理过程",
    "result": "处理结果",
    "prevention": "预防措施",
}


def incident_handler(client: Client) -> Any:
    """Who takes the incident: a member of the 应急处理小组 assigned to the client, else any
    member of that team, else the client's SI specialist or owner."""
    from hragency.accounts.queries import role_holders, serving
    from hragency.accounts.roles import Role
    from hragency.insurance.services import responsible_specialist

    return (
        serving(client, Role.EXCEPTION_TEAM).first()
        or role_holders(Role.EXCEPTION_TEAM).first()
        or responsible_specialist(client)
    )


def _deadline(incident: Incident, kind: str) -> Deadline | None:
    return Deadline.objects.filter(
        kind=kind,
        subject_type=Incident._meta.label_lower,
        subject_id=str(incident.pk),
        status=Deadline.Status.OPEN,
    ).first()


def _link(incident: Incident) -> str:
    return f"/insurance/incidents/{incident.pk}/"


@transaction.atomic
def report_incident(
    *,
    actor: Any,
    client: Client,
    kind: str,
    description: str,
    person: InsuredPerson | None = None,
    now: dt.datetime | None = None,
) -> Incident:
    """Record an exception and start both clocks. Staff serving the client and the client's
    own HR may report."""
    require(actor, "insurance.add_incident")
    if not scope_queryset(Client.objects.filter(pk=client.pk), actor).exists():
        raise PermissionDenied("无权为该客户报告异常")
    client = ensure_serviceable(client)
    errors = []
    if kind not in Incident.Kind.values:
        errors.append(FieldError("kind", "异常类型", "请选择异常类型"))
    if not description.strip():
        errors.append(FieldError("description", "异常描述", "必填"))
    if person is not None and person.client_id != client.pk:
        errors.append(FieldError("person", "涉及人员", "该人员不属于此客户"))
    if errors:
        raise InvalidFields(errors)
    now = now or timezone.now()
    handler = incident_handler(client)
    incident = Incident.objects.create(
        number=next_number("YC"),
        client=client,
        person=person,
        kind=kind,
        description=description.strip(),
        reported_by=actor,
        handler=handler,
    )
    audit.record(
        actor=actor,
        action="insurance.incident_report",
        instance=incident,
        after=audit.snapshot(incident),
    )
    if handler is not None:
        for deadline_kind, hours, verb in (
            (RESPONSE_KIND, RESPONSE_HOURS, "响应"),
            (RESOLUTION_KIND, RESOLUTION_HOURS, "解决"),
        ):
            open_deadline(
                kind=deadline_kind,
                title=f"{verb}社保异常 {incident.number}（{incident.get_kind_display()}）",
                owner=handler,
                due_at=due_after(now, hours=hours, calendar="hotline"),
                starts_at=now,
                client_id=client.pk,
                subject=incident,
                link=_link(incident),
                actor=actor,
            )
        notify(
            recipients=[handler],
            title=f"新的社保异常 {incident.number}：{incident.get_kind_display()}",
            body=f"{client.name}：{incident.description[:100]}（1 小时内响应，24 小时内解决）",
            link=_link(incident),
            level="warning",
            email=True,
        )
    return incident


def _locked(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().select_related("client").get(pk=incident.pk)


@transaction.atomic
def respond_incident(*, actor: Any, incident: Incident, note: str) -> Incident:
    require(actor, "insurance.handle_incident")
    incident = _locked(incident)
    if incident.status != Incident.Status.OPEN:
        raise ServiceError(f"该异常已{incident.get_status_display()}")
    if not note.strip():
        raise InvalidFields([FieldError("note", "初步响应", "必填")])
    before = audit.snapshot(incident)
    incident.status = Incident.Status.RESPONDED
    incident.responded_at = timezone.now()
    incident.response_note = note.strip()
    incident.handler = incident.handler or actor
    incident.save()
    audit.record(
        actor=actor,
        action="insurance.incident_respond",
        instance=incident,
        before=before,
        after=audit.snapshot(incident),
    )
    deadline = _deadline(incident, RESPONSE_KIND)
    if deadline is not None:
        close_deadline(deadline, actor=actor)
    notify(
        recipients=[incident.reported_by],
        title=f"社保异常 {incident.number} 已响应",
        body=incident.response_note,
        link=_link(incident),
    )
    return incident


@transaction.atomic
def resolve_incident(*, actor: Any, incident: Incident, **report: str) -> Incident:
    """Record the solution with the whole 《异常处理报告》: every part is required."""
    require(actor, "insurance.handle_incident")
    incident = _locked(incident)
    if incident.status not in (Incident.Status.OPEN, Incident.Status.RESPONDED):
        raise ServiceError(f"该异常已{incident.get_status_display()}")
    unknown = set(report) - set(REPORT_FIELDS)
    if unknown:
        raise ServiceError(f"未知字段：{'、'.join(sorted(unknown))}")
    errors = [
        FieldError(field, label, "必填")
        for field, label in REPORT_FIELDS.items()
        if not (report.get(field) or "").strip()
    ]
    if errors:
        raise InvalidFields(errors)
    before = audit.snapshot(incident)
    now = timezone.now()
    if incident.responded_at is None:
        incident.responded_at = now
    for field in REPORT_FIELDS:
        setattr(incident, field, report[field].strip())
    incident.status = Incident.Status.RESOLVED
    incident.resolved_at = now
    incident.save()
    audit.record(
        actor=actor,
        action="insurance.incident_resolve",
        instance=incident,
        before=before,
        after=audit.snapshot(incident),
    )
    for kind in (RESPONSE_KIND, RESOLUTION_KIND):
        deadline = _deadline(incident, kind)
        if deadline is not None:
            close_deadline(deadline, at=now, actor=actor)
    notify(
        recipients=[incident.reported_by],
        title=f"社保异常 {incident.number} 已解决，请查看《异常处理报告》",
        body=incident.result,
        link=_link(incident),
    )
    return incident


@transaction.atomic
def close_incident(*, actor: Any, incident: Incident) -> Incident:
    """The reporter (or a handler) confirms the solution; only a resolved incident closes."""
    incident = _locked(incident)
    may_close = actor.pk == incident.reported_by_id or actor.has_perm("insurance.handle_incident")
    if not may_close:
        raise ServiceError("只有报告人或处理人员可以关闭异常")
    if incident.status != Incident.Status.RESOLVED:
        raise ServiceError("请先填写《异常处理报告》并标记为已解决")
    before = audit.snapshot(incident)
    incident.status = Incident.Status.CLOSED
    incident.closed_at = timezone.now()
    incident.closed_by = actor
    incident.save()
    audit.record(
        actor=actor,
        action="insurance.incident_close",
        instance=incident,
        before=before,
        after=audit.snapshot(incident),
    )
    return incident


def incident_stats(incidents: Any) -> dict[str, Any]:
    """Closure rate and the two on-time rates over a (scoped) queryset of incidents."""
    from hragency.core.deadlines import on_time_rate

    total = incidents.count()
    closed = incidents.filter(status=Incident.Status.CLOSED).count()
    # Deadlines name their subject by text id: match them with a subquery, not a list of ids.
    ids = incidents.annotate(text_id=Cast("pk", CharField())).values("text_id")
    deadlines = Deadline.objects.filter(subject_type=Incident._meta.label_lower, subject_id__in=ids)
    response = on_time_rate(deadlines.filter(kind=RESPONSE_KIND))
    resolution = on_time_rate(deadlines.filter(kind=RESOLUTION_KIND))
    return {
        "total": total,
        "closed": closed,
        "closure_rate": (closed * 100 // total) if total else None,
        "response_on_time": response,
        "resolution_on_time": resolution,
    }
