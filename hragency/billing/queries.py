"""Every user-facing read of statements and month-close runs, for an acting user.

Statements are scoped by client (``scope_queryset``) and need ``billing.view_statement``; the
per-person lines are the client's ``insurance.Contribution`` rows for the statement's month.
Close runs are agency-wide (they cover every client) and need ``billing.close_month``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet, Sum
from django.shortcuts import get_object_or_404

from hragency.billing.models import CloseRun, Statement
from hragency.core.models import AuditLog, Deadline
from hragency.core.scoping import scope_queryset
from hragency.domain.insurance import ITEMS, Item
from hragency.insurance.models import Contribution

DISPUTE_DEADLINE_KIND = "billing.statement_dispute"
HISTORY_ACTIONS = (
    "billing.statement_confirm",
    "billing.statement_dispute",
    "billing.statement_resolve",
)


def may_view(user: Any) -> bool:
    authenticated = getattr(user, "is_authenticated", False)
    return bool(authenticated and user.has_perm("billing.view_statement"))


def may_respond(user: Any, statement: Statement) -> bool:
    """The client's own HR user, holding ``billing.respond_statement``."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.kind == "client_hr"
        and user.client_id == statement.client_id
        and user.has_perm("billing.respond_statement")
    )


def may_close(user: Any) -> bool:
    """Run the month close and handle disputes: SI and payroll specialists, administrators."""
    return bool(getattr(user, "is_authenticated", False) and user.has_perm("billing.close_month"))


def require_view(user: Any) -> None:
    if not may_view(user):
        raise PermissionDenied("无权查看费用明细表")


def require_close(user: Any) -> None:
    if not may_close(user):
        raise PermissionDenied("无权执行月结")


# ---- statements ----------------------------------------------------------------------------


def statements_for(user: Any) -> QuerySet[Statement]:
    qs = Statement.objects.select_related("client", "responded_by")
    if not may_view(user):
        return qs.none()
    return scope_queryset(qs, user)


def statement_for(user: Any, statement_id: int) -> Statement:
    return get_object_or_404(statements_for(user), pk=statement_id)


def search_statements(
    user: Any,
    *,
    period: dt.date | None = None,
    status: str = "",
    client_id: int | None = None,
) -> QuerySet[Statement]:
    qs = statements_for(user)
    if period is not None:
        qs = qs.filter(period=period)
    if status:
        qs = qs.filter(status=status)
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    return qs.order_by("-period", "client__number", "pk")


def period_choices(user: Any) -> list[dt.date]:
    return list(
        statements_for(user).order_by("-period").values_list("period", flat=True).distinct()[:36]
    )


def client_choices(user: Any) -> list[tuple[int, str]]:
    """The clients that have statements the user may see (staff filter)."""
    rows = (
        statements_for(user)
        .order_by("client__number")
        .values_list("client_id", "client__name")
        .distinct()
    )
    return list(rows[:500])


# ---- per-person lines ----------------------------------------------------------------------


def lines_of(user: Any, statement: Statement) -> QuerySet[Contribution]:
    """The statement's per-person rows (one per enrollment), with the person in the same query."""
    qs = Contribution.objects.filter(
        client_id=statement.client_id, period=statement.period
    ).select_related("person")
    return scope_queryset(qs, user).order_by("person_id", "pk")


@dataclass(frozen=True)
class LineTotals:
    people: int
    wage_fen: int
    employer_fen: int
    employee_fen: int
    items: dict[str, dict[str, int]]
    """Per levied item: {"base": fen, "er": fen, "ee": fen}."""

    @property
    def total_fen(self) -> int:
        return self.employer_fen + self.employee_fen

    @property
    def levied(self) -> list[Item]:
        return [item for item in ITEMS if item.value in self.items]


def totals_of(user: Any, statement: Statement) -> LineTotals:
    """Column totals of the statement's lines in one query; an item nobody pays is left out."""
    sums: dict[str, Any] = {
        "n": Count("pk"),
        "wage": Sum("wage_fen"),
        "er": Sum("employer_fen"),
        "ee": Sum("employee_fen"),
    }
    for item in ITEMS:
        for suffix in ("base", "er", "ee"):
            sums[f"{item.value}_{suffix}"] = Sum(f"{item.value}_{suffix}")
    row = lines_of(user, statement).order_by().aggregate(**sums)
    items = {
        item.value: {s: int(row[f"{item.value}_{s}"] or 0) for s in ("base", "er", "ee")}
        for item in ITEMS
        if row[f"{item.value}_base"] is not None
    }
    return LineTotals(
        people=int(row["n"] or 0),
        wage_fen=int(row["wage"] or 0),
        employer_fen=int(row["er"] or 0),
        employee_fen=int(row["ee"] or 0),
        items=items,
    )


# ---- history and the open dispute ----------------------------------------------------------


def history_of(user: Any, statement: Statement) -> QuerySet[AuditLog]:
    """Confirmations, disputes and their handling, oldest first (notes are in ``changes``)."""
    qs = AuditLog.objects.filter(
        object_type=Statement._meta.label_lower,
        object_id=str(statement.pk),
        action__in=HISTORY_ACTIONS,
    ).select_related("actor")
    return scope_queryset(qs, user).order_by("at", "pk")


def open_dispute_deadline(statement: Statement) -> Deadline | None:
    return (
        Deadline.objects.filter(
            kind=DISPUTE_DEADLINE_KIND,
            subject_type=Statement._meta.label_lower,
            subject_id=str(statement.pk),
            status=Deadline.Status.OPEN,
        )
        .select_related("owner")
        .order_by("due_at")
        .first()
    )


# ---- close runs ----------------------------------------------------------------------------


def runs_for(user: Any) -> QuerySet[CloseRun]:
    require_close(user)
    return CloseRun.objects.select_related("started_by").order_by("-started_at", "-pk")


def run_for(user: Any, run_id: int) -> CloseRun:
    return get_object_or_404(runs_for(user), pk=run_id)


# ---- display rows --------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemCells:
    item: Item
    base_fen: int | None
    er_fen: int | None
    ee_fen: int | None


@dataclass(frozen=True)
class LineRow:
    """One person's line as every screen and file shows it (the ID number masked)."""

    person_id: int
    name: str
    id_number_masked: str
    city: str
    wage_fen: int
    items: list[ItemCells]
    employer_fen: int
    employee_fen: int

    @property
    def total_fen(self) -> int:
        return self.employer_fen + self.employee_fen


def line_row(contribution: Contribution, levied: list[Item]) -> LineRow:
    person = contribution.person
    return LineRow(
        person_id=contribution.person_id,
        name=person.name,
        id_number_masked=person.id_number_masked,
        city=contribution.city,
        wage_fen=contribution.wage_fen,
        items=[
            ItemCells(
                item,
                getattr(contribution, f"{item.value}_base"),
                getattr(contribution, f"{item.value}_er"),
                getattr(contribution, f"{item.value}_ee"),
            )
            for item in levied
        ],
        employer_fen=contribution.employer_fen,
        employee_fen=contribution.employee_fen,
    )


def summary_of(statement: Statement) -> list[tuple[str, int]]:
    """The header figures in fen, in the order every screen and file shows them."""
    rows = [
        ("申报工资合计", statement.wages_fen),
        ("社会保险 单位部分", statement.si_employer_fen),
        ("社会保险 个人部分", statement.si_employee_fen),
        ("住房公积金 单位部分", statement.hf_employer_fen),
        ("住房公积金 个人部分", statement.hf_employee_fen),
    ]
    if statement.adjust_si_fen:
        rows.append(("社会保险 补缴/退费", statement.adjust_si_fen))
    if statement.adjust_hf_fen:
        rows.append(("住房公积金 补缴/退费", statement.adjust_hf_fen))
    rows.append(("代缴社保公积金小计", statement.si_hf_fen))
    fee = statement.service_fee_fen + statement.tax_fen + statement.risk_reserve_fen
    if statement.fee_model == "percentage":
        rows += [
            ("服务费合计", fee),
            ("其中：业务服务费", statement.service_fee_fen),
            ("其中：相关税费", statement.tax_fen),
            ("其中：风险预控金", statement.risk_reserve_fen),
        ]
    else:
        rows.append(("服务费", fee))
    rows.append(("应付合计", statement.total_fen))
    return rows


def fee_model_label(statement: Statement) -> str:
    from hragency.clients.models import Agreement

    return dict(Agreement.FeeModel.choices).get(statement.fee_model, statement.fee_model or "—")
