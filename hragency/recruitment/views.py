"""Staff screens of recruitment under /recruitment/: the requisition board (by stage), a new
requisition, the requisition page (stage actions and the candidates pipeline), the candidate
page with the résumé download, and the report (screen and Excel).

Application actions (shortlist, interview, feedback, offer, hire, reject, withdraw, probation,
person record) are shared with the portal (``views_portal``): both post to
``applications/<id>/<action>/`` and return to the page they came from."""

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

from hragency.clients.views import submit
from hragency.core.models import Deadline
from hragency.recruitment import pipeline, services
from hragency.recruitment.models import STAGE_ORDER, Application, Requisition
from hragency.recruitment.queries import (
    application_for,
    applications_for,
    candidate_for,
    filter_requisitions,
    interviews_of,
    requesting_clients,
    requisition_for,
    requisitions_for,
)
from hragency.recruitment.report import requisition_figures

PAGE_SIZE = 50
BOARD_LIMIT = 400
A = Application.Stage
PIPELINE_COLUMNS = [
    ("screening", "初筛中", [A.SCREENING]),
    ("shortlisted", "已推荐", [A.SHORTLISTED]),
    ("client_interview", "客户面试", [A.CLIENT_INTERVIEW]),
    ("offered", "已发录用", [A.OFFERED]),
    ("hired", "已入职", [A.HIRED]),
    ("closed", "未通过/已退出", [A.REJECTED, A.WITHDRAWN]),
]


def require_view(request: HttpRequest) -> None:
    if not request.user.has_perm("recruitment.view_requisition"):
        raise PermissionDenied("无权查看招聘需求")


def require_staff(request: HttpRequest) -> None:
    require_view(request)
    if getattr(request.user, "kind", "") != "staff":
        raise PermissionDenied("请在“招聘需求”门户页面查看")


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """Open requisitions in columns by stage, and the list of all with filters."""
    require_staff(request)
    visible = requisitions_for(request.user)
    open_rows = list(
        visible.filter(status=Requisition.Status.OPEN).order_by("requested_at")[:BOARD_LIMIT]
    )
    columns = [
        (value, label, [r for r in open_rows if r.stage == value])
        for value, label in Requisition.Stage.choices
    ]
    qs = filter_requisitions(visible, request.user, request.GET)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    keep = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "recruitment/board.html",
        {
            "columns": columns,
            "page": page,
            "filters": keep,
            "query": urlencode(keep),
            "statuses": Requisition.Status.choices,
            "stages": Requisition.Stage.choices,
            "may_add": request.user.has_perm("recruitment.add_requisition"),
        },
    )


def requisition_fields(post: Any) -> dict[str, Any]:
    return {
        name: post.get(name, "")
        for name in (
            "position",
            "headcount",
            "salary_min",
            "salary_max",
            "location",
            "requirements",
            "urgency",
        )
    }


@login_required
def requisition_new(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    if not request.user.has_perm("recruitment.add_requisition"):
        raise PermissionDenied("无权提交招聘需求")
    clients = requesting_clients(request.user)
    errors: dict[str, str] = {}
    if request.method == "POST":
        client_id = request.POST.get("client", "")
        client = clients.filter(pk=client_id).first() if client_id.isdigit() else None
        if client is None:
            errors = {"client": "请选择客户"}
        else:
            errors, response = submit(
                request,
                lambda: services.submit_requisition(
                    actor=request.user, client=client, **requisition_fields(request.POST)
                ),
                success=lambda r: f"已登记招聘需求 {r.number}，已分派给 {r.recruiter}",
                done_url=lambda r: reverse("recruitment:detail", args=[r.pk]),
                refused_url=reverse("recruitment:new"),
            )
            if response is not None:
                return response
    return render(
        request,
        "recruitment/new.html",
        {
            "clients": clients,
            "urgencies": Requisition.Urgency.choices,
            "errors": errors,
            "values": request.POST if errors else {},
        },
        status=400 if errors else 200,
    )


def pipeline_context(request: HttpRequest, requisition: Requisition) -> dict[str, Any]:
    apps = list(applications_for(request.user).filter(requisition=requisition))
    interviews = interviews_of(apps)
    for app in apps:
        app.interview_list = interviews[app.pk]  # type: ignore[attr-defined]
    figures = requisition_figures(requisition)
    return {
        "requisition": requisition,
        "applications": apps,
        "columns": [
            (code, label, [a for a in apps if a.stage in stages])
            for code, label, stages in PIPELINE_COLUMNS
        ],
        "figures": figures,
        "steps": [
            (label, i < requisition.stage_index, i == requisition.stage_index)
            for i, (_value, label) in enumerate(Requisition.Stage.choices)
        ],
        "may_person": request.user.has_perm("employees.add_insuredperson"),
        "today": timezone.localdate(),
    }


@login_required
def requisition_detail(request: HttpRequest, requisition_id: int) -> HttpResponse:
    require_staff(request)
    return render_detail(request, requisition_for(request.user, requisition_id))


def render_detail(
    request: HttpRequest,
    requisition: Requisition,
    errors: dict[str, str] | None = None,
    form: str = "",
) -> HttpResponse:
    context = pipeline_context(request, requisition)
    deadlines = Deadline.objects.filter(
        subject_type=Requisition._meta.label_lower, subject_id=str(requisition.pk)
    ).order_by("due_at")
    is_open = requisition.status == Requisition.Status.OPEN
    context.update(
        {
            "deadlines": deadlines,
            "channels": list(requisition.channels.all()),
            "may_handle": is_open and request.user.has_perm("recruitment.handle_requisition"),
            "may_evaluate": requisition.status == Requisition.Status.FILLED
            and request.user.has_perm("recruitment.handle_requisition"),
            "at_least": {s: requisition.stage_index >= i for i, s in enumerate(STAGE_ORDER)},
            "errors": errors or {},
            "form": form,
            "values": request.POST if errors else {},
        }
    )
    return render(request, "recruitment/detail.html", context, status=400 if errors else 200)


def _requisition_action(
    request: HttpRequest,
    requisition_id: int,
    form: str,
    action: Callable[[Requisition], Any],
    success: str,
) -> HttpResponse:
    require_view(request)
    requisition = requisition_for(request.user, requisition_id)
    portal = getattr(request.user, "kind", "") == "client_hr"
    url = reverse(
        "recruitment:portal_detail" if portal else "recruitment:detail", args=[requisition.pk]
    )
    errors, response = submit(request, lambda: action(requisition), success=success, done_url=url)
    if response is not None:
        return response
    if portal:
        from hragency.recruitment.views_portal import render_portal_detail

        return render_portal_detail(request, requisition, errors, form)
    return render_detail(request, requisition, errors, form)


@require_POST
@login_required
def contact(request: HttpRequest, requisition_id: int) -> HttpResponse:
    return _requisition_action(
        request,
        requisition_id,
        "contact",
        lambda r: services.record_contact(
            actor=request.user, requisition=r, note=request.POST.get("note", "")
        ),
        "已记录联系客户，需求已确认",
    )


@require_POST
@login_required
def jd(request: HttpRequest, requisition_id: int) -> HttpResponse:
    return _requisition_action(
        request,
        requisition_id,
        "jd",
        lambda r: services.save_jd(
            actor=request.user, requisition=r, jd=request.POST.get("jd", "")
        ),
        "岗位说明书已保存",
    )


@require_POST
@login_required
def plan(request: HttpRequest, requisition_id: int) -> HttpResponse:
    post = request.POST
    return _requisition_action(
        request,
        requisition_id,
        "plan",
        lambda r: services.save_plan(
            actor=request.user,
            requisition=r,
            plan_start=post.get("plan_start", ""),
            plan_end=post.get("plan_end", ""),
            plan_note=post.get("plan_note", ""),
        ),
        "招聘计划已保存",
    )


@require_POST
@login_required
def channel(request: HttpRequest, requisition_id: int) -> HttpResponse:
    post = request.POST
    return _requisition_action(
        request,
        requisition_id,
        "channel",
        lambda r: services.add_channel(
            actor=request.user,
            requisition=r,
            name=post.get("name", ""),
            cost=post.get("cost", ""),
            published_on=post.get("published_on", ""),
            note=post.get("note", ""),
        ),
        "渠道已发布",
    )


@require_POST
@login_required
def candidate_add(request: HttpRequest, requisition_id: int) -> HttpResponse:
    post = request.POST
    return _requisition_action(
        request,
        requisition_id,
        "candidate",
        lambda r: pipeline.add_candidate(
            actor=request.user,
            requisition=r,
            name=post.get("name", ""),
            source=post.get("source", ""),
            phone=post.get("phone", ""),
            notes=post.get("notes", ""),
            resume=request.FILES.get("resume"),
        ),
        "候选人已录入，进入初筛",
    )


@require_POST
@login_required
def cancel(request: HttpRequest, requisition_id: int) -> HttpResponse:
    return _requisition_action(
        request,
        requisition_id,
        "cancel",
        lambda r: services.cancel_requisition(
            actor=request.user, requisition=r, reason=request.POST.get("reason", "")
        ),
        "招聘需求已取消",
    )


@require_POST
@login_required
def evaluate(request: HttpRequest, requisition_id: int) -> HttpResponse:
    return _requisition_action(
        request,
        requisition_id,
        "evaluate",
        lambda r: services.evaluate_requisition(
            actor=request.user,
            requisition=r,
            satisfaction=request.POST.get("satisfaction", ""),
            note=request.POST.get("note", ""),
        ),
        "评价已保存",
    )


# ---- application actions (staff and portal) ------------------------------------------------

APPLICATION_ACTIONS: dict[str, tuple[Callable[[Any, Application, Any], Any], str]] = {
    "shortlist": (
        lambda u, a, p: pipeline.shortlist(actor=u, application=a, note=p.get("note", "")),
        "已推荐给客户",
    ),
    "interview": (
        lambda u, a, p: pipeline.schedule_interview(
            actor=u,
            application=a,
            at=p.get("at", ""),
            place=p.get("place", ""),
            interviewer=p.get("interviewer", ""),
            note=p.get("note", ""),
        ),
        "面试已安排",
    ),
    "feedback": (
        lambda u, a, p: pipeline.record_feedback(
            actor=u, application=a, result=p.get("result", ""), comment=p.get("comment", "")
        ),
        "面试结果已反馈",
    ),
    "offer": (lambda u, a, p: pipeline.make_offer(actor=u, application=a), "已录用"),
    "hire": (
        lambda u, a, p: pipeline.confirm_hire(
            actor=u, application=a, hire_date=p.get("hire_date", "")
        ),
        "已确认入职",
    ),
    "reject": (
        lambda u, a, p: pipeline.reject(actor=u, application=a, reason=p.get("reason", "")),
        "已标记为未通过",
    ),
    "withdraw": (
        lambda u, a, p: pipeline.withdraw(actor=u, application=a, reason=p.get("reason", "")),
        "已标记为退出",
    ),
    "probation": (
        lambda u, a, p: pipeline.record_probation(
            actor=u, application=a, result=p.get("result", ""), note=p.get("note", "")
        ),
        "试用期考核已记录",
    ),
    "person": (
        lambda u, a, p: pipeline.create_person_for_hire(
            actor=u,
            application=a,
            id_number=p.get("id_number", ""),
            insured_city=p.get("insured_city", ""),
        ),
        "已建立参保人档案（入职办理中）",
    ),
}


def application_action(request: HttpRequest, application_id: int, name: str) -> HttpResponse:
    require_view(request)
    application = application_for(request.user, application_id)
    action, success = APPLICATION_ACTIONS[name]
    form = f"{name}-{application.pk}"
    return _requisition_action(
        request,
        application.requisition_id,
        form,
        lambda _r: action(request.user, application, request.POST),
        success,
    )


def _make(name: str) -> Callable[[HttpRequest, int], HttpResponse]:
    @require_POST
    @login_required
    def view(request: HttpRequest, application_id: int) -> HttpResponse:
        return application_action(request, application_id, name)

    view.__name__ = f"application_{name}"
    return view


application_views = {name: _make(name) for name in APPLICATION_ACTIONS}


# ---- candidates ----------------------------------------------------------------------------


@login_required
def candidate_detail(request: HttpRequest, candidate_id: int) -> HttpResponse:
    require_staff(request)
    candidate = candidate_for(request.user, candidate_id)
    apps = list(applications_for(request.user).filter(candidate=candidate))
    interviews = interviews_of(apps)
    for app in apps:
        app.interview_list = interviews[app.pk]  # type: ignore[attr-defined]
    return render(
        request, "recruitment/candidate.html", {"candidate": candidate, "applications": apps}
    )


@login_required
def resume_download(request: HttpRequest, candidate_id: int) -> HttpResponse:
    require_staff(request)
    candidate = candidate_for(request.user, candidate_id)
    if not candidate.resume:
        raise Http404("没有简历")
    try:
        with candidate.resume.open("rb") as handle:
            content = handle.read()
    except (FileNotFoundError, ValueError):
        raise Http404("文件不存在") from None
    pipeline.record_resume_download(candidate=candidate, actor=request.user)
    response = HttpResponse(content, content_type=candidate.resume_type)
    response["Content-Disposition"] = content_disposition_header(True, candidate.resume_name) or ""
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response
