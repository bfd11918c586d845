"""Client A's visit task, survey response and a rule set for the scoping sweep."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.conftest import Cast


def _task(cast: Cast) -> Any:
    cached = getattr(cast, "_sweep_visit", None)
    if cached is None:
        from hragency.visits.models import VisitTask

        # Written directly: the cast's clients are prospects, which the planner leaves alone.
        open_task = VisitTask.objects.filter(
            client=cast.client_a, kind=VisitTask.Kind.ROUTINE, status=VisitTask.Status.OPEN
        ).first()
        cached = open_task or VisitTask.objects.create(
            client=cast.client_a,
            kind=VisitTask.Kind.ROUTINE,
            due_date=dt.date(2026, 12, 1),
            owner=cast.rep_a,
            reason="sweep",
        )
        cast._sweep_visit = cached  # type: ignore[attr-defined]
    return cached


def _response(cast: Cast) -> Any:
    cached = getattr(cast, "_sweep_visit_response", None)
    if cached is None:
        from hragency.visits.surveys import record_response

        cached = record_response(
            actor=cast.admin,
            client=cast.client_a,
            respondent_name="赵敏",
            channel="phone",
            scores={
                "efficiency": 5,
                "expertise": 5,
                "communication": 4,
                "accuracy": 4,
                "overall": 5,
            },
        )
        cast._sweep_visit_response = cached  # type: ignore[attr-defined]
    return cached


def _rule_set(cast: Cast) -> Any:
    from hragency.visits.rules import ensure_default_rules

    return ensure_default_rules()


PARAMS = {
    "visit_id": lambda cast: str(_task(cast).pk),
    "visit_response_id": lambda cast: str(_response(cast).pk),
    "rule_set_id": lambda cast: str(_rule_set(cast).pk),
}
