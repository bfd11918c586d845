from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hragency.clients.queries import client_for, clients_for
from hragency.employees.queries import people_for


@login_required
def client_list(request: HttpRequest) -> HttpResponse:
    qs = clients_for(request.user)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(name__icontains=q)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "clients/list.html", {"page": page, "q": q})


@login_required
def client_detail(request: HttpRequest, client_id: int) -> HttpResponse:
    client = client_for(request.user, client_id)
    people = people_for(request.user).filter(client=client)[:20]
    return render(request, "clients/detail.html", {"client": client, "people": people})
