"""Client A's feedback, follow-up, improvement case, complaint and QA sample for the scoping
sweep's URL parameters of the service-desk care screens and API."""

from __future__ import annotations

from typing import Any

from tests.conftest import Cast


def _rows(cast: Cast) -> dict[str, Any]:
    cached = getattr(cast, "_sweep_desk_care", None)
    if cached is not None:
        return cached
    import datetime as dt

    from django.utils import timezone

    from hragency.servicedesk import complaints, feedback, intake, quality
    from hragency.servicedesk.lifecycle import resolve_ticket
    from hragency.servicedesk.models import (
        Complaint,
        FollowUp,
        ImprovementCase,
        QualitySample,
        Ticket,
    )

    now = timezone.now() - dt.timedelta(hours=2)
    ticket = intake.open_ticket(
        actor=cast.rep_a,
        channel="phone",
        client=cast.client_a,
        subject="社保基数咨询",
        description="基数调整",
        module="payroll_si",
        nature="inquiry",
        urgency="normal",
        now=now,
    )
    resolve_ticket(actor=cast.rep_a, ticket=ticket, solution="已答复", now=now)
    rated = intake.open_ticket(
        actor=cast.rep_a,
        channel="phone",
        client=cast.client_a,
        subject="工资条缺失",
        description="11月工资条未收到",
        module="payroll_si",
        nature="inquiry",
        urgency="normal",
        now=now,
    )
    resolve_ticket(actor=cast.rep_a, ticket=rated, solution="已补发", now=now)
    feedback.rate_ticket(token=rated.feedback_token, score=2, comment="太慢")
    complaint_ticket = intake.open_ticket(
        actor=cast.rep_a,
        channel="phone",
        client=cast.client_a,
        subject="投诉社保专员态度",
        description="投诉：专员态度差",
        module="payroll_si",
        nature="complaint",
        urgency="normal",
        now=now,
    )
    complaints.register(complaint_ticket, actor=cast.rep_a, now=now)
    quality.sample_day(timezone.localdate(now))
    cached = {
        "token": Ticket.objects.get(pk=ticket.pk).feedback_token,
        "follow_up": FollowUp.objects.get(ticket=rated),
        "case": ImprovementCase.objects.filter(ticket=rated).first(),
        "complaint": Complaint.objects.get(ticket=complaint_ticket),
        "sample": QualitySample.objects.filter(client=cast.client_a).first(),
    }
    cast._sweep_desk_care = cached  # type: ignore[attr-defined]
    return cached


PARAMS = {
    "feedback_token": lambda cast: _rows(cast)["token"],
    "followup_id": lambda cast: str(_rows(cast)["follow_up"].pk),
    "improvement_id": lambda cast: str(_rows(cast)["case"].pk),
    "complaint_id": lambda cast: str(_rows(cast)["complaint"].pk),
    "qa_sample_id": lambda cast: str(_rows(cast)["sample"].pk),
}
