"""Payroll inputs that change month by month (R-PAY-1): variable amounts and attendance of a
month, and special additional deductions (专项附加扣除). Keyword-only, atomic, audited; the
gates and month locks are ``payroll.setup``'s.

A month whose run is 待审核, 已审核 or 已发放 takes no more attendance or amounts (the message
names the run). Deductions follow the rules of ``forms.check_against`` against the person's
other declarations; a declaration a non-draft run has used cannot be withdrawn, and its end
month cannot move before that run's month.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from hragency.clients.services import ensure_serviceable
from hragency.core import audit
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.domain.tax import CONTINUING_EDUCATION_CERTIFICATE_FEN, DeductionCategory
from hragency.employees.models import InsuredPerson
from hragency.payroll import forms
from hragency.payroll.models import (
    Attendance,
    MonthlyAmount,
    PayrollRun,
    SalaryItem,
    SpecialDeduction,
)
from hragency.payroll.queries_setup import LOCKED_STATUSES
from hragency.payroll.setup import (
    ATTENDANCE_FIELDS,
    DEDUCTION_FIELDS,
    _invalid,
    _item_error,
    _require_inputs,
    _unknown,
    deduction_source,
    lock_message,
    month_lock,
)

Source = SalaryItem.Source


# --- monthly inputs ----------------------------------------------------------------------------


@transaction.atomic
def set_monthly_amount(
    *, actor: Any, person: InsuredPerson, item: SalaryItem, period: object, amount: object
) -> MonthlyAmount | None:
    """A month's amount of a monthly item for a person; 0 removes it (returns None)."""
    _require_inputs(actor, person.client_id)
    fen, first, errors = forms.parse_amount_and_month(amount, period, month_label="所属月份")
    reason = _item_error(item, person, (Source.MONTHLY,))
    if reason:
        errors.insert(0, FieldError("item", "工资项目", reason))
    _invalid(errors)
    assert fen is not None and first is not None
    client = ensure_serviceable(person.client_id)
    run = month_lock(client.pk, first, lock=True)
    if run is not None:
        raise ServiceError(lock_message(run))
    row = (
        MonthlyAmount.objects.select_for_update()
        .filter(person=person, period=first, item=item)
        .first()
    )
    before = audit.snapshot(row, ["amount_fen"]) if row is not None else None
    extra = {"item": item.name, "month": f"{first:%Y-%m}"}
    if fen == 0:
        if row is not None:
            audit.record(
                actor=actor,
                action="payroll.amount_delete",
                instance=row,
                before=before,
                extra=extra,
            )
            row.delete()
        return None
    if row is not None and row.amount_fen == fen:
        return row
    row = row or MonthlyAmount(client=client, person=person, period=first, item=item)
    row.amount_fen = fen
    row.save()
    audit.record(
        actor=actor,
        action="payroll.amount_set",
        instance=row,
        before=before,
        after=audit.snapshot(row, ["amount_fen"]),
        extra=extra,
    )
    return row


@transaction.atomic
def record_attendance(
    *, actor: Any, person: InsuredPerson, period: object, **fields: Any
) -> tuple[Attendance, list[str]]:
    """The person's attendance and performance for a month (replacing what was recorded);
    returns the row and warnings (overtime beyond the legal 36 hours is accepted but flagged)."""
    _require_inputs(actor, person.client_id)
    _unknown(fields, ATTENDANCE_FIELDS)
    try:
        first = forms.month(period)
    except forms.InvalidValue as exc:
        raise InvalidFields([FieldError("period", "所属月份", str(exc))]) from None
    if first is None:
        raise InvalidFields([FieldError("period", "所属月份", "必填")])
    clean, errors, warnings = forms.parse_attendance(fields, first)
    _invalid(errors)
    client = ensure_serviceable(person.client_id)
    run = month_lock(client.pk, first, lock=True)
    if run is not None:
        raise ServiceError(lock_message(run))
    row = Attendance.objects.select_for_update().filter(person=person, period=first).first()
    before = audit.snapshot(row, list(ATTENDANCE_FIELDS)) if row is not None else None
    row = row or Attendance(client=client, person=person, period=first)
    for field in ATTENDANCE_FIELDS:
        setattr(row, field, clean[field])
    row.save()
    audit.record(
        actor=actor,
        action="payroll.attendance",
        instance=row,
        before=before,
        after=audit.snapshot(row, list(ATTENDANCE_FIELDS)),
        extra={"month": f"{first:%Y-%m}", **({"warnings": warnings} if warnings else {})},
    )
    return row, warnings


# --- special additional deductions --------------------------------------------------------------


def span_of(row: SpecialDeduction) -> forms.Span:
    return forms.Span(
        row.category,
        row.amount_fen,
        row.start_month,
        row.end_month,
        forms.describe(row.category, row.start_month, row.end_month),
        row.note,
    )


def _check_overlaps(person: InsuredPerson, new: forms.Span, *, exclude: int | None = None) -> None:
    # Serialise declarations of one person, so two concurrent ones see each other.
    InsuredPerson.objects.select_for_update().filter(pk=person.pk).first()
    rows = SpecialDeduction.objects.filter(person=person)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    found = forms.check_against(new, [span_of(r) for r in rows])
    if found is not None:
        field, reason = found
        raise InvalidFields([FieldError(field, forms.DEDUCTION_LABELS_BY_FIELD[field], reason)])


@transaction.atomic
def declare_deduction(
    *,
    actor: Any,
    person: InsuredPerson,
    category: object,
    monthly_amount: object,
    start_month: object,
    end_month: object = None,
    note: object = "",
) -> SpecialDeduction:
    """A special additional deduction declared by the employee, or entered for them."""
    source = deduction_source(actor, person)
    clean, errors = forms.parse_deduction(
        {
            "category": category,
            "monthly_amount": monthly_amount,
            "start_month": start_month,
            "end_month": end_month,
            "note": note,
        }
    )
    _invalid(errors)
    client = ensure_serviceable(person.client_id)
    new = forms.Span(
        clean["category"],
        clean["monthly_amount"],
        clean["start_month"],
        clean.get("end_month"),
        "本次申报",
        clean.get("note") or "",
    )
    _check_overlaps(person, new)
    row = SpecialDeduction.objects.create(
        client=client,
        person=person,
        category=new.category,
        amount_fen=new.amount_fen,
        start_month=new.start,
        end_month=new.end,
        note=new.note,
        source=source,
    )
    audit.record(
        actor=actor,
        action="payroll.deduction_declare",
        instance=row,
        after=audit.snapshot(row, DEDUCTION_FIELDS),
    )
    return row


def _used_by(row: SpecialDeduction, *, after: dt.date | None = None) -> PayrollRun | None:
    """The latest non-draft run of the client in the record's months (after ``after``)."""
    runs = PayrollRun.objects.filter(
        client_id=row.client_id, status__in=LOCKED_STATUSES, period__gte=row.start_month
    )
    if row.end_month is not None:
        runs = runs.filter(period__lte=row.end_month)
    if after is not None:
        runs = runs.filter(period__gt=after)
    return runs.order_by("-period").first()


@transaction.atomic
def end_deduction(
    *, actor: Any, deduction: SpecialDeduction, end_month: object
) -> SpecialDeduction:
    """Set the last month of a declaration (no longer eligible, or a new end date)."""
    person = InsuredPerson.objects.get(pk=deduction.person_id)
    deduction_source(actor, person)
    row = SpecialDeduction.objects.select_for_update().get(pk=deduction.pk)
    label = forms.DEDUCTION_LABELS_BY_FIELD["end_month"]
    try:
        last = forms.month(end_month)
    except forms.InvalidValue as exc:
        raise InvalidFields([FieldError("end_month", label, str(exc))]) from None
    if last is None:
        raise InvalidFields([FieldError("end_month", label, "必填")])
    if last < row.start_month:
        raise InvalidFields(
            [FieldError("end_month", label, f"不能早于起始月份 {row.start_month:%Y-%m}")]
        )
    if (
        row.category == DeductionCategory.CONTINUING_EDUCATION
        and row.amount_fen == CONTINUING_EDUCATION_CERTIFICATE_FEN
    ):
        raise ServiceError("职业资格继续教育是一次性扣除，无需设置截止月份")
    ensure_serviceable(row.client_id)
    run = _used_by(row, after=last)
    if run is not None:
        raise ServiceError(
            f"工资表 {run.number}（{run.period:%Y-%m}，{run.get_status_display()}）已按该扣除计算，"
            f"截止月份不能早于 {run.period:%Y-%m}"
        )
    new = forms.Span(row.category, row.amount_fen, row.start_month, last, "本记录", row.note)
    _check_overlaps(person, new, exclude=row.pk)
    before = audit.snapshot(row, ["end_month"])
    row.end_month = last
    row.save(update_fields=["end_month"])
    audit.record(
        actor=actor,
        action="payroll.deduction_end",
        instance=row,
        before=before,
        after=audit.snapshot(row, ["end_month"]),
    )
    return row


@transaction.atomic
def withdraw_deduction(*, actor: Any, deduction: SpecialDeduction) -> None:
    """Remove a declaration made in error, as long as no payroll beyond draft used it."""
    person = InsuredPerson.objects.get(pk=deduction.person_id)
    deduction_source(actor, person)
    row = SpecialDeduction.objects.select_for_update().get(pk=deduction.pk)
    ensure_serviceable(row.client_id)
    run = _used_by(row)
    if run is not None:
        raise ServiceError(
            f"该扣除已用于工资表 {run.number}（{run.period:%Y-%m}，{run.get_status_display()}），"
            "不能撤回；不再符合条件的，请设置截止月份"
        )
    audit.record(
        actor=actor,
        action="payroll.deduction_withdraw",
        instance=row,
        before=audit.snapshot(row, DEDUCTION_FIELDS),
    )
    row.delete()


# --- client timeline ------------------------------------------------------------------------------

# action → (label, visible to the client's HR users): every action of payroll set-up.
TIMELINE_LABELS: dict[str, tuple[str, bool]] = {
    "payroll.item_create": ("新增工资项目", True),
    "payroll.item_update": ("修改工资项目", True),
    "payroll.item_activate": ("启用工资项目", True),
    "payroll.item_deactivate": ("停用工资项目", True),
    "payroll.settings": ("修改发薪设置", True),
    "payroll.salary_set": ("人员定薪", True),
    "payroll.salary_correct": ("更正人员定薪", True),
    "payroll.amount_set": ("录入月度变动项", True),
    "payroll.amount_delete": ("删除月度变动项", True),
    "payroll.attendance": ("录入考勤与绩效", True),
    "payroll.deduction_declare": ("申报专项附加扣除", True),
    "payroll.deduction_end": ("专项附加扣除设置截止月份", True),
    "payroll.deduction_withdraw": ("撤回专项附加扣除", True),
    "payroll.tax_option": ("修改个税年度选项", True),
}


def register_timeline() -> None:
    """Label the set-up actions on the client timeline (call from ``PayrollConfig.ready``)."""
    from hragency.clients.timeline import register_actions

    register_actions(TIMELINE_LABELS)
