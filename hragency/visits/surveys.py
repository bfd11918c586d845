"""Satisfaction survey responses (R-VISIT-2).

Decisions:

- **One response per client per quarter; a later submission replaces the earlier one** (same
  row, audited before → after). The client's HR may correct its answers, and a rep's call
  after the HR filled the portal form updates the same answer rather than counting twice.
- A quarter accepts responses from its first day until ``GRACE_DAYS`` after its last day (late
  answers of the last week can still be keyed in); after that its figures are final.
- **What the client's HR sees:** its own company's survey form and its own responses, nothing
  else of this app — not the agency's visit tasks, visit notes, issues or follow-up plans.
- Staff record answers taken by phone / on site / online (``visits.add_surveyresponse`` and the
  client in scope); HR answers through the portal (channel 客户门户).
- A response closes the client's open 满意度调查 task of that quarter (done by whoever answered).
- 总体满意度 ≤ 3 opens a 低分回访 for the CS supervisor within 3 working days (R-DESK-7).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from hragency.clients.models import Client
from hragency.clients.services import ensure_serviceable
from hragency.core import audit
from hragency.core.deadlines import close_deadline
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.models import Deadline
from hragency.core.scoping import scope_queryset
from hragency.visits.models import DIMENSIONS, SurveyResponse, VisitTask
from hragency.visits.planning import survey_for
from hragency.visits.quarters import Quarter, parse_quarter
from hragency.visits.services import LOW_SCORE, open_low_score_visit

GRACE_DAYS = 15
MAX_TEXT = 2000
TASK_METHOD = {
    SurveyResponse.Channel.PHONE: VisitTask.Method.PHONE,
    SurveyResponse.Channel.ONSITE: VisitTask.Method.ONSITE,
    SurveyResponse.Channel.ONLINE: VisitTask.Method.ONLINE,
    SurveyResponse.Channel.PORTAL: VisitTask.Method.ONLINE,
}


def accepting(quarter: Quarter, today: dt.date) -> bool:
    return quarter.first_day <= today <= quarter.last_day + dt.timedelta(days=GRACE_DAYS)


def parse_scores(scores: Mapping[str, Any]) -> tuple[dict[str, int], list[FieldError]]:
    """Each of the five dimensions: a whole number 1–5, required."""
    clean: dict[str, int] = {}
    errors: list[FieldError] = []
    for field, label in DIMENSIONS:
        raw = scores.get(field)
        text = str(raw).strip() if raw is not None else ""
        if isinstance(raw, bool) or not text:
            errors.append(FieldError(field, label, "请打分（1–5 分）"))
        elif not text.isdigit() or not 1 <= int(text) <= 5:
            errors.append(FieldError(field, label, "应为 1–5 的整数"))
        else:
            clean[field] = int(text)
    return clean, errors


def _finish_survey_task(
    task: VisitTask, response: SurveyResponse, actor: Any, at: dt.datetime
) -> None:
    before = audit.snapshot(task)
    task.status = VisitTask.Status.DONE
    task.method = TASK_METHOD[response.channel]
    task.summary = (
        f"完成{response.survey.title}：受访人 {response.respondent_name}，"
        f"总体满意度 {response.overall} 分"
    )
    task.done_at = at
    task.completed_by = actor if getattr(actor, "kind", "") == "staff" else None
    task.save()
    audit.record(
        actor=actor,
        action="visits.task_complete",
        instance=task,
        before=before,
        after=audit.snapshot(task),
    )
    deadline = Deadline.objects.filter(pk=task.deadline_id, status=Deadline.Status.OPEN).first()
    if deadline is not None:
        close_deadline(deadline, at=at, actor=actor)


@transaction.atomic
def record_response(
    *,
    actor: Any,
    client: Client,
    respondent_name: str,
    channel: str,
    scores: Mapping[str, Any],
    respondent_role: str = "",
    comments: str = "",
    suggestions: str = "",
    quarter: str | Quarter | None = None,
    task: VisitTask | None = None,
    today: dt.date | None = None,
) -> SurveyResponse:
    """Record (or replace) the client's answer to the quarter's survey."""
    if actor is None or not actor.has_perm("visits.add_surveyresponse"):
        raise PermissionDenied("无权填写满意度调查")
    if not scope_queryset(Client.objects.filter(pk=client.pk), actor).exists():
        raise PermissionDenied("无权为该客户填写满意度调查")
    client = ensure_serviceable(client)
    today = today or timezone.localdate()
    is_hr = getattr(actor, "kind", "") == "client_hr"
    if is_hr:
        channel = SurveyResponse.Channel.PORTAL
    if quarter is None or quarter == "":
        quarter = Quarter.of(today)
    elif isinstance(quarter, str):
        quarter = parse_quarter(quarter)
    if not accepting(quarter, today):
        raise ServiceError(f"{quarter.label}满意度调查不在填写期内")
    if is_hr and quarter != Quarter.of(today):
        raise ServiceError("只能填写本季度的满意度调查")
    clean, errors = parse_scores(scores)
    name = (respondent_name or "").strip()
    if is_hr and not name:
        name = str(actor)
    if not name:
        errors.append(FieldError("respondent_name", "受访人", "必填"))
    if len(name) > 60:
        errors.append(FieldError("respondent_name", "受访人", "不能超过 60 个字"))
    role = (respondent_role or "").strip() or ("企业HR" if is_hr else "")
    if len(role) > 60:
        errors.append(FieldError("respondent_role", "受访人职务", "不能超过 60 个字"))
    if channel not in SurveyResponse.Channel.values:
        errors.append(FieldError("channel", "调查方式", "请选择调查方式"))
    texts = {"comments": comments, "suggestions": suggestions}
    for field, label in (("comments", "意见"), ("suggestions", "建议")):
        texts[field] = str(texts[field] or "").strip()
        if len(texts[field]) > MAX_TEXT:
            errors.append(FieldError(field, label, f"不能超过 {MAX_TEXT} 个字"))
    if task is not None and (
        task.client_id != client.pk
        or task.kind != VisitTask.Kind.SURVEY
        or task.status != VisitTask.Status.OPEN
    ):
        errors.append(FieldError("task", "回访任务", "不是该客户待完成的满意度调查任务"))
    if errors:
        raise InvalidFields(errors)
    survey = survey_for(quarter, actor=actor)
    now = timezone.now()
    response = (
        SurveyResponse.objects.select_for_update().filter(survey=survey, client=client).first()
    )
    before = audit.snapshot(response) if response is not None else None
    if response is None:
        response = SurveyResponse(survey=survey, client=client)
    response.respondent_name = name
    response.respondent_role = role
    response.channel = channel
    for field, value in clean.items():
        setattr(response, field, value)
    response.comments = texts["comments"]
    response.suggestions = texts["suggestions"]
    response.submitted_by = actor
    response.submitted_at = now
    if task is not None:
        response.task = task
    response.save()
    audit.record(
        actor=actor,
        action="visits.response_replace" if before else "visits.response_create",
        instance=response,
        before=before,
        after=audit.snapshot(response),
    )
    open_task = (
        VisitTask.objects.select_for_update(of=("self",))
        .filter(
            client=client,
            kind=VisitTask.Kind.SURVEY,
            survey=survey,
            status=VisitTask.Status.OPEN,
        )
        .first()
    )
    if open_task is not None:
        _finish_survey_task(open_task, response, actor, now)
    if response.overall <= LOW_SCORE:
        open_low_score_visit(
            client=client,
            reason=f"{survey.title}总体满意度 {response.overall} 分",
            actor=actor,
        )
    return response
