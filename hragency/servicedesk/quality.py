"""Quality assurance (R-DESK-9, seed 004 质量监控): every day 10 % of each rep's finished
tickets are drawn for a supervisor to score; a monthly review meeting looks at the figures.

Whose ticket: the **first owner** (首问责任人). The seed samples the calls and chats of the CS
reps; the first owner is the rep who took the call or chat and stays answerable for it, while
the handler may be a specialist the ticket was transferred to.

Which day: the day (local time) the ticket was resolved; a ticket closed without a resolution
time counts on its closing day. Each rep with n such tickets gets ceil(n / 10) samples (so at
least one if they finished any), drawn by a random generator seeded by the day and the rep:
the same data gives the same draw. A ticket is never sampled twice (one ``QualitySample`` per
ticket), and a rerun draws only what is missing (none if nothing changed).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from hragency.core import audit
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.notifications import notify
from hragency.servicedesk.models import QualityReview, QualitySample, Ticket

SAMPLE_RATE_PERCENT = 10
# The score sheet: code → (label, maximum). The maxima add up to 100.
SCORE_ITEMS: dict[str, tuple[str, int]] = {
    "conduct": ("服务规范", 20),
    "resolution": ("问题解决", 20),
    "communication": ("沟通表达", 20),
    "compliance": ("流程合规", 20),
    "record": ("记录完整", 20),
}
MAX_TOTAL = sum(maximum for _label, maximum in SCORE_ITEMS.values())
DESK_DEADLINE_PREFIX = "servicedesk."


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
    return start, timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


def finished_on(day: dt.date) -> QuerySet[Ticket]:
    """Tickets resolved on ``day`` (or closed that day without a resolution time), still
    resolved or closed, with a first owner."""
    start, end = _day_bounds(day)
    return Ticket.objects.filter(
        Q(resolved_at__gte=start, resolved_at__lt=end)
        | Q(resolved_at__isnull=True, closed_at__gte=start, closed_at__lt=end),
        status__in=[Ticket.Status.RESOLVED, Ticket.Status.CLOSED],
        first_owner__isnull=False,
    )


def sample_size(finished: int) -> int:
    return math.ceil(finished * SAMPLE_RATE_PERCENT / 100)


@transaction.atomic
def sample_day(day: dt.date) -> list[QualitySample]:
    """Draw the day's samples (idempotent; see the module docstring). Returns the new ones."""
    by_rep: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
    for pk, rep_id, client_id in finished_on(day).values_list("pk", "first_owner_id", "client_id"):
        by_rep[rep_id].append((pk, client_id))
    already = set(
        QualitySample.objects.filter(
            ticket_id__in=[pk for rows in by_rep.values() for pk, _ in rows]
        ).values_list("ticket_id", flat=True)
    )
    created: list[QualitySample] = []
    for rep_id in sorted(by_rep):
        rows = sorted(by_rep[rep_id])
        have = QualitySample.objects.filter(rep_id=rep_id, sampled_on=day).count()
        wanted = sample_size(len(rows)) - have
        candidates = [row for row in rows if row[0] not in already]
        if wanted <= 0 or not candidates:
            continue
        rng = random.Random(f"{day.isoformat()}:{rep_id}")
        for pk, client_id in rng.sample(candidates, min(wanted, len(candidates))):
            created.append(
                QualitySample.objects.create(
                    ticket_id=pk, client_id=client_id, rep_id=rep_id, sampled_on=day
                )
            )
    audit.record_all(
        [
            audit.entry(
                actor=None,
                action="servicedesk.quality_sample",
                instance=s,
                after=audit.snapshot(s, ["ticket", "rep", "sampled_on"]),
            )
            for s in created
        ]
    )
    return created


def parse_scores(scores: dict[str, Any]) -> dict[str, int]:
    """Every item of ``SCORE_ITEMS`` as an integer 0…its maximum; all errors at once."""
    clean: dict[str, int] = {}
    errors = []
    for code, (label, maximum) in SCORE_ITEMS.items():
        raw = scores.get(code)
        try:
            value = int(str(raw).strip())
        except (TypeError, ValueError):
            errors.append(FieldError(code, label, f"请填写 0–{maximum} 的整数"))
            continue
        if not 0 <= value <= maximum:
            errors.append(FieldError(code, label, f"应在 0–{maximum} 之间"))
            continue
        clean[code] = value
    unknown = set(scores) - set(SCORE_ITEMS)
    if unknown:
        errors.append(FieldError("scores", "评分项", f"未知评分项：{'、'.join(sorted(unknown))}"))
    if errors:
        raise InvalidFields(errors)
    return clean


@transaction.atomic
def score_sample(
    *,
    actor: Any,
    sample: QualitySample,
    scores: dict[str, Any],
    comment: str = "",
    now: dt.datetime | None = None,
) -> QualitySample:
    """Score a sample (a holder of ``servicedesk.score_quality``, never the rep themselves);
    a later scoring replaces the earlier one (audited). The rep is told the result."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录")
    if not actor.has_perm("servicedesk.score_quality"):
        raise PermissionDenied("无权质检评分")
    sample = QualitySample.objects.select_for_update().select_related("ticket").get(pk=sample.pk)
    if actor.pk == sample.rep_id:
        raise ServiceError("不能为自己的工单质检评分")
    clean = parse_scores(scores)
    now = now or timezone.now()
    before = audit.snapshot(sample)
    sample.scores = clean
    sample.total = sum(clean.values())
    sample.comment = (comment or "").strip()
    sample.scorer = actor
    sample.scored_at = now
    sample.save()
    audit.record(
        actor=actor,
        action="servicedesk.quality_score",
        instance=sample,
        before=before,
        after=audit.snapshot(sample),
    )
    notify(
        recipients=[sample.rep],
        title=f"质检结果：工单 {sample.ticket.number} {sample.total} 分",
        body=sample.comment,
        link=f"/desk/care/quality/{sample.pk}/",
    )
    return sample


# --- The monthly review ---


def parse_month(month: str) -> tuple[dt.date, dt.date]:
    """ "2026-11" → (first day, first day of the next month); ``ServiceError`` otherwise."""
    try:
        year, mon = (int(part) for part in month.split("-"))
        first = dt.date(year, mon, 1)
    except (ValueError, AttributeError):
        raise ServiceError(f"月份格式应为 2026-11：{month}") from None
    following = dt.date(year + (mon == 12), mon % 12 + 1, 1)
    return first, following


def _one_place(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class RepMonth:
    rep: Any
    samples: int = 0
    scored: int = 0
    average: Decimal | None = None
    item_averages: dict[str, Decimal] = field(default_factory=dict)
    lowest_items: list[str] = field(default_factory=list)
    satisfaction: Decimal | None = None
    rated: int = 0
    on_time: tuple[int, int] = (0, 0)

    @property
    def on_time_percent(self) -> int | None:
        met, counted = self.on_time
        return met * 100 // counted if counted else None


def monthly_figures(
    month: str, *, samples: QuerySet[QualitySample], tickets: QuerySet[Ticket], deadlines: Any
) -> list[RepMonth]:
    """Per rep for ``month`` over the (scoped) querysets given: samples drawn and scored, the
    average total (one decimal, half up), the two weakest items by average, the average
    satisfaction of their tickets resolved in the month, and the on-time share of their
    service-desk deadlines due in the month (``core.deadlines.on_time_rate``)."""
    from hragency.accounts.models import User
    from hragency.core.deadlines import on_time_rate

    first, following = parse_month(month)
    start, _ = _day_bounds(first)
    end, _ = _day_bounds(following)
    month_samples = list(samples.filter(sampled_on__gte=first, sampled_on__lt=following))
    month_tickets = tickets.filter(resolved_at__gte=start, resolved_at__lt=end)
    rep_ids = {s.rep_id for s in month_samples} | set(
        month_tickets.exclude(first_owner=None).values_list("first_owner_id", flat=True)
    )
    reps = {u.pk: u for u in User.objects.filter(pk__in=rep_ids)}
    rows: list[RepMonth] = []
    for rep_id in sorted(rep_ids, key=lambda pk: str(reps[pk])):
        row = RepMonth(rep=reps[rep_id])
        mine = [s for s in month_samples if s.rep_id == rep_id]
        scored = [s for s in mine if s.total is not None]
        row.samples, row.scored = len(mine), len(scored)
        if scored:
            row.average = _one_place(Decimal(sum(s.total for s in scored)) / len(scored))
            for code in SCORE_ITEMS:
                values = [int(s.scores.get(code, 0)) for s in scored]
                row.item_averages[code] = _one_place(Decimal(sum(values)) / len(values))
            ranked = sorted(
                SCORE_ITEMS, key=lambda c: (row.item_averages[c], list(SCORE_ITEMS).index(c))
            )
            row.lowest_items = [SCORE_ITEMS[c][0] for c in ranked[:2]]
        ratings = list(
            month_tickets.filter(first_owner_id=rep_id, satisfaction__isnull=False).values_list(
                "satisfaction", flat=True
            )
        )
        row.rated = len(ratings)
        if ratings:
            row.satisfaction = _one_place(Decimal(sum(ratings)) / len(ratings))
        row.on_time = on_time_rate(
            deadlines.filter(
                owner_id=rep_id,
                kind__startswith=DESK_DEADLINE_PREFIX,
                due_at__gte=start,
                due_at__lt=end,
            )
        )
        rows.append(row)
    return rows


@transaction.atomic
def record_review(
    *,
    actor: Any,
    month: str,
    held_on: dt.date | None,
    findings: str,
    actions: str,
    now: dt.datetime | None = None,
) -> QualityReview:
    """The monthly review meeting's record (one per month; saving again updates it)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录")
    if not actor.has_perm("servicedesk.score_quality"):
        raise PermissionDenied("无权记录质检复盘")
    parse_month(month)
    errors = []
    if held_on is None:
        errors.append(FieldError("held_on", "召开日期", "必填"))
    if not (findings or "").strip():
        errors.append(FieldError("findings", "主要问题", "必填"))
    if errors:
        raise InvalidFields(errors)
    review = QualityReview.objects.select_for_update().filter(month=month).first()
    before = audit.snapshot(review) if review is not None else None
    review = review or QualityReview(month=month)
    review.held_on = held_on
    review.findings = findings.strip()
    review.actions = (actions or "").strip()
    review.recorded_by = actor
    review.recorded_at = now or timezone.now()
    review.save()
    audit.record(
        actor=actor,
        action="servicedesk.quality_review",
        instance=review,
        before=before,
        after=audit.snapshot(review),
    )
    return review
