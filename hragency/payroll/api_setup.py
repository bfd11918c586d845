"""REST API of payroll set-up (R-PAY-1), mounted at /api/payroll: salary items, payroll settings,
standing salaries, monthly amounts, attendance, special additional deductions, tax-year options.

Thin: reads through ``queries_setup`` (out of scope → 404, no permission → 403), writes through
``setup`` / ``setup_inputs`` (refused → 400 with the reason and the fields)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from hragency.core.errors import ServiceError
from hragency.domain.money import from_fen
from hragency.employees.models import InsuredPerson
from hragency.payroll import forms, setup, setup_inputs
from hragency.payroll import queries_setup as q
from hragency.payroll.models import (
    Attendance,
    MonthlyAmount,
    PayrollSettings,
    PersonSalary,
    SalaryItem,
    SpecialDeduction,
    TaxYearOption,
)
from hragency.payroll.schemas_setup import (
    AmountIn,
    AmountOut,
    AttendanceIn,
    AttendanceOut,
    AttendanceSaved,
    DeductionEndIn,
    DeductionIn,
    DeductionOut,
    ItemIn,
    ItemOut,
    ItemSalaryOut,
    SalaryIn,
    SalaryOut,
    SettingsIn,
    SettingsOut,
    TaxOptionIn,
    TaxOptionOut,
)

router = Router(tags=["薪酬个税"])


def _money(fen: int) -> str:
    return str(from_fen(int(fen)))


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _month_param(raw: str) -> dt.date:
    try:
        first = forms.month(raw)
    except forms.InvalidValue as exc:
        raise ServiceError(f"月份{exc}") from None
    return first or timezone.localdate().replace(day=1)


def item_out(item: SalaryItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "client_id": item.client_id,
        "code": item.code,
        "name": item.name,
        "kind": item.kind,
        "kind_label": item.get_kind_display(),
        "source": item.source,
        "source_label": item.get_source_display(),
        "taxable": item.taxable,
        "in_daily_basis": item.in_daily_basis,
        "in_si_base": item.in_si_base,
        "order": item.order,
        "active": item.active,
    }


def settings_out(row: PayrollSettings) -> dict[str, Any]:
    return {
        "client_id": row.client_id,
        "pay_day": row.pay_day,
        "sick_leave_paid_pct": _number(Decimal(row.sick_leave_paid_ppm) / 10_000),
        "bank_format": row.bank_format_id,
        "bank_format_name": row.bank_format.name if row.bank_format is not None else "",
        "email_payslips": row.email_payslips,
        "saved": row.pk is not None,
    }


def salary_out(row: PersonSalary) -> dict[str, Any]:
    return {
        "id": row.pk,
        "person_id": row.person_id,
        "item_id": row.item_id,
        "item_code": row.item.code,
        "item_name": row.item.name,
        "amount": _money(row.amount_fen),
        "effective_from": f"{row.effective_from:%Y-%m}",
    }


def amount_out(row: MonthlyAmount) -> dict[str, Any]:
    return {
        "id": row.pk,
        "person_id": row.person_id,
        "person_name": row.person.name,
        "month": f"{row.period:%Y-%m}",
        "item_id": row.item_id,
        "item_code": row.item.code,
        "item_name": row.item.name,
        "amount": _money(row.amount_fen),
    }


def attendance_out(row: Attendance) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": row.pk,
        "person_id": row.person_id,
        "person_name": row.person.name,
        "month": f"{row.period:%Y-%m}",
        "note": row.note,
    }
    for field in (*forms.DAY_FIELDS, *forms.HOUR_FIELDS, "performance_coefficient"):
        out[field] = _number(Decimal(getattr(row, field)))
    return out


def deduction_out(row: SpecialDeduction) -> dict[str, Any]:
    return {
        "id": row.pk,
        "person_id": row.person_id,
        "category": row.category,
        "category_label": row.get_category_display(),
        "monthly_amount": _money(row.amount_fen),
        "start_month": f"{row.start_month:%Y-%m}",
        "end_month": f"{row.end_month:%Y-%m}" if row.end_month else None,
        "note": row.note,
        "source": row.source,
        "source_label": row.get_source_display(),
        "created_at": row.created_at,
    }


def option_out(row: TaxYearOption) -> dict[str, Any]:
    return {
        "person_id": row.person_id,
        "year": row.year,
        "low_income_rule": row.low_income_rule,
        "low_income_rule_label": row.get_low_income_rule_display(),
        "first_job_in_year": row.first_job_in_year,
        "bonus_separate": row.bonus_separate,
        "saved": row.pk is not None,
    }


def _item_of(request: HttpRequest, person: InsuredPerson, ref: int | str) -> SalaryItem:
    """The person's client's item by id, code or name (400 if there is none)."""
    items = q.items_of(request.user, person.client)
    text = str(ref).strip()
    item = items.filter(pk=int(text)).first() if text.isdigit() else None
    item = item or items.filter(code=text).first() or items.filter(name=text).first()
    if item is None:
        raise ServiceError(f"本单位没有工资项目「{text}」")
    return item


# ---- items and settings ----------------------------------------------------------------------


@router.get("/clients/{client_id}/items", response=list[ItemOut], summary="客户的工资项目")
def list_items(request: HttpRequest, client_id: int) -> list[dict[str, Any]]:
    client = q.setup_client_for(request.user, client_id)
    return [item_out(i) for i in q.items_of(request.user, client)]


@router.post("/clients/{client_id}/items", response={201: ItemOut}, summary="添加工资项目")
def create_item(request: HttpRequest, client_id: int, payload: ItemIn) -> Status[dict[str, Any]]:
    client = q.setup_client_for(request.user, client_id)
    fields = payload.dict(exclude_unset=True)
    item = setup.save_salary_item(actor=request.user, client=client, **fields)
    return Status(201, item_out(item))


@router.post(
    "/clients/{client_id}/items/defaults", response=list[ItemOut], summary="创建默认工资项目"
)
def create_default_items(request: HttpRequest, client_id: int) -> list[dict[str, Any]]:
    client = q.setup_client_for(request.user, client_id)
    return [item_out(i) for i in setup.ensure_default_items(actor=request.user, client=client)]


@router.get("/items/{item_id}", response=ItemOut, summary="工资项目详情")
def get_item(request: HttpRequest, item_id: int) -> dict[str, Any]:
    return item_out(q.item_for(request.user, item_id))


@router.put("/items/{item_id}", response=ItemOut, summary="修改工资项目（只改提交的字段）")
def update_item(request: HttpRequest, item_id: int, payload: ItemIn) -> dict[str, Any]:
    item = q.item_for(request.user, item_id)
    fields = payload.dict(exclude_unset=True)
    saved = setup.save_salary_item(
        actor=request.user, client=item.client, item_id=item.pk, **fields
    )
    return item_out(saved)


@router.get("/clients/{client_id}/settings", response=SettingsOut, summary="发薪设置")
def get_settings(request: HttpRequest, client_id: int) -> dict[str, Any]:
    client = q.setup_client_for(request.user, client_id)
    return settings_out(q.settings_of(request.user, client))


@router.put("/clients/{client_id}/settings", response=SettingsOut, summary="保存发薪设置")
def put_settings(request: HttpRequest, client_id: int, payload: SettingsIn) -> dict[str, Any]:
    client = q.setup_client_for(request.user, client_id)
    setup.save_payroll_settings(
        actor=request.user, client=client, **payload.dict(exclude_unset=True)
    )
    return settings_out(q.settings_of(request.user, client))


# ---- standing salaries ------------------------------------------------------------------------


@router.get("/people/{person_id}/salaries", response=list[ItemSalaryOut], summary="人员定薪及历史")
def list_salaries(request: HttpRequest, person_id: int) -> list[dict[str, Any]]:
    person = q.payroll_person_for(request.user, person_id)
    return [
        {
            "item_id": s.item.pk,
            "item_code": s.item.code,
            "item_name": s.item.name,
            "current": salary_out(s.current) if s.current is not None else None,
            "history": [salary_out(h) for h in s.history],
        }
        for s in q.salary_table(request.user, person)
    ]


@router.post("/people/{person_id}/salaries", response=SalaryOut, summary="设置定薪（自某月起）")
def set_salary(request: HttpRequest, person_id: int, payload: SalaryIn) -> dict[str, Any]:
    person = q.payroll_person_for(request.user, person_id)
    item = _item_of(request, person, payload.item)
    row = setup.set_person_salary(
        actor=request.user,
        person=person,
        item=item,
        amount=payload.amount,
        effective_from=payload.effective_from,
    )
    return salary_out(row)


# ---- monthly amounts and attendance -------------------------------------------------------------


@router.get("/clients/{client_id}/amounts", response=list[AmountOut], summary="某月的月度变动项")
def list_amounts(request: HttpRequest, client_id: int, month: str = "") -> list[dict[str, Any]]:
    client = q.setup_client_for(request.user, client_id)
    return [amount_out(a) for a in q.month_amounts(request.user, client, _month_param(month))]


@router.post(
    "/people/{person_id}/amounts",
    response={200: AmountOut, 204: None},
    summary="录入月度变动项（金额为 0 删除）",
)
def set_amount(request: HttpRequest, person_id: int, payload: AmountIn) -> Any:
    person = q.payroll_person_for(request.user, person_id)
    item = _item_of(request, person, payload.item)
    row = setup_inputs.set_monthly_amount(
        actor=request.user, person=person, item=item, period=payload.month, amount=payload.amount
    )
    if row is None:
        return Status(204, None)
    return amount_out(MonthlyAmount.objects.select_related("person", "item").get(pk=row.pk))


@router.get(
    "/clients/{client_id}/attendance", response=list[AttendanceOut], summary="某月的考勤与绩效"
)
def list_attendance(request: HttpRequest, client_id: int, month: str = "") -> list[dict[str, Any]]:
    client = q.setup_client_for(request.user, client_id)
    return [
        attendance_out(a) for a in q.month_attendance(request.user, client, _month_param(month))
    ]


@router.post(
    "/people/{person_id}/attendance",
    response=AttendanceSaved,
    summary="录入考勤与绩效（加班超过每月36小时会提示）",
)
def set_attendance(request: HttpRequest, person_id: int, payload: AttendanceIn) -> dict[str, Any]:
    person = q.payroll_person_for(request.user, person_id)
    fields = payload.dict(exclude_unset=True)
    month = fields.pop("month", None)
    row, warnings = setup_inputs.record_attendance(
        actor=request.user, person=person, period=month, **fields
    )
    row.person = person
    return {"attendance": attendance_out(row), "warnings": warnings}


# ---- special additional deductions --------------------------------------------------------------


@router.get("/people/{person_id}/deductions", response=list[DeductionOut], summary="专项附加扣除")
def list_deductions(request: HttpRequest, person_id: int) -> list[dict[str, Any]]:
    person = q.deduction_person_for(request.user, person_id)
    return [deduction_out(d) for d in q.deductions_of(request.user, person)]


@router.post(
    "/people/{person_id}/deductions",
    response={201: DeductionOut},
    summary="申报专项附加扣除（员工本人或代为录入）",
)
def declare(request: HttpRequest, person_id: int, payload: DeductionIn) -> Status[dict[str, Any]]:
    person = q.deduction_person_for(request.user, person_id)
    row = setup_inputs.declare_deduction(actor=request.user, person=person, **payload.dict())
    return Status(201, deduction_out(row))


@router.post(
    "/deductions/{deduction_id}/end", response=DeductionOut, summary="设置专项附加扣除截止月份"
)
def end(request: HttpRequest, deduction_id: int, payload: DeductionEndIn) -> dict[str, Any]:
    row = q.deduction_for(request.user, deduction_id)
    saved = setup_inputs.end_deduction(
        actor=request.user, deduction=row, end_month=payload.end_month
    )
    return deduction_out(saved)


@router.delete("/deductions/{deduction_id}", response={204: None}, summary="撤回专项附加扣除")
def withdraw(request: HttpRequest, deduction_id: int) -> Status[None]:
    row = q.deduction_for(request.user, deduction_id)
    setup_inputs.withdraw_deduction(actor=request.user, deduction=row)
    return Status(204, None)


# ---- tax-year options --------------------------------------------------------------------------


@router.get("/people/{person_id}/tax-options", response=TaxOptionOut, summary="个税年度选项")
def get_tax_options(request: HttpRequest, person_id: int, year: int = 0) -> dict[str, Any]:
    person = q.payroll_person_for(request.user, person_id)
    year = year or timezone.localdate().year
    if not 2019 <= year <= 2100:
        raise ServiceError("纳税年度应在 2019 到 2100 之间")
    return option_out(q.tax_option_of(request.user, person, year))


@router.put("/people/{person_id}/tax-options", response=TaxOptionOut, summary="保存个税年度选项")
def put_tax_options(request: HttpRequest, person_id: int, payload: TaxOptionIn) -> dict[str, Any]:
    person = q.payroll_person_for(request.user, person_id)
    fields = payload.dict(exclude_unset=True)
    year = fields.pop("year", None)
    row = setup.save_tax_year_option(actor=request.user, person=person, year=year, **fields)
    return option_out(row)
