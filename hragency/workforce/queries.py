"""Every user-facing read of the workforce app.

These rows hold no client data (the hotline serves every client), so they are not client-scoped:
managers (``workforce.manage_workforce``) read everything; a rep (``workforce.view_shiftplan``)
reads published plans' shifts of their own, and hand-overs they give or take. Everyone else
reads nothing. Ticket numbers in a hand-over are shown as numbers only; the ticket page itself
is scoped by the service desk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from hragency.workforce.models import (
    Channel,
    ContactVolume,
    HandoverRecord,
    PeakWarning,
    ShiftAssignment,
    ShiftPlan,
    ShiftTemplate,
    StaffingRequirement,
)
from hragency.workforce.targets import local_midnight

MANAGE = "workforce.manage_workforce"
VIEW = "workforce.view_shiftplan"


def is_manager(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_perm(MANAGE))


def may_view(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "kind", "") == "staff"
        and (user.has_perm(VIEW) or user.has_perm(MANAGE))
    )


def volumes_for(user: Any) -> QuerySet[ContactVolume]:
    return ContactVolume.objects.all() if is_manager(user) else ContactVolume.objects.none()


def filter_volumes(
    qs: QuerySet[ContactVolume], params: Mapping[str, Any]
) -> QuerySet[ContactVolume]:
    channel = params.get("channel") or ""
    if channel in Channel.values:
        qs = qs.filter(channel=channel)
    if isinstance(params.get("date_from"), dt.date):
        qs = qs.filter(interval_start__gte=local_midnight(params["date_from"]))
    if isinstance(params.get("date_to"), dt.date):
        qs = qs.filter(interval_start__lt=local_midnight(params["date_to"] + dt.timedelta(days=1)))
    return qs


@dataclass
class DaySummary:
    day: dt.date
    channel: str
    offered: int
    answered: int
    abandoned: int
    in_target: int
    handled_seconds: int

    @property
    def channel_label(self) -> str:
        return Channel(self.channel).label

    @property
    def service_level(self) -> float | None:
        return self.in_target / self.offered * 100 if self.offered else None

    @property
    def answer_rate(self) -> float | None:
        return self.answered / self.offered * 100 if self.offered else None

    @property
    def aht(self) -> int | None:
        return round(self.handled_seconds / self.answered) if self.answered else None


def daily_summary(user: Any, start: dt.date, end: dt.date) -> list[DaySummary]:
    """Per day and channel in [start, end]: offered, answered, abandoned, achieved SL, AHT.
    Summed per interval in the database, folded into local days here (one query)."""
    rows = filter_volumes(volumes_for(user), {"date_from": start, "date_to": end}).values_list(
        "channel",
        "interval_start",
        "offered",
        "answered",
        "abandoned",
        "answered_in_target",
        "aht_seconds",
    )
    days: dict[tuple[dt.date, str], DaySummary] = {}
    for channel, moment, offered, answered, abandoned, in_target, aht in rows:
        day = timezone.localtime(moment).date()
        s = days.setdefault((day, channel), DaySummary(day, channel, 0, 0, 0, 0, 0))
        s.offered += offered
        s.answered += answered
        s.abandoned += abandoned
        s.in_target += in_target
        s.handled_seconds += answered * aht
    return sorted(days.values(), key=lambda s: (s.day, s.channel), reverse=True)


def requirements_for(
    user: Any, channel: str, start: dt.date, days: int
) -> QuerySet[StaffingRequirement]:
    if not is_manager(user):
        return StaffingRequirement.objects.none()
    return StaffingRequirement.objects.filter(
        channel=channel,
        interval_start__gte=local_midnight(start),
        interval_start__lt=local_midnight(start + dt.timedelta(days=days)),
    ).order_by("interval_start")


def templates_for(user: Any) -> QuerySet[ShiftTemplate]:
    return ShiftTemplate.objects.all() if may_view(user) else ShiftTemplate.objects.none()


def template_for(user: Any, template_id: int) -> ShiftTemplate:
    return get_object_or_404(templates_for(user), pk=template_id)


def plans_for(user: Any) -> QuerySet[ShiftPlan]:
    if is_manager(user):
        return ShiftPlan.objects.all()
    return ShiftPlan.objects.none()


def plan_for(user: Any, plan_id: int) -> ShiftPlan:
    return get_object_or_404(plans_for(user), pk=plan_id)


def assignments_for(user: Any) -> QuerySet[ShiftAssignment]:
    """Managers: every shift; reps: their own shifts of published plans."""
    qs = ShiftAssignment.objects.select_related("template", "agent", "plan")
    if is_manager(user):
        return qs
    if may_view(user):
        return qs.filter(agent=user, plan__status=ShiftPlan.Status.PUBLISHED)
    return qs.none()


def my_shifts(user: Any, start: dt.date, days: int = 14) -> QuerySet[ShiftAssignment]:
    if not may_view(user):
        return ShiftAssignment.objects.none()
    return (
        ShiftAssignment.objects.select_related("template", "plan")
        .filter(
            agent=user,
            plan__status=ShiftPlan.Status.PUBLISHED,
            date__gte=start,
            date__lt=start + dt.timedelta(days=days),
        )
        .order_by("starts_at")
    )


def handovers_for(user: Any) -> QuerySet[HandoverRecord]:
    qs = HandoverRecord.objects.select_related(
        "from_template", "to_template", "outgoing", "incoming", "acknowledged_by"
    )
    if is_manager(user):
        return qs
    if may_view(user):
        return qs.filter(Q(outgoing=user) | Q(incoming=user))
    return qs.none()


def handover_for(user: Any, handover_id: int) -> HandoverRecord:
    return get_object_or_404(handovers_for(user), pk=handover_id)


def warnings_for(user: Any) -> QuerySet[PeakWarning]:
    if is_manager(user):
        return PeakWarning.objects.select_related("acknowledged_by")
    return PeakWarning.objects.none()


def warning_for(user: Any, warning_id: int) -> PeakWarning:
    return get_object_or_404(warnings_for(user), pk=warning_id)


def colleagues(user: Any) -> list[Any]:
    """Whom a rep may hand over to: the other hotline agents and managers."""
    from hragency.accounts.models import User

    if not may_view(user):
        return []
    holders = Q(
        groups__permissions__codename="add_handoverrecord",
        groups__permissions__content_type__app_label="workforce",
    )
    return list(
        User.objects.filter(holders | Q(is_superuser=True), is_active=True, kind=User.Kind.STAFF)
        .exclude(pk=user.pk)
        .distinct()
        .order_by("pk")
    )
