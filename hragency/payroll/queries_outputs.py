"""User-facing reads behind payslips, bank files, the IIT export and the cost list.

Runs and lines are looked up in the user's scope **first** (out of scope → 404, so another
client's run does not even show that it exists), then the permission is checked (403):
viewing needs ``payroll.view_payrollrun``; the bank file ``payroll.pay_payroll``; the IIT export
``payroll.prepare_payroll``. An employee opens only their own payslips of paid runs
(``queries.payslip_for``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from hragency.core.scoping import scope_queryset
from hragency.insurance.models import Contribution
from hragency.payroll import queries
from hragency.payroll.models import (
    BankFormat,
    PayrollLine,
    PayrollRun,
    SpecialDeduction,
    TaxYearOption,
)

EXPORT_PERMISSIONS = {
    "bank": ("payroll.pay_payroll", "无权导出银行代发文件"),
    "iit": ("payroll.prepare_payroll", "无权导出个税扣缴申报文件"),
}


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_employee(user: Any) -> bool:
    return _authenticated(user) and user.kind == "employee"


def may_export(user: Any, what: str) -> bool:
    perm, _ = EXPORT_PERMISSIONS[what]
    return _authenticated(user) and user.has_perm(perm)


def may_send(user: Any) -> bool:
    return _authenticated(user) and user.has_perm("payroll.pay_payroll")


def run_in_scope(user: Any, run_id: int) -> PayrollRun:
    """A run the user may view: 404 when out of scope, 403 without the view permission."""
    if not _authenticated(user):
        raise PermissionDenied("请先登录")
    run = get_object_or_404(
        scope_queryset(PayrollRun.objects.select_related("client"), user), pk=run_id
    )
    queries.require_view(user)
    return run


def run_for_export(user: Any, run_id: int, what: str) -> PayrollRun:
    run = run_in_scope(user, run_id)
    perm, message = EXPORT_PERMISSIONS[what]
    if not user.has_perm(perm):
        raise PermissionDenied(message)
    return run


def payslip_line(user: Any, line_id: int) -> PayrollLine:
    """A payslip the user may open: an employee their own of a paid run; staff and client HR
    any line in scope (of any status: the run's screen links every line)."""
    if not _authenticated(user):
        raise PermissionDenied("请先登录")
    if is_employee(user):
        return queries.payslip_for(user, line_id)
    line = get_object_or_404(
        scope_queryset(PayrollLine.objects.select_related("run", "person", "client"), user),
        pk=line_id,
    )
    queries.require_view(user)
    return line


def payslip_list(user: Any, *, period: dt.date | None = None) -> QuerySet[PayrollLine]:
    """Paid payslips: an employee's own, or those in a staff member's / HR user's scope."""
    qs = queries.payslips_for(user)
    if period is not None:
        qs = qs.filter(period=period)
    return qs


def lines_of_run(user: Any, run: PayrollRun) -> QuerySet[PayrollLine]:
    """The run's lines with their people, by name (the run came through ``run_in_scope``)."""
    return queries.lines_of(user, run).select_related("client").order_by("person__name", "pk")


def bank_formats() -> QuerySet[BankFormat]:
    """The active layouts (not client data: every user who may export sees the list)."""
    return BankFormat.objects.filter(active=True).order_by("name")


def bank_format_by_code(code: str) -> BankFormat | None:
    return bank_formats().filter(code=code).first() if code else None


# ---- IIT export inputs --------------------------------------------------------------------

EE_COLUMNS = {
    "pension": ["pension_ee"],
    # Basic medical + a city's separate supplementary medical item; maternity/injury have no
    # employee part in any city, but if a policy had one it is medical-related: counted here.
    "medical": ["medical_ee", "supplementary_medical_ee", "maternity_ee", "injury_ee"],
    "unemployment": ["unemployment_ee"],
    "housing_fund": ["housing_fund_ee"],
}


def employee_contributions(user: Any, run: PayrollRun) -> dict[int, dict[str, int]]:
    """Per person of the run's client: the month's employee SI/HF by declaration column, from
    ``insurance.Contribution`` (every enrollment of the month summed). One query."""
    names = [c for cols in EE_COLUMNS.values() for c in cols]
    rows = scope_queryset(
        Contribution.objects.filter(client_id=run.client_id, period=run.period), user
    ).values_list("person_id", *names)
    totals: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(EE_COLUMNS, 0))
    for person_id, *values in rows:
        by_name = dict(zip(names, values, strict=True))
        for column, cols in EE_COLUMNS.items():
            totals[person_id][column] += sum(int(by_name[c] or 0) for c in cols)
    return dict(totals)


def special_deductions(user: Any, run: PayrollRun) -> list[SpecialDeduction]:
    """The client's deduction records that touch the run's year up to its month. One query."""
    jan = dt.date(run.period.year, 1, 1)
    qs = SpecialDeduction.objects.filter(client_id=run.client_id, start_month__lte=run.period)
    qs = qs.filter(Q(end_month__isnull=True) | Q(end_month__gte=jan))
    return list(scope_queryset(qs, user).order_by("person_id", "category", "start_month"))


def first_job_people(user: Any, run: PayrollRun) -> set[int]:
    """People whose first job of the year is here (deductions count from January)."""
    qs = TaxYearOption.objects.filter(
        client_id=run.client_id, year=run.period.year, first_job_in_year=True
    )
    return set(scope_queryset(qs, user).values_list("person_id", flat=True))


# ---- the month's service fee ---------------------------------------------------------------


def service_fee_of(user: Any, run: PayrollRun) -> int | None:
    """The client's service fee for the run's month from its fee statement (service fee +
    related taxes + risk reserve), or ``None`` when there is no statement the user may see."""
    from hragency.billing.queries import statements_for

    statement = statements_for(user).filter(client_id=run.client_id, period=run.period).first()
    if statement is None:
        return None
    return statement.service_fee_fen + statement.tax_fen + statement.risk_reserve_fen
