from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from hragency.core.errors import ServiceError
from hragency.employees import services
from hragency.employees.queries import may_reveal, people_for, person_for


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    qs = people_for(request.user)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(name__icontains=q)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "employees/list.html", {"page": page, "q": q})


@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = person_for(request.user, person_id)
    return render(
        request,
        "employees/detail.html",
        {"person": person, "may_reveal": may_reveal(request.user)},
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
