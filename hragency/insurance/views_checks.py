"""/insurance/checks/: 参保核查 — duplicates, gaps and lapses (R-SI-5)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hragency.clients.queries import clients_for
from hragency.insurance.coverage import coverage_issues

MAX_SHOWN = 500


@login_required
def checks(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.has_perm("insurance.view_enrollment"):
        raise PermissionDenied("无权查看参保核查")
    raw = request.GET.get("client", "")
    client_id = int(raw) if raw.isdigit() else None
    issues = coverage_issues(user, client_id=client_id)
    kind = request.GET.get("kind", "")
    if kind:
        issues = [i for i in issues if i.kind == kind]
    show_clients = user.kind == "staff"
    return render(
        request,
        "si_checks/checks.html",
        {
            "issues": issues[:MAX_SHOWN],
            "count": len(issues),
            "max_shown": MAX_SHOWN,
            "client_id": client_id,
            "kind": kind,
            "clients": list(clients_for(user).values_list("pk", "name")) if show_clients else [],
            "show_clients": show_clients,
            "kinds": [
                ("duplicate", "重复参保"),
                ("gap", "断缴"),
                ("lapsed", "在职未参保"),
                ("uninsured", "入职未参保"),
            ],
        },
    )
