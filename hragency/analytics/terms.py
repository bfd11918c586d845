"""The ticket topic-term index behind the hotspot chart (热点问题).

Tickets are segmented once, in ticket-id order, by the knowledge base's tokenizer
(``knowledge.text.query_tokens``: jieba with the domain words, its stop words removed), cleaned
by ``domain.analytics.topic_terms`` and stored as ``TicketTerm`` rows; the chart is then a
GROUP BY over a date range. ``refresh_terms`` indexes the tickets after the watermark; it is
called before each hotspot read and every few minutes by a Huey task, so it is usually a no-op.
The index is derived data: not audited, rebuilt by ``hragency analytics-terms --rebuild``.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from hragency.analytics.models import TermIndexState, TicketTerm
from hragency.domain.analytics import topic_terms
from hragency.knowledge.text import query_tokens
from hragency.servicedesk.models import Ticket

BATCH = 2000


def _local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def terms_of(subject: str, description: str) -> list[str]:
    """A ticket's topic terms (the subject's first, then the description's)."""
    return topic_terms(query_tokens(f"{subject}\n{description}"))


def refresh_terms(*, limit: int | None = None) -> int:
    """Index tickets with ids above the watermark, BATCH at a time; returns how many tickets
    were indexed. Idempotent under concurrency (unique (ticket, term), conflicts ignored)."""
    state, _ = TermIndexState.objects.get_or_create(pk=1)
    last = state.last_ticket_id
    done = 0
    while limit is None or done < limit:
        rows = list(
            Ticket.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "created_at", "subject", "description")[:BATCH]
        )
        if not rows:
            break
        terms = [
            TicketTerm(ticket_id=pk, day=_local_day(created), term=term)
            for pk, created, subject, description in rows
            for term in terms_of(subject, description)
        ]
        last = rows[-1][0]
        with transaction.atomic():
            TicketTerm.objects.bulk_create(terms, batch_size=1000, ignore_conflicts=True)
            TermIndexState.objects.filter(pk=1, last_ticket_id__lt=last).update(last_ticket_id=last)
        done += len(rows)
    return done


def rebuild_terms() -> int:
    with transaction.atomic():
        TicketTerm.objects.all().delete()
        TermIndexState.objects.update_or_create(pk=1, defaults={"last_ticket_id": 0})
    return refresh_terms()
