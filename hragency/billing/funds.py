"""Client fund account (代收代付, R-FEE-4) and invoices (R-FEE-3): every write.

**The ledger.** ``FundEntry`` rows are money of one client held by the agency: receipts from
the client, payments to the social-insurance bureau and the housing-fund centre, refunds to the
client, and adjustments up or down. Amounts are positive fen; the kind gives the sign. Entries
are never edited or deleted; a mistake is corrected by an adjustment.

**No mixing of funds.** Every entry belongs to exactly one client, and an outflow (payment,
refund, downward adjustment) is refused when it would take that client's balance below zero on
its date or on any later date: the agency never advances one client's payments from another
client's money or its own. The check runs with the client's row locked
(``SELECT … FOR UPDATE``), so two concurrent payments queue and the second sees the first.

**Blacklisted or terminated clients.** Money already held must still be settled, so payments to
the bureaus, refunds, adjustments and receipts against an existing statement are recorded for
any client. Only a receipt not tied to a statement (money for future service) goes through
``ensure_serviceable``.

**Statements and invoices.** A receipt (or a refund) may name a statement of the same client
that the client has confirmed (confirmed statements are frozen by the month close, so the
invoice cannot drift from them). Paid = receipts − refunds linked to it, never above its total.
When a receipt makes it fully paid, an ``Invoice`` 待开具 is created with exactly three lines
(代缴社会保险费 = SI employer + employee, 代缴住房公积金费 = HF employer + employee, 服务费 =
service fee + tax + risk reserve, summing to the statement total) and a deadline
``billing.invoice_due`` "开具发票 <statement no.>" due 10 working days after the payment date,
owned by a payroll specialist assigned to the client, else the client's owner, else any payroll
specialist. Issuing records the printed tax-invoice code/number and closes the deadline (met or
late). Voiding needs a reason; if the statement is still fully paid, a replacement invoice is
requested at once, due 10 working days after the void.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import BigIntegerField, Case, F, Max, Q, Sum, Value, When
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import timezone

from hragency.billing.models import FundEntry, Invoice, InvoiceLine, Statement
from hragency.clients.models import Client
from hragency.clients.services import ensure_serviceable
from hragency.core import audit, values
from hragency.core.deadlines import cancel_deadline, close_deadline, open_deadline
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.numbering import next_number
from hragency.core.worktime import due_after
from hragency.domain.money import format_cny, to_fen

INVOICE_DAYS = 10  # R-FEE-3: 发票在付款后10个工作日内开具
INVOICE_DEADLINE_KIND = "billing.invoice_due"
LINE_SI = "代缴社会保险费"
LINE_HF = "代缴住房公积金费"
LINE_SERVICE = "服务费"

ENTRY_FIELDS = {
    "kind": "类型",
    "date": "日期",
    "amount": "金额",
    "reference": "银行流水号/凭证号",
    "statement": "费用明细表",
    "note": "备注",
}
ISSUE_FIELDS = {"invoice_code": "发票代码", "invoice_number": "发票号码"}

_LABELS = {
    "billing.add_fundentry": "登记资金往来",
    "billing.issue_invoice": "开具或作废发票",
}
OUTFLOWS = (
    FundEntry.Kind.SI_PAYMENT,
    FundEntry.Kind.HF_PAYMENT,
    FundEntry.Kind.REFUND,
    FundEntry.Kind.ADJUST_OUT,
)
# Kinds that may name a statement: what the client paid for it, what went back, and what was
# paid to the bureaus for it. Adjustments are corrections of the account, not of a statement.
STATEMENT_KINDS = (
    FundEntry.Kind.RECEIPT,
    FundEntry.Kind.REFUND,
    FundEntry.Kind.SI_PAYMENT,
    FundEntry.Kind.HF_PAYMENT,
)
_DIGITS = re.compile(r"^\d+$")


def signed_fen(prefix: str = "") -> Case:
    """The entry's amount with its sign, as an SQL expression (``prefix``: the path to the
    entry from the queried model, e.g. "fund_entries__")."""
    return Case(
        When(**{f"{prefix}kind__in": FundEntry.INFLOWS}, then=F(f"{prefix}amount_fen")),
        default=-F(f"{prefix}amount_fen"),
        output_field=BigIntegerField(),
    )


def sum_fen(expression: Any = None, condition: Q | None = None, **filters: Any) -> Coalesce:
    """SUM(expression) (the signed amount by default) over the rows matching ``condition`` and
    ``filters``, 0 when there are none."""
    expression = signed_fen() if expression is None else expression
    if filters:
        condition = Q(**filters) if condition is None else condition & Q(**filters)
    # PostgreSQL's SUM of bigint is numeric (a Decimal in Python): cast back to whole fen.
    total = Cast(Sum(expression, filter=condition), BigIntegerField())
    return Coalesce(total, Value(0), output_field=BigIntegerField())


def balance_fen(client_id: int, *, on: dt.date | None = None) -> int:
    """A client's balance (all entries, or those dated on or before ``on``), in one query."""
    entries = FundEntry.objects.filter(client_id=client_id)
    if on is not None:
        entries = entries.filter(date__lte=on)
    return int(entries.aggregate(total=sum_fen())["total"])


def balance_after_fen(entry: FundEntry) -> int:
    """The client's balance right after ``entry`` (entries in date order, then as recorded)."""
    earlier = Q(date__lt=entry.date) | Q(date=entry.date, pk__lte=entry.pk)
    entries = FundEntry.objects.filter(earlier, client_id=entry.client_id)
    return int(entries.aggregate(total=sum_fen())["total"])


def statement_paid_fen(statement_id: int) -> int:
    """Receipts − refunds linked to the statement, in one query."""
    entries = FundEntry.objects.filter(statement_id=statement_id)
    result = entries.aggregate(
        paid=sum_fen("amount_fen", kind=FundEntry.Kind.RECEIPT),
        refunded=sum_fen("amount_fen", kind=FundEntry.Kind.REFUND),
    )
    return int(result["paid"]) - int(result["refunded"])


def invoice_lines(statement: Statement) -> list[tuple[str, int]]:
    """The three lines of the invoice for a statement (R-FEE-3), in fen."""
    return [
        (LINE_SI, statement.si_fen),
        (LINE_HF, statement.hf_fen),
        (LINE_SERVICE, statement.service_fee_fen + statement.tax_fen + statement.risk_reserve_fen),
    ]


def payment_start(paid_on: dt.date) -> dt.datetime:
    """Working time for the invoice counts from the end of the payment day."""
    return timezone.make_aware(dt.datetime.combine(paid_on + dt.timedelta(days=1), dt.time()))


def invoice_due_at(paid_on: dt.date) -> dt.datetime:
    return due_after(payment_start(paid_on), days=INVOICE_DAYS)


def _require(actor: Any, permission: str) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录")
    if not actor.has_perm(permission):
        raise PermissionDenied(f"无权{_LABELS.get(permission, '执行此操作')}")


def _text(data: Mapping[str, object], field: str, limit: int, errors: list[FieldError]) -> str:
    value = values.text(data.get(field))
    if len(value) > limit:
        errors.append(FieldError(field, ENTRY_FIELDS[field], f"最多 {limit} 个字"))
    return value


def validate_entry(data: Mapping[str, object]) -> tuple[dict[str, Any], list[FieldError]]:
    """Parse a ledger entry from a form, JSON or a spreadsheet row: the one field check."""
    unknown = sorted(set(data) - set(ENTRY_FIELDS) - {"csrfmiddlewaretoken"})
    if unknown:
        raise ServiceError(f"未知字段：{'、'.join(unknown)}")
    errors: list[FieldError] = []
    clean: dict[str, Any] = {}
    try:
        clean["kind"] = values.choice(data.get("kind"), dict(FundEntry.Kind.choices))
    except values.InvalidValue as exc:
        errors.append(FieldError("kind", ENTRY_FIELDS["kind"], str(exc)))
    else:
        if not clean["kind"]:
            errors.append(FieldError("kind", ENTRY_FIELDS["kind"], "必填"))
    try:
        clean["date"] = values.date(data.get("date"))
    except values.InvalidValue as exc:
        errors.append(FieldError("date", ENTRY_FIELDS["date"], str(exc)))
    else:
        if clean["date"] is None:
            errors.append(FieldError("date", ENTRY_FIELDS["date"], "必填"))
        elif clean["date"] > timezone.localdate():
            errors.append(FieldError("date", ENTRY_FIELDS["date"], "不能晚于今天"))
    raw_amount = data.get("amount")
    if isinstance(raw_amount, float):
        errors.append(
            FieldError("amount", ENTRY_FIELDS["amount"], '请以字符串提交金额，如 "1234.56"')
        )
    else:
        try:
            amount = values.amount(raw_amount)
        except values.InvalidValue as exc:
            errors.append(FieldError("amount", ENTRY_FIELDS["amount"], str(exc)))
        else:
            if amount is None:
                errors.append(FieldError("amount", ENTRY_FIELDS["amount"], "必填"))
            elif amount <= 0:
                errors.append(FieldError("amount", ENTRY_FIELDS["amount"], "应大于 0"))
            else:
                clean["amount_fen"] = to_fen(amount)
    try:
        clean["statement_id"] = values.integer(data.get("statement"))
    except values.InvalidValue as exc:
        errors.append(FieldError("statement", ENTRY_FIELDS["statement"], str(exc)))
    clean["reference"] = _text(data, "reference", 60, errors)
    clean["note"] = _text(data, "note", 200, errors)
    return clean, errors


def _lock_client(client: Client | int) -> Client:
    client_id = client.pk if isinstance(client, Client) else client
    found = Client.objects.select_for_update().filter(pk=client_id).first()
    if found is None:
        raise ServiceError("客户不存在")
    return found


def _check_statement(client: Client, statement_id: int, kind: str, amount_fen: int) -> Statement:
    statement = Statement.objects.filter(pk=statement_id).first()
    if statement is None or statement.client_id != client.pk:
        # Another client's statement: naming it would mix the two clients' money.
        raise InvalidFields(
            [FieldError("statement", ENTRY_FIELDS["statement"], "不是该客户的费用明细表")]
        )
    if kind not in STATEMENT_KINDS:
        raise InvalidFields(
            [FieldError("statement", ENTRY_FIELDS["statement"], "调整不关联费用明细表")]
        )
    if statement.status != Statement.Status.CONFIRMED:
        raise InvalidFields(
            [
                FieldError(
                    "statement",
                    ENTRY_FIELDS["statement"],
                    f"费用明细表 {statement.number} 尚未经客户确认，不能登记回款",
                )
            ]
        )
    paid = statement_paid_fen(statement.pk)
    if kind == FundEntry.Kind.RECEIPT and amount_fen > statement.total_fen - paid:
        raise InvalidFields(
            [
                FieldError(
                    "amount",
                    ENTRY_FIELDS["amount"],
                    f"超过费用明细表 {statement.number} 的未付金额 "
                    f"{format_cny(statement.total_fen - paid)}；多出的部分请另行登记，不关联明细表",
                )
            ]
        )
    if kind == FundEntry.Kind.REFUND and amount_fen > paid:
        raise InvalidFields(
            [
                FieldError(
                    "amount",
                    ENTRY_FIELDS["amount"],
                    f"超过费用明细表 {statement.number} 的已付金额 {format_cny(paid)}",
                )
            ]
        )
    return statement


def _check_overdraft(client: Client, day: dt.date, amount_fen: int) -> None:
    """Refuse an outflow dated ``day`` that would make the balance negative on that day or on
    any later day that has entries (daily nets in one query; the client row is locked)."""
    daily = (
        FundEntry.objects.filter(client_id=client.pk)
        .values("date")
        .annotate(net=sum_fen())
        .order_by("date")
    )
    running = 0
    lowest: int | None = None  # the lowest end-of-day balance from ``day`` on
    for row in daily:
        if row["date"] > day and lowest is None:
            lowest = running  # the balance at the end of ``day``
        running += int(row["net"])
        if lowest is not None:
            lowest = min(lowest, running)
    if lowest is None:
        lowest = running  # nothing dated after ``day``
    if lowest - amount_fen < 0:
        available = max(lowest, 0)
        raise ServiceError(
            f"客户「{client.name}」资金账户余额不足：{day:%Y-%m-%d} 起可用余额 "
            f"{format_cny(available)}，本次支出 {format_cny(amount_fen)}。"
            "各客户资金独立核算，不得混用或垫付，请先登记该客户的来款。"
        )


@transaction.atomic
def record_entry(*, client: Client | int, data: Mapping[str, object], actor: Any) -> FundEntry:
    """Record one movement of the client's money (see the module docstring for the rules)."""
    _require(actor, "billing.add_fundentry")
    clean, errors = validate_entry(data)
    if errors:
        raise InvalidFields(errors)
    locked = _lock_client(client)
    kind, amount_fen, day = clean["kind"], clean["amount_fen"], clean["date"]
    statement = None
    if clean["statement_id"] is not None:
        statement = _check_statement(locked, clean["statement_id"], kind, amount_fen)
    if kind == FundEntry.Kind.RECEIPT and statement is None:
        ensure_serviceable(locked)
    if kind in OUTFLOWS:
        _check_overdraft(locked, day, amount_fen)
    entry = FundEntry.objects.create(
        client=locked,
        date=day,
        kind=kind,
        amount_fen=amount_fen,
        reference=clean["reference"],
        statement=statement,
        note=clean["note"],
        created_by=actor,
    )
    audit.record(
        actor=actor, action="billing.fund_entry", instance=entry, after=audit.snapshot(entry)
    )
    if (
        statement is not None
        and kind == FundEntry.Kind.RECEIPT
        and statement_paid_fen(statement.pk) == statement.total_fen
    ):
        receipts = FundEntry.objects.filter(statement=statement, kind=FundEntry.Kind.RECEIPT)
        paid_on = receipts.aggregate(last=Max("date"))["last"]
        _request_invoice(
            statement=statement, paid_on=paid_on, start=payment_start(paid_on), actor=actor
        )
    return entry


def invoice_owner(client: Client, fallback: Any = None) -> Any:
    """Who issues the client's invoices: a payroll specialist assigned to the client (directly
    or through their department), else the client's owner, else any payroll specialist."""
    from hragency.accounts.models import User
    from hragency.accounts.queries import role_holders, serving
    from hragency.accounts.roles import Role

    assigned = serving(client, Role.PAYROLL_SPECIALIST).first()
    if assigned is not None:
        return assigned
    owner = client.owner
    if owner is not None and owner.is_active:
        return owner
    anyone = role_holders(Role.PAYROLL_SPECIALIST).first()
    if anyone is not None:
        return anyone
    if fallback is not None and getattr(fallback, "kind", None) == User.Kind.STAFF:
        return fallback
    raise ServiceError("没有可负责开票的薪酬专员，请先为客户分配薪酬专员")


def _request_invoice(
    *, statement: Statement, paid_on: dt.date, start: dt.datetime, actor: Any
) -> Invoice | None:
    if Invoice.objects.filter(statement=statement).exclude(status=Invoice.Status.VOID).exists():
        return None
    lines = invoice_lines(statement)
    if sum(amount for _, amount in lines) != statement.total_fen:
        raise ServiceError(
            f"费用明细表 {statement.number} 的分项之和与应付合计不符，无法开票，请联系管理员"
        )
    client = statement.client
    due_at = due_after(start, days=INVOICE_DAYS)
    invoice = Invoice.objects.create(
        number=next_number("FP"),
        client=client,
        statement=statement,
        total_fen=statement.total_fen,
        paid_on=paid_on,
        requested_at=timezone.now(),
        due_at=due_at,
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(invoice=invoice, position=i, item=item, amount_fen=amount)
        for i, (item, amount) in enumerate(lines, start=1)
    )
    invoice.deadline = open_deadline(
        kind=INVOICE_DEADLINE_KIND,
        title=f"开具发票 {statement.number}",
        owner=invoice_owner(client, actor),
        due_at=due_at,
        client_id=client.pk,
        subject=invoice,
        link=reverse("funds:invoice", args=[invoice.pk]),
        starts_at=start,
        actor=actor,
    )
    invoice.save(update_fields=["deadline"])
    audit.record(
        actor=actor,
        action="billing.invoice_request",
        instance=invoice,
        after=audit.snapshot(invoice),
        extra={"lines": [[item, amount] for item, amount in lines]},
    )
    return invoice


def _lock_invoice(invoice: Invoice | int) -> Invoice:
    invoice_id = invoice.pk if isinstance(invoice, Invoice) else invoice
    return Invoice.objects.select_for_update().select_related("statement").get(pk=invoice_id)


@transaction.atomic
def issue_invoice(*, invoice: Invoice | int, data: Mapping[str, object], actor: Any) -> Invoice:
    """Record the tax invoice as printed (code optional: 全电发票 have only a 20-digit number)
    and close the deadline: met if on or before the due time, otherwise late (a breach)."""
    _require(actor, "billing.issue_invoice")
    invoice = _lock_invoice(invoice)
    if invoice.status != Invoice.Status.PENDING:
        raise ServiceError(f"发票 {invoice.number} {invoice.get_status_display()}，不能再开具")
    unknown = sorted(set(data) - set(ISSUE_FIELDS) - {"csrfmiddlewaretoken"})
    if unknown:
        raise ServiceError(f"未知字段：{'、'.join(unknown)}")
    code = values.text(data.get("invoice_code")).replace(" ", "")
    number = values.text(data.get("invoice_number")).replace(" ", "")
    errors = []
    if code and (not _DIGITS.match(code) or len(code) not in (10, 12)):
        errors.append(FieldError("invoice_code", ISSUE_FIELDS["invoice_code"], "应为10或12位数字"))
    if not number:
        errors.append(FieldError("invoice_number", ISSUE_FIELDS["invoice_number"], "必填"))
    elif not _DIGITS.match(number) or len(number) not in (8, 20):
        errors.append(
            FieldError("invoice_number", ISSUE_FIELDS["invoice_number"], "应为8位或20位数字")
        )
    if errors:
        raise InvalidFields(errors)
    clash = (
        Invoice.objects.filter(invoice_code=code, invoice_number=number)
        .exclude(pk=invoice.pk)
        .first()
    )
    if clash is not None:
        raise InvalidFields(
            [
                FieldError(
                    "invoice_number",
                    ISSUE_FIELDS["invoice_number"],
                    f"已登记在 {clash.number} 上",
                )
            ]
        )
    before = audit.snapshot(invoice)
    now = timezone.now()
    invoice.status = Invoice.Status.ISSUED
    invoice.invoice_code = code
    invoice.invoice_number = number
    invoice.issued_at = now
    invoice.issued_by = actor
    invoice.save()
    if invoice.deadline is not None:
        close_deadline(invoice.deadline, at=now, actor=actor)
    audit.record(
        actor=actor,
        action="billing.invoice_issue",
        instance=invoice,
        before=before,
        after=audit.snapshot(invoice),
    )
    return invoice


@transaction.atomic
def void_invoice(*, invoice: Invoice | int, reason: object, actor: Any) -> Invoice | None:
    """Void an invoice with a reason. Returns the replacement invoice requested when the
    statement is still fully paid, else None."""
    _require(actor, "billing.issue_invoice")
    invoice_id = invoice.pk if isinstance(invoice, Invoice) else invoice
    # The client first, as record_entry does, so the two never wait on each other in reverse.
    _lock_client(Invoice.objects.values_list("client_id", flat=True).get(pk=invoice_id))
    invoice = _lock_invoice(invoice_id)
    if invoice.status == Invoice.Status.VOID:
        raise ServiceError(f"发票 {invoice.number} 已作废")
    text = values.text(reason)
    if not text:
        raise InvalidFields([FieldError("reason", "作废原因", "必填")])
    if len(text) > 200:
        raise InvalidFields([FieldError("reason", "作废原因", "最多 200 个字")])
    before = audit.snapshot(invoice)
    was_pending = invoice.status == Invoice.Status.PENDING
    invoice.status = Invoice.Status.VOID
    invoice.voided_at = timezone.now()
    invoice.voided_by = actor
    invoice.void_reason = text
    invoice.save()
    if was_pending and invoice.deadline is not None:
        cancel_deadline(deadline=invoice.deadline, actor=actor)
    audit.record(
        actor=actor,
        action="billing.invoice_void",
        instance=invoice,
        before=before,
        after=audit.snapshot(invoice),
    )
    statement = invoice.statement
    if statement_paid_fen(statement.pk) == statement.total_fen:
        return _request_invoice(
            statement=statement, paid_on=invoice.paid_on, start=timezone.now(), actor=actor
        )
    return None
