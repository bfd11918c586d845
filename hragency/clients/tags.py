"""Derived client tags (R-CRM-2): one function, ``tags_for``, set-based over a page of clients.

Each tag comes from a *provider*: a function that takes the clients (with ``headcount``
annotated, as ``queries.clients_for`` does) and today's date, and answers {client id: [Tag]}
with a fixed number of queries whatever the number of clients. Later apps add behaviour tags
(e.g. servicedesk's "高频咨询社保", "投诉率较高") by registering a provider from their
``AppConfig.ready`` with ``@tag_provider``; every list and page picks them up.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Count, Q, QuerySet, Value
from django.utils import timezone

from hragency.clients.models import Agreement, Client, InfoReview
from hragency.core.models import Deadline
from hragency.domain.segments import SizeClass, size_class

NEW_CLIENT_DAYS = 90
EXPIRY_NOTICE_DAYS = 30


@dataclass(frozen=True)
class Tag:
    code: str
    label: str
    tone: str = "secondary"  # Bootstrap colour: primary, info, warning, danger, secondary …


TagMap = dict[int, list[Tag]]
TagProvider = Callable[[Sequence[Client], dt.date], TagMap]
_PROVIDERS: list[TagProvider] = []


def tag_provider(provider: TagProvider) -> TagProvider:
    """Register a provider (decorator); registering twice is harmless."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def tags_for(clients: Sequence[Client], today: dt.date | None = None) -> TagMap:
    """{client id: tags} for the given clients, in provider order."""
    today = today or timezone.localdate()
    clients = list(clients)
    result: TagMap = {c.pk: [] for c in clients}
    if not clients:
        return result
    _ensure_headcount(clients)
    for provider in _PROVIDERS:
        for client_id, tags in provider(clients, today).items():
            result.setdefault(client_id, []).extend(tags)
    return result


def _ensure_headcount(clients: list[Client]) -> None:
    missing = [c for c in clients if not hasattr(c, "headcount")]
    if not missing:
        return
    counts = dict(
        Client.objects.filter(pk__in=[c.pk for c in missing])
        .annotate(n=Count("people", filter=Q(people__status="active")))
        .values_list("pk", "n")
    )
    for client in missing:
        client.headcount = counts.get(client.pk, 0)  # type: ignore[attr-defined]


@tag_provider
def record_tags(clients: Sequence[Client], today: dt.date) -> TagMap:
    """From the client row itself: grade, size class, age of the relationship."""
    result: TagMap = defaultdict(list)
    for client in clients:
        if client.grade == Client.Grade.VIP:
            result[client.pk].append(Tag("vip", "VIP", "primary"))
        if size_class(client.headcount) is SizeClass.LARGE:  # type: ignore[attr-defined]
            result[client.pk].append(Tag("large", "大型企业", "info"))
        created = timezone.localdate(client.created_at) if client.created_at else today
        if (today - created).days < NEW_CLIENT_DAYS and not client.is_blacklisted:
            result[client.pk].append(Tag("new", "新客户", "success"))
    return result


@tag_provider
def workflow_tags(clients: Sequence[Client], today: dt.date) -> TagMap:
    """From agreements, deadlines and reviews, in one UNION query: 协议即将到期 (an active
    agreement ends within 30 days), 资料交接逾期 (an open hand-over deadline is past due), 待审核
    (a review waits for the general manager, or a prospect was never reviewed)."""
    ids = [c.pk for c in clients]
    horizon = today + dt.timedelta(days=EXPIRY_NOTICE_DAYS)

    def flagged(qs: QuerySet[Any], code: str) -> QuerySet[Any]:
        return (
            qs.filter(client_id__in=ids)
            .annotate(flag=Value(code, output_field=CharField()))
            .values_list("client_id", "flag")
            .order_by()
        )

    parts = [
        flagged(
            Agreement.objects.filter(
                status=Agreement.Status.ACTIVE, end_date__gte=today, end_date__lte=horizon
            ),
            "expiring",
        ),
        flagged(
            Deadline.objects.filter(
                kind="clients.handover", status=Deadline.Status.OPEN, due_at__lt=timezone.now()
            ),
            "handover_overdue",
        ),
        flagged(InfoReview.objects.filter(status=InfoReview.Status.AWAITING_APPROVAL), "awaiting"),
        flagged(InfoReview.objects.all(), "reviewed"),
    ]
    flags: dict[int, set[str]] = defaultdict(set)
    for client_id, flag in parts[0].union(*parts[1:], all=True):
        flags[client_id].add(flag)
    result: TagMap = defaultdict(list)
    for client in clients:
        found = flags.get(client.pk, set())
        if "expiring" in found:
            result[client.pk].append(Tag("expiring", "协议即将到期", "warning"))
        if "handover_overdue" in found:
            result[client.pk].append(Tag("handover_overdue", "资料交接逾期", "danger"))
        never_reviewed = client.status == Client.Status.PROSPECT and "reviewed" not in found
        if "awaiting" in found or never_reviewed:
            result[client.pk].append(Tag("review_pending", "待审核", "warning"))
    return result
