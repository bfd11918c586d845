"""API shapes of payroll set-up (R-PAY-1). Money goes out as decimal strings ("1234.56") and
comes in as a string or an integer; days, hours and coefficients likewise. Inputs are loose on
purpose: every value goes through ``payroll.forms`` so the API refuses the same things as the
screens and the imports, with the same Chinese reasons (400 with ``detail`` and ``errors``)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

Loose = str | int | float | bool | None


class ItemIn(Schema):
    code: Loose = None
    name: Loose = None
    kind: Loose = None
    source: Loose = None
    taxable: Loose = None
    in_daily_basis: Loose = None
    in_si_base: Loose = None
    order: Loose = None
    active: Loose = None


class ItemOut(Schema):
    id: int
    client_id: int
    code: str
    name: str
    kind: str
    kind_label: str
    source: str
    source_label: str
    taxable: bool
    in_daily_basis: bool
    in_si_base: bool
    order: int
    active: bool


class SettingsIn(Schema):
    pay_day: Loose = None
    sick_leave_paid_pct: Loose = None
    bank_format: Loose = None
    email_payslips: Loose = None


class SettingsOut(Schema):
    client_id: int
    pay_day: int
    sick_leave_paid_pct: str
    bank_format: int | None
    bank_format_name: str
    email_payslips: bool
    saved: bool


class SalaryIn(Schema):
    item: int | str
    amount: Loose = None
    effective_from: Loose = None


class SalaryOut(Schema):
    id: int
    person_id: int
    item_id: int
    item_code: str
    item_name: str
    amount: str
    effective_from: str


class ItemSalaryOut(Schema):
    item_id: int
    item_code: str
    item_name: str
    current: SalaryOut | None
    history: list[SalaryOut]


class AmountIn(Schema):
    item: int | str
    month: Loose = None
    amount: Loose = None


class AmountOut(Schema):
    id: int
    person_id: int
    person_name: str
    month: str
    item_id: int
    item_code: str
    item_name: str
    amount: str


class AttendanceIn(Schema):
    month: Loose = None
    personal_leave_days: Loose = None
    sick_leave_days: Loose = None
    absent_days: Loose = None
    overtime_workday_hours: Loose = None
    overtime_restday_hours: Loose = None
    overtime_holiday_hours: Loose = None
    performance_coefficient: Loose = None
    note: Loose = None


class AttendanceOut(Schema):
    id: int
    person_id: int
    person_name: str
    month: str
    personal_leave_days: str
    sick_leave_days: str
    absent_days: str
    overtime_workday_hours: str
    overtime_restday_hours: str
    overtime_holiday_hours: str
    performance_coefficient: str
    note: str


class AttendanceSaved(Schema):
    attendance: AttendanceOut
    warnings: list[str]


class DeductionIn(Schema):
    category: Loose = None
    monthly_amount: Loose = None
    start_month: Loose = None
    end_month: Loose = None
    note: Loose = None


class DeductionEndIn(Schema):
    end_month: Loose = None


class DeductionOut(Schema):
    id: int
    person_id: int
    category: str
    category_label: str
    monthly_amount: str
    start_month: str
    end_month: str | None
    note: str
    source: str
    source_label: str
    created_at: dt.datetime | None


class TaxOptionIn(Schema):
    year: Loose = None
    low_income_rule: Loose = None
    first_job_in_year: Loose = None
    bonus_separate: Loose = None


class TaxOptionOut(Schema):
    person_id: int
    year: int
    low_income_rule: str
    low_income_rule_label: str
    first_job_in_year: bool
    bonus_separate: bool
    saved: bool
