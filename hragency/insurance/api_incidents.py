"""/api/incidents: social-insurance exceptions (R-SI-6). Thin: the services do the work."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from hragency.clients.queries import clients_for
from hragency.employees.queries import people_for
from hragency.insurance import incidents
from hragency.insurance.models import Incident
from hragency.insurance.queries import incident_for, incidents_for

router = Router(tags=["社保异常"])


class IncidentIn(Schema):
    client_id: int
    kind: str
    description: str
    person_id: int | None = None


class RespondIn(Schema):
    note: str


class ResolveIn(Schema):
    cause: str
    handling: str
    result: str
    prevention: str


class IncidentOut(Schema):
    id: int
    number: str
    client_id: int
    client: str
    person_id: int | None
    kind: str
    kind_label: str
    description: str
    status: str
    status_label: str
    reported_at: dt.datetime
    responded_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    response_note: str
    cause: str
    handling: str
    result: str
    prevention: str


def _out(incident: Incident) -> dict[str, object]:
    return {
        "id": incident.pk,
        "number": incident.number,
        "client_id": incident.client_id,
        "client": incident.client.name,
        "person_id": incident.person_id,
        "kind": incident.kind,
        "kind_label": incident.get_kind_display(),
        "description": incident.description,
        "status": incident.status,
        "status_label": incident.get_status_display(),
        "reported_at": incident.reported_at,
        "responded_at": incident.responded_at,
        "resolved_at": incident.resolved_at,
        "closed_at": incident.closed_at,
        "response_note": incident.response_note,
        "cause": incident.cause,
        "handling": incident.handling,
        "result": incident.result,
        "prevention": incident.prevention,
    }


@router.get("/", response=list[IncidentOut], summary="社保异常列表")
@paginate
def list_incidents(request: HttpRequest, status: str = "") -> list[dict[str, object]]:
    if not request.user.has_perm("insurance.view_incident"):
        raise HttpError(403, "无权查看社保异常")
    qs = incidents_for(request.user)
    if status:
        qs = qs.filter(status=status)
    return [_out(i) for i in qs]


@router.post("/", response={201: IncidentOut}, summary="报告社保异常")
def create_incident(request: HttpRequest, payload: IncidentIn) -> Status:
    client = get_object_or_404(clients_for(request.user), pk=payload.client_id)
    person = (
        get_object_or_404(people_for(request.user), pk=payload.person_id)
        if payload.person_id
        else None
    )
    incident = incidents.report_incident(
        actor=request.user,
        client=client,
        kind=payload.kind,
        description=payload.description,
        person=person,
    )
    return Status(201, _out(incident))


@router.get("/{incident_id}", response=IncidentOut, summary="社保异常详情")
def get_incident(request: HttpRequest, incident_id: int) -> dict[str, object]:
    return _out(incident_for(request.user, incident_id))


@router.post("/{incident_id}/respond", response=IncidentOut, summary="响应（1 小时内）")
def respond(request: HttpRequest, incident_id: int, payload: RespondIn) -> dict[str, object]:
    incident = incident_for(request.user, incident_id)
    return _out(
        incidents.respond_incident(actor=request.user, incident=incident, note=payload.note)
    )


@router.post("/{incident_id}/resolve", response=IncidentOut, summary="解决并提交《异常处理报告》")
def resolve(request: HttpRequest, incident_id: int, payload: ResolveIn) -> dict[str, object]:
    incident = incident_for(request.user, incident_id)
    return _out(incidents.resolve_incident(actor=request.user, incident=incident, **payload.dict()))


@router.post("/{incident_id}/close", response=IncidentOut, summary="确认并关闭")
def close(request: HttpRequest, incident_id: int) -> dict[str, object]:
    incident = incident_for(request.user, incident_id)
    return _out(incidents.close_incident(actor=request.user, incident=incident))
