"""Payroll set-up (R-PAY-1): every write of salary items, payroll settings, standing salaries,
monthly inputs (variable amounts, attendance), special additional deductions and tax-year
options. Keyword-only, atomic, audited; a refusal raises ``ServiceError``/``InvalidFields`` (or
``PermissionDenied``) and writes nothing. Values are parsed by ``payroll.forms``, the same rules
as the API and the imports.

**Months a run has left draft are frozen.** A month whose payroll run is 待审核, 已审核 or 已发放
takes no more attendance or variable amounts (the message names the run). A standing salary
applies from its month on, so it may not start on or before the month of such a run: the paid
payroll would no longer match its inputs. A salary change is a new row from its month; the
history is the table itself (re-entering the same month corrects that month's row, audited).

**Items used by a run** (a line of a non-draft run carries the item's code) can be renamed or
deactivated, never re-coded or given another kind or source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from hragency.clients.models import Client
from hragency.clients.services import ensure_serviceable
from hragency.core import audit
from hragency.core.errors import FieldError, InvalidFields, ServiceError
from hragency.core.scoping import scope_for
from hragency.domain.insurance import Period
from hragency.domain.tax import (
    BONUS_SEPARATE_LAST_YEAR,
)
from hragency.employees.models import InsuredPerson
from hragency.payroll import forms
from hragency.payroll.models import (
    BankFormat,
    MonthlyAmount,
    PayrollLine,
    PayrollRun,
    PayrollSettings,
    PersonSalary,
    SalaryItem,
    SpecialDeduction,
    TaxYearOption,
)
from hragency.payroll.queries_setup import (
    LOCKED_STATUSES,
    STANDING_SOURCES,
    may_edit_setup,
    may_enter_inputs,
)

Kind = SalaryItem.Kind
Source = SalaryItem.Source
ITEM_FIELDS = tuple(forms.ITEM_LABELS)
ATTENDANCE_FIELDS = tuple(forms.ATTENDANCE_LABELS)
SETTINGS_FIELDS = ("pay_day", "sick_leave_paid_ppm", "bank_format", "email_payslips")
TAX_FIELDS = ("low_income_rule", "first_job_in_year", "bonus_separate")
DEDUCTION_FIELDS = ["category", "amount_fen", "start_month", "end_month", "note", "source"]

# code, name, kind, source, taxable, in daily basis. Cash meal subsidies are taxable wages.
DEFAULT_ITEMS: list[tuple[str, str, str, str, bool, bool]] = [
    ("base", "基本工资", Kind.EARNING, Source.FIXED, True, True),
    ("post", "岗位津贴", Kind.EARNING, Source.FIXED, True, False),
    ("perf", "绩效工资", Kind.EARNING, Source.PERFORMANCE, True, False),
    ("overtime", "加班费", Kind.EARNING, Source.OVERTIME, True, False),
    ("meal", "餐费补贴", Kind.EARNING, Source.FIXED, True, False),
    ("bonus", "奖金", Kind.EARNING, Source.MONTHLY, True, False),
    ("absence", "缺勤扣款", Kind.DEDUCTION, Source.ABSENCE, True, False),
    ("annual_bonus", "全年一次性奖金", Kind.ANNUAL_BONUS, Source.MONTHLY, True, False),
    ("post_tax", "其他税后扣款", Kind.POST_TAX, Source.MONTHLY, True, False),
]


# --- gates --------------------------------------------------------------------------------------


def _in_scope(actor: Any, client_id: int) -> None:
    scope = scope_for(actor)
    if not (scope.all_clients or client_id in scope.client_ids):
        raise PermissionDenied("无权操作该客户的数据")


def _require_edit(actor: Any, client_id: int) -> None:
    if not may_edit_setup(actor):
        raise PermissionDenied("无权修改薪酬设置")
    _in_scope(actor, client_id)


def _require_inputs(actor: Any, client_id: int) -> None:
    if not may_enter_inputs(actor):
        raise PermissionDenied("无权录入考勤和月度变动项")
    _in_scope(actor, client_id)


def deduction_source(actor: Any, person: InsuredPerson) -> str:
    """Who is declaring for the person: the employee themself, or HR/staff for them."""
    if getattr(actor, "kind", "") == "employee":
        if not getattr(actor, "is_authenticated", False) or actor.insured_person_id != person.pk:
            raise PermissionDenied("员工只能申报本人的专项附加扣除")
        return SpecialDeduction.Source.EMPLOYEE
    if not may_enter_inputs(actor):
        raise PermissionDenied("无权录入专项附加扣除")
    _in_scope(actor, person.client_id)
    return SpecialDeduction.Source.STAFF


def _invalid(errors: list[FieldError]) -> None:
    if errors:
        raise InvalidFields(errors)


def _unknown(fields: Iterable[str], allowed: Iterable[str]) -> None:
    unknown = sorted(set(fields) - set(allowed) - {"csrfmiddlewaretoken"})
    if unknown:
        raise ServiceError(f"未知字段：{'、'.join(unknown)}")


# --- months frozen by a run ---------------------------------------------------------------------


def lock_message(run: PayrollRun) -> str:
    hint = (
        "已发放的工资不能再修改"
        if run.status == PayrollRun.Status.PAID
        else "如需修改，请先将工资表退回"
    )
    return (
        f"{run.period:%Y-%m} 的工资表 {run.number} 状态为「{run.get_status_display()}」，"
        f"不能再修改该月的考勤和变动项；{hint}"
    )


def month_lock(client_id: int, period: dt.date, *, lock: bool = False) -> PayrollRun | None:
    """The client's run of the month if it is no longer a draft (``lock``: hold the row so that
    a concurrent submit waits for this transaction)."""
    runs = PayrollRun.objects.filter(client_id=client_id, period=period)
    if lock:
        runs = runs.select_for_update()
    run = runs.first()
    return run if run is not None and run.status in LOCKED_STATUSES else None


def salary_lock(client_id: int, first: dt.date) -> PayrollRun | None:
    """The latest non-draft run of the client in or after ``first``: a standing amount from
    ``first`` would change what it computed."""
    return (
        PayrollRun.objects.filter(
            client_id=client_id, period__gte=first, status__in=LOCKED_STATUSES
        )
        .order_by("-period")
        .first()
    )


def salary_lock_message(run: PayrollRun, first: dt.date) -> str:
    after = Period.of(run.period).shifted(1)
    return (
        f"生效月份 {first:%Y-%m} 不能早于或等于工资表 {run.number}（{run.period:%Y-%m}，"
        f"{run.get_status_display()}）的所属月份：该月工资已按原定薪计算；请从 {after} 起调整"
    )


def amount_in_force(rows: Iterable[PersonSalary], first: dt.date) -> int | None:
    best: PersonSalary | None = None
    for row in rows:
        if row.effective_from <= first and (
            best is None or row.effective_from > best.effective_from
        ):
            best = row
    return best.amount_fen if best is not None else None


# --- salary items -------------------------------------------------------------------------------


@transaction.atomic
def ensure_default_items(*, actor: Any, client: Client) -> list[SalaryItem]:
    """The default items for a client that has none yet (returns those created; none if the
    client already has items)."""
    _require_edit(actor, client.pk)
    client = ensure_serviceable(client.pk)
    Client.objects.select_for_update().filter(pk=client.pk).first()
    if SalaryItem.objects.filter(client=client).exists():
        return []
    created = SalaryItem.objects.bulk_create(
        [
            SalaryItem(
                client=client,
                code=code,
                name=name,
                kind=kind,
                source=source,
                taxable=taxable,
                in_daily_basis=basis,
                order=(index + 1) * 10,
            )
            for index, (code, name, kind, source, taxable, basis) in enumerate(DEFAULT_ITEMS)
        ]
    )
    audit.record_all(
        [
            audit.entry(
                actor=actor,
                action="payroll.item_create",
                instance=item,
                after=audit.snapshot(item, list(ITEM_FIELDS)),
                extra={"default": True},
            )
            for item in created
        ]
    )
    return created


def _item_conflicts(
    client: Client, item: SalaryItem | None, clean: dict[str, Any]
) -> list[FieldError]:
    labels = forms.ITEM_LABELS
    errors: list[FieldError] = []
    others = SalaryItem.objects.filter(client=client)
    if item is not None:
        others = others.exclude(pk=item.pk)
    for field in ("code", "name"):
        taken = others.filter(**{field: clean[field]}).first()
        if taken is not None:
            errors.append(
                FieldError(field, labels[field], f"「{clean[field]}」已被项目「{taken.name}」使用")
            )
    if clean["source"] in (Source.OVERTIME, Source.ABSENCE):
        twin = others.filter(source=clean["source"]).first()
        if twin is not None:
            label = Source(clean["source"]).label
            errors.append(
                FieldError(
                    "source",
                    labels["source"],
                    f"每个客户只能有一个“{label}”项目，已有「{twin.name}」",
                )
            )
    if item is None:
        return errors
    changed = [f for f in ("code", "kind", "source") if getattr(item, f) != clean[f]]
    if changed:
        line = (
            PayrollLine.objects.filter(
                client_id=client.pk, run__status__in=LOCKED_STATUSES, items__has_key=item.code
            )
            .select_related("run")
            .first()
        )
        if line is not None:
            run = line.run
            for field in changed:
                errors.append(
                    FieldError(
                        field,
                        labels[field],
                        f"该项目已用于工资表 {run.number}（{run.period:%Y-%m}），"
                        "代码、类别和取数方式不能再修改；可以改名或停用后另建项目",
                    )
                )
            return errors
    if clean["source"] != item.source:
        leaves_standing = (
            item.source in STANDING_SOURCES and clean["source"] not in STANDING_SOURCES
        )
        if leaves_standing and PersonSalary.objects.filter(item=item).exists():
            errors.append(
                FieldError("source", labels["source"], "已有人员定薪记录，不能改为非定薪的取数方式")
            )
        if item.source == Source.MONTHLY and MonthlyAmount.objects.filter(item=item).exists():
            errors.append(
                FieldError("source", labels["source"], "已有月度录入的金额，不能改为其他取数方式")
            )
    return errors


@transaction.atomic
def save_salary_item(
    *, actor: Any, client: Client, item_id: int | None = None, **fields: Any
) -> SalaryItem:
    """Create an item, or change one (only the fields given; the rest stay)."""
    _require_edit(actor, client.pk)
    _unknown(fields, ITEM_FIELDS)
    client = ensure_serviceable(client.pk)
    item: SalaryItem | None = None
    before = None
    merged = dict(fields)
    if item_id is not None:
        item = SalaryItem.objects.select_for_update().filter(client=client, pk=item_id).first()
        if item is None:
            raise ServiceError("工资项目不存在")
        before = audit.snapshot(item, list(ITEM_FIELDS))
        merged = {**{f: getattr(item, f) for f in ITEM_FIELDS}, **fields}
    clean, errors = forms.parse_item(merged)
    _invalid(errors)
    _invalid(_item_conflicts(client, item, clean))
    target = item or SalaryItem(client=client)
    for field in ITEM_FIELDS:
        setattr(target, field, clean[field])
    target.save()
    audit.record(
        actor=actor,
        action="payroll.item_update" if item is not None else "payroll.item_create",
        instance=target,
        before=before,
        after=audit.snapshot(target, list(ITEM_FIELDS)),
    )
    return target


@transaction.atomic
def set_item_active(*, actor: Any, item: SalaryItem, active: bool) -> SalaryItem:
    _require_edit(actor, item.client_id)
    ensure_serviceable(item.client_id)
    item = SalaryItem.objects.select_for_update().get(pk=item.pk)
    if item.active == active:
        return item
    before = audit.snapshot(item, ["active"])
    item.active = active
    item.save(update_fields=["active"])
    audit.record(
        actor=actor,
        action="payroll.item_activate" if active else "payroll.item_deactivate",
        instance=item,
        before=before,
        after=audit.snapshot(item, ["active"]),
    )
    return item


def deactivate_salary_item(*, actor: Any, item: SalaryItem) -> SalaryItem:
    """Stop using an item from now on (its history and past lines stay)."""
    return set_item_active(actor=actor, item=item, active=False)


# --- payroll settings ---------------------------------------------------------------------------


@transaction.atomic
def save_payroll_settings(*, actor: Any, client: Client, **fields: Any) -> PayrollSettings:
    """Pay day, sick-leave paid ratio (percent), bank format (id or empty), e-mail payslips;
    fields not given keep their value."""
    _require_edit(actor, client.pk)
    _unknown(fields, forms.SETTINGS_LABELS)
    client = ensure_serviceable(client.pk)
    row = PayrollSettings.objects.select_for_update().filter(client=client).first()
    before = audit.snapshot(row, list(SETTINGS_FIELDS)) if row is not None else None
    row = row or PayrollSettings(client=client)
    current = {
        "pay_day": row.pay_day,
        "sick_leave_paid_pct": Decimal(row.sick_leave_paid_ppm) / 10_000,
        "bank_format": row.bank_format_id,
        "email_payslips": row.email_payslips,
    }
    clean, errors = forms.parse_settings({**current, **fields})
    bank = None
    if clean.get("bank_format"):
        bank = BankFormat.objects.filter(pk=clean["bank_format"], active=True).first()
        if bank is None:
            errors.append(
                FieldError("bank_format", forms.SETTINGS_LABELS["bank_format"], "不存在或已停用")
            )
    _invalid(errors)
    row.pay_day = clean["pay_day"]
    row.sick_leave_paid_ppm = clean["sick_leave_paid_ppm"]
    row.bank_format = bank
    row.email_payslips = clean["email_payslips"]
    row.save()
    audit.record(
        actor=actor,
        action="payroll.settings",
        instance=row,
        before=before,
        after=audit.snapshot(row, list(SETTINGS_FIELDS)),
    )
    return row


# --- standing salaries ----------------------------------------------------------------------------


def _item_error(item: SalaryItem, person: InsuredPerson, sources: tuple[str, ...]) -> str | None:
    if item.client_id != person.client_id:
        return "不是该人员所在客户的工资项目"
    if not item.active:
        return f"「{item.name}」已停用"
    if item.source not in sources:
        if sources == STANDING_SOURCES:
            return (
                f"「{item.name}」不按人员定薪（{item.get_source_display()}），"
                "只有固定项目和绩效项目可以定薪"
            )
        return f"「{item.name}」不是每月录入的项目（{item.get_source_display()}）"
    return None


@transaction.atomic
def set_person_salary(
    *, actor: Any, person: InsuredPerson, item: SalaryItem, amount: object, effective_from: object
) -> PersonSalary:
    """The person's standing amount of a fixed or performance item from a month on. Returns the
    row in force from that month (unchanged and not written when the amount is the same)."""
    _require_edit(actor, person.client_id)
    fen, first, errors = forms.parse_amount_and_month(
        amount, effective_from, month_label="生效月份"
    )
    reason = _item_error(item, person, STANDING_SOURCES)
    if reason:
        errors.insert(0, FieldError("item", "工资项目", reason))
    _invalid(errors)
    assert fen is not None and first is not None
    client = ensure_serviceable(person.client_id)
    run = salary_lock(client.pk, first)
    if run is not None:
        raise ServiceError(salary_lock_message(run, first))
    rows = list(PersonSalary.objects.select_for_update().filter(person=person, item=item))
    same = next((r for r in rows if r.effective_from == first), None)
    if same is not None:
        if same.amount_fen == fen:
            return same
        before = audit.snapshot(same, ["amount_fen"])
        same.amount_fen = fen
        same.save(update_fields=["amount_fen"])
        audit.record(
            actor=actor,
            action="payroll.salary_correct",
            instance=same,
            before=before,
            after=audit.snapshot(same, ["amount_fen"]),
            extra={"item": item.name, "month": f"{first:%Y-%m}"},
        )
        return same
    if amount_in_force(rows, first) == fen:
        return next(
            r
            for r in sorted(rows, key=lambda r: r.effective_from, reverse=True)
            if r.effective_from <= first
        )
    row = PersonSalary.objects.create(
        client=client, person=person, item=item, amount_fen=fen, effective_from=first
    )
    audit.record(
        actor=actor,
        action="payroll.salary_set",
        instance=row,
        after=audit.snapshot(row, ["item", "amount_fen", "effective_from"]),
        extra={"item": item.name, "previous_fen": amount_in_force(rows, first)},
    )
    return row


# --- tax-year options ---------------------------------------------------------------------------


@transaction.atomic
def save_tax_year_option(
    *, actor: Any, person: InsuredPerson, year: object, **fields: Any
) -> TaxYearOption:
    """The 60,000 rule, first job in the year and the bonus method for one person and year;
    fields not given keep their value."""
    _require_edit(actor, person.client_id)
    _unknown(fields, TAX_FIELDS)
    clean, errors = forms.parse_tax_option({"year": year})
    _invalid([e for e in errors if e.field == "year"])
    row = (
        TaxYearOption.objects.select_for_update().filter(person=person, year=clean["year"]).first()
    )
    before = audit.snapshot(row, list(TAX_FIELDS)) if row is not None else None
    current: dict[str, Any] = (
        {f: getattr(row, f) for f in TAX_FIELDS}
        if row is not None
        else {
            "low_income_rule": "auto",
            "first_job_in_year": False,
            "bonus_separate": clean["year"] <= BONUS_SEPARATE_LAST_YEAR,
        }
    )
    clean, errors = forms.parse_tax_option({**current, **fields, "year": clean["year"]})
    _invalid(errors)
    client = ensure_serviceable(person.client_id)
    row = row or TaxYearOption(client=client, person=person, year=clean["year"])
    for field in TAX_FIELDS:
        setattr(row, field, clean[field])
    row.save()
    audit.record(
        actor=actor,
        action="payroll.tax_option",
        instance=row,
        before=before,
        after=audit.snapshot(row, list(TAX_FIELDS)),
        extra={"year": row.year},
    )
    return row
