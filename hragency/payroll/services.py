"""Every write of a payroll run (R-PAY-2/3): calculate → submit → approve → pay.

* The payroll specialist calculates a client's month (``calculate_run``; a draft can be
  recalculated as often as needed) and submits it for review (``submit_run``).
* The client's HR user (or an agency manager holding ``payroll.approve_payroll``) approves it
  (``approve_run``). Nobody approves a run they submitted themselves. Either side can send a
  run back to draft with a reason (``return_run``) until it is paid.
* The payroll specialist pays it (``pay_run``): the payslips are published in the employee
  portal and, when the client's settings say so, e-mailed after the commit. A paid run is final;
  a correction is made in a later month's run.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hragency.accounts.queries import client_hr_users
from hragency.accounts.roles import Role
from hragency.clients.models import Client
from hragency.clients.services import ensure_serviceable
from hragency.core import audit
from hragency.core.errors import ServiceError
from hragency.core.notifications import Message, notify_all
from hragency.core.scoping import scope_queryset
from hragency.domain.insurance import Period
from hragency.payroll.calculate import CalcReport, calculate_payroll
from hragency.payroll.models import PayrollLine, PayrollRun, PayrollSettings
from hragency.payroll.queries import may_approve, may_pay, may_prepare

log = logging.getLogger(__name__)

MAX_REASON = 500
_FIELDS = [
    "status",
    "submitted_at",
    "submitted_by",
    "approved_at",
    "approved_by",
    "paid_at",
    "paid_by",
    "returned_reason",
]


def _in_scope(actor: Any, client: Client) -> None:
    if not scope_queryset(Client.objects.filter(pk=client.pk), actor).exists():
        raise PermissionDenied("无权操作该客户的工资")


def _locked(run: PayrollRun) -> PayrollRun:
    return PayrollRun.objects.select_for_update().select_related("client").get(pk=run.pk)


def _label(run: PayrollRun) -> str:
    return f"{run.number}（{run.client.name} {run.period:%Y-%m}）"


def _link(run: PayrollRun) -> str:
    return reverse("payroll:run", args=[run.pk])


def _client_hr(run: PayrollRun) -> list[Any]:
    return list(client_hr_users(run.client_id))


def _preparers(run: PayrollRun) -> list[Any]:
    from hragency.accounts.queries import serving

    people = {user.pk: user for user in serving(run.client, Role.PAYROLL_SPECIALIST)}
    for user in (run.computed_by, run.submitted_by):
        if user is not None:
            people[user.pk] = user
    return list(people.values())


def _record(actor: Any, action: str, run: PayrollRun, before: dict[str, Any]) -> None:
    audit.record(
        actor=actor,
        action=action,
        instance=run,
        before=before,
        after=audit.snapshot(run, _FIELDS),
    )


def calculate_run(*, actor: Any, client: Client, period: Period) -> CalcReport:
    """(Re)compute ``client``'s draft run for ``period``; refused with the reason when the run
    cannot be computed now (an earlier month not yet approved, SI month not closed …)."""
    if not may_prepare(actor):
        raise PermissionDenied("无权计算工资表")
    _in_scope(actor, client)
    ensure_serviceable(client)
    report = calculate_payroll(period=period, client_ids=[client.pk], actor=actor)
    if report.skipped:
        raise ServiceError(report.skipped[0])
    return report


@transaction.atomic
def submit_run(*, actor: Any, run: PayrollRun) -> PayrollRun:
    if not may_prepare(actor):
        raise PermissionDenied("无权提交工资表")
    run = _locked(run)
    _in_scope(actor, run.client)
    ensure_serviceable(run.client)
    if run.status != PayrollRun.Status.DRAFT:
        raise ServiceError(f"工资表{run.get_status_display()}，只有草稿可以提交审核")
    if run.computed_at is None or run.headcount == 0:
        raise ServiceError("工资表尚未计算或没有人员，请先计算")
    if run.problems:
        raise ServiceError(f"工资表有未解决的问题：{run.problems[0]}")
    before = audit.snapshot(run, _FIELDS)
    run.status = PayrollRun.Status.REVIEW
    run.submitted_at = timezone.now()
    run.submitted_by = actor
    run.returned_reason = ""
    run.save(update_fields=["status", "submitted_at", "submitted_by", "returned_reason"])
    _record(actor, "payroll.submit", run, before)
    reviewers = _client_hr(run)
    transaction.on_commit(
        lambda: notify_all(
            [
                Message(
                    reviewers,
                    f"工资表待审核：{_label(run)}",
                    f"{run.headcount} 人，实发合计见工资表。请核对后审核或退回。",
                    _link(run),
                    email=True,
                )
            ]
        )
    )
    return run


@transaction.atomic
def approve_run(*, actor: Any, run: PayrollRun) -> PayrollRun:
    if not may_approve(actor):
        raise PermissionDenied("无权审核工资表")
    run = _locked(run)
    _in_scope(actor, run.client)
    if run.status != PayrollRun.Status.REVIEW:
        raise ServiceError(f"工资表{run.get_status_display()}，只有待审核的工资表可以审核")
    if run.submitted_by_id == actor.pk or run.computed_by_id == actor.pk:
        raise ServiceError("不能审核自己计算或提交的工资表，请由另一位审核人审核")
    before = audit.snapshot(run, _FIELDS)
    run.status = PayrollRun.Status.APPROVED
    run.approved_at = timezone.now()
    run.approved_by = actor
    run.save(update_fields=["status", "approved_at", "approved_by"])
    _record(actor, "payroll.approve", run, before)
    preparers = _preparers(run)
    transaction.on_commit(
        lambda: notify_all(
            [
                Message(
                    preparers,
                    f"工资表已审核：{_label(run)}",
                    "可以生成代发文件并发放。",
                    _link(run),
                )
            ]
        )
    )
    return run


@transaction.atomic
def return_run(*, actor: Any, run: PayrollRun, reason: str) -> PayrollRun:
    """Send a submitted or approved run back to draft, with the reason (审核退回)."""
    if not (may_approve(actor) or may_prepare(actor)):
        raise PermissionDenied("无权退回工资表")
    text = (reason or "").strip() if isinstance(reason, str) else ""
    if not text:
        raise ServiceError("请填写退回原因")
    if len(text) > MAX_REASON:
        raise ServiceError(f"退回原因不能超过 {MAX_REASON} 字")
    run = _locked(run)
    _in_scope(actor, run.client)
    if run.status not in (PayrollRun.Status.REVIEW, PayrollRun.Status.APPROVED):
        raise ServiceError(f"工资表{run.get_status_display()}，不能退回")
    before = audit.snapshot(run, _FIELDS)
    run.status = PayrollRun.Status.DRAFT
    run.returned_reason = text
    run.approved_at = None
    run.approved_by = None
    run.save(update_fields=["status", "returned_reason", "approved_at", "approved_by"])
    _record(actor, "payroll.return", run, before)
    recipients = [u for u in (_preparers(run) + _client_hr(run)) if u.pk != actor.pk]
    transaction.on_commit(
        lambda: notify_all(
            [Message(recipients, f"工资表被退回：{_label(run)}", f"原因：{text}", _link(run))]
        )
    )
    return run


def _email_payslips(run: PayrollRun) -> bool:
    settings = PayrollSettings.objects.filter(client_id=run.client_id).first()
    return settings is None or settings.email_payslips


@transaction.atomic
def pay_run(*, actor: Any, run: PayrollRun) -> PayrollRun:
    """Record the run as paid: payslips are published; e-mailed after commit if configured."""
    if not may_pay(actor):
        raise PermissionDenied("无权发放工资")
    run = _locked(run)
    _in_scope(actor, run.client)
    ensure_serviceable(run.client)
    if run.status != PayrollRun.Status.APPROVED:
        raise ServiceError(f"工资表{run.get_status_display()}，审核通过后才能发放")
    before = audit.snapshot(run, _FIELDS)
    run.status = PayrollRun.Status.PAID
    run.paid_at = timezone.now()
    run.paid_by = actor
    run.save(update_fields=["status", "paid_at", "paid_by"])
    _record(actor, "payroll.pay", run, before)
    from hragency.accounts.models import User

    person_ids = PayrollLine.objects.filter(run=run).values("person_id")
    employees = list(
        User.objects.filter(
            kind=User.Kind.EMPLOYEE, insured_person_id__in=person_ids, is_active=True
        )
    )
    messages = [
        Message(
            employees,
            f"{run.period:%Y年%m月}工资条已发布",
            "请在「我的工资条」查看。",
            reverse("payroll:payslips"),
        ),
        Message(_client_hr(run), f"工资已发放：{_label(run)}", "", _link(run)),
    ]
    email = _email_payslips(run)

    def after() -> None:
        notify_all(messages)
        if email:
            from hragency.payroll.tasks import send_payslips

            send_payslips(run.pk)

    transaction.on_commit(after)
    return run
