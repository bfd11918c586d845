"""Every write of the statements module (R-FEE-1): the client confirms its 《费用明细表》 or
disputes it, a specialist records how a dispute was handled, exports are logged, and the month
close is started from the screen or the API.

Disputes follow the seed's four steps for base disputes (000): the client states the problem
(``dispute_statement`` notifies the client's SI specialists and owner and opens a deadline of one
working day), the specialist checks the declarations and wages, corrects and recomputes (the
next month close puts the statement back to draft), and records the outcome
(``resolve_dispute``), which closes the deadline and tells the client's HR to confirm again.
A confirmed statement is frozen: the month close skips it.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from hragency.accounts.queries import client_hr_users
from hragency.billing.close import close_month
from hragency.billing.models import CloseRun, Statement
from hragency.billing.queries import (
    DISPUTE_DEADLINE_KIND,
    may_close,
    may_respond,
    open_dispute_deadline,
)
from hragency.clients.services import ensure_serviceable
from hragency.core import audit
from hragency.core.deadlines import close_deadline, open_deadline
from hragency.core.errors import ServiceError
from hragency.core.models import AuditLog, Notification
from hragency.core.notifications import notify
from hragency.core.worktime import due_after
from hragency.domain.insurance import Period, PolicyError, parse_period

log = logging.getLogger(__name__)

MAX_TEXT = 2000
STALE_AFTER = dt.timedelta(minutes=10)
"""A running close with no progress for this long is taken as interrupted and may be resumed."""

_STATEMENT_FIELDS = ["status", "responded_by", "responded_at", "dispute_reason"]


def _deny(message: str) -> None:
    raise PermissionDenied(message)


def _locked(statement: Statement) -> Statement:
    return Statement.objects.select_for_update().select_related("client").get(pk=statement.pk)


def _text(value: Any, what: str) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else ""
    if not text:
        raise ServiceError(f"请填写{what}")
    if len(text) > MAX_TEXT:
        raise ServiceError(f"{what}不能超过 {MAX_TEXT} 字（当前 {len(text)} 字）")
    return text


def _link(statement: Statement) -> str:
    return reverse("billing:statement", args=[statement.pk])


def _label(statement: Statement) -> str:
    return f"{statement.number}（{statement.client.name} {statement.period:%Y-%m}）"


def _client_hr_users(statement: Statement) -> list[Any]:
    return list(client_hr_users(statement.client_id))


def dispute_handlers(statement: Statement) -> tuple[Any, list[Any]]:
    """Who handles a dispute: (deadline owner, everyone to notify). The SI specialists serving
    the client (directly or through their department) and the client's owner; if there are none,
    the responsible specialist the SI module picks, else an administrator."""
    from hragency.accounts.models import User
    from hragency.accounts.queries import serving
    from hragency.accounts.roles import ROLE_LABELS, Role
    from hragency.insurance.services import responsible_specialist

    client = statement.client
    specialists = list(serving(client, Role.SI_SPECIALIST))
    owner = specialists[0] if specialists else responsible_specialist(client)
    if owner is None:
        owner = (
            User.objects.filter(is_active=True, kind=User.Kind.STAFF)
            .filter(Q(is_superuser=True) | Q(groups__name=ROLE_LABELS[Role.ADMINISTRATOR]))
            .order_by("pk")
            .first()
        )
    recipients = [*specialists, client.owner, owner]
    unique = {u.pk: u for u in recipients if u is not None and u.is_active}
    return owner, list(unique.values())


# ---- the client's response ------------------------------------------------------------------


def _check_respond(actor: Any, statement: Statement) -> None:
    if not may_respond(actor, statement):
        _deny("只有该客户的企业HR可以确认费用明细表或提出异议")


def _check_draft(statement: Statement, doing: str) -> None:
    if statement.status != Statement.Status.DRAFT:
        raise ServiceError(
            f"费用明细表{statement.number}当前状态为“{statement.get_status_display()}”，"
            f"只有待客户确认的费用明细表可以{doing}"
        )


@transaction.atomic
def confirm_statement(
    *, actor: Any, statement: Statement, seen_computed_at: dt.datetime | None = None
) -> Statement:
    """The client confirms the month's figures; the statement is then frozen (the month close
    skips it). ``seen_computed_at``: the computation the user looked at; if the close has
    recomputed the statement since, the confirmation is refused so nobody confirms figures they
    have not seen."""
    _check_respond(actor, statement)
    statement = _locked(statement)
    ensure_serviceable(statement.client)
    _check_draft(statement, "确认")
    if seen_computed_at is not None and statement.computed_at != seen_computed_at:
        raise ServiceError("费用明细表已重新核算，请刷新页面核对最新金额后再确认")
    before = audit.snapshot(statement, _STATEMENT_FIELDS)
    statement.status = Statement.Status.CONFIRMED
    statement.responded_by = actor
    statement.responded_at = timezone.now()
    statement.save(update_fields=["status", "responded_by", "responded_at"])
    audit.record(
        actor=actor,
        action="billing.statement_confirm",
        instance=statement,
        before=before,
        after=audit.snapshot(statement, _STATEMENT_FIELDS),
        extra={"total_fen": statement.total_fen},
    )
    # A dispute the month close has answered meanwhile (recomputed, back to draft) is over.
    deadline = open_dispute_deadline(statement)
    if deadline is not None:
        close_deadline(deadline, actor=actor)
    return statement


@transaction.atomic
def dispute_statement(*, actor: Any, statement: Statement, reason: str) -> Statement:
    """The client disputes the statement (step ① of the seed's procedure): the client's SI
    specialists and owner are told, and one of them has one working day to handle it."""
    _check_respond(actor, statement)
    reason = _text(reason, "异议说明")
    statement = _locked(statement)
    client = ensure_serviceable(statement.client)
    _check_draft(statement, "提出异议")
    before = audit.snapshot(statement, _STATEMENT_FIELDS)
    now = timezone.now()
    statement.status = Statement.Status.DISPUTED
    statement.dispute_reason = reason
    statement.responded_by = actor
    statement.responded_at = now
    statement.save(update_fields=["status", "dispute_reason", "responded_by", "responded_at"])
    audit.record(
        actor=actor,
        action="billing.statement_dispute",
        instance=statement,
        before=before,
        after=audit.snapshot(statement, _STATEMENT_FIELDS),
        extra={"reason": reason},
    )
    owner, recipients = dispute_handlers(statement)
    deadline = None
    if owner is not None:
        deadline = open_deadline(
            kind=DISPUTE_DEADLINE_KIND,
            title=f"处理费用异议 {_label(statement)}",
            owner=owner,
            due_at=due_after(now, days=1),
            client_id=client.pk,
            subject=statement,
            link=_link(statement),
            actor=actor,
        )
    else:
        log.warning("statement %s disputed but nobody can handle it", statement.pk)
    notify(
        recipients=recipients,
        title=f"客户对费用明细表提出异议：{_label(statement)}",
        body=f"异议说明：{reason}\n请核对申报记录与工资表，更正后重新核算并登记处理结果。",
        link=_link(statement),
        level=Notification.Level.WARNING,
        deadline=deadline,
    )
    return statement


@transaction.atomic
def resolve_dispute(*, actor: Any, statement: Statement, note: str) -> Statement:
    """A specialist records how the dispute was handled (steps ②–④: checked, corrected or
    explained). The statement goes back to draft for the client to confirm again, the deadline
    is closed and the client's HR users are told. Also accepted when the month close has already
    put the disputed statement back to draft, as long as the dispute is still open."""
    if not may_close(actor):
        _deny("无权处理费用异议")
    from hragency.billing.queries import statement_for

    statement_for(actor, statement.pk)  # in the actor's scope, or 404
    note = _text(note, "处理说明")
    statement = _locked(statement)
    ensure_serviceable(statement.client)
    deadline = open_dispute_deadline(statement)
    recomputed = statement.status == Statement.Status.DRAFT and deadline is not None
    if statement.status != Statement.Status.DISPUTED and not recomputed:
        raise ServiceError(
            f"费用明细表{statement.number}没有待处理的异议"
            f"（当前状态：{statement.get_status_display()}）"
        )
    before = audit.snapshot(statement, _STATEMENT_FIELDS)
    statement.status = Statement.Status.DRAFT
    statement.responded_by = None
    statement.responded_at = None
    statement.save(update_fields=["status", "responded_by", "responded_at"])
    audit.record(
        actor=actor,
        action="billing.statement_resolve",
        instance=statement,
        before=before,
        after=audit.snapshot(statement, _STATEMENT_FIELDS),
        extra={"note": note, "dispute_reason": statement.dispute_reason},
    )
    if deadline is not None:
        close_deadline(deadline, actor=actor)
    notify(
        recipients=_client_hr_users(statement),
        title=f"费用异议已处理，请重新核对确认：{statement.number}",
        body=f"处理说明：{note}",
        link=_link(statement),
    )
    return statement


def record_export(*, actor: Any, statement: Statement, fmt: str) -> None:
    """Log a download (Excel or PDF) of a statement: it carries every person's figures."""
    audit.record(
        actor=actor,
        action="billing.statement_export",
        instance=statement,
        extra={"format": fmt},
    )


# ---- the month close ------------------------------------------------------------------------


def parse_close_period(value: Any) -> Period:
    if isinstance(value, Period):
        return value
    if not isinstance(value, str) or not value.strip():
        raise ServiceError("请填写所属期，如 2026-11")
    try:
        return parse_period(value)
    except PolicyError as exc:
        raise ServiceError(str(exc)) from None


def run_is_active(run: CloseRun, *, now: dt.datetime | None = None) -> bool:
    """Running and alive: queued or writing within the last ``STALE_AFTER`` and not failed."""
    if run.status != CloseRun.Status.RUNNING:
        return False
    latest = (
        AuditLog.objects.filter(object_type=CloseRun._meta.label_lower, object_id=str(run.pk))
        .order_by("-at", "-pk")
        .values_list("at", "action")
        .first()
    )
    if latest is not None and latest[1] == "billing.close_failed":
        return False
    at = max(run.started_at, latest[0]) if latest is not None else run.started_at
    return (now or timezone.now()) - at < STALE_AFTER


def _lock_period(period: Period) -> None:
    """Serialise starts for one period. SQLite's IMMEDIATE transactions already do; on
    PostgreSQL an advisory lock held to the end of the transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [7301, period.index])


@transaction.atomic
def start_close(*, actor: Any, period: Any) -> tuple[CloseRun, bool]:
    """Queue the month close for ``period``; returns (run, resumed).

    Safe to call twice: while a run for the period is in progress the call is refused with
    its progress. A run that stopped (worker killed, failure) is continued by the next call,
    and ``close_month`` then skips the clients it has already written."""
    if not may_close(actor):
        _deny("无权执行月结")
    period = parse_close_period(period)
    _lock_period(period)
    run = (
        CloseRun.objects.select_for_update()
        .filter(period=period.first_day, status=CloseRun.Status.RUNNING)
        .order_by("started_at")
        .first()
    )
    resumed = run is not None
    if run is not None and run_is_active(run):
        progress = (
            f"已完成 {run.clients_done}/{run.clients_total} 个客户"
            if run.clients_total
            else "等待后台任务开始"
        )
        raise ServiceError(f"{period} 的月结正在进行中（{progress}），请等待完成，不要重复启动")
    if run is None:
        run = CloseRun.objects.create(period=period.first_day, started_by=actor)
    audit.record(
        actor=actor,
        action="billing.close_start",
        instance=run,
        extra={"period": str(period), "resumed": resumed},
    )
    run_id = run.pk
    transaction.on_commit(lambda: _enqueue(run_id))
    return run, resumed


def _enqueue(run_id: int) -> None:
    from hragency.billing import tasks

    tasks.close_period(run_id)


def execute_close(*, run_id: int) -> str:
    """The body of the close task: run (or continue) ``close_month`` for the run's period and
    tell whoever started it. Failures are recorded on the run, which stays resumable."""
    run = CloseRun.objects.select_related("started_by").filter(pk=run_id).first()
    if run is None or run.status != CloseRun.Status.RUNNING:
        return "nothing to do"
    period = Period.of(run.period)
    actor = run.started_by

    def progress(current: CloseRun) -> None:
        log.info("close %s: %s/%s clients", period, current.clients_done, current.clients_total)

    try:
        report = close_month(period=period, actor=actor, after_chunk=progress)
    except Exception as exc:
        log.exception("month close %s (run %s) failed", period, run_id)
        problems = [*(run.problems or []), f"月结中断：{type(exc).__name__}: {exc}"[:500]]
        CloseRun.objects.filter(pk=run_id).update(problems=problems[-200:])
        audit.record(
            actor=actor,
            action="billing.close_failed",
            instance=run,
            extra={"period": str(period), "error": str(exc)[:500]},
        )
        if actor is not None:
            notify(
                recipients=[actor],
                title=f"{period} 月结中断，请重新启动以继续",
                body=str(exc)[:500],
                link=reverse("billing:run", args=[run_id]),
                level=Notification.Level.WARNING,
            )
        return "failed"
    done = report.run
    audit.record(
        actor=actor,
        action="billing.close_finish",
        instance=done,
        extra={
            "period": str(period),
            "clients": report.clients_written,
            "people": report.people_written,
            "problems": len(report.problems),
            "skipped": report.skipped[:50],
        },
    )
    if actor is not None:
        problems = f"，{len(report.problems)} 条问题待处理" if report.problems else ""
        notify(
            recipients=[actor],
            title=f"{period} 月结完成：{report.clients_written} 个客户、{report.people_written} 人"
            f"{problems}",
            link=reverse("billing:run", args=[done.pk]),
            level=Notification.Level.WARNING if report.problems else Notification.Level.INFO,
        )
    return "done"
