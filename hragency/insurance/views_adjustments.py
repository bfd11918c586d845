"""/insurance/adjustments/: 补缴与退费 (R-SI-5)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hragency.clients.views import submit
from hragency.core.errors import FieldError, InvalidFields
from hragency.core.values import InvalidValue, amount
from hragency.domain.insurance import ITEMS, PolicyError, parse_period
from hragency.employees.queries import people_for
from hragency.insurance import adjustments
from hragency.insurance.models import Adjustment
from hragency.insurance.queries import adjustment_for, adjustments_for

PAGE_SIZE = 50


@login_required
def adjustment_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("insurance.view_enrollment"):
        raise PermissionDenied("无权查看补缴与退费")
    page = Paginator(adjustments_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "adjustments/list.html",
        {"page": page, "may_create": request.user.has_perm("insurance.handle_order")},
    )


def parse_form(values: Any) -> dict[str, Any]:
    """Form or JSON strings → service arguments; every bad field is reported at once."""
    errors, clean = [], {}
    for field, label in (("first_month", "起始月份"), ("last_month", "截止月份")):
        try:
            clean[field] = parse_period(str(values.get(field, "")))
        except PolicyError as exc:
            errors.append(FieldError(field, label, str(exc)))
    raw_wage = str(values.get("wage", "") or "").strip()
    clean["wage"] = None
    if raw_wage:
        try:
            clean["wage"] = amount(raw_wage)
        except InvalidValue as exc:
            errors.append(FieldError("wage", "申报工资", str(exc)))
    if errors:
        raise InvalidFields(errors)
    clean["kind"] = str(values.get("kind", ""))
    clean["city"] = str(values.get("city", ""))
    clean["reason"] = str(values.get("reason", ""))
    return clean


@login_required
def adjustment_new(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("insurance.handle_order"):
        raise PermissionDenied("无权办理补缴或退费")
    values = request.POST if request.method == "POST" else request.GET
    errors: dict[str, str] = {}
    person = None
    if values.get("person", "").isdigit():
        person = get_object_or_404(people_for(request.user), pk=values["person"])
    if request.method == "POST":
        if person is None:
            errors = {"person": "请选择人员"}
        else:
            chosen = person

            def save() -> Adjustment:
                return adjustments.create_adjustment(
                    actor=request.user, person=chosen, **parse_form(values)
                )

            errors, response = submit(
                request,
                save,
                success=lambda a: f"已生成{a.get_kind_display()}单 {a.number}",
                done_url=lambda a: reverse("adjustments:detail", args=[a.pk]),
                refused_url=request.get_full_path(),
            )
            if response is not None:
                return response
    return render(
        request,
        "adjustments/new.html",
        {
            "values": values,
            "errors": errors,
            "person": person,
            "people": people_for(request.user).order_by("client_id", "name")[:1000],
            "kinds": Adjustment.Kind.choices,
        },
    )


@login_required
def adjustment_detail(request: HttpRequest, adjustment_id: int) -> HttpResponse:
    adjustment = adjustment_for(request.user, adjustment_id)
    rows = []
    for month in adjustment.months:
        items = month["items"]
        rows.append(
            {
                "month": month["month"],
                "items": [items.get(item.value) for item in ITEMS],
                "employer_fen": month["employer_fen"],
                "employee_fen": month["employee_fen"],
            }
        )
    used = [item for i, item in enumerate(ITEMS) if any(r["items"][i] is not None for r in rows)]
    for row in rows:
        row["items"] = [row["items"][ITEMS.index(item)] for item in used]
    return render(
        request,
        "adjustments/detail.html",
        {
            "adjustment": adjustment,
            "rows": rows,
            "items": used,
            "may_handle": request.user.has_perm("insurance.handle_order"),
            "total_fen": adjustment.employer_fen + adjustment.employee_fen,
            "zero": Decimal(0),
        },
    )


@require_POST
@login_required
def adjustment_status(request: HttpRequest, adjustment_id: int) -> HttpResponse:
    adjustment = adjustment_for(request.user, adjustment_id)
    url = reverse("adjustments:detail", args=[adjustment.pk])
    _, response = submit(
        request,
        lambda: adjustments.set_adjustment_status(
            actor=request.user, adjustment=adjustment, status=request.POST.get("status", "")
        ),
        success="状态已更新",
        done_url=url,
    )
    assert response is not None  # a status change has no fields to show
    return response
