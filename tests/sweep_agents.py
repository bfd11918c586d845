"""Rep A's agent profile, a November assessment and a training session for the sweep."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.conftest import Cast


def _profile(cast: Cast) -> Any:
    cached = getattr(cast, "_sweep_agent", None)
    if cached is None:
        from hragency.agents.models import AgentProfile

        cached, _ = AgentProfile.objects.get_or_create(
            user=cast.rep_a, defaults={"team": cast.department, "hire_date": dt.date(2025, 3, 1)}
        )
        cast._sweep_agent = cached  # type: ignore[attr-defined]
    return cached


def _assessment(cast: Cast) -> Any:
    from hragency.agents.models import MonthlyAssessment
    from hragency.agents.schemes import ensure_scheme

    row, _ = MonthlyAssessment.objects.get_or_create(
        agent=_profile(cast), month="2026-11", defaults={"scheme": ensure_scheme()}
    )
    return row


def _session(cast: Cast) -> Any:
    from hragency.agents.models import TrainingAttendance, TrainingSession

    session = TrainingSession.objects.filter(topic="sweep").first()
    if session is None:
        session = TrainingSession.objects.create(
            held_on=dt.date(2026, 11, 10), topic="sweep", team=cast.department
        )
        TrainingAttendance.objects.create(session=session, agent=_profile(cast))
    return session


PARAMS = {
    "agent_profile_id": lambda cast: str(_profile(cast).pk),
    "agent_assessment_id": lambda cast: str(_assessment(cast).pk),
    "agent_training_id": lambda cast: str(_session(cast).pk),
}
