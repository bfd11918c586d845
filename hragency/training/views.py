"""Screens of training under /training/: the programme list (and the client's request form), a
programme (resources, materials, sessions, summary, evaluation), a session (enrol the client's
people in bulk, attendance, results) and the material download. Client HR users use the same
pages: they see their own company's programmes and may request one and enrol their people."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from hragency.accounts.queries import role_holders
from hragency.accounts.roles import Role
from hragency.clients.views import submit
from hragency.training import roster, services
from hragency.training.models import Session, TrainingProgramme
from hragency.training.queries import (
    enrolments_of,
    filter_programmes,
    material_for,
    programme_for,
    programmes_for,
    requesting_clients,
    session_for,
    summary_of,
)

PAGE_SIZE = 50


def require_view(request: HttpRequest) -> None:
    if not request.user.has_perm("training.view_trainingprogramme"):
        raise PermissionDenied("无权查看培训项目")


def _is_client(request: HttpRequest) -> bool:
    return getattr(request.user, "kind", "") == "client_hr"


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    require_view(request)
    qs = filter_programmes(programmes_for(request.user), request.user, request.GET)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    keep = {k: v for k, v in request.GET.items() if k != "page" and v}
    errors: dict[str, str] = {}
    may_request = request.user.has_perm("training.add_trainingprogramme")
    clients = requesting_clients(request.user) if may_request and not _is_client(request) else None
    if request.method == "POST":
        if not may_request:
            raise PermissionDenied("无权提出培训需求")
        if _is_client(request):
            client = request.user.client  # type: ignore[union-attr]
        else:
            raw = request.POST.get("client", "")
            client = (
                clients.filter(pk=raw).first() if clients is not None and raw.isdigit() else None
            )
        if client is None:
            errors = {"client": "请选择客户"}
        else:
            post = request.POST
            errors, response = submit(
                request,
                lambda: services.request_programme(
                    actor=request.user,
                    client=client,
                    title=post.get("title", ""),
                    needs=post.get("needs", ""),
                    objectives=post.get("objectives", ""),
                    audience=post.get("audience", ""),
                    format=post.get("format", ""),
                ),
                success=lambda p: f"培训需求 {p.number} 已提交，由 {p.owner} 负责",
                done_url=lambda p: reverse("training:detail", args=[p.pk]),
                refused_url=reverse("training:list"),
            )
            if response is not None:
                return response
    return render(
        request,
        "training/list.html",
        {
            "page": page,
            "filters": keep,
            "query": urlencode(keep),
            "statuses": TrainingProgramme.Status.choices,
            "formats": TrainingProgramme.Format.choices,
            "may_request": may_request,
            "clients": clients,
            "errors": errors,
            "values": request.POST if errors else {},
        },
        status=400 if errors else 200,
    )


@login_required
def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    require_view(request)
    return _render_detail(request, programme_for(request.user, programme_id))


def _render_detail(
    request: HttpRequest,
    programme: TrainingProgramme,
    errors: dict[str, str] | None = None,
    form: str = "",
) -> HttpResponse:
    may_manage = request.user.has_perm("training.manage_training") and not _is_client(request)
    active = programme.status not in (
        TrainingProgramme.Status.EVALUATED,
        TrainingProgramme.Status.CANCELLED,
    )
    return render(
        request,
        "training/detail.html",
        {
            "programme": programme,
            "sessions": list(programme.sessions.all()),
            "materials": list(programme.materials.all()),
            "summary": summary_of(programme),
            "trainers": role_holders(Role.TRAINER) if may_manage else [],
            "formats": TrainingProgramme.Format.choices,
            "may_manage": may_manage and active,
            "may_evaluate": may_manage
            and programme.status
            in (TrainingProgramme.Status.DELIVERED, TrainingProgramme.Status.EVALUATED),
            "may_cancel": programme.status
            in (
                TrainingProgramme.Status.NEEDS,
                TrainingProgramme.Status.RESOURCES,
                TrainingProgramme.Status.SCHEDULED,
            )
            and (may_manage or _is_client(request)),
            "errors": errors or {},
            "form": form,
            "values": request.POST if errors else {},
        },
        status=400 if errors else 200,
    )


def _programme_action(
    request: HttpRequest,
    programme_id: int,
    form: str,
    action: Callable[[TrainingProgramme], Any],
    success: str,
) -> HttpResponse:
    require_view(request)
    programme = programme_for(request.user, programme_id)
    url = reverse("training:detail", args=[programme.pk])
    errors, response = submit(request, lambda: action(programme), success=success, done_url=url)
    return response if response is not None else _render_detail(request, programme, errors, form)


@require_POST
@login_required
def resources(request: HttpRequest, programme_id: int) -> HttpResponse:
    post = request.POST
    return _programme_action(
        request,
        programme_id,
        "resources",
        lambda p: services.plan_resources(
            actor=request.user,
            programme=p,
            trainer_id=post.get("trainer_id", ""),
            external_trainer=post.get("external_trainer", ""),
            venue=post.get("venue", ""),
            budget=post.get("budget", ""),
            objectives=post.get("objectives"),
            format=post.get("format", ""),
            pass_score=post.get("pass_score", ""),
        ),
        "培训资源已保存",
    )


@require_POST
@login_required
def material_add(request: HttpRequest, programme_id: int) -> HttpResponse:
    return _programme_action(
        request,
        programme_id,
        "material",
        lambda p: services.add_material(
            actor=request.user, programme=p, file=request.FILES.get("file")
        ),
        "资料已上传",
    )


@require_POST
@login_required
def session_add(request: HttpRequest, programme_id: int) -> HttpResponse:
    post = request.POST
    return _programme_action(
        request,
        programme_id,
        "session",
        lambda p: services.schedule_session(
            actor=request.user,
            programme=p,
            starts_at=post.get("starts_at", ""),
            ends_at=post.get("ends_at", ""),
            capacity=post.get("capacity", ""),
            place=post.get("place", ""),
            online_link=post.get("online_link", ""),
        ),
        "已排课，已通知客户人事",
    )


@require_POST
@login_required
def evaluate(request: HttpRequest, programme_id: int) -> HttpResponse:
    post = request.POST
    return _programme_action(
        request,
        programme_id,
        "evaluate",
        lambda p: services.evaluate_programme(
            actor=request.user,
            programme=p,
            reaction=post.get("reaction", ""),
            learning=post.get("learning", ""),
            behaviour=post.get("behaviour", ""),
            results=post.get("results", ""),
        ),
        "培训评估已保存",
    )


@require_POST
@login_required
def cancel(request: HttpRequest, programme_id: int) -> HttpResponse:
    return _programme_action(
        request,
        programme_id,
        "cancel",
        lambda p: services.cancel_programme(
            actor=request.user, programme=p, reason=request.POST.get("reason", "")
        ),
        "培训项目已取消",
    )


@login_required
def material_download(request: HttpRequest, material_id: int) -> HttpResponse:
    require_view(request)
    material = material_for(request.user, material_id)
    try:
        with material.file.open("rb") as handle:
            content = handle.read()
    except (FileNotFoundError, ValueError):
        raise Http404("文件不存在") from None
    response = HttpResponse(content, content_type=material.content_type)
    response["Content-Disposition"] = content_disposition_header(True, material.original_name) or ""
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


# ---- sessions ------------------------------------------------------------------------------


@login_required
def session_detail(request: HttpRequest, training_session_id: int) -> HttpResponse:
    require_view(request)
    return _render_session(request, session_for(request.user, training_session_id))


def _render_session(
    request: HttpRequest, session: Session, errors: dict[str, str] | None = None, form: str = ""
) -> HttpResponse:
    from hragency.employees.queries import people_for

    programme = session.programme
    enrolments = list(enrolments_of(session))
    enrolled = {e.person_id for e in enrolments if e.person_id}
    may_manage = request.user.has_perm("training.manage_training") and not _is_client(request)
    is_open = session.status == Session.Status.SCHEDULED
    may_enrol = is_open and (may_manage or _is_client(request))
    people = []
    if may_enrol:
        people = list(
            people_for(request.user)
            .filter(client_id=programme.client_id)
            .exclude(status="left")
            .exclude(pk__in=enrolled)
            .order_by("name")[:500]
        )
    return render(
        request,
        "training/session.html",
        {
            "session": session,
            "programme": programme,
            "enrolments": enrolments,
            "people": people,
            "may_enrol": may_enrol,
            "may_attend": may_manage
            and session.status != Session.Status.CANCELLED
            and session.starts_at <= timezone.now(),
            "may_results": may_manage and session.status == Session.Status.DELIVERED,
            "errors": errors or {},
            "form": form,
        },
        status=400 if errors else 200,
    )


def _session_action(
    request: HttpRequest,
    training_session_id: int,
    form: str,
    action: Callable[[Session], Any],
    success: str | Callable[[Any], str],
) -> HttpResponse:
    require_view(request)
    session = session_for(request.user, training_session_id)
    url = reverse("training:session", args=[session.pk])
    errors, response = submit(request, lambda: action(session), success=success, done_url=url)
    return response if response is not None else _render_session(request, session, errors, form)


@require_POST
@login_required
def enrol(request: HttpRequest, training_session_id: int) -> HttpResponse:
    names = [
        n
        for n in request.POST.get("names", "").replace("，", ",").replace("\n", ",").split(",")
        if n.strip()
    ]
    return _session_action(
        request,
        training_session_id,
        "enrol",
        lambda s: roster.enrol(
            actor=request.user,
            session=s,
            person_ids=request.POST.getlist("person_ids"),
            names=names,
        ),
        lambda created: f"已报名 {len(created)} 人",
    )


@require_POST
@login_required
def attendance(request: HttpRequest, training_session_id: int) -> HttpResponse:
    return _session_action(
        request,
        training_session_id,
        "attendance",
        lambda s: roster.mark_attendance(
            actor=request.user, session=s, attended_ids=request.POST.getlist("attended")
        ),
        "出勤已登记",
    )


@require_POST
@login_required
def results(request: HttpRequest, training_session_id: int) -> HttpResponse:
    post = request.POST
    ids = {key.split("-", 1)[1] for key in post if key.startswith(("sat-", "score-", "comment-"))}
    rows = {
        i: {
            "satisfaction": post.get(f"sat-{i}", ""),
            "score": post.get(f"score-{i}", ""),
            "comment": post.get(f"comment-{i}", ""),
        }
        for i in ids
    }
    return _session_action(
        request,
        training_session_id,
        "results",
        lambda s: roster.record_results(actor=request.user, session=s, results=rows),
        lambda n: f"已保存 {n} 名学员的评估结果",
    )
