"""/api/desk/care…, /api/desk/complaints…, /api/desk/quality…: feedback and rating, follow-ups,
improvement cases, complaints and suggestions, quality samples and the monthly review. Thin:
the services check permissions; reads go through ``queries_care`` (staff only, scoped)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router
from ninja.pagination import paginate

from hragency.servicedesk import complaints, feedback, followups, forms_care, quality
from hragency.servicedesk.models import Complaint, FollowUp, ImprovementCase, QualityReview
from hragency.servicedesk.models import QualitySample as Sample
from hragency.servicedesk.queries_care import (
    case_for,
    cases_for,
    complaint_for,
    complaints_for,
    desk_deadlines_for,
    desk_tickets_for,
    follow_up_for,
    follow_ups_for,
    is_desk_staff,
    sample_for,
    samples_for,
)
from hragency.servicedesk.schemas_care import (
    CaseIn,
    CaseOut,
    ClassifyIn,
    ComplaintOut,
    ConcludeIn,
    DrawOut,
    FollowUpOut,
    KindIn,
    MonthlyOut,
    PlanIn,
    PromiseIn,
    RatedOut,
    RateIn,
    ReviewIn,
    ReviewOut,
    SampleOut,
    ScoreIn,
    VisitIn,
    WeeklyOut,
)

router = Router(tags=["服务台·反馈质检投诉"])


def _staff(request: HttpRequest) -> Any:
    if not is_desk_staff(request.user):
        raise PermissionDenied("无权查看")
    return request.user


def _follow_up(f: FollowUp) -> dict[str, Any]:
    return {
        "id": f.pk,
        "ticket_id": f.ticket_id,
        "ticket_number": f.ticket.number,
        "client_id": f.client_id,
        "owner": str(f.owner),
        "status": f.status,
        "status_label": f.get_status_display(),
        "reason": f.reason,
        "plan": f.plan,
        "planned_at": f.planned_at,
        "visit_notes": f.visit_notes,
        "visit_score": f.visit_score,
        "visited_at": f.visited_at,
        "created_at": f.created_at,
    }


def _case(c: ImprovementCase) -> dict[str, Any]:
    return {
        "id": c.pk,
        "ticket_number": c.ticket.number if c.ticket_id else None,
        "client_id": c.client_id,
        "title": c.title,
        "problem": c.problem,
        "improvement": c.improvement,
        "source": c.source,
        "created_at": c.created_at,
    }


def _complaint(c: Complaint) -> dict[str, Any]:
    return {
        "id": c.pk,
        "ticket_id": c.ticket_id,
        "ticket_number": c.ticket.number,
        "subject": c.ticket.subject,
        "client_id": c.client_id,
        "kind": c.kind,
        "kind_label": c.get_kind_display(),
        "severity": c.severity,
        "investigator": str(c.investigator) if c.investigator_id else None,
        "target_department": str(c.target_department) if c.target_department_id else None,
        "status": c.status,
        "findings": c.findings,
        "rectification_plan": c.rectification_plan,
        "reply_promised_on": c.reply_promised_on,
        "due_at": c.due_at,
        "concluded_at": c.concluded_at,
        "summarised_in_week": c.summarised_in_week,
        "created_at": c.created_at,
    }


def _sample(s: Sample) -> dict[str, Any]:
    return {
        "id": s.pk,
        "ticket_id": s.ticket_id,
        "ticket_number": s.ticket.number,
        "client_id": s.client_id,
        "rep": str(s.rep),
        "rep_id": s.rep_id,
        "sampled_on": s.sampled_on,
        "scores": s.scores or {},
        "total": s.total,
        "comment": s.comment,
        "scorer": str(s.scorer) if s.scorer_id else None,
        "scored_at": s.scored_at,
    }


# --- Rating (anonymous by token) and follow-ups ---


@router.post("/care/rate/{feedback_token}", response=RatedOut, auth=None, summary="客户评价")
def rate(request: HttpRequest, feedback_token: str, payload: RateIn) -> dict[str, Any]:
    user: Any = request.user
    actor = user if getattr(user, "kind", None) in ("client_hr", "staff") else None
    ticket = feedback.rate_ticket(
        token=feedback_token, score=payload.score, comment=payload.comment, actor=actor
    )
    return {
        "number": ticket.number,
        "satisfaction": ticket.satisfaction,
        "status": ticket.status,
        "follow_up": FollowUp.objects.filter(ticket=ticket).exists(),
    }


@router.get("/care/followups", response=list[FollowUpOut], summary="不满意跟进列表")
@paginate
def list_follow_ups(request: HttpRequest, status: str = "") -> list[dict[str, Any]]:
    qs = follow_ups_for(_staff(request))
    if status:
        qs = qs.filter(status=status)
    return [_follow_up(f) for f in qs]


@router.get("/care/followups/{followup_id}", response=FollowUpOut, summary="不满意跟进详情")
def get_follow_up(request: HttpRequest, followup_id: int) -> dict[str, Any]:
    return _follow_up(follow_up_for(_staff(request), followup_id))


@router.post("/care/followups/{followup_id}/plan", response=FollowUpOut, summary="记录调整方案")
def plan(request: HttpRequest, followup_id: int, payload: PlanIn) -> dict[str, Any]:
    f = follow_up_for(_staff(request), followup_id)
    return _follow_up(
        followups.record_follow_up_plan(actor=request.user, follow_up=f, plan=payload.plan)
    )


@router.post("/care/followups/{followup_id}/visit", response=FollowUpOut, summary="记录二次回访")
def visit(request: HttpRequest, followup_id: int, payload: VisitIn) -> dict[str, Any]:
    f = follow_up_for(_staff(request), followup_id)
    return _follow_up(
        followups.record_second_visit(
            actor=request.user, follow_up=f, notes=payload.notes, score=payload.score
        )
    )


@router.get("/care/cases", response=list[CaseOut], summary="改进案例库")
@paginate
def list_cases(request: HttpRequest, q: str = "") -> list[dict[str, Any]]:
    return [_case(c) for c in cases_for(_staff(request), q)]


@router.post("/care/cases/{improvement_id}", response=CaseOut, summary="编辑改进措施")
def update_case(request: HttpRequest, improvement_id: int, payload: CaseIn) -> dict[str, Any]:
    case = case_for(_staff(request), improvement_id)
    return _case(
        followups.update_case(
            actor=request.user, case=case, title=payload.title, improvement=payload.improvement
        )
    )


# --- Complaints and suggestions ---


@router.get("/complaints", response=list[ComplaintOut], summary="投诉建议列表")
@paginate
def list_complaints(
    request: HttpRequest, kind: str = "", severity: str = "", status: str = ""
) -> list[dict[str, Any]]:
    qs = complaints_for(_staff(request))
    for name, value in (("kind", kind), ("severity", severity), ("status", status)):
        if value:
            qs = qs.filter(**{name: value})
    return [_complaint(c) for c in qs]


@router.get("/complaints/weekly", response=WeeklyOut, summary="建议周汇总")
def weekly(request: HttpRequest, week: str = "") -> dict[str, Any]:
    from hragency.servicedesk.views_care_complaints import parse_week

    label, start, end = parse_week(week)
    qs = complaints_for(_staff(request)).filter(kind=Complaint.Kind.SUGGESTION)
    qs = qs.filter(summarised_in_week=label) | qs.filter(created_at__gte=start, created_at__lt=end)
    return {"week": label, "suggestions": [_complaint(c) for c in qs.order_by("created_at")]}


@router.get("/complaints/{complaint_id}", response=ComplaintOut, summary="投诉建议详情")
def get_complaint(request: HttpRequest, complaint_id: int) -> dict[str, Any]:
    return _complaint(complaint_for(_staff(request), complaint_id))


@router.post("/complaints/{complaint_id}/kind", response=ComplaintOut, summary="修改类别")
def change_kind(request: HttpRequest, complaint_id: int, payload: KindIn) -> dict[str, Any]:
    c = complaint_for(_staff(request), complaint_id)
    return _complaint(complaints.change_kind(actor=request.user, complaint=c, kind=payload.kind))


@router.post("/complaints/{complaint_id}/classify", response=ComplaintOut, summary="定级与调查人")
def classify(request: HttpRequest, complaint_id: int, payload: ClassifyIn) -> dict[str, Any]:
    c = complaint_for(_staff(request), complaint_id)
    data = {
        "investigator": payload.investigator_id or "",
        "target_department": payload.target_department_id or "",
    }
    return _complaint(
        complaints.classify_complaint(
            actor=request.user,
            complaint=c,
            severity=payload.severity,
            investigator=forms_care.staff_user(data, "investigator", "调查人"),
            target_department=forms_care.department(data),
        )
    )


@router.post("/complaints/{complaint_id}/promise", response=ComplaintOut, summary="承诺答复日期")
def promise(request: HttpRequest, complaint_id: int, payload: PromiseIn) -> dict[str, Any]:
    c = complaint_for(_staff(request), complaint_id)
    data = {"target_department": payload.target_department_id or ""}
    return _complaint(
        complaints.promise_reply(
            actor=request.user,
            complaint=c,
            reply_promised_on=payload.reply_promised_on,
            target_department=forms_care.department(data),
        )
    )


@router.post("/complaints/{complaint_id}/conclude", response=ComplaintOut, summary="办结")
def conclude(request: HttpRequest, complaint_id: int, payload: ConcludeIn) -> dict[str, Any]:
    c = complaint_for(_staff(request), complaint_id)
    return _complaint(
        complaints.conclude_complaint(
            actor=request.user,
            complaint=c,
            findings=payload.findings,
            rectification_plan=payload.rectification_plan,
            upheld=payload.upheld,
        )
    )


# --- Quality ---


def _scorer(request: HttpRequest) -> Any:
    user = _staff(request)
    if not user.has_perm("servicedesk.score_quality"):
        raise PermissionDenied("无权质检")
    return user


@router.get("/quality/samples", response=list[SampleOut], summary="质检样本")
@paginate
def list_samples(request: HttpRequest, day: str = "") -> list[dict[str, Any]]:
    """The samples drawn on ``day`` (2026-11-23; default today)."""
    on = forms_care.date_field({"day": day}, "day", "日期") or timezone.localdate()
    qs = samples_for(_scorer(request)).filter(sampled_on=on)
    return [_sample(s) for s in qs]


@router.post("/quality/draw", response=DrawOut, summary="抽取今日样本")
def draw(request: HttpRequest) -> dict[str, Any]:
    _scorer(request)
    day = timezone.localdate()
    return {"day": day, "drawn": len(quality.sample_day(day))}


@router.get("/quality/samples/{qa_sample_id}", response=SampleOut, summary="质检样本详情")
def get_sample(request: HttpRequest, qa_sample_id: int) -> dict[str, Any]:
    sample = sample_for(_staff(request), qa_sample_id)
    if request.user.pk != sample.rep_id and not request.user.has_perm("servicedesk.score_quality"):
        raise PermissionDenied("无权查看质检结果")
    return _sample(sample)


@router.post("/quality/samples/{qa_sample_id}/score", response=SampleOut, summary="质检评分")
def score(request: HttpRequest, qa_sample_id: int, payload: ScoreIn) -> dict[str, Any]:
    sample = sample_for(_scorer(request), qa_sample_id)
    return _sample(
        quality.score_sample(
            actor=request.user, sample=sample, scores=payload.scores, comment=payload.comment
        )
    )


def _review(review: QualityReview | None) -> dict[str, Any] | None:
    if review is None:
        return None
    return {
        "month": review.month,
        "held_on": review.held_on,
        "findings": review.findings,
        "actions": review.actions,
        "recorded_at": review.recorded_at,
    }


@router.get("/quality/monthly", response=MonthlyOut, summary="月度质检复盘数据")
def monthly(request: HttpRequest, month: str = "") -> dict[str, Any]:
    user = _scorer(request)
    month = month or f"{timezone.localdate():%Y-%m}"
    rows = quality.monthly_figures(
        month,
        samples=samples_for(user),
        tickets=desk_tickets_for(user),
        deadlines=desk_deadlines_for(user),
    )
    return {
        "month": month,
        "items": {code: label for code, (label, _max) in quality.SCORE_ITEMS.items()},
        "reps": [
            {
                "rep_id": r.rep.pk,
                "rep": str(r.rep),
                "samples": r.samples,
                "scored": r.scored,
                "average": r.average,
                "item_averages": r.item_averages,
                "lowest_items": r.lowest_items,
                "satisfaction": r.satisfaction,
                "rated": r.rated,
                "on_time_met": r.on_time[0],
                "on_time_counted": r.on_time[1],
                "on_time_percent": r.on_time_percent,
            }
            for r in rows
        ],
        "review": _review(QualityReview.objects.filter(month=month).first()),
    }


@router.post("/quality/reviews", response=ReviewOut, summary="记录月度复盘会")
def save_review(request: HttpRequest, payload: ReviewIn) -> dict[str, Any]:
    _scorer(request)
    review = quality.record_review(
        actor=request.user,
        month=payload.month,
        held_on=payload.held_on,
        findings=payload.findings,
        actions=payload.actions,
    )
    result = _review(review)
    assert result is not None
    return result
