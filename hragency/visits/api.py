"""/api/visits: return-visit tasks, survey responses and the quarterly report (R-VISIT).
Thin: the services and queries do the work."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import paginate

from hragency.visits import services, surveys
from hragency.visits.models import DIMENSIONS, SurveyResponse, VisitTask
from hragency.visits.quarters import parse_quarter
from hragency.visits.queries import (
    filter_tasks,
    responses_for,
    surveyable_client,
    task_for,
    tasks_for,
)
from hragency.visits.report import report_json, satisfaction_report
from hragency.visits.schemas import (
    CancelIn,
    CompleteIn,
    RescheduleIn,
    ResponseIn,
    ResponseOut,
    TaskOut,
)

router = Router(tags=["回访与满意度"])


def _require(request: HttpRequest, permission: str, message: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied(message)


def _task(task: VisitTask) -> dict[str, Any]:
    return {
        "id": task.pk,
        "client_id": task.client_id,
        "client": task.client.name,
        "kind": task.kind,
        "kind_label": task.get_kind_display(),
        "status": task.status,
        "status_label": task.get_status_display(),
        "due_date": task.due_date,
        "overdue": task.status == VisitTask.Status.OPEN and task.due_date < timezone.localdate(),
        "owner": str(task.owner) if task.owner_id else None,
        "reason": task.reason,
        "method": task.method,
        "done_at": task.done_at,
        "summary": task.summary,
        "issues": task.issues,
        "next_actions": task.next_actions,
        "note": task.note,
    }


def _response(r: SurveyResponse) -> dict[str, Any]:
    return {
        "id": r.pk,
        "quarter": r.survey.quarter,
        "client_id": r.client_id,
        "client": r.client.name,
        "respondent_name": r.respondent_name,
        "respondent_role": r.respondent_role,
        "channel": r.channel,
        **{field: getattr(r, field) for field, _ in DIMENSIONS},
        "comments": r.comments,
        "suggestions": r.suggestions,
        "submitted_at": r.submitted_at,
    }


@router.get("/tasks", response=list[TaskOut], summary="回访任务列表")
@paginate
def list_tasks(
    request: HttpRequest, view: str = "", status: str = "", kind: str = ""
) -> list[dict[str, Any]]:
    _require(request, "visits.view_visittask", "无权查看回访任务")
    qs = filter_tasks(
        tasks_for(request.user), request.user, {"view": view, "status": status, "kind": kind}
    )
    return [_task(t) for t in qs]


@router.get("/tasks/{visit_id}", response=TaskOut, summary="回访任务详情")
def get_task(request: HttpRequest, visit_id: int) -> dict[str, Any]:
    _require(request, "visits.view_visittask", "无权查看回访任务")
    return _task(task_for(request.user, visit_id))


@router.post("/tasks/{visit_id}/complete", response=TaskOut, summary="完成回访")
def complete(request: HttpRequest, visit_id: int, payload: CompleteIn) -> dict[str, Any]:
    task = task_for(request.user, visit_id)
    return _task(services.complete_visit(actor=request.user, task=task, **payload.dict()))


@router.post("/tasks/{visit_id}/reschedule", response=TaskOut, summary="回访改期")
def reschedule(request: HttpRequest, visit_id: int, payload: RescheduleIn) -> dict[str, Any]:
    task = task_for(request.user, visit_id)
    return _task(
        services.reschedule_visit(
            actor=request.user, task=task, due_date=payload.due_date, reason=payload.reason
        )
    )


@router.post("/tasks/{visit_id}/cancel", response=TaskOut, summary="取消回访")
def cancel(request: HttpRequest, visit_id: int, payload: CancelIn) -> dict[str, Any]:
    task = task_for(request.user, visit_id)
    return _task(services.cancel_visit(actor=request.user, task=task, reason=payload.reason))


@router.get("/responses", response=list[ResponseOut], summary="满意度调查答卷")
@paginate
def list_responses(request: HttpRequest, quarter: str = "") -> list[dict[str, Any]]:
    _require(request, "visits.view_surveyresponse", "无权查看满意度调查")
    qs = responses_for(request.user)
    if quarter:
        qs = qs.filter(survey__quarter=str(parse_quarter(quarter)))
    return [_response(r) for r in qs]


@router.post(
    "/responses", response={201: ResponseOut}, summary="提交满意度调查答卷（同季度再次提交即更新）"
)
def create_response(request: HttpRequest, payload: ResponseIn) -> Status:
    _require(request, "visits.add_surveyresponse", "无权填写满意度调查")
    client = surveyable_client(request.user, payload.client_id)
    task = (
        get_object_or_404(tasks_for(request.user), pk=payload.task_id) if payload.task_id else None
    )
    response = surveys.record_response(
        actor=request.user,
        client=client,
        respondent_name=payload.respondent_name,
        respondent_role=payload.respondent_role,
        channel=payload.channel,
        scores={field: getattr(payload, field) for field, _ in DIMENSIONS},
        comments=payload.comments,
        suggestions=payload.suggestions,
        quarter=payload.quarter or None,
        task=task,
    )
    return Status(201, _response(response))


@router.get("/report", response=dict[str, Any], summary="客户满意度分析报告（季度）")
def report(request: HttpRequest, quarter: str = "") -> dict[str, Any]:
    from hragency.visits.quarters import Quarter

    q = parse_quarter(quarter) if quarter else Quarter.of(timezone.localdate())
    return report_json(satisfaction_report(request.user, q))
