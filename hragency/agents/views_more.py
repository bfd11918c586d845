"""Screens under /agents/: internal training (list, new, sign-in sheet), the rating scheme and
the staffing-ratio monitor."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from hragency.agents import queries, schemes, services, staffing, training
from hragency.agents.models import RatingScheme
from hragency.clients.views import submit
from hragency.domain.agent_rating import DIMENSION_LABELS, DIMENSIONS


@login_required
def training_list(request: HttpRequest) -> HttpResponse:
    from hragency.accounts.models import Department

    queries.need(queries.may_view(request.user))
    page = Paginator(queries.sessions_for(request.user), 30).get_page(request.GET.get("page"))
    errors: dict[str, str] = {}
    if request.method == "POST":
        queries.need(queries.may_manage(request.user), "无权安排培训")
        post = request.POST
        errors, response = submit(
            request,
            lambda: training.create_session(
                actor=request.user,
                held_on=post.get("held_on"),
                topic=post.get("topic"),
                category=post.get("category"),
                trainer=post.get("trainer"),
                hours=post.get("hours"),
                team=post.get("team"),
                note=post.get("note"),
            ),
            success="培训已登记，请在培训后签到",
            done_url=lambda s: reverse("agents:training", args=[s.pk]),
        )
        if response is not None:
            return response
    return render(
        request,
        "agents/trainings.html",
        {
            "page": page,
            "teams": Department.objects.order_by("name")
            if queries.may_manage(request.user)
            else [],
            "may_manage": queries.may_manage(request.user),
            "errors": errors,
            "values": request.POST,
            "today": timezone.localdate(),
        },
        status=400 if errors else 200,
    )


def _training_context(request: HttpRequest, session: Any) -> dict[str, Any]:
    return {
        "session": session,
        "rows": queries.attendance_of(session, request.user),
        "may_manage": queries.may_manage(request.user),
        "errors": {},
    }


@login_required
def training_detail(request: HttpRequest, agent_training_id: int) -> HttpResponse:
    session = queries.session_for(request.user, agent_training_id)
    return render(request, "agents/training.html", _training_context(request, session))


@require_POST
@login_required
def training_attendance(request: HttpRequest, agent_training_id: int) -> HttpResponse:
    queries.need(queries.may_manage(request.user), "无权登记培训签到")
    session = queries.session_for(request.user, agent_training_id)
    post = request.POST
    present = [int(v) for v in post.getlist("present") if str(v).isdigit()]
    scores = {
        int(key[6:]): value
        for key, value in post.items()
        if key.startswith("score_") and key[6:].isdigit()
    }
    url = reverse("agents:training", args=[session.pk])
    errors, response = submit(
        request,
        lambda: training.mark_attendance(
            actor=request.user, session=session, present=present, scores=scores
        ),
        success="签到已保存",
        done_url=url,
    )
    if response is not None:
        return response
    context = _training_context(request, session)
    context["errors"] = errors
    return render(request, "agents/training.html", context, status=400)


@login_required
def scheme_page(request: HttpRequest) -> HttpResponse:
    queries.need(queries.may_view(request.user))
    errors: dict[str, str] = {}
    if request.method == "POST":
        queries.need(queries.may_manage(request.user), "无权修改考核方案")
        post = request.POST
        bands = [[post.get(f"grade_{i}", ""), post.get(f"low_{i}", "")] for i in range(6)]
        coefficients = {
            post.get(f"grade_{i}", "").strip(): post.get(f"coefficient_{i}", "")
            for i in range(6)
            if post.get(f"grade_{i}", "").strip()
        }
        errors, response = submit(
            request,
            lambda: schemes.save_scheme(
                actor=request.user,
                name=post.get("name", ""),
                weights={d: post.get(f"weight_{d}") for d in DIMENSIONS},
                bands=bands,
                coefficients=coefficients,
            ),
            success=lambda s: f"已启用第 {s.version} 版考核方案",
            done_url=reverse("agents:scheme"),
        )
        if response is not None:
            return response
    active = schemes.active_scheme()
    bands = (
        list(active.bands)
        if active
        else [[g, str(v)] for g, v in schemes.scheme_json(schemes.DEFAULT_SCHEME)["bands"]]
    )
    coefficients = (
        active.coefficients
        if active
        else schemes.scheme_json(schemes.DEFAULT_SCHEME)["coefficients"]
    )
    weights = active.weights if active else schemes.scheme_json(schemes.DEFAULT_SCHEME)["weights"]
    rows = [
        {"index": i, "grade": g, "low": low, "coefficient": coefficients.get(g, "")}
        for i, (g, low) in enumerate(bands)
    ]
    rows += [{"index": i, "grade": "", "low": "", "coefficient": ""} for i in range(len(rows), 6)]
    return render(
        request,
        "agents/scheme.html",
        {
            "active": active,
            "weights": [(d, DIMENSION_LABELS[d], weights.get(d, "")) for d in DIMENSIONS],
            "bands": rows,
            "history": RatingScheme.objects.all()[:20],
            "may_manage": queries.may_manage(request.user),
            "errors": errors,
            "values": request.POST,
        },
        status=400 if errors else 200,
    )


@login_required
def staffing_page(request: HttpRequest) -> HttpResponse:
    teams = queries.staffing_team_ids(request.user)
    return render(
        request,
        "agents/staffing.html",
        {
            "lines": staffing.monitor(teams),
            "rules": staffing.rules_table(),
            "may_manage": queries.may_manage(request.user),
            "errors": {},
        },
    )


@require_POST
@login_required
def staffing_rules(request: HttpRequest) -> HttpResponse:
    queries.need(queries.may_manage(request.user), "无权修改人员配比")
    post = request.POST

    def save() -> None:
        for row in staffing.rules_table():
            raw = post.get(f"limit_{row['kind']}")
            if raw not in (None, "") and str(raw) != str(row["limit"]):
                services.set_ratio_limit(actor=request.user, kind=row["kind"], limit=raw)

    errors, response = submit(
        request, save, success="配比上限已保存", done_url=reverse("agents:staffing")
    )
    if response is not None:
        return response
    teams = queries.staffing_team_ids(request.user)
    return render(
        request,
        "agents/staffing.html",
        {
            "lines": staffing.monitor(teams),
            "rules": staffing.rules_table(),
            "may_manage": True,
            "errors": errors,
        },
        status=400,
    )
