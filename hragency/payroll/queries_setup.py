"""Every user-facing read of payroll set-up data, for an acting user (R-PAY-1, R-SEC-1).

Who may do what:

* **read** items, settings, salaries, monthly inputs, tax options: ``payroll.view_salaryitem``
  (payroll specialists, directors, managers, the client's HR), within scope;
* **edit** items, settings, salaries and tax options: staff with ``payroll.prepare_payroll``;
* **enter monthly inputs** (attendance, variable amounts) and **deductions** for a person: staff
  with ``payroll.prepare_payroll``, and the client's HR user for their own company;
* **deductions** are read with ``payroll.view_specialdeduction``; an employee reads and declares
  their own (``scope_queryset`` limits an employee to rows about themselves).

Out of scope is 404 (the object is looked up in the scoped queryset first), no permission 403.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from hragency.clients.models import Client
from hragency.clients.queries import client_for, clients_for
from hragency.core.scoping import scope_queryset
from hragency.domain.tax import BONUS_SEPARATE_LAST_YEAR
from hragency.employees.models import InsuredPerson
from hragency.employees.queries import person_for
from hragency.payroll.models import (
    Attendance,
    BankFormat,
    MonthlyAmount,
    PayrollRun,
    PayrollSettings,
    PersonSalary,
    SalaryItem,
    SpecialDeduction,
    TaxYearOption,
)

STANDING_SOURCES = (SalaryItem.Source.FIXED, SalaryItem.Source.PERFORMANCE)
LOCKED_STATUSES = (
    PayrollRun.Status.REVIEW,
    PayrollRun.Status.APPROVED,
    PayrollRun.Status.PAID,
)


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _kind(user: Any) -> str:
    return str(getattr(user, "kind", ""))


def may_view_setup(user: Any) -> bool:
    return (
        _authenticated(user)
        and _kind(user) != "employee"
        and user.has_perm("payroll.view_salaryitem")
    )


def may_edit_setup(user: Any) -> bool:
    """Items, settings, salaries, tax options: the agency's payroll specialists."""
    return (
        _authenticated(user) and _kind(user) == "staff" and user.has_perm("payroll.prepare_payroll")
    )


def may_enter_inputs(user: Any) -> bool:
    """Attendance, monthly amounts and deductions: payroll specialists and the client's HR."""
    if may_edit_setup(user):
        return True
    return (
        _authenticated(user)
        and _kind(user) == "client_hr"
        and user.has_perm("payroll.view_salaryitem")
    )


def may_view_deductions(user: Any) -> bool:
    if not _authenticated(user):
        return False
    return _kind(user) == "employee" or user.has_perm("payroll.view_specialdeduction")


def need(allowed: bool, message: str = "无权查看薪酬设置") -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- clients and items ----------------------------------------------------------------------


def setup_clients(user: Any) -> QuerySet[Client]:
    """The clients whose payroll set-up the user may open, with their item counts."""
    need(may_view_setup(user))
    return clients_for(user).annotate(
        item_count=Count("salary_items", filter=Q(salary_items__active=True), distinct=True)
    )


def setup_client_for(user: Any, client_id: int) -> Client:
    client = client_for(user, client_id)
    need(may_view_setup(user))
    return client


def items_for(user: Any) -> QuerySet[SalaryItem]:
    need(may_view_setup(user))
    return scope_queryset(SalaryItem.objects.select_related("client"), user)


def items_of(user: Any, client: Client, *, active_only: bool = False) -> QuerySet[SalaryItem]:
    qs = items_for(user).filter(client=client).order_by("order", "pk")
    return qs.filter(active=True) if active_only else qs


def item_for(user: Any, item_id: int) -> SalaryItem:
    item = get_object_or_404(
        scope_queryset(SalaryItem.objects.select_related("client"), user), pk=item_id
    )
    need(may_view_setup(user))
    return item


def settings_of(user: Any, client: Client) -> PayrollSettings:
    """The client's settings, or the defaults (unsaved) when none were saved yet."""
    need(may_view_setup(user))
    found = (
        scope_queryset(PayrollSettings.objects.select_related("bank_format"), user)
        .filter(client=client)
        .first()
    )
    return found or PayrollSettings(client=client)


def bank_formats() -> list[BankFormat]:
    """Active layouts, offered in the settings form (administrator data, not client data)."""
    return list(BankFormat.objects.filter(active=True).order_by("name"))


# --- people ---------------------------------------------------------------------------------


def payroll_person_for(user: Any, person_id: int) -> InsuredPerson:
    """A person whose payroll page the user may open (staff and HR; an employee uses 我的)."""
    person = person_for(user, person_id)
    need(may_view_setup(user))
    return person


def deduction_person_for(user: Any, person_id: int) -> InsuredPerson:
    person = person_for(user, person_id)
    need(may_view_deductions(user), "无权查看专项附加扣除")
    return person


@dataclass
class ItemSalary:
    """One standing item of a person: the amount in force this month and every row."""

    item: SalaryItem
    current: PersonSalary | None = None
    upcoming: list[PersonSalary] = field(default_factory=list)
    history: list[PersonSalary] = field(default_factory=list)


def salaries_of(user: Any, person: InsuredPerson) -> QuerySet[PersonSalary]:
    need(may_view_setup(user))
    return (
        scope_queryset(PersonSalary.objects.select_related("item"), user)
        .filter(person=person)
        .order_by("item__order", "item_id", "-effective_from")
    )


def salary_table(
    user: Any, person: InsuredPerson, *, on: dt.date | None = None
) -> list[ItemSalary]:
    """Per standing item of the person's client (active ones, and inactive ones with rows): the
    amount in force in the month of ``on`` (today), later changes and the history."""
    first = (on or timezone.localdate()).replace(day=1)
    rows = list(salaries_of(user, person))
    items = list(
        items_of(user, person.client)
        .filter(source__in=STANDING_SOURCES)
        .filter(Q(active=True) | Q(pk__in={r.item_id for r in rows}))
    )
    table = []
    for item in items:
        mine = [r for r in rows if r.item_id == item.pk]  # newest first
        entry = ItemSalary(item=item, history=mine)
        entry.upcoming = [r for r in mine if r.effective_from > first]
        entry.current = next((r for r in mine if r.effective_from <= first), None)
        table.append(entry)
    return table


def tax_option_of(user: Any, person: InsuredPerson, year: int) -> TaxYearOption:
    """The person's options for the year, or the defaults (unsaved)."""
    need(may_view_setup(user))
    found = scope_queryset(TaxYearOption.objects.all(), user).filter(person=person, year=year)
    option = found.first()
    if option is not None:
        return option
    return TaxYearOption(
        client_id=person.client_id,
        person=person,
        year=year,
        bonus_separate=year <= BONUS_SEPARATE_LAST_YEAR,
    )


# --- monthly inputs -------------------------------------------------------------------------


def amounts_for(user: Any) -> QuerySet[MonthlyAmount]:
    need(may_view_setup(user))
    return scope_queryset(MonthlyAmount.objects.select_related("person", "item"), user)


def attendance_for(user: Any) -> QuerySet[Attendance]:
    need(may_view_setup(user))
    return scope_queryset(Attendance.objects.select_related("person"), user)


def month_amounts(user: Any, client: Client, period: dt.date) -> QuerySet[MonthlyAmount]:
    return (
        amounts_for(user)
        .filter(client=client, period=period)
        .order_by("person__name", "person_id", "item__order")
    )


def month_attendance(user: Any, client: Client, period: dt.date) -> QuerySet[Attendance]:
    return (
        attendance_for(user)
        .filter(client=client, period=period)
        .order_by("person__name", "person_id")
    )


def run_of(user: Any, client: Client, period: dt.date) -> PayrollRun | None:
    """The client's run of the month, shown beside the inputs (scoped like every read)."""
    return (
        scope_queryset(PayrollRun.objects.all(), user).filter(client=client, period=period).first()
    )


# --- deductions -----------------------------------------------------------------------------


def deductions_for(user: Any) -> QuerySet[SpecialDeduction]:
    need(may_view_deductions(user), "无权查看专项附加扣除")
    return scope_queryset(SpecialDeduction.objects.select_related("person", "client"), user)


def deductions_of(user: Any, person: InsuredPerson) -> QuerySet[SpecialDeduction]:
    return deductions_for(user).filter(person=person).order_by("-start_month", "category", "pk")


def deduction_for(user: Any, deduction_id: int) -> SpecialDeduction:
    if not may_view_deductions(user):
        # Same answer as out of scope: whether the record exists is not the user's business.
        raise PermissionDenied("无权查看专项附加扣除")
    return get_object_or_404(deductions_for(user), pk=deduction_id)


def my_person(user: Any) -> InsuredPerson:
    """The employee user's own archive record (我的专项附加扣除)."""
    if not _authenticated(user) or _kind(user) != "employee" or not user.insured_person_id:
        raise PermissionDenied("只有员工本人可以使用此页面")
    return get_object_or_404(
        scope_queryset(InsuredPerson.objects.select_related("client"), user),
        pk=user.insured_person_id,
    )
