"""Social-insurance screens: 增减员 orders (list, form, detail, the specialists' queue with bulk
processing), enrollments with the client's confirmation of bases, client rates, the policy
library with its export, and the calculator. Thin: queries for reads, services for writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_POST

from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.domain.insurance import Period, PolicyError, clamp, parse_period
from hragency.domain.money import from_fen, to_fen
from hragency.insurance import forms, queries, services
from hragency.insurance.models import Order
from hragency.insurance.policies import (
    cities,
    normalize_city,
)

PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _need(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied("无权访问")


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def _period(raw: str | None, default: Period | None = None) -> tuple[Period | None, str]:
    """A month from a query parameter; an unreadable one falls back with the reason."""
    if not raw:
        return default, ""
    try:
        return parse_period(raw), ""
    except PolicyError as exc:
        return default, str(exc)


def _this_month() -> Period:
    return Period.of(timezone.localdate())


def _is_staff(request: HttpRequest) -> bool:
    return getattr(request.user, "kind", "") == "staff"


def _keep(request: HttpRequest) -> str:
    return urlencode({k: v for k, v in request.GET.items() if k != "page" and v})


# ---- orders --------------------------------------------------------------------------------


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    _need(request, "insurance.view_order")
    user = request.user
    month, month_error = _period(request.GET.get("month"))
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    filters = {
        "status": status if status in Order.Status.values else "",
        "kind": kind if kind in Order.Kind.values else "",
        "month": month,
        "client_id": _int(request.GET.get("client")) if _is_staff(request) else None,
        "q": request.GET.get("q", "").strip(),
    }
    page = Paginator(queries.search_orders(user, **filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "insurance/orders.html",
        {
            "page": page,
            "filters": filters,
            "month_text": request.GET.get("month", ""),
            "month_error": month_error,
            "statuses": Order.Status.choices,
            "kinds": Order.Kind.choices,
            "clients": queries.client_choices(user) if _is_staff(request) else [],
            "show_clients": _is_staff(request),
            "query": _keep(request),
            "may_add": user.has_perm("insurance.add_order"),
            "may_handle": user.has_perm("insurance.handle_order"),
        },
    )


def _person_label(person: Any, with_client: bool) -> str:
    client = f"，{person.client.name}" if with_client else ""
    return f"{person.name}（{person.id_number_masked}{client}）"


def _person_choices(request: HttpRequest, q: str = "", selected: Any = None) -> list[Any]:
    people = queries.orderable_people(request.user, q)
    if selected is not None and all(p.pk != selected.pk for p in people):
        people.insert(0, selected)
    return [(p.pk, _person_label(p, _is_staff(request))) for p in people]


@login_required
def person_options(request: HttpRequest) -> HttpResponse:
    """The person picker's options for a search (htmx)."""
    _need(request, "insurance.add_order")
    choices = _person_choices(request, request.GET.get("person_q", ""))
    return render(request, "insurance/order_form.html#person_options", {"people": choices})


@login_required
def order_create(request: HttpRequest) -> HttpResponse:
    _need(request, "insurance.add_order")
    user = request.user
    earliest = services.earliest_open_period()
    typed: dict[str, Any] = {"kind": "add", "month": str(earliest), "si": True, "hf": True}
    selected = None
    person_id = _int(request.GET.get("person"))
    if person_id is not None:
        selected = queries.orderable_person(user, person_id)
        typed.update(person=selected.pk, city=selected.insured_city)
    errors: dict[str, str] = {}
    error = ""
    if request.method == "POST":
        clean, found = forms.parse_order(request.POST, checkboxes=True)
        typed = {k: request.POST.get(k, "") for k in forms.ORDER_LABELS}
        typed.update(si=clean.get("si"), hf=clean.get("hf"))
        person_id = _int(request.POST.get("person"))
        selected = queries.people_for_order(user, person_id)
        if selected is None:
            found.append(FieldError("person", "人员", "请选择人员"))
        late = services.month_error(clean["month"]) if clean.get("month") else None
        if found and late is not None:
            found.append(late)  # with the other errors, not after they are fixed
        try:
            if found:
                raise InvalidFields(found)
            order = services.submit_order(
                actor=user,
                person=selected,
                channel=Order.Channel.STAFF if _is_staff(request) else Order.Channel.PORTAL,
                **forms.order_arguments(clean),
            )
        except InvalidFields as exc:
            errors = exc.by_field()
            error = "请修改标红的字段后重新提交"
        except ServiceError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                f"已提交{order.get_kind_display()}单 {order.number}，"
                f"办理截止：{services.cutoff(Period.of(order.month)):%m月%d日 %H:%M}",
            )
            return redirect("insurance:order", order.pk)
    return render(
        request,
        "insurance/order_form.html",
        {
            "typed": typed,
            "errors": errors,
            "error": error,
            "people": _person_choices(request, selected=selected),
            "cities": cities(),
            "kinds": Order.Kind.choices,
            "earliest": earliest,
            "cutoff": services.cutoff(earliest),
        },
        status=400 if request.method == "POST" else 200,
    )


def _order_page(
    request: HttpRequest, order: Order, *, status: int = 200, **extra: Any
) -> HttpResponse:
    user = request.user
    open_ = order.status == Order.Status.SUBMITTED
    context = {
        "order": order,
        "cutoff": services.cutoff(Period.of(order.month)),
        "deadline": queries.deadline_of(user, order),
        "may_handle": open_ and user.has_perm("insurance.handle_order"),
        "may_cancel": open_ and services.may_cancel(user, order),
        "show_client": _is_staff(request),
        "errors": {},
    }
    context.update(extra)
    return render(request, "insurance/order.html", context, status=status)


@login_required
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    _need(request, "insurance.view_order")
    return _order_page(request, queries.order_for(request.user, order_id))


def _act(
    request: HttpRequest, order_id: int, action: Callable[[Order], Order], success: str
) -> HttpResponse:
    order = queries.order_for(request.user, order_id)
    try:
        done = action(order)
    except InvalidFields as exc:
        messages.error(request, "请修改标红的字段后重新提交")
        return _order_page(request, order, status=400, errors=exc.by_field())
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{done.number} {success}")
    return redirect("insurance:order", order.pk)


@login_required
@require_POST
def order_process(request: HttpRequest, order_id: int) -> HttpResponse:
    _need(request, "insurance.handle_order")
    note = request.POST.get("note", "")
    return _act(
        request,
        order_id,
        lambda o: services.process_order(actor=request.user, order=o, note=note),
        "已办理",
    )


@login_required
@require_POST
def order_reject(request: HttpRequest, order_id: int) -> HttpResponse:
    _need(request, "insurance.handle_order")
    reason = request.POST.get("reason", "")
    return _act(
        request,
        order_id,
        lambda o: services.reject_order(actor=request.user, order=o, reason=reason),
        "已退回",
    )


@login_required
@require_POST
def order_cancel(request: HttpRequest, order_id: int) -> HttpResponse:
    _need(request, "insurance.view_order")
    return _act(
        request,
        order_id,
        lambda o: services.cancel_order(actor=request.user, order=o),
        "已撤销",
    )


# ---- the specialists' queue ----------------------------------------------------------------


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _need(request, "insurance.handle_order")
    user = request.user
    kind = request.GET.get("kind", "")
    filters = {
        "client_id": _int(request.GET.get("client")),
        "kind": kind if kind in Order.Kind.values else "",
        "q": request.GET.get("q", "").strip(),
    }
    page = Paginator(queries.queue_for(user, **filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    rows = []
    for order in page:
        due = order.deadline_due or services.cutoff(Period.of(order.month))  # type: ignore[attr-defined]
        rows.append({"order": order, "due": due, "overdue": due < now})
    return render(
        request,
        "insurance/queue.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "kinds": Order.Kind.choices,
            "clients": queries.client_choices(user),
            "query": _keep(request),
        },
    )


@login_required
@require_POST
def queue_process(request: HttpRequest) -> HttpResponse:
    """批量办理: each selected order in its own transaction; a refusal names its order and
    leaves the others done."""
    _need(request, "insurance.handle_order")
    ids = [int(v) for v in request.POST.getlist("order") if v.isdigit()]
    if not ids:
        messages.warning(request, "请先勾选要办理的单据")
        return redirect("insurance:queue")
    done = 0
    for order in queries.queued_orders(request.user, ids):
        try:
            services.process_order(actor=request.user, order=order)
        except ServiceError as exc:
            messages.error(request, f"{order.number}（{order.person.name}）未办理：{exc}")
        else:
            done += 1
    if done:
        messages.success(request, f"已办理 {done} 单")
    return redirect("insurance:queue")


# ---- enrollments ---------------------------------------------------------------------------


@login_required
def enrollment_list(request: HttpRequest) -> HttpResponse:
    _need(request, "insurance.view_enrollment")
    user = request.user
    period, month_error = _period(request.GET.get("month"), _this_month())
    assert period is not None
    is_hr = getattr(user, "kind", "") == "client_hr"
    client_id = user.client_id if is_hr else _int(request.GET.get("client"))
    qs = queries.enrollments_in_force(
        user, period=period, client_id=client_id, q=request.GET.get("q", "")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rules = queries.base_rules(period)
    rows = []
    for enrollment in page:
        rule = rules.get(enrollment.city)
        base = None
        if rule is not None and enrollment.si:
            base = from_fen(
                clamp(to_fen(enrollment.wage), to_fen(rule.base_floor), to_fen(rule.base_ceiling))
            )
        rows.append({"e": enrollment, "base": base})
    current = period == _this_month()
    unconfirmed = 0
    if is_hr and current:
        unconfirmed = qs.filter(bases_confirmed_at__isnull=True).count()
    return render(
        request,
        "insurance/enrollments.html",
        {
            "page": page,
            "rows": rows,
            "period": period,
            "month_error": month_error,
            "client_id": client_id,
            "clients": [] if is_hr else queries.client_choices(user),
            "q": request.GET.get("q", ""),
            "query": _keep(request),
            "may_confirm": is_hr and current and user.has_perm("insurance.view_enrollment"),
            "unconfirmed": unconfirmed,
        },
    )


@login_required
@require_POST
def confirm_bases(request: HttpRequest) -> HttpResponse:
    _need(request, "insurance.view_enrollment")
    user = request.user
    if getattr(user, "kind", "") != "client_hr":
        raise PermissionDenied("缴费基数由客户本单位的 HR 确认")
    client = queries.client_for(user, user.client_id)
    try:
        count = services.confirm_bases(actor=user, client=client)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已确认 {count} 人本月的缴费基数")
    return redirect("insurance:enrollments")


# ---- client rates --------------------------------------------------------------------------


@login_required
def rates(request: HttpRequest) -> HttpResponse:
    _need(request, "insurance.view_clientrate")
    user = request.user
    is_hr = getattr(user, "kind", "") == "client_hr"
    source = request.POST if request.method == "POST" else request.GET
    client_id = user.client_id if is_hr else _int(source.get("client"))
    client = queries.client_for(user, client_id) if client_id else None
    may_edit = client is not None and not is_hr and user.has_perm("insurance.change_clientrate")
    typed: dict[str, Any] = {"city": request.GET.get("city", "")}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied("无权修改客户费率")
        assert client is not None
        clean, found = forms.parse_rates(request.POST, as_percent=True)
        typed = {k: request.POST.get(k, "") for k in ("city", "injury_rate", "hf_rate")}
        try:
            if found:
                raise InvalidFields(found)
            services.set_client_rate(
                actor=user,
                client=client,
                city=clean["city"],
                injury_rate=clean["injury_rate"],
                hf_rate=clean["hf_rate"],
            )
        except InvalidFields as exc:
            errors = exc.by_field()
            status = 400
        except ServiceError as exc:
            messages.error(request, str(exc))
            status = 400
        else:
            messages.success(request, f"已保存{normalize_city(clean['city'])}的费率")
            return redirect(f"{request.path}?{urlencode({'client': client.pk})}")
    rows = list(queries.rates_for(user, client.pk)) if client is not None else []
    return render(
        request,
        "insurance/rates.html",
        {
            "client": client,
            "clients": [] if is_hr else queries.client_choices(user),
            "rows": [
                {"rate": r, "injury": queries.pct(r.injury_rate), "hf": queries.pct(r.hf_rate)}
                for r in rows
            ],
            "may_edit": may_edit,
            "typed": typed,
            "errors": errors,
            "cities": cities(),
        },
        status=status,
    )


# ---- policy library ------------------------------------------------------------------------


@login_required
def policy_list(request: HttpRequest) -> HttpResponse:
    _need(request, "insurance.view_policyrule")
    period, period_error = _period(request.GET.get("period"), _this_month())
    assert period is not None
    library = queries.library_in_force(period)
    shown = {city for city, _rows in library}
    return render(
        request,
        "insurance/policies.html",
        {
            "period": period,
            "period_error": period_error,
            "library": library,
            "missing": [c for c in cities() if c not in shown],
        },
    )


@login_required
def policy_city(request: HttpRequest, policy_city: str) -> HttpResponse:
    _need(request, "insurance.view_policyrule")
    city = normalize_city(policy_city)
    period, period_error = _period(request.GET.get("period"), _this_month())
    assert period is not None
    items = queries.city_history(city, period)
    if not items:
        raise Http404("政策库中没有该城市")
    return render(
        request,
        "insurance/policy_city.html",
        {"city": city, "period": period, "period_error": period_error, "items": items},
    )


@login_required
def policy_export(request: HttpRequest) -> HttpResponse:
    _need(request, "insurance.view_policyrule")
    from hragency.insurance.importers import policy_workbook

    response = HttpResponse(policy_workbook(), content_type=XLSX_TYPE)
    name = f"社保公积金政策库-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    return response


# ---- calculator ----------------------------------------------------------------------------


@login_required
def calculator(request: HttpRequest) -> HttpResponse:
    if getattr(request.user, "kind", "") not in ("staff", "client_hr"):
        raise PermissionDenied("无权使用计算器")
    typed = {"city": "", "period": str(_this_month()), "wage": "", "hf_wage": ""}
    typed.update(hf_rate="", injury_rate="")
    context: dict[str, Any] = {"cities": cities(), "errors": {}, "typed": typed}
    if request.method == "POST":
        typed = {k: request.POST.get(k, "").strip() for k in typed}
        context.update(typed=typed, **forms.calculate(typed))
    template = "insurance/calculator.html"
    status = 400 if context["errors"] else 200
    if getattr(request, "htmx", False) and request.method == "POST":
        # htmx swaps only 2xx answers: the errors are part of the result fragment.
        template, status = template + "#result", 200
    return render(request, template, context, status=status)
