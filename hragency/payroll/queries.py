"""Every user-facing read of payroll runs and payslips, for an acting user.

Runs and lines are scoped by client (``scope_queryset``). Staff need ``payroll.view_payrollrun``
(payroll specialists, managers); a client's HR user sees their own company's runs. An employee
sees only their own payslips, and only once the run is paid (``payslips_for``): before that the
figures may still change.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from hragency.core.scoping import scope_queryset
from hragency.payroll.models import PayrollLine, PayrollRun, SalaryItem


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def may_view(user: Any) -> bool:
    return _authenticated(user) and user.has_perm("payroll.view_payrollrun")


def may_prepare(user: Any) -> bool:
    """Set up items and salaries, import attendance, calculate and submit: payroll specialists."""
    return _authenticated(user) and user.has_perm("payroll.prepare_payroll")


def may_approve(user: Any) -> bool:
    return _authenticated(user) and user.has_perm("payroll.approve_payroll")


def may_pay(user: Any) -> bool:
    return _authenticated(user) and user.has_perm("payroll.pay_payroll")


def require_view(user: Any) -> None:
    if not may_view(user):
        raise PermissionDenied("无权查看工资表")


def require_prepare(user: Any) -> None:
    if not may_prepare(user):
        raise PermissionDenied("无权计算或提交工资表")


def runs_for(user: Any) -> QuerySet[PayrollRun]:
    require_view(user)
    return scope_queryset(PayrollRun.objects.select_related("client"), user)


def run_for(user: Any, run_id: int) -> PayrollRun:
    return get_object_or_404(runs_for(user), pk=run_id)


def lines_of(user: Any, run: PayrollRun) -> QuerySet[PayrollLine]:
    """The run's lines (the run itself came through ``run_for``, so it is in scope)."""
    return scope_queryset(
        PayrollLine.objects.filter(run=run).select_related("person").order_by("person__name"),
        user,
    )


def items_of_client(client_id: int) -> list[SalaryItem]:
    """The client's salary items in payslip order (columns of every payroll screen)."""
    return list(SalaryItem.objects.filter(client_id=client_id).order_by("order", "pk"))


def payslips_for(user: Any) -> QuerySet[PayrollLine]:
    """Paid payslips the user may open: an employee their own, staff and HR within scope."""
    if not _authenticated(user):
        raise PermissionDenied("请先登录")
    lines = PayrollLine.objects.filter(run__status=PayrollRun.Status.PAID).select_related(
        "run", "person", "client"
    )
    if user.kind != "employee":
        require_view(user)
    return scope_queryset(lines, user).order_by("-period", "person__name")


def payslip_for(user: Any, line_id: int) -> PayrollLine:
    return get_object_or_404(payslips_for(user), pk=line_id)


def clients_to_prepare(user: Any) -> list[tuple[int, str]]:
    """The clients in the user's scope that have salary items (the calculate form's choices)."""
    from hragency.clients.models import Client

    clients = scope_queryset(Client.objects.all(), user).filter(salary_items__isnull=False)
    return list(clients.order_by("number").values_list("pk", "name").distinct()[:500])


def client_in_scope(user: Any, client_id: int) -> Any:
    from hragency.clients.models import Client

    return get_object_or_404(scope_queryset(Client.objects.all(), user), pk=client_id)
