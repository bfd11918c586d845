"""Screens of payroll set-up (R-PAY-1) under /payroll/setup/: a client's salary items and payroll
settings, the month's inputs, a person's payroll page (standing salaries with history, tax-year
options, the month's attendance and variable amounts), special additional deductions for staff
and HR, and 我的专项附加扣除 for an employee.

Thin: reads through ``queries_setup`` (out of scope → 404, no permission → 403), writes through
``setup`` / ``setup_inputs``; a refused write re-renders the page with the reason and a 400."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.domain.tax import DeductionCategory
from hragency.employees.models import InsuredPerson
from hragency.employees.queries import people_for
from hragency.payroll import forms, setup, setup_inputs
from hragency.payroll import queries_setup as q
from hragency.payroll.models import SalaryItem, TaxYearOption

PEOPLE_PAGE_SIZE = 100
ITEM_FORM_FIELDS = ("code", "name", "kind", "source", "order")
ITEM_FLAGS = ("taxable", "in_daily_basis", "in_si_base", "active")


def _month(request: HttpRequest) -> tuple[dt.date, str]:
    """The month asked for (?month=2026-10; this month if none); a bad one is reported."""
    raw = request.GET.get("month") or request.POST.get("month") or ""
    try:
        first = forms.month(raw)
    except forms.InvalidValue as exc:
        return timezone.localdate().replace(day=1), f"月份{exc}"
    return first or timezone.localdate().replace(day=1), ""


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() else timezone.localdate().year
    return year if 2019 <= year <= 2100 else timezone.localdate().year


def _post(request: HttpRequest, fields: tuple[str, ...]) -> dict[str, str]:
    return {f: request.POST.get(f, "").strip() for f in fields}


def _fail(exc: ServiceError | None) -> tuple[dict[str, str], str]:
    """Errors by field and the message above the form, for a refusal (none: nothing)."""
    if exc is None:
        return {}, ""
    if isinstance(exc, InvalidFields):
        return exc.by_field(), "请修改标红的字段后重新提交"
    return {}, str(exc)


# ---- clients: items and settings ------------------------------------------------------------


@login_required
@require_GET
def setup_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if getattr(user, "kind", "") == "employee":
        return redirect("payroll:my_deductions")
    q.need(q.may_view_setup(user))
    if user.kind == "client_hr":  # type: ignore[union-attr]
        return redirect("payroll:setup_items", user.client_id)  # type: ignore[union-attr]
    page = Paginator(q.setup_clients(user), 50).get_page(request.GET.get("page"))
    return render(request, "payroll/setup/home.html", {"page": page})


def _items_page(
    request: HttpRequest, client: Any, *, section: str = "", typed: Any = None, exc: Any = None
) -> HttpResponse:
    """The items page; after a refusal (``exc``) with what was typed in ``section``, and 400."""
    user = request.user
    errors, error = _fail(exc)
    row = q.settings_of(user, client)
    return render(
        request,
        "payroll/setup/items.html",
        {
            "client": client,
            "items": list(q.items_of(user, client)),
            "may_edit": q.may_edit_setup(user),
            "may_inputs": q.may_enter_inputs(user),
            "settings": row,
            "sick_pct": Decimal(row.sick_leave_paid_ppm) / 10_000,
            "bank_formats": q.bank_formats(),
            "kinds": SalaryItem.Kind.choices,
            "sources": SalaryItem.Source.choices,
            "item_typed": (typed if section == "item" else None)
            or {"taxable": True, "in_si_base": True, "active": True},
            "settings_typed": typed if section == "settings" else None,
            "errors": errors,
            "error": error,
            "section": section,
        },
        status=400 if exc else 200,
    )


def _item_fields(request: HttpRequest) -> dict[str, Any]:
    data: dict[str, Any] = _post(request, ITEM_FORM_FIELDS)
    data.update({f: f in request.POST for f in ITEM_FLAGS})
    return data


@login_required
def setup_items(request: HttpRequest, client_id: int) -> HttpResponse:
    """工资项目 of a client with its 发薪设置; POST adds an item."""
    user = request.user
    client = q.setup_client_for(user, client_id)
    if request.method != "POST":
        return _items_page(request, client)
    q.need(q.may_edit_setup(user), "无权修改薪酬设置")
    fields = _item_fields(request)
    try:
        item = setup.save_salary_item(actor=user, client=client, **fields)
    except ServiceError as exc:
        return _items_page(request, client, section="item", typed=fields, exc=exc)
    messages.success(request, f"已添加工资项目「{item.name}」")
    return redirect("payroll:setup_items", client.pk)


@login_required
@require_POST
def setup_defaults(request: HttpRequest, client_id: int) -> HttpResponse:
    user = request.user
    client = q.setup_client_for(user, client_id)
    q.need(q.may_edit_setup(user), "无权修改薪酬设置")
    try:
        created = setup.ensure_default_items(actor=user, client=client)
    except ServiceError as exc:
        return _items_page(request, client, section="item", exc=exc)
    if created:
        messages.success(request, f"已创建 {len(created)} 个默认工资项目")
    else:
        messages.info(request, "该客户已有工资项目，未创建默认项目")
    return redirect("payroll:setup_items", client.pk)


@login_required
@require_POST
def setup_settings(request: HttpRequest, client_id: int) -> HttpResponse:
    user = request.user
    client = q.setup_client_for(user, client_id)
    q.need(q.may_edit_setup(user), "无权修改薪酬设置")
    fields: dict[str, Any] = _post(request, ("pay_day", "sick_leave_paid_pct", "bank_format"))
    fields["email_payslips"] = "email_payslips" in request.POST
    try:
        setup.save_payroll_settings(actor=user, client=client, **fields)
    except ServiceError as exc:
        return _items_page(request, client, section="settings", typed=fields, exc=exc)
    messages.success(request, "发薪设置已保存")
    return redirect("payroll:setup_items", client.pk)


def _item_page(
    request: HttpRequest, item: SalaryItem, *, typed: Any = None, exc: Any = None
) -> HttpResponse:
    errors, error = _fail(exc)
    current = {f: getattr(item, f) for f in (*ITEM_FORM_FIELDS, *ITEM_FLAGS)}
    return render(
        request,
        "payroll/setup/item.html",
        {
            "item": item,
            "client": item.client,
            "may_edit": q.may_edit_setup(request.user),
            "kinds": SalaryItem.Kind.choices,
            "sources": SalaryItem.Source.choices,
            "item_typed": typed or current,
            "errors": errors,
            "error": error,
        },
        status=400 if exc else 200,
    )


@login_required
def setup_item(request: HttpRequest, item_id: int) -> HttpResponse:
    user = request.user
    item = q.item_for(user, item_id)
    if request.method != "POST":
        return _item_page(request, item)
    q.need(q.may_edit_setup(user), "无权修改薪酬设置")
    fields = _item_fields(request)
    try:
        saved = setup.save_salary_item(actor=user, client=item.client, item_id=item.pk, **fields)
    except ServiceError as exc:
        return _item_page(request, item, typed=fields, exc=exc)
    messages.success(request, f"工资项目「{saved.name}」已保存")
    return redirect("payroll:setup_items", item.client_id)


@login_required
@require_POST
def setup_item_active(request: HttpRequest, item_id: int) -> HttpResponse:
    user = request.user
    item = q.item_for(user, item_id)
    q.need(q.may_edit_setup(user), "无权修改薪酬设置")
    active = request.POST.get("active") == "1"
    try:
        setup.set_item_active(actor=user, item=item, active=active)
    except ServiceError as exc:
        return _item_page(request, item, exc=exc)
    messages.success(request, f"工资项目「{item.name}」已{'启用' if active else '停用'}")
    return redirect("payroll:setup_items", item.client_id)


# ---- a client's month -----------------------------------------------------------------------


@login_required
@require_GET
def setup_month(request: HttpRequest, client_id: int) -> HttpResponse:
    """The month's inputs of a client: each person's attendance and variable amounts."""
    user = request.user
    client = q.setup_client_for(user, client_id)
    first, error = _month(request)
    people = people_for(user).filter(client=client).order_by("name", "pk")
    page = Paginator(people, PEOPLE_PAGE_SIZE).get_page(request.GET.get("page"))
    ids = [p.pk for p in page]
    attendance = {
        a.person_id: a for a in q.month_attendance(user, client, first).filter(person_id__in=ids)
    }
    amounts: dict[int, list[Any]] = {}
    for row in q.month_amounts(user, client, first).filter(person_id__in=ids):
        amounts.setdefault(row.person_id, []).append(row)
    rows = [(p, attendance.get(p.pk), amounts.get(p.pk, [])) for p in page]
    return render(
        request,
        "payroll/setup/month.html",
        {
            "client": client,
            "month": first,
            "error": error,
            "page": page,
            "rows": rows,
            "run": q.run_of(user, client, first),
            "lock": setup.month_lock(client.pk, first),
            "may_inputs": q.may_enter_inputs(user),
            "may_edit": q.may_edit_setup(user),
        },
        status=400 if error else 200,
    )


# ---- a person's payroll page --------------------------------------------------------------------


def _person_page(
    request: HttpRequest,
    person: InsuredPerson,
    *,
    section: str = "",
    typed: dict[str, Any] | None = None,
    exc: Any = None,
) -> HttpResponse:
    user = request.user
    errors, error = _fail(exc)
    first, month_error = _month(request)
    year = _year(request) if section != "tax" else int((typed or {}).get("year") or _year(request))
    attendance = q.month_attendance(user, person.client, first).filter(person=person).first()
    items = list(q.items_of(user, person.client, active_only=True))
    return render(
        request,
        "payroll/setup/person.html",
        {
            "person": person,
            "client": person.client,
            "salaries": q.salary_table(user, person),
            "standing_items": [i for i in items if i.source in q.STANDING_SOURCES],
            "monthly_items": [i for i in items if i.source == SalaryItem.Source.MONTHLY],
            "month": first,
            "month_error": month_error,
            "attendance": attendance,
            "amounts": list(q.month_amounts(user, person.client, first).filter(person=person)),
            "lock": setup.month_lock(person.client_id, first),
            "option": q.tax_option_of(user, person, year),
            "year": year,
            "low_income_choices": TaxYearOption.LowIncome.choices,
            "attendance_fields": _attendance_fields(attendance, section, typed, errors),
            "may_edit": q.may_edit_setup(user),
            "may_inputs": q.may_enter_inputs(user),
            "section": section,
            "typed": typed or {},
            "errors": errors,
            "error": error,
            "this_month": f"{timezone.localdate():%Y-%m}",
        },
        status=400 if exc else 200,
    )


def _attendance_fields(
    row: Any, section: str, typed: dict[str, Any] | None, errors: dict[str, str] | None
) -> list[dict[str, Any]]:
    """The attendance form's inputs: what was typed after a refusal, else what is recorded."""
    fields = []
    for name, label in forms.ATTENDANCE_LABELS.items():
        if section == "attendance":
            value = (typed or {}).get(name, "")
        elif row is not None:
            stored = getattr(row, name)
            value = stored if name == "note" else f"{stored.normalize():f}"
        else:
            value = ""
        error = (errors or {}).get(name, "") if section == "attendance" else ""
        fields.append({"name": name, "label": label, "value": value, "error": error})
    return fields


@login_required
@require_GET
def setup_person(request: HttpRequest, person_id: int) -> HttpResponse:
    return _person_page(request, q.payroll_person_for(request.user, person_id))


def _back_to_person(person: InsuredPerson, month: str = "") -> HttpResponse:
    url = reverse("payroll:setup_person", args=[person.pk])
    return redirect(f"{url}?month={month}" if month else url)


def _chosen_item(user: Any, person: InsuredPerson, raw: str) -> SalaryItem:
    item = None
    if raw.isdigit():
        item = q.items_of(user, person.client).filter(pk=int(raw)).first()
    if item is None:
        raise InvalidFields([FieldError("item", "工资项目", "请选择工资项目")])
    return item


@login_required
@require_POST
def setup_salary(request: HttpRequest, person_id: int) -> HttpResponse:
    user = request.user
    person = q.payroll_person_for(user, person_id)
    q.need(q.may_edit_setup(user), "无权修改人员定薪")
    typed = _post(request, ("item", "amount", "effective_from"))
    try:
        item = _chosen_item(user, person, typed["item"])
        setup.set_person_salary(
            actor=user,
            person=person,
            item=item,
            amount=typed["amount"],
            effective_from=typed["effective_from"],
        )
    except ServiceError as exc:
        return _person_page(request, person, section="salary", typed=typed, exc=exc)
    messages.success(
        request, f"定薪已保存：{item.name} {typed['amount']} 元，自 {typed['effective_from']} 起"
    )
    return _back_to_person(person)


@login_required
@require_POST
def setup_tax(request: HttpRequest, person_id: int) -> HttpResponse:
    user = request.user
    person = q.payroll_person_for(user, person_id)
    q.need(q.may_edit_setup(user), "无权修改个税年度选项")
    typed: dict[str, Any] = _post(request, ("year", "low_income_rule"))
    typed["first_job_in_year"] = "first_job_in_year" in request.POST
    typed["bonus_separate"] = "bonus_separate" in request.POST
    fields = {k: v for k, v in typed.items() if k != "year"}
    try:
        setup.save_tax_year_option(actor=user, person=person, year=typed["year"], **fields)
    except ServiceError as exc:
        return _person_page(request, person, section="tax", typed=typed, exc=exc)
    messages.success(request, f"{typed['year']}年个税选项已保存")
    url = reverse("payroll:setup_person", args=[person.pk])
    return redirect(f"{url}?year={typed['year']}")


@login_required
@require_POST
def setup_attendance(request: HttpRequest, person_id: int) -> HttpResponse:
    user = request.user
    person = q.payroll_person_for(user, person_id)
    q.need(q.may_enter_inputs(user), "无权录入考勤")
    month = request.POST.get("month", "").strip()
    typed = _post(request, tuple(forms.ATTENDANCE_LABELS))
    try:
        _, warnings = setup_inputs.record_attendance(
            actor=user, person=person, period=month, **typed
        )
    except ServiceError as exc:
        return _person_page(request, person, section="attendance", typed=typed, exc=exc)
    messages.success(request, f"{month} 考勤与绩效已保存")
    for warning in warnings:
        messages.warning(request, warning)
    return _back_to_person(person, month)


@login_required
@require_POST
def setup_amount(request: HttpRequest, person_id: int) -> HttpResponse:
    user = request.user
    person = q.payroll_person_for(user, person_id)
    q.need(q.may_enter_inputs(user), "无权录入月度变动项")
    typed = _post(request, ("month", "item", "amount"))
    try:
        item = _chosen_item(user, person, typed["item"])
        setup_inputs.set_monthly_amount(
            actor=user, person=person, item=item, period=typed["month"], amount=typed["amount"]
        )
    except ServiceError as exc:
        return _person_page(request, person, section="amount", typed=typed, exc=exc)
    messages.success(request, f"{typed['month']} {item.name} 已保存")
    return _back_to_person(person, typed["month"])


# ---- special additional deductions --------------------------------------------------------------

DEDUCTION_FIELDS = tuple(forms.DEDUCTION_LABELS_BY_FIELD)


def _deductions_page(
    request: HttpRequest,
    person: InsuredPerson,
    *,
    mine: bool,
    typed: dict[str, str] | None = None,
    exc: Any = None,
) -> HttpResponse:
    user = request.user
    errors, error = _fail(exc)
    return render(
        request,
        "payroll/setup/my_deductions.html" if mine else "payroll/setup/deductions.html",
        {
            "person": person,
            "client": person.client,
            "deductions": list(q.deductions_of(user, person)),
            "may_declare": mine or q.may_enter_inputs(user),
            "categories": [(c.value, c.label) for c in DeductionCategory],
            "typed": typed or {"start_month": f"{timezone.localdate():%Y-%m}"},
            "errors": errors,
            "error": error,
            "mine": mine,
            "today_month": timezone.localdate().replace(day=1),
        },
        status=400 if exc else 200,
    )


def _declare(request: HttpRequest, person: InsuredPerson, *, mine: bool) -> HttpResponse:
    typed = _post(request, DEDUCTION_FIELDS)
    try:
        row = setup_inputs.declare_deduction(actor=request.user, person=person, **typed)
    except ServiceError as exc:
        return _deductions_page(request, person, mine=mine, typed=typed, exc=exc)
    messages.success(
        request, f"已申报：{row.get_category_display()}，自 {row.start_month:%Y-%m} 起"
    )
    return _back_to_deductions(person, mine=mine)


def _back_to_deductions(person: InsuredPerson, *, mine: bool) -> HttpResponse:
    if mine:
        return redirect("payroll:my_deductions")
    return redirect("payroll:setup_deductions", person.pk)


@login_required
def setup_deductions(request: HttpRequest, person_id: int) -> HttpResponse:
    user = request.user
    person = q.deduction_person_for(user, person_id)
    if getattr(user, "kind", "") == "employee":
        return redirect("payroll:my_deductions")
    if request.method != "POST":
        return _deductions_page(request, person, mine=False)
    q.need(q.may_enter_inputs(user), "无权录入专项附加扣除")
    return _declare(request, person, mine=False)


@login_required
def my_deductions(request: HttpRequest) -> HttpResponse:
    """我的专项附加扣除: an employee's own declarations and the form to declare one."""
    person = q.my_person(request.user)
    if request.method != "POST":
        return _deductions_page(request, person, mine=True)
    return _declare(request, person, mine=True)


def _deduction_action(request: HttpRequest, deduction_id: int, action: str) -> HttpResponse:
    user = request.user
    row = q.deduction_for(user, deduction_id)
    mine = getattr(user, "kind", "") == "employee"
    if not mine and not q.may_enter_inputs(user):
        raise PermissionDenied("无权修改专项附加扣除")
    person = row.person
    try:
        if action == "end":
            setup_inputs.end_deduction(
                actor=user, deduction=row, end_month=request.POST.get("end_month", "")
            )
            messages.success(request, f"已设置截止月份：{row.get_category_display()}")
        else:
            setup_inputs.withdraw_deduction(actor=user, deduction=row)
            messages.success(request, f"已撤回：{row.get_category_display()}")
    except ServiceError as exc:
        return _deductions_page(request, person, mine=mine, exc=exc)
    return _back_to_deductions(person, mine=mine)


@login_required
@require_POST
def deduction_end(request: HttpRequest, deduction_id: int) -> HttpResponse:
    return _deduction_action(request, deduction_id, "end")


@login_required
@require_POST
def deduction_withdraw(request: HttpRequest, deduction_id: int) -> HttpResponse:
    return _deduction_action(request, deduction_id, "withdraw")
