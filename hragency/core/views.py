from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from hragency.core import notifications
from hragency.core.queries import audit_log_for, escalated_to, inbox_for, open_deadlines_for


def admin_login_redirect(request: HttpRequest) -> HttpResponse:
    target = request.GET.get("next", "/admin/")
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")


def home(request: HttpRequest) -> HttpResponse:
    return redirect("core:todo" if request.user.is_authenticated else "accounts:login")


@login_required
def todo(request: HttpRequest) -> HttpResponse:
    page = Paginator(inbox_for(request.user), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "core/todo.html",
        {
            "deadlines": open_deadlines_for(request.user)[:100],
            "escalated": escalated_to(request.user)[:100],
            "inbox": page,
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()]
    notifications.mark_read(user=request.user, notification_ids=ids or None)
    if request.htmx:  # type: ignore[attr-defined]
        page = Paginator(inbox_for(request.user), 20).get_page(request.GET.get("page"))
        return render(request, "core/todo.html#inbox", {"inbox": page})
    return redirect("core:todo")


@login_required
@permission_required("core.view_auditlog", raise_exception=True)
def audit_log(request: HttpRequest) -> HttpResponse:
    page = Paginator(audit_log_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "core/audit.html", {"page": page})
