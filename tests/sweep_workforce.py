"""Workforce rows for the scoping sweep: a shift template, a draft plan, a hand-over from
rep_a to rep_b and a peak warning. None of them holds client data; the sweep checks that no
member outside the hotline managers (or the hand-over's two agents) can read or change them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.conftest import Cast


def _rows(cast: Cast) -> dict[str, Any]:
    cached = getattr(cast, "_sweep_workforce", None)
    if cached is None:
        from django.utils import timezone

        from hragency.workforce.models import PeakWarning, ShiftTemplate
        from hragency.workforce.planning import build_shift_plan
        from hragency.workforce.services import create_handover
        from tests.test_workforce_support import MONDAY, flat_history, three_shifts

        if not ShiftTemplate.objects.exists():
            three_shifts()
        templates = list(ShiftTemplate.objects.order_by("start_time"))
        flat_history("phone", 6, 2)
        plan = build_shift_plan(actor=cast.supervisor, week_start=MONDAY, channels=["phone"])
        handover = create_handover(
            actor=cast.rep_a,
            from_template=templates[0],
            to_template=templates[1],
            incoming=cast.rep_b,
            notes="sweep",
        )
        warning = PeakWarning.objects.create(
            kind=PeakWarning.Kind.UNDERSTAFFED,
            interval_start=timezone.now().replace(second=0, microsecond=0) + dt.timedelta(hours=2),
            required=3,
            scheduled=1,
        )
        cached = {"template": templates[0], "plan": plan, "handover": handover, "warning": warning}
        cast._sweep_workforce = cached  # type: ignore[attr-defined]
    return cached


PARAMS = {
    "template_id": lambda cast: str(_rows(cast)["template"].pk),
    "plan_id": lambda cast: str(_rows(cast)["plan"].pk),
    "handover_id": lambda cast: str(_rows(cast)["handover"].pk),
    "warning_id": lambda cast: str(_rows(cast)["warning"].pk),
}
