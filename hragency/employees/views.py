from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from hragency.clients.queries import clients_for
from hragency.core.errors import InvalidFields, ServiceError
from hragency.domain.idcard import age_on
from hragency.domain.retirement import retirement_age, retirement_date
from hragency.employees import forms, services
from hragency.employees.eligibility import check_person
from hragency.employees.history import describe
from hragency.employees.models import InsuredPerson
from hragency.employees.permissions import may_add, may_edit, may_upload, require, upload_kinds
from hragency.employees.queries import (
    city_choices,
    document_for,
    documents_of,
    history_of,
    latest_photo,
    may_reveal,
    missing_kinds,
    person_for,
    processes_of,
    search_people,
    step_for,
)

PAGE_SIZE = 50


def _int_or_none(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    status = request.GET.get("status", "")
    if status not in InsuredPerson.Status.values:
        status = ""
    filters: dict[str, Any] = {
        "client_id": _int_or_none(request.GET.get("client")),
        "status": status,
        "insured_city": request.GET.get("city", "").strip(),
        "q": request.GET.get("q", "").strip(),
    }
    qs = search_people(user, **filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    show_clients = user.kind == "staff"
    return render(
        request,
        "employees/list.html",
        {
            "page": page,
            "filters": filters,
            "statuses": InsuredPerson.Status.choices,
            "cities": city_choices(user),
            "clients": list(clients_for(user).values_list("pk", "name")) if show_clients else [],
            "show_clients": show_clients,
            "query": query.urlencode(),
            "may_add": may_add(user),
        },
    )


def _detail(
    request: HttpRequest, person: InsuredPerson, *, status: int = 200, **extra: Any
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    documents = list(documents_of(user, person))
    processes = processes_of(user, person)
    history = [describe(row) for row in history_of(user, person.pk)[:5]]
    context: dict[str, Any] = {
        "person": person,
        "may_reveal": may_reveal(user),
        "may_edit": may_edit(user),
        "may_upload": may_upload(user),
        "upload_kinds": upload_kinds(user),
        "age": age_on(person.birth_date, today) if person.birth_date <= today else None,
        "retirement_age": retirement_age(person.birth_date, person.retirement_category),
        "retirement_date": retirement_date(person.birth_date, person.retirement_category),
        "warnings": check_person(person, viewer=user, today=today),
        "documents": documents,
        "missing": missing_kinds(documents),
        "photo": latest_photo(documents),
        "open_process": next((p for p in processes if p.is_open), None),
        "past_processes": [p for p in processes if not p.is_open],
        "history": history,
        "S": InsuredPerson.Status,
    }
    context.update(extra)
    return render(request, "employees/detail.html", context, status=status)


@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    return _detail(request, person_for(request.user, person_id))


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(may_add(user), "无权新增员工档案")
    client_ids = dict(clients_for(user).values_list("pk", "name"))
    fixed_client = user.client_id if user.kind == "client_hr" else None
    typed: dict[str, str] = {"status": InsuredPerson.Status.ONBOARDING}
    errors: dict[str, str] = {}
    error = ""
    if request.method == "POST":
        typed, data = forms.read(request.POST, editing=False)
        client_id = fixed_client or _int_or_none(request.POST.get("client"))
        status = request.POST.get("status", InsuredPerson.Status.ONBOARDING)
        typed["client"], typed["status"] = str(client_id or ""), status
        if status not in (InsuredPerson.Status.ONBOARDING, InsuredPerson.Status.ACTIVE):
            errors["status"] = "请选择入职办理中或在职在保"
        if client_id not in client_ids:
            errors["client"] = "请选择客户"
        if not errors:
            try:
                person = services.create_person(
                    client_id=client_id, actor=user, status=status, **data
                )
            except InvalidFields as exc:
                errors = exc.by_field()
                error = "请修改标红的字段后重新提交"
            except ServiceError as exc:
                error = str(exc)
            else:
                messages.success(request, f"已新增员工档案：{person.name}")
                return redirect("employees:detail", person.pk)
        else:
            error = "请修改标红的字段后重新提交"
    return render(
        request,
        "employees/form.html",
        {
            "title": "新增员工",
            "sections": forms.layout(typed, errors),
            "clients": [] if fixed_client else sorted(client_ids.items(), key=lambda kv: kv[1]),
            "typed": typed,
            "errors": errors,
            "error": error,
            "creating": True,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    user = request.user
    person = person_for(user, person_id)
    require(may_edit(user), "无权修改员工档案")
    typed = forms.initial(person)
    errors: dict[str, str] = {}
    error = ""
    if request.method == "POST":
        typed, data = forms.read(request.POST, editing=True)
        try:
            services.update_person(person=person, data=data, actor=user)
        except InvalidFields as exc:
            errors = exc.by_field()
            error = "请修改标红的字段后重新提交"
        except ServiceError as exc:
            error = str(exc)
        else:
            messages.success(request, "档案已保存")
            return redirect("employees:detail", person.pk)
    return render(
        request,
        "employees/form.html",
        {
            "title": f"编辑档案：{person.name}",
            "person": person,
            "sections": forms.layout(typed, errors, person=person),
            "errors": errors,
            "error": error,
            "creating": False,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def person_history(request: HttpRequest, person_id: int) -> HttpResponse:
    person = person_for(request.user, person_id)
    page = Paginator(history_of(request.user, person.pk), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    entries = [describe(row) for row in page]
    return render(
        request, "employees/history.html", {"person": person, "page": page, "entries": entries}
    )


@login_required
@require_POST
def person_reveal(request: HttpRequest, person_id: int, field: str) -> HttpResponse:
    person = person_for(request.user, person_id)
    if not may_reveal(request.user):
        return HttpResponseForbidden("无权查看完整信息")
    try:
        value = services.reveal(person=person, field=field, actor=request.user)
    except ServiceError as exc:
        return HttpResponse(str(exc), status=400)
    # Phones and accounts are free text: escape, never trust stored values in HTML.
    return HttpResponse(
        format_html('<span class="masked" data-testid="revealed-{}">{}</span>', field, value)
    )


# ---- documents -----------------------------------------------------------------------------


@login_required
@require_POST
def document_upload(request: HttpRequest, person_id: int) -> HttpResponse:
    user = request.user
    person = person_for(user, person_id)
    kind = request.POST.get("kind", "")
    require(may_upload(user, kind or None), "无权上传此类材料")
    try:
        services.add_document(person=person, kind=kind, file=request.FILES.get("file"), actor=user)
    except ServiceError as exc:
        return _detail(request, person, status=400, upload_error=_reasons(exc))
    messages.success(request, "材料已上传")
    return redirect(f"{_detail_url(person)}#documents")


@login_required
def document_download(request: HttpRequest, person_id: int, document_id: int) -> HttpResponse:
    document = document_for(request.user, person_id, document_id)
    inline = request.GET.get("inline") == "1" and document.is_image
    try:
        with document.file.open("rb") as handle:
            # Whole in memory (at most the 10 MB upload limit): a plain response, so every
            # caller (the sweep included) can read .content.
            content = handle.read()
    except (FileNotFoundError, ValueError):
        raise Http404("文件不存在") from None
    if not inline:
        services.record_download(document=document, actor=request.user)
    response = HttpResponse(content, content_type=document.content_type)
    response["Content-Disposition"] = (
        content_disposition_header(not inline, document.original_name) or ""
    )
    # Uploaded bytes are never run as a page of ours, and never cached by shared proxies.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def document_delete(request: HttpRequest, person_id: int, document_id: int) -> HttpResponse:
    document = document_for(request.user, person_id, document_id)
    require(may_edit(request.user), "无权删除材料")
    person = document.person
    try:
        services.delete_document(document=document, actor=request.user)
    except ServiceError as exc:
        return _detail(request, person, status=400, upload_error=_reasons(exc))
    messages.success(request, f"已删除材料：{document}")
    return redirect(f"{_detail_url(person)}#documents")


# ---- onboarding / offboarding --------------------------------------------------------------


def _process_action(request: HttpRequest, person_id: int, action: Any) -> HttpResponse:
    user = request.user
    person = person_for(user, person_id)
    require(may_edit(user), "无权办理用退工")
    try:
        message = action(person)
    except ServiceError as exc:
        return _detail(request, person, status=400, process_error=_reasons(exc))
    messages.success(request, message)
    return redirect(f"{_detail_url(person)}#process")


@login_required
@require_POST
def start_onboarding(request: HttpRequest, person_id: int) -> HttpResponse:
    def act(person: InsuredPerson) -> str:
        services.start_onboarding(
            person=person, actor=request.user, hire_date=request.POST.get("hire_date")
        )
        return "已开始入职办理"

    return _process_action(request, person_id, act)


@login_required
@require_POST
def start_offboarding(request: HttpRequest, person_id: int) -> HttpResponse:
    def act(person: InsuredPerson) -> str:
        services.start_offboarding(
            person=person,
            actor=request.user,
            leave_date=request.POST.get("leave_date"),
            reason=request.POST.get("leave_reason"),
        )
        return "已开始离职办理"

    return _process_action(request, person_id, act)


@login_required
@require_POST
def complete_step(request: HttpRequest, person_id: int, step_id: int) -> HttpResponse:
    step = step_for(request.user, person_id, step_id)

    def act(person: InsuredPerson) -> str:
        services.complete_step(step=step, actor=request.user, note=request.POST.get("note", ""))
        return f"已完成：{step.title}"

    return _process_action(request, person_id, act)


@login_required
@require_POST
def finish_process(request: HttpRequest, person_id: int) -> HttpResponse:
    def act(person: InsuredPerson) -> str:
        done = services.finish_process(person=person, actor=request.user)
        return f"办理完成，当前状态：{done.get_status_display()}"

    return _process_action(request, person_id, act)


def _detail_url(person: InsuredPerson) -> str:
    return reverse("employees:detail", args=[person.pk])


def _reasons(exc: ServiceError) -> str:
    if isinstance(exc, InvalidFields):
        return "；".join(f"{e.label}：{e.reason}" for e in exc.errors)
    return str(exc)
