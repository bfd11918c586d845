"""Reads of the reports app, scoped by the acting user.

Jobs: a user sees the jobs they started; administrators see all. A client's HR user may also
open a single-client report job whose report was published to their company. Service
reports: staff with ``reports.view_servicereport`` see their clients' reports (scoping);
a client's HR user sees only their own company's *published* reports; nobody else any.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from hragency.core.scoping import scope_queryset
from hragency.reports.models import Job, ServiceReport


def _is_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_administrator)


def jobs_for(user: Any) -> QuerySet[Job]:
    """The jobs list: one's own (administrators: every job)."""
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    qs = Job.objects.select_related("created_by", "client")
    return qs if _is_admin(user) else qs.filter(created_by=user)


def job_for(user: Any, job_id: int) -> Job:
    """One job (progress, download): its creator, an administrator, or the HR user of the
    client whose published report the job produced; 404 for anyone else."""
    if not getattr(user, "is_authenticated", False):
        return get_object_or_404(Job.objects.none(), pk=job_id)
    qs = Job.objects.select_related("created_by", "client")
    if _is_admin(user):
        return get_object_or_404(qs, pk=job_id)
    visible = Q(created_by=user)
    if user.kind == "client_hr" and user.client_id:
        visible |= Q(
            client_id=user.client_id,
            reports__client_id=user.client_id,
            reports__published=True,
        )
    return get_object_or_404(qs.filter(visible).distinct(), pk=job_id)


def reports_for(user: Any) -> QuerySet[ServiceReport]:
    if not getattr(user, "is_authenticated", False):
        return ServiceReport.objects.none()
    if not user.has_perm("reports.view_servicereport"):
        return ServiceReport.objects.none()
    qs = scope_queryset(ServiceReport.objects.select_related("client"), user)
    if user.kind != "staff":
        qs = qs.filter(published=True)
    return qs.order_by("-period", "kind", "client__number")


def report_for(user: Any, report_id: int) -> ServiceReport:
    return get_object_or_404(reports_for(user), pk=report_id)


def can_manage(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.kind == "staff"
        and user.has_perm("reports.manage_servicereport")
    )


def can_view_daily(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.kind == "staff"
        and user.has_perm("reports.view_daily_report")
    )
