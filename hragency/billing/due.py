"""The month's obligation "《费用明细表》 before the 10th" (R-FEE-1, 000: 费用核算与申报 每月10日前)
as one deadline per period in the deadlines engine: opened on the 1st by a periodic job (or by
the first close of the month), owned by a 薪酬专员, closed — met or late — when a full close of
the period finishes. "On time %" of statements then comes from the deadlines like every other
obligation."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from hragency.core.deadlines import close_deadline, open_deadline
from hragency.core.models import Deadline
from hragency.domain.insurance import Period

KIND = "billing.statements_due"
DUE_DAY = 10


def due_at(period: Period) -> dt.datetime:
    end = dt.time.fromisoformat(settings.BUSINESS_HOURS_END)
    return dt.datetime.combine(
        dt.date(period.year, period.month, DUE_DAY), end, tzinfo=ZoneInfo(settings.TIME_ZONE)
    )


def _title(period: Period) -> str:
    return f"完成 {period} 月结并出具《费用明细表》（每月 {DUE_DAY} 日前）"


def _owner() -> Any:
    from hragency.accounts.models import User
    from hragency.accounts.queries import role_holders
    from hragency.accounts.roles import Role

    return (
        role_holders(Role.PAYROLL_SPECIALIST).first()
        or role_holders(Role.SI_SPECIALIST).first()
        or User.objects.filter(is_active=True, is_superuser=True).order_by("pk").first()
    )


@transaction.atomic
def open_statements_deadline(period: Period, *, actor: Any = None) -> Deadline | None:
    """Open the period's deadline unless it exists (any status); None when nobody can own it."""
    existing = Deadline.objects.filter(kind=KIND, title=_title(period)).first()
    if existing is not None:
        return existing
    owner = _owner()
    if owner is None:
        return None
    return open_deadline(
        kind=KIND,
        title=_title(period),
        owner=owner,
        due_at=due_at(period),
        starts_at=min(due_at(period), dt.datetime.now(tz=ZoneInfo(settings.TIME_ZONE))),
        link="/billing/close/",
        actor=actor,
    )


def statements_done(period: Period, *, actor: Any = None) -> None:
    """A full close of the period has finished: the obligation is met (or late)."""
    deadline = open_statements_deadline(period, actor=actor)
    if deadline is not None and deadline.status == Deadline.Status.OPEN:
        close_deadline(deadline, actor=actor)
