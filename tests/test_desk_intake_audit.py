"""Opening a ticket is audited without the rating token (whoever holds it may rate)."""

from __future__ import annotations

import pytest

from tests.conftest import Cast


@pytest.mark.django_db
def test_it_audits_the_opening_without_the_rating_token(cast: Cast) -> None:
    from hragency.core.models import AuditLog
    from hragency.servicedesk.intake import open_ticket

    ticket = open_ticket(
        actor=cast.rep_a,
        channel="phone",
        client=cast.client_a,
        subject="公积金基数咨询",
        description="今年公积金基数什么时候调整？",
    )
    row = AuditLog.objects.get(action="servicedesk.ticket_open", object_id=str(ticket.pk))
    assert ticket.feedback_token and ticket.feedback_token not in str(row.changes)
    assert "subject" in str(row.changes) and ticket.number in str(row.changes)
