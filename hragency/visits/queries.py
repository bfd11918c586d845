"""Every user-facing read of visits and survey responses, scoped by client."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from hragency.clients.models import Client
from hragency.core.scoping import scope_queryset
from hragency.visits.models import Survey, SurveyResponse, VisitRuleSet, VisitTask


def tasks_for(user: Any) -> QuerySet[VisitTask]:
    return scope_queryset(
        VisitTask.objects.select_related("client", "owner", "rule", "survey"), user
    )


def task_for(user: Any, visit_id: int) -> VisitTask:
    return get_object_or_404(tasks_for(user), pk=visit_id)


def filter_tasks(
    qs: QuerySet[VisitTask], user: Any, params: Mapping[str, Any]
) -> QuerySet[VisitTask]:
    """The list's filters: view=mine|overdue|all, status, kind."""
    view = params.get("view") or ""
    if view == "mine":
        qs = qs.filter(owner=user)
    elif view == "overdue":
        qs = qs.filter(status=VisitTask.Status.OPEN, due_date__lt=timezone.localdate())
    status = params.get("status") or ""
    if status in VisitTask.Status.values:
        qs = qs.filter(status=status)
    kind = params.get("kind") or ""
    if kind in VisitTask.Kind.values:
        qs = qs.filter(kind=kind)
    return qs


def overdue_count(user: Any) -> int:
    return (
        tasks_for(user)
        .filter(owner=user, status=VisitTask.Status.OPEN, due_date__lt=timezone.localdate())
        .count()
    )


def responses_for(user: Any) -> QuerySet[SurveyResponse]:
    return scope_queryset(
        SurveyResponse.objects.select_related("client", "survey", "submitted_by"), user
    )


def response_for(user: Any, response_id: int) -> SurveyResponse:
    return get_object_or_404(responses_for(user), pk=response_id)


def surveyable_clients(user: Any) -> QuerySet[Client]:
    return scope_queryset(Client.objects.filter(status=Client.Status.ACTIVE), user).order_by(
        "number"
    )


def surveyable_client(user: Any, client_id: Any) -> Client:
    return get_object_or_404(surveyable_clients(user), pk=client_id)


def rule_sets() -> QuerySet[VisitRuleSet]:
    """Rule sets hold no client data: shown to whoever may manage them."""
    return VisitRuleSet.objects.prefetch_related("rules")


def surveys() -> QuerySet[Survey]:
    return Survey.objects.all()
