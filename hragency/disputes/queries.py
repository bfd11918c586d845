"""Reads of labour-dispute cases. Staff see the cases of their clients plus those they own or
support as legal; a client's HR user sees their company's cases; employees see none (the worker
in a dispute is the other party)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from hragency.core.scoping import scope_queryset
from hragency.disputes.models import CaseDocument, CaseHearing, CaseNote, DisputeCase

LIMITATION_SOON_DAYS = 60


def cases_for(user: Any) -> QuerySet[DisputeCase]:
    if user is None or not getattr(user, "is_authenticated", False):
        return DisputeCase.objects.none()
    if not user.has_perm("disputes.view_disputecase"):
        return DisputeCase.objects.none()
    base = DisputeCase.objects.all()
    scoped = scope_queryset(base, user)
    if getattr(user, "kind", "") == "staff":
        scoped = base.filter(Q(pk__in=scoped.values("pk")) | Q(owner=user) | Q(legal=user))
    return scoped.select_related("client", "person", "owner", "legal")


def case_for(user: Any, case_id: int) -> DisputeCase:
    return get_object_or_404(cases_for(user), pk=case_id)


def filter_cases(qs: QuerySet[DisputeCase], params: Mapping[str, Any]) -> QuerySet[DisputeCase]:
    stage = params.get("stage") or ""
    if stage == "open":
        qs = qs.exclude(stage=DisputeCase.Stage.CLOSED)
    elif stage in DisputeCase.Stage.values:
        qs = qs.filter(stage=stage)
    category = params.get("category") or ""
    if category in DisputeCase.Category.values:
        qs = qs.filter(category=category)
    client = str(params.get("client") or "")
    if client.isdigit():
        qs = qs.filter(client_id=int(client))
    if str(params.get("limitation_soon") or "") in ("1", "true", "on"):
        today = timezone.localdate()
        qs = qs.filter(
            stage__in=[DisputeCase.Stage.CONSULTATION, DisputeCase.Stage.MEDIATION],
            limitation_ends_on__isnull=False,
            limitation_ends_on__lte=today + dt.timedelta(days=LIMITATION_SOON_DAYS),
        )
    text = str(params.get("q") or "").strip()
    if text:
        qs = qs.filter(Q(number__icontains=text) | Q(title__icontains=text))
    return qs


def hearings_of(case: DisputeCase) -> QuerySet[CaseHearing]:
    return case.hearings.select_related("deadline")


def documents_of(case: DisputeCase) -> QuerySet[CaseDocument]:
    return case.documents.select_related("uploaded_by")


def notes_of(user: Any, case: DisputeCase) -> QuerySet[CaseNote]:
    qs = case.notes.select_related("author")
    if getattr(user, "kind", "") != "staff":
        qs = qs.filter(visible_to_client=True)
    return qs


def document_for(user: Any, case_id: int, document_id: int) -> CaseDocument:
    case = case_for(user, case_id)
    if getattr(user, "kind", "") != "staff":
        # Evidence files are the agency's working papers; client HR sees the list only.
        raise_404()
    return get_object_or_404(case.documents, pk=document_id)


def raise_404() -> None:
    from django.http import Http404

    raise Http404("对象不存在或无权查看")


def statistics(user: Any, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Cases opened in [start, end] by category and by outcome, with the money figures; one
    aggregate query per table."""
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    qs = cases_for(user).filter(opened_at__gte=lo, opened_at__lt=hi).order_by()
    rows = qs.values("category", "outcome").annotate(
        n=Count("pk"),
        claimed=Sum("claimed_total"),
        awarded=Sum("amount_awarded"),
        paid=Sum("amount_paid"),
        cost=Sum("cost_to_client"),
    )
    outcomes = [("", "未结案"), *DisputeCase.Outcome.choices]
    table: dict[str, dict[str, int]] = {
        code: {o: 0 for o, _ in outcomes} for code, _ in DisputeCase.Category.choices
    }
    money = {
        code: {
            "claimed": Decimal("0"),
            "awarded": Decimal("0"),
            "paid": Decimal("0"),
            "cost": Decimal("0"),
            "n": 0,
        }
        for code, _ in DisputeCase.Category.choices
    }
    for row in rows:
        table[row["category"]][row["outcome"]] += row["n"]
        m = money[row["category"]]
        m["n"] += row["n"]
        for key in ("claimed", "awarded", "paid", "cost"):
            m[key] += row[key] or Decimal("0")
    lines = [
        {
            "category": code,
            "label": label,
            "counts": [table[code][o] for o, _ in outcomes],
            **money[code],
        }
        for code, label in DisputeCase.Category.choices
    ]
    totals = {
        "counts": [sum(table[c][o] for c in table) for o, _ in outcomes],
        "n": sum(m["n"] for m in money.values()),
        **{
            key: sum((m[key] for m in money.values()), Decimal("0"))
            for key in ("claimed", "awarded", "paid", "cost")
        },
    }
    return {"outcomes": outcomes, "lines": lines, "totals": totals, "start": start, "end": end}
