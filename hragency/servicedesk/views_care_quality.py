"""Screens of quality assurance (R-DESK-9) under /desk/care/quality/: the day's sample queue,
scoring with the conversation, and the monthly review."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from hragency.clients.views import submit
from hragency.core import values
from hragency.core.errors import ServiceError
from hragency.servicedesk import forms_care, quality
from hragency.servicedesk.forms_care import require_desk_staff
from hragency.servicedesk.models import QualityReview, QualitySample
from hragency.servicedesk.queries_care import (
    desk_deadlines_for,
    desk_tickets_for,
    events_of,
    sample_for,
    samples_for,
)


def _require_scorer(user: Any) -> None:
    require_desk_staff(user)
    if not user.has_perm("servicedesk.score_quality"):
        raise PermissionDenied("无权质检")


@login_required
def sample_queue(request: HttpRequest) -> HttpResponse:
    """今日抽检: the day's samples (default today), unscored first."""
    _require_scorer(request.user)
    try:
        day = values.date(request.GET.get("day", "")) or timezone.localdate()
    except values.InvalidValue:
        day = timezone.localdate()
    qs = samples_for(request.user).filter(sampled_on=day).order_by("scored_at", "rep", "pk")
    return render(
        request,
        "servicedesk/care_quality.html",
        {"day": day, "samples": qs, "items": quality.SCORE_ITEMS},
    )


@require_POST
@login_required
def sample_draw(request: HttpRequest) -> HttpResponse:
    """Draw today's samples now (the 19:00 job does it otherwise; a rerun adds none)."""
    _require_scorer(request.user)
    day = timezone.localdate()
    created = quality.sample_day(day)
    messages.success(request, f"已抽取 {len(created)} 张工单" if created else "今日样本已抽取")
    return redirect(reverse("desk_care:quality"))


def _render_sample(
    request: HttpRequest, sample: QualitySample, errors: dict[str, str] | None = None
) -> HttpResponse:
    user: Any = request.user
    context = {
        "sample": sample,
        "ticket": sample.ticket,
        "events": events_of(sample.ticket, user),
        "items": [
            (code, label, maximum, (sample.scores or {}).get(code, ""))
            for code, (label, maximum) in quality.SCORE_ITEMS.items()
        ],
        "max_total": quality.MAX_TOTAL,
        "may_score": user.has_perm("servicedesk.score_quality") and user.pk != sample.rep_id,
        "errors": errors or {},
        "values": request.POST if errors else {},
    }
    return render(request, "servicedesk/care_sample.html", context, status=400 if errors else 200)


@login_required
def sample_detail(request: HttpRequest, qa_sample_id: int) -> HttpResponse:
    require_desk_staff(request.user)
    sample = sample_for(request.user, qa_sample_id)
    user: Any = request.user
    if user.pk != sample.rep_id and not user.has_perm("servicedesk.score_quality"):
        raise PermissionDenied("无权查看质检结果")
    return _render_sample(request, sample)


@require_POST
@login_required
def sample_score(request: HttpRequest, qa_sample_id: int) -> HttpResponse:
    _require_scorer(request.user)
    sample = sample_for(request.user, qa_sample_id)
    scores = {code: request.POST.get(code, "") for code in quality.SCORE_ITEMS}
    errors, response = submit(
        request,
        lambda: quality.score_sample(
            actor=request.user,
            sample=sample,
            scores=scores,
            comment=request.POST.get("comment", ""),
        ),
        success=lambda s: f"已评分：{s.total} 分",
        done_url=reverse("desk_care:quality") + f"?day={sample.sampled_on:%Y-%m-%d}",
        refused_url=reverse("desk_care:sample", args=[sample.pk]),
    )
    return response if response is not None else _render_sample(request, sample, errors)


def _month(request: HttpRequest) -> str:
    month = request.GET.get("month", "") or f"{timezone.localdate():%Y-%m}"
    try:
        quality.parse_month(month)
    except ServiceError:
        month = f"{timezone.localdate():%Y-%m}"
    return month


def monthly_context(user: Any, month: str) -> dict[str, Any]:
    return {
        "month": month,
        "rows": quality.monthly_figures(
            month,
            samples=samples_for(user),
            tickets=desk_tickets_for(user),
            deadlines=desk_deadlines_for(user),
        ),
        "items": quality.SCORE_ITEMS,
        "review": QualityReview.objects.filter(month=month).first(),
    }


@login_required
def monthly_review(request: HttpRequest) -> HttpResponse:
    _require_scorer(request.user)
    context = monthly_context(request.user, _month(request))
    context.update(errors={}, values={})
    return render(request, "servicedesk/care_monthly.html", context)


@require_POST
@login_required
def monthly_review_save(request: HttpRequest) -> HttpResponse:
    _require_scorer(request.user)
    p = request.POST
    month = p.get("month", "")
    errors, response = submit(
        request,
        lambda: quality.record_review(
            actor=request.user,
            month=month,
            held_on=forms_care.date_field(p, "held_on", "召开日期"),
            findings=p.get("findings", ""),
            actions=p.get("actions", ""),
        ),
        success="已保存复盘记录",
        done_url=reverse("desk_care:monthly") + f"?month={month}",
        refused_url=reverse("desk_care:monthly"),
    )
    if response is not None:
        return response
    context = monthly_context(request.user, month)
    context.update(errors=errors, values=p)
    return render(request, "servicedesk/care_monthly.html", context, status=400)
