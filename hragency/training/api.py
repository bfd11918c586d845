"""/api/training: training programmes, sessions, enrolment, attendance, results, evaluation
(R-SVC-2). Thin: the services and queries do the work."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from hragency.training import roster, services
from hragency.training.models import Session, TrainingProgramme
from hragency.training.queries import (
    enrolments_of,
    filter_programmes,
    programme_for,
    programmes_for,
    requesting_clients,
    session_for,
    summary_of,
)
from hragency.training.schemas import (
    AttendanceIn,
    EnrolIn,
    EvaluateIn,
    ProgrammeDetailOut,
    ProgrammeIn,
    ProgrammeOut,
    ReasonIn,
    ResourcesIn,
    ResultsIn,
    SessionDetailOut,
    SessionIn,
)

router = Router(tags=["培训服务"])


def _require_view(request: HttpRequest) -> None:
    if not request.user.has_perm("training.view_trainingprogramme"):
        raise PermissionDenied("无权查看培训项目")


def _programme(p: TrainingProgramme) -> dict[str, Any]:
    return {
        "id": p.pk,
        "number": p.number,
        "client_id": p.client_id,
        "client": p.client.name,
        "title": p.title,
        "needs": p.needs,
        "objectives": p.objectives,
        "audience": p.audience,
        "format": p.format,
        "status": p.status,
        "status_label": p.get_status_display(),
        "requested_at": p.requested_at,
        "owner": str(p.owner),
        "trainer": p.trainer_label,
        "venue": p.venue,
        "budget": p.budget,
        "pass_score": p.pass_score,
        "reaction": p.reaction,
        "learning": p.learning,
        "behaviour": p.behaviour,
        "results": p.results,
    }


def _session(s: Session, enrolled: int) -> dict[str, Any]:
    return {
        "id": s.pk,
        "programme_id": s.programme_id,
        "starts_at": s.starts_at,
        "ends_at": s.ends_at,
        "place": s.place,
        "online_link": s.online_link,
        "capacity": s.capacity,
        "status": s.status,
        "enrolled": enrolled,
    }


def _detail(request: HttpRequest, programme: TrainingProgramme) -> dict[str, Any]:
    programme = programme_for(request.user, programme.pk)
    sessions = programme.sessions.annotate(n=Count("enrolments"))
    return {
        **_programme(programme),
        "sessions": [_session(s, s.n) for s in sessions],
        "summary": asdict(summary_of(programme)),
    }


def _session_detail(request: HttpRequest, session: Session) -> dict[str, Any]:
    session = session_for(request.user, session.pk)
    rows = list(enrolments_of(session))
    return {
        **_session(session, len(rows)),
        "enrolments": [
            {
                "id": e.pk,
                "person_id": e.person_id,
                "participant_name": e.participant_name,
                "attended": e.attended,
                "satisfaction": e.satisfaction,
                "score": e.score,
                "comment": e.comment,
            }
            for e in rows
        ],
    }


@router.get("/programmes", response=list[ProgrammeOut], summary="培训项目列表")
@paginate
def list_programmes(request: HttpRequest, view: str = "", status: str = "") -> list[dict[str, Any]]:
    _require_view(request)
    qs = filter_programmes(
        programmes_for(request.user), request.user, {"view": view, "status": status}
    )
    return [_programme(p) for p in qs]


@router.post("/programmes", response={201: ProgrammeDetailOut}, summary="提出培训需求")
def create_programme(request: HttpRequest, payload: ProgrammeIn) -> Status:
    client = get_object_or_404(requesting_clients(request.user), pk=payload.client_id)
    programme = services.request_programme(
        actor=request.user, client=client, **payload.dict(exclude={"client_id"})
    )
    return Status(201, _detail(request, programme))


@router.get("/programmes/{programme_id}", response=ProgrammeDetailOut, summary="培训项目详情与汇总")
def get_programme(request: HttpRequest, programme_id: int) -> dict[str, Any]:
    _require_view(request)
    return _detail(request, programme_for(request.user, programme_id))


def _act(request: HttpRequest, programme_id: int, call: Any) -> dict[str, Any]:
    _require_view(request)
    programme = programme_for(request.user, programme_id)
    call(programme)
    return _detail(request, programme)


@router.post(
    "/programmes/{programme_id}/resources", response=ProgrammeDetailOut, summary="配置培训资源"
)
def resources(request: HttpRequest, programme_id: int, payload: ResourcesIn) -> dict[str, Any]:
    return _act(
        request,
        programme_id,
        lambda p: services.plan_resources(actor=request.user, programme=p, **payload.dict()),
    )


@router.post(
    "/programmes/{programme_id}/sessions",
    response=ProgrammeDetailOut,
    summary="排课（通知客户人事）",
)
def schedule(request: HttpRequest, programme_id: int, payload: SessionIn) -> dict[str, Any]:
    return _act(
        request,
        programme_id,
        lambda p: services.schedule_session(actor=request.user, programme=p, **payload.dict()),
    )


@router.post("/programmes/{programme_id}/evaluate", response=ProgrammeDetailOut, summary="培训评估")
def evaluate(request: HttpRequest, programme_id: int, payload: EvaluateIn) -> dict[str, Any]:
    return _act(
        request,
        programme_id,
        lambda p: services.evaluate_programme(actor=request.user, programme=p, **payload.dict()),
    )


@router.post(
    "/programmes/{programme_id}/cancel", response=ProgrammeDetailOut, summary="取消培训项目"
)
def cancel(request: HttpRequest, programme_id: int, payload: ReasonIn) -> dict[str, Any]:
    return _act(
        request,
        programme_id,
        lambda p: services.cancel_programme(actor=request.user, programme=p, reason=payload.reason),
    )


@router.get("/sessions/{training_session_id}", response=SessionDetailOut, summary="场次名单")
def get_session(request: HttpRequest, training_session_id: int) -> dict[str, Any]:
    _require_view(request)
    return _session_detail(request, session_for(request.user, training_session_id))


def _session_act(request: HttpRequest, training_session_id: int, call: Any) -> dict[str, Any]:
    _require_view(request)
    session = session_for(request.user, training_session_id)
    call(session)
    return _session_detail(request, session)


@router.post(
    "/sessions/{training_session_id}/enrol", response=SessionDetailOut, summary="报名（批量）"
)
def enrol(request: HttpRequest, training_session_id: int, payload: EnrolIn) -> dict[str, Any]:
    return _session_act(
        request,
        training_session_id,
        lambda s: roster.enrol(
            actor=request.user, session=s, person_ids=payload.person_ids, names=payload.names
        ),
    )


@router.post(
    "/sessions/{training_session_id}/attendance", response=SessionDetailOut, summary="登记出勤"
)
def attendance(
    request: HttpRequest, training_session_id: int, payload: AttendanceIn
) -> dict[str, Any]:
    return _session_act(
        request,
        training_session_id,
        lambda s: roster.mark_attendance(
            actor=request.user, session=s, attended_ids=payload.attended
        ),
    )


@router.post(
    "/sessions/{training_session_id}/results", response=SessionDetailOut, summary="录入满意度与成绩"
)
def results(request: HttpRequest, training_session_id: int, payload: ResultsIn) -> dict[str, Any]:
    rows = {
        r.enrolment_id: {"satisfaction": r.satisfaction, "score": r.score, "comment": r.comment}
        for r in payload.results
    }
    return _session_act(
        request,
        training_session_id,
        lambda s: roster.record_results(actor=request.user, session=s, results=rows),
    )
