"""Every user-facing read of the enterprise annuity, scoped by client (HR: their company;
an employee: their own membership, contributions and withdrawal)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.shortcuts import get_object_or_404

from hragency.annuity.models import (
    AnnuityContribution,
    AnnuityDataCheck,
    AnnuityMember,
    AnnuityPlan,
    AnnuityWithdrawal,
)
from hragency.clients.models import Client
from hragency.core.scoping import scope_queryset
from hragency.employees.models import InsuredPerson


def plans_for(user: Any) -> QuerySet[AnnuityPlan]:
    return scope_queryset(
        AnnuityPlan.objects.select_related("client").annotate(member_count=Count("members")),
        user,
    )


def plan_for(user: Any, plan_id: int) -> AnnuityPlan:
    return get_object_or_404(plans_for(user), pk=plan_id)


def members_of(user: Any, plan: AnnuityPlan) -> QuerySet[AnnuityMember]:
    return scope_queryset(
        AnnuityMember.objects.filter(plan=plan).select_related("person"), user
    ).order_by("person__name", "pk")


def member_for(user: Any, annuity_member_id: int) -> AnnuityMember:
    return get_object_or_404(
        scope_queryset(AnnuityMember.objects.select_related("plan", "person"), user),
        pk=annuity_member_id,
    )


def contributions_of(user: Any, plan: AnnuityPlan, month: str) -> QuerySet[AnnuityContribution]:
    return scope_queryset(
        AnnuityContribution.objects.filter(plan=plan, month=month).select_related("person"),
        user,
    ).order_by("person__name", "pk")


def months_of(user: Any, plan: AnnuityPlan) -> list[dict[str, Any]]:
    """Each computed month with head count and totals, newest first (one query)."""
    return list(
        scope_queryset(AnnuityContribution.objects.filter(plan=plan), user)
        .values("month")
        .annotate(people=Count("pk"), employer=Sum("employer_fen"), employee=Sum("employee_fen"))
        .order_by("-month")
    )


def latest_check(user: Any, plan: AnnuityPlan) -> AnnuityDataCheck | None:
    return scope_queryset(AnnuityDataCheck.objects.filter(plan=plan), user).first()


def withdrawals_of(user: Any, plan: AnnuityPlan) -> QuerySet[AnnuityWithdrawal]:
    return scope_queryset(
        AnnuityWithdrawal.objects.filter(member__plan=plan).select_related("person"), user
    )


def withdrawal_for(user: Any, annuity_withdrawal_id: int) -> AnnuityWithdrawal:
    return get_object_or_404(
        scope_queryset(AnnuityWithdrawal.objects.select_related("person"), user),
        pk=annuity_withdrawal_id,
    )


def my_accounts(user: Any) -> list[dict[str, Any]]:
    """An employee's own memberships with their contributions and totals."""
    members = scope_queryset(AnnuityMember.objects.select_related("plan", "person"), user).order_by(
        "pk"
    )
    out = []
    for m in members:
        rows = list(
            scope_queryset(AnnuityContribution.objects.filter(member=m), user).order_by("-month")
        )
        out.append(
            {
                "member": m,
                "rows": rows,
                "employer": sum(r.employer_fen for r in rows),
                "employee": sum(r.employee_fen for r in rows),
                "withdrawal": scope_queryset(
                    AnnuityWithdrawal.objects.filter(member=m), user
                ).first(),
            }
        )
    return out


def client_choices(user: Any) -> QuerySet[Client]:
    return scope_queryset(Client.objects.all(), user).order_by("number")


def client_for(user: Any, client_id: Any) -> Client:
    return get_object_or_404(client_choices(user), pk=client_id)


def candidates(user: Any, plan: AnnuityPlan) -> QuerySet[InsuredPerson]:
    """The client's people in service who are not members of the plan yet."""
    return (
        scope_queryset(InsuredPerson.objects.filter(client_id=plan.client_id), user)
        .filter(status=InsuredPerson.Status.ACTIVE)
        .exclude(annuity_memberships__plan=plan)
        .order_by("name", "pk")
    )
