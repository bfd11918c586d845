"""/api/recruitment: requisitions and every step of the pipeline (R-SVC-1). Thin: the services
and queries do the work; a client's HR user sees only their company and the candidates sent to
them, with phones masked."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import paginate

from hragency.core import values
from hragency.core.errors import ServiceError
from hragency.recruitment import pipeline, services
from hragency.recruitment.models import Application, Requisition
from hragency.recruitment.queries import (
    application_for,
    applications_for,
    filter_requisitions,
    interviews_of,
    requesting_clients,
    requisition_for,
    requisitions_for,
)
from hragency.recruitment.report import Group, recruitment_report, requisition_figures
from hragency.recruitment.schemas import (
    ApplicationOut,
    CandidateIn,
    ChannelIn,
    EvaluateIn,
    FeedbackIn,
    HireIn,
    InterviewIn,
    JdIn,
    NoteIn,
    PersonIn,
    PlanIn,
    ProbationIn,
    ReasonIn,
    ReportOut,
    RequisitionDetailOut,
    RequisitionIn,
    RequisitionOut,
)

router = Router(tags=["招聘外包"])


def _require_view(request: HttpRequest) -> None:
    if not request.user.has_perm("recruitment.view_requisition"):
        raise PermissionDenied("无权查看招聘需求")


def _requisition(r: Requisition) -> dict[str, Any]:
    return {
        "id": r.pk,
        "number": r.number,
        "client_id": r.client_id,
        "client": r.client.name,
        "position": r.position,
        "headcount": r.headcount,
        "location": r.location,
        "salary_min": r.salary_min,
        "salary_max": r.salary_max,
        "requirements": r.requirements,
        "urgency": r.urgency,
        "requested_at": r.requested_at,
        "recruiter": str(r.recruiter),
        "stage": r.stage,
        "stage_label": r.get_stage_display(),
        "status": r.status,
        "status_label": r.get_status_display(),
        "contacted_at": r.contacted_at,
        "contact_note": r.contact_note,
        "jd": r.jd,
        "plan_start": r.plan_start,
        "plan_end": r.plan_end,
        "plan_note": r.plan_note,
        "shortlist_sent_at": r.shortlist_sent_at,
        "filled_at": r.filled_at,
        "cancel_reason": r.cancel_reason,
        "satisfaction": r.satisfaction,
        "evaluation_note": r.evaluation_note,
    }


def _application(a: Application, interviews: list[Any]) -> dict[str, Any]:
    return {
        "id": a.pk,
        "requisition_id": a.requisition_id,
        "candidate_id": a.candidate_id,
        "candidate": a.candidate.name,
        "phone_masked": a.candidate.masked_phone,
        "source": a.candidate.source,
        "stage": a.stage,
        "stage_label": a.get_stage_display(),
        "reason": a.reason,
        "screening_note": a.screening_note,
        "shortlisted_at": a.shortlisted_at,
        "interview_result": a.interview_result,
        "client_feedback": a.client_feedback,
        "interviews": [
            {"at": i.at, "place": i.place, "interviewer": i.interviewer, "note": i.note}
            for i in interviews
        ],
        "hire_date": a.hire_date,
        "probation_result": a.probation_result,
        "person_id": a.person_id,
    }


def _detail(request: HttpRequest, requisition: Requisition) -> dict[str, Any]:
    requisition = requisition_for(request.user, requisition.pk)
    apps = list(applications_for(request.user).filter(requisition=requisition))
    interviews = interviews_of(apps)
    return {
        **_requisition(requisition),
        "channels": [
            {
                "id": c.pk,
                "name": c.name,
                "cost": c.cost,
                "published_on": c.published_on,
                "note": c.note,
            }
            for c in requisition.channels.all()
        ],
        "applications": [_application(a, interviews[a.pk]) for a in apps],
        "figures": asdict(requisition_figures(requisition)),
    }


def _one_application(request: HttpRequest, application: Application) -> dict[str, Any]:
    application = application_for(request.user, application.pk)
    return _application(application, interviews_of([application])[application.pk])


@router.get("/requisitions", response=list[RequisitionOut], summary="招聘需求列表")
@paginate
def list_requisitions(
    request: HttpRequest, view: str = "", status: str = "", stage: str = "", client: str = ""
) -> list[dict[str, Any]]:
    _require_view(request)
    qs = filter_requisitions(
        requisitions_for(request.user),
        request.user,
        {"view": view, "status": status, "stage": stage, "client": client},
    )
    return [_requisition(r) for r in qs]


@router.post("/requisitions", response={201: RequisitionDetailOut}, summary="提交招聘需求")
def create_requisition(request: HttpRequest, payload: RequisitionIn) -> Status:
    client = get_object_or_404(requesting_clients(request.user), pk=payload.client_id)
    data = payload.dict(exclude={"client_id"})
    requisition = services.submit_requisition(actor=request.user, client=client, **data)
    return Status(201, _detail(request, requisition))


@router.get("/requisitions/{requisition_id}", response=RequisitionDetailOut, summary="招聘需求详情")
def get_requisition(request: HttpRequest, requisition_id: int) -> dict[str, Any]:
    _require_view(request)
    return _detail(request, requisition_for(request.user, requisition_id))


def _act(request: HttpRequest, requisition_id: int, call: Any) -> dict[str, Any]:
    _require_view(request)
    requisition = requisition_for(request.user, requisition_id)
    call(requisition)
    return _detail(request, requisition)


@router.post(
    "/requisitions/{requisition_id}/contact",
    response=RequisitionDetailOut,
    summary="记录联系客户（关闭2小时时限）",
)
def contact(request: HttpRequest, requisition_id: int, payload: NoteIn) -> dict[str, Any]:
    return _act(
        request,
        requisition_id,
        lambda r: services.record_contact(actor=request.user, requisition=r, note=payload.note),
    )


@router.post(
    "/requisitions/{requisition_id}/jd", response=RequisitionDetailOut, summary="岗位说明书"
)
def jd(request: HttpRequest, requisition_id: int, payload: JdIn) -> dict[str, Any]:
    return _act(
        request,
        requisition_id,
        lambda r: services.save_jd(actor=request.user, requisition=r, jd=payload.jd),
    )


@router.post(
    "/requisitions/{requisition_id}/plan", response=RequisitionDetailOut, summary="招聘计划"
)
def plan(request: HttpRequest, requisition_id: int, payload: PlanIn) -> dict[str, Any]:
    return _act(
        request,
        requisition_id,
        lambda r: services.save_plan(actor=request.user, requisition=r, **payload.dict()),
    )


@router.post(
    "/requisitions/{requisition_id}/channels", response=RequisitionDetailOut, summary="发布渠道"
)
def channel(request: HttpRequest, requisition_id: int, payload: ChannelIn) -> dict[str, Any]:
    return _act(
        request,
        requisition_id,
        lambda r: services.add_channel(actor=request.user, requisition=r, **payload.dict()),
    )


@router.post(
    "/requisitions/{requisition_id}/candidates",
    response={201: ApplicationOut},
    summary="录入候选人（简历请在页面上传）",
)
def candidate(request: HttpRequest, requisition_id: int, payload: CandidateIn) -> Status:
    _require_view(request)
    requisition = requisition_for(request.user, requisition_id)
    application = pipeline.add_candidate(
        actor=request.user, requisition=requisition, **payload.dict()
    )
    return Status(201, _one_application(request, application))


@router.post(
    "/requisitions/{requisition_id}/cancel", response=RequisitionDetailOut, summary="取消招聘需求"
)
def cancel(request: HttpRequest, requisition_id: int, payload: ReasonIn) -> dict[str, Any]:
    return _act(
        request,
        requisition_id,
        lambda r: services.cancel_requisition(
            actor=request.user, requisition=r, reason=payload.reason
        ),
    )


@router.post(
    "/requisitions/{requisition_id}/evaluate", response=RequisitionDetailOut, summary="评价招聘服务"
)
def evaluate(request: HttpRequest, requisition_id: int, payload: EvaluateIn) -> dict[str, Any]:
    return _act(
        request,
        requisition_id,
        lambda r: services.evaluate_requisition(
            actor=request.user, requisition=r, satisfaction=payload.satisfaction, note=payload.note
        ),
    )


@router.get("/applications/{application_id}", response=ApplicationOut, summary="应聘记录")
def get_application(request: HttpRequest, application_id: int) -> dict[str, Any]:
    _require_view(request)
    return _one_application(request, application_for(request.user, application_id))


def _app_act(request: HttpRequest, application_id: int, call: Any) -> dict[str, Any]:
    _require_view(request)
    application = application_for(request.user, application_id)
    call(application)
    return _one_application(request, application)


@router.post(
    "/applications/{application_id}/shortlist",
    response=ApplicationOut,
    summary="推荐给客户（首个推荐关闭24小时时限）",
)
def shortlist(request: HttpRequest, application_id: int, payload: NoteIn) -> dict[str, Any]:
    return _app_act(
        request,
        application_id,
        lambda a: pipeline.shortlist(actor=request.user, application=a, note=payload.note),
    )


@router.post(
    "/applications/{application_id}/interview", response=ApplicationOut, summary="安排客户面试"
)
def interview(request: HttpRequest, application_id: int, payload: InterviewIn) -> dict[str, Any]:
    return _app_act(
        request,
        application_id,
        lambda a: pipeline.schedule_interview(actor=request.user, application=a, **payload.dict()),
    )


@router.post(
    "/applications/{application_id}/feedback", response=ApplicationOut, summary="客户面试反馈"
)
def feedback(request: HttpRequest, application_id: int, payload: FeedbackIn) -> dict[str, Any]:
    return _app_act(
        request,
        application_id,
        lambda a: pipeline.record_feedback(actor=request.user, application=a, **payload.dict()),
    )


@router.post("/applications/{application_id}/offer", response=ApplicationOut, summary="录用")
def offer(request: HttpRequest, application_id: int) -> dict[str, Any]:
    return _app_act(
        request, application_id, lambda a: pipeline.make_offer(actor=request.user, application=a)
    )


@router.post("/applications/{application_id}/hire", response=ApplicationOut, summary="确认入职")
def hire(request: HttpRequest, application_id: int, payload: HireIn) -> dict[str, Any]:
    return _app_act(
        request,
        application_id,
        lambda a: pipeline.confirm_hire(
            actor=request.user, application=a, hire_date=payload.hire_date
        ),
    )


@router.post(
    "/applications/{application_id}/reject", response=ApplicationOut, summary="未通过（须填原因）"
)
def reject(request: HttpRequest, application_id: int, payload: ReasonIn) -> dict[str, Any]:
    return _app_act(
        request,
        application_id,
        lambda a: pipeline.reject(actor=request.user, application=a, reason=payload.reason),
    )


@router.post(
    "/applications/{application_id}/withdraw", response=ApplicationOut, summary="候选人退出"
)
def withdraw(request: HttpRequest, application_id: int, payload: ReasonIn) -> dict[str, Any]:
    return _app_act(
        request,
        application_id,
        lambda a: pipeline.withdraw(actor=request.user, application=a, reason=payload.reason),
    )


@router.post(
    "/applications/{application_id}/probation", response=ApplicationOut, summary="试用期考核"
)
def probation(request: HttpRequest, application_id: int, payload: ProbationIn) -> dict[str, Any]:
    return _app_act(
        request,
        application_id,
        lambda a: pipeline.record_probation(actor=request.user, application=a, **payload.dict()),
    )


@router.post(
    "/applications/{application_id}/person",
    response=ApplicationOut,
    summary="为录用人员建立参保人档案",
)
def person(request: HttpRequest, application_id: int, payload: PersonIn) -> dict[str, Any]:
    return _app_act(
        request,
        application_id,
        lambda a: pipeline.create_person_for_hire(
            actor=request.user, application=a, **payload.dict()
        ),
    )


def _group(g: Group) -> dict[str, Any]:
    return {
        "label": g.label,
        "requested": g.requested,
        "filled": g.filled,
        "cancelled": g.cancelled,
        "hires": g.hires,
        "channel_cost": g.channel_cost,
        "avg_time_to_fill": g.avg_time_to_fill,
        "cost_per_hire": g.cost_per_hire,
        "avg_satisfaction": g.avg_satisfaction,
        "probation_pass_rate": g.probation_pass_rate,
        "contact_rate": g.contact_rate,
        "shortlist_rate": g.shortlist_rate,
    }


@router.get("/report", response=ReportOut, summary="招聘服务报告（按招聘专员、按客户）")
def report(request: HttpRequest, start: str = "", end: str = "") -> dict[str, Any]:
    _require_view(request)
    if getattr(request.user, "kind", "") != "staff":
        raise PermissionDenied("招聘服务报告仅供内部使用")
    today = timezone.localdate()
    try:
        since = values.date(start) or today - dt.timedelta(days=90)
        until = values.date(end) or today
    except values.InvalidValue as exc:
        raise ServiceError(f"日期无效：{exc}") from exc
    result = recruitment_report(request.user, since, until)
    return {
        "start": result.start,
        "end": result.end,
        "total": _group(result.total),
        "by_recruiter": [_group(g) for g in result.by_recruiter],
        "by_client": [_group(g) for g in result.by_client],
    }
