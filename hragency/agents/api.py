"""/api/agents: agent profiles, events, monthly assessments (compute, edit, confirm, apply),
training sessions and the staffing-ratio monitor. Thin: services and queries do the work."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from hragency.agents import queries, services, staffing, training
from hragency.agents.common import parse_month
from hragency.agents.models import AgentEvent, AgentProfile, MonthlyAssessment, TrainingSession
from hragency.agents.schemas import (
    AgentIn,
    AgentOut,
    AgentPatch,
    AssessmentOut,
    AttendanceIn,
    BatchOut,
    ComputeOut,
    EventIn,
    EventOut,
    MonthIn,
    ScoresIn,
    TeamOut,
    TrainingIn,
    TrainingOut,
    TrainingSummaryOut,
)
from hragency.core.errors import ServiceError
from hragency.domain.agent_rating import DIMENSIONS

router = Router(tags=["坐席考核"])


def _agent(a: AgentProfile) -> dict[str, Any]:
    return {
        "id": a.pk,
        "user_id": a.user_id,
        "name": a.name,
        "team_id": a.team_id,
        "team": a.team.name if a.team_id else None,
        "position": a.position,
        "position_label": a.get_position_display(),
        "hire_date": a.hire_date,
        "leave_date": a.leave_date,
        "status": a.status,
        "status_label": a.get_status_display(),
        "has_payroll_record": a.person_id is not None,
        "skills": list(a.skills or []),
    }


def _assessment(r: MonthlyAssessment) -> dict[str, Any]:
    return {
        "id": r.pk,
        "agent_id": r.agent_id,
        "agent": r.agent.name,
        "month": r.month,
        "scheme_version": r.scheme.version,
        **{d: getattr(r, d) for d in DIMENSIONS},
        "manual": list(r.manual or []),
        "sources": dict(r.sources or {}),
        "missing": services.missing_dimensions(r),
        "total": r.total,
        "grade": r.grade,
        "coefficient": r.coefficient,
        "status": r.status,
        "status_label": r.get_status_display(),
        "confirmed_at": r.confirmed_at,
        "applied_at": r.applied_at,
    }


def _event(e: AgentEvent) -> dict[str, Any]:
    return {
        "id": e.pk,
        "agent_id": e.agent_id,
        "kind": e.kind,
        "kind_label": e.get_kind_display(),
        "happened_on": e.happened_on,
        "title": e.title,
        "score": e.score,
        "points": e.points,
        "note": e.note,
    }


def _summary(s: TrainingSession) -> dict[str, Any]:
    return {
        "id": s.pk,
        "held_on": s.held_on,
        "topic": s.topic,
        "category": s.category,
        "trainer": s.trainer,
        "hours": s.hours,
        "team_id": s.team_id,
    }


def _training(s: TrainingSession, user: Any) -> dict[str, Any]:
    return {
        **_summary(s),
        "attendance": [
            {
                "agent_id": r.agent_id,
                "agent": r.agent.name,
                "attended": r.attended,
                "score": r.score,
            }
            for r in queries.attendance_of(s, user)
        ],
    }


def _batch(result: services.BatchResult) -> dict[str, Any]:
    return {
        "month": result.month,
        "done": result.done,
        "skipped": result.skipped,
        "refused": [{"agent": name, "reason": reason} for name, reason in result.refused],
    }


def _manage(request: HttpRequest) -> None:
    if not queries.may_manage(request.user):
        raise PermissionDenied("无权管理坐席考核")


# --- agents ------------------------------------------------------------------------------------


@router.get("/agents", response=list[AgentOut], summary="坐席列表")
@paginate
def list_agents(request: HttpRequest, status: str = "", team: str = "") -> list[dict[str, Any]]:
    qs = queries.filter_agents(queries.agents_for(request.user), {"status": status, "team": team})
    return [_agent(a) for a in qs]


@router.post("/agents", response={201: AgentOut}, summary="新建坐席档案")
def create_agent(request: HttpRequest, payload: AgentIn) -> tuple[int, dict[str, Any]]:
    from hragency.accounts.models import User

    _manage(request)
    user = User.objects.filter(pk=payload.user_id, kind=User.Kind.STAFF).first()
    if user is None:
        raise ServiceError("员工账号不存在")
    profile = services.create_profile(
        actor=request.user,
        user=user,
        hire_date=payload.hire_date,
        team=payload.team_id,
        position=payload.position,
        person=payload.person_id,
        skills=payload.skills,
        note=payload.note,
    )
    return 201, _agent(profile)


@router.get("/agents/{agent_profile_id}", response=AgentOut, summary="坐席详情")
def get_agent(request: HttpRequest, agent_profile_id: int) -> dict[str, Any]:
    return _agent(queries.agent_for(request.user, agent_profile_id))


@router.patch(
    "/agents/{agent_profile_id}", response=AgentOut, summary="修改坐席档案（人员异动、离职）"
)
def update_agent(
    request: HttpRequest, agent_profile_id: int, payload: AgentPatch
) -> dict[str, Any]:
    _manage(request)
    agent = queries.agent_for(request.user, agent_profile_id)
    sent = payload.dict(exclude_unset=True)
    renames = {"team_id": "team", "person_id": "person"}
    fields = {renames.get(k, k): v for k, v in sent.items()}
    return _agent(services.update_profile(actor=request.user, profile=agent, **fields))


@router.get("/agents/{agent_profile_id}/events", response=list[EventOut], summary="坐席考核事件")
def list_events(request: HttpRequest, agent_profile_id: int) -> list[dict[str, Any]]:
    agent = queries.agent_for(request.user, agent_profile_id)
    return [_event(e) for e in queries.events_for(request.user).filter(agent=agent)[:200]]


@router.post("/agents/{agent_profile_id}/events", response={201: EventOut}, summary="登记考核事件")
def create_event(
    request: HttpRequest, agent_profile_id: int, payload: EventIn
) -> tuple[int, dict[str, Any]]:
    _manage(request)
    agent = queries.agent_for(request.user, agent_profile_id)
    event = services.record_event(actor=request.user, agent=agent, **payload.dict())
    return 201, _event(event)


# --- assessments -------------------------------------------------------------------------------


@router.get("/assessments", response=list[AssessmentOut], summary="月度考核")
@paginate
def list_assessments(request: HttpRequest, month: str = "") -> list[dict[str, Any]]:
    qs = queries.assessments_for(request.user)
    if month:
        qs = qs.filter(month=parse_month(month)[0])
    return [_assessment(r) for r in qs.order_by("-month", "agent_id")]


@router.post("/assessments/compute", response=ComputeOut, summary="计算当月考核")
def compute(request: HttpRequest, payload: MonthIn) -> dict[str, Any]:
    _manage(request)
    result = services.compute_month(actor=request.user, month=payload.month)
    return {
        "month": result.month,
        "created": result.created,
        "updated": result.updated,
        "kept": result.kept,
    }


@router.post("/assessments/confirm", response=BatchOut, summary="确认当月全部草稿")
def confirm_month(request: HttpRequest, payload: MonthIn) -> dict[str, Any]:
    _manage(request)
    return _batch(services.confirm_month(actor=request.user, month=payload.month))


@router.post("/assessments/apply", response=BatchOut, summary="当月考核计入工资")
def apply_month(request: HttpRequest, payload: MonthIn) -> dict[str, Any]:
    if not queries.may_apply(request.user):
        raise PermissionDenied("无权将考核结果计入工资")
    return _batch(services.apply_month(actor=request.user, month=payload.month))


@router.get("/assessments/{agent_assessment_id}", response=AssessmentOut, summary="考核详情")
def get_assessment(request: HttpRequest, agent_assessment_id: int) -> dict[str, Any]:
    return _assessment(queries.assessment_for(request.user, agent_assessment_id))


@router.patch("/assessments/{agent_assessment_id}", response=AssessmentOut, summary="录入考核得分")
def edit_assessment(
    request: HttpRequest, agent_assessment_id: int, payload: ScoresIn
) -> dict[str, Any]:
    _manage(request)
    row = queries.assessment_for(request.user, agent_assessment_id)
    row = services.edit_assessment(
        actor=request.user, assessment=row, scores=payload.scores, note=payload.note
    )
    return _assessment(row)


@router.post(
    "/assessments/{agent_assessment_id}/confirm", response=AssessmentOut, summary="确认考核"
)
def confirm(request: HttpRequest, agent_assessment_id: int) -> dict[str, Any]:
    _manage(request)
    row = queries.assessment_for(request.user, agent_assessment_id)
    return _assessment(services.confirm_assessment(actor=request.user, assessment=row))


@router.post("/assessments/{agent_assessment_id}/apply", response=AssessmentOut, summary="计入工资")
def apply(request: HttpRequest, agent_assessment_id: int) -> dict[str, Any]:
    if not queries.may_apply(request.user):
        raise PermissionDenied("无权将考核结果计入工资")
    row = queries.assessment_for(request.user, agent_assessment_id)
    return _assessment(services.apply_assessment(actor=request.user, assessment=row))


# --- training ----------------------------------------------------------------------------------


@router.get("/trainings", response=list[TrainingSummaryOut], summary="内部培训")
@paginate
def list_trainings(request: HttpRequest) -> list[dict[str, Any]]:
    return [_summary(s) for s in queries.sessions_for(request.user)]


@router.post("/trainings", response={201: TrainingOut}, summary="登记培训")
def create_training(request: HttpRequest, payload: TrainingIn) -> tuple[int, dict[str, Any]]:
    _manage(request)
    data = payload.dict()
    data["team"] = data.pop("team_id")
    session = training.create_session(actor=request.user, **data)
    return 201, _training(session, request.user)


@router.get("/trainings/{agent_training_id}", response=TrainingOut, summary="培训详情")
def get_training(request: HttpRequest, agent_training_id: int) -> dict[str, Any]:
    return _training(queries.session_for(request.user, agent_training_id), request.user)


@router.post("/trainings/{agent_training_id}/attendance", response=TrainingOut, summary="培训签到")
def attendance(
    request: HttpRequest, agent_training_id: int, payload: AttendanceIn
) -> dict[str, Any]:
    _manage(request)
    session = queries.session_for(request.user, agent_training_id)
    training.mark_attendance(
        actor=request.user, session=session, present=payload.present, scores=payload.scores
    )
    return _training(session, request.user)


# --- staffing ----------------------------------------------------------------------------------


@router.get("/staffing", response=list[TeamOut], summary="人员配比监控")
def staffing_monitor(request: HttpRequest) -> list[dict[str, Any]]:
    teams = queries.staffing_team_ids(request.user)
    return [
        {
            "team_id": line.team.pk,
            "team": line.team.name,
            "reps": line.load.reps,
            "staff": line.load.staff,
            "managers": line.load.managers,
            "insured": line.load.insured,
            "dispatched": line.load.dispatched,
            "over": line.check.over,
            "staff_to_add": line.check.staff_to_add,
            "managers_to_add": line.check.managers_to_add,
            "checks": [
                {
                    "kind": c.kind,
                    "load": c.load,
                    "have": c.have,
                    "limit": c.limit,
                    "need": c.need,
                    "missing": c.missing,
                    "over": c.over,
                }
                for c in line.check.checks
            ],
            "members": [
                {
                    "agent_id": rep.agent.pk,
                    "agent": rep.agent.name,
                    "clients": rep.clients,
                    "insured": rep.insured,
                    "over": rep.check.over,
                }
                for rep in line.reps
            ],
        }
        for line in staffing.monitor(teams)
    ]
