"""The client's side of recruitment under /recruitment/portal/ (client HR of that client only):
submit a requisition, follow its progress, see the shortlist (phones masked), give interview
feedback, confirm offer and hire, record probation, evaluate, and create the hire's
insured-person record."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from hragency.clients.views import submit
from hragency.core.models import Deadline
from hragency.recruitment import services
from hragency.recruitment.models import Requisition
from hragency.recruitment.queries import requisition_for, requisitions_for
from hragency.recruitment.views import pipeline_context, require_view, requisition_fields


def require_client(request: HttpRequest) -> None:
    require_view(request)
    if getattr(request.user, "kind", "") != "client_hr":
        raise PermissionDenied("此页面供客户人事使用")


@login_required
def portal(request: HttpRequest) -> HttpResponse:
    require_client(request)
    page = Paginator(requisitions_for(request.user), 30).get_page(request.GET.get("page"))
    errors: dict[str, str] = {}
    if request.method == "POST":
        client = request.user.client  # type: ignore[union-attr]
        errors, response = submit(
            request,
            lambda: services.submit_requisition(
                actor=request.user, client=client, **requisition_fields(request.POST)
            ),
            success=lambda r: (
                f"招聘需求 {r.number} 已提交，招聘专员将在 {services.CONTACT_HOURS} 小时内与您联系"
            ),
            done_url=lambda r: reverse("recruitment:portal_detail", args=[r.pk]),
            refused_url=reverse("recruitment:portal"),
        )
        if response is not None:
            return response
    return render(
        request,
        "recruitment/portal.html",
        {
            "page": page,
            "urgencies": Requisition.Urgency.choices,
            "may_add": request.user.has_perm("recruitment.add_requisition"),
            "errors": errors,
            "values": request.POST if errors else {},
        },
        status=400 if errors else 200,
    )


@login_required
def portal_detail(request: HttpRequest, requisition_id: int) -> HttpResponse:
    require_client(request)
    return render_portal_detail(request, requisition_for(request.user, requisition_id))


def render_portal_detail(
    request: HttpRequest,
    requisition: Requisition,
    errors: dict[str, str] | None = None,
    form: str = "",
) -> HttpResponse:
    context = pipeline_context(request, requisition)
    context.update(
        {
            "deadlines": Deadline.objects.filter(
                subject_type=Requisition._meta.label_lower, subject_id=str(requisition.pk)
            ).order_by("due_at"),
            "is_open": requisition.status == Requisition.Status.OPEN,
            "errors": errors or {},
            "form": form,
            "values": request.POST if errors else {},
        }
    )
    return render(request, "recruitment/portal_detail.html", context, status=400 if errors else 200)
