"""Calculating payroll runs (R-PAY-2): every input of a month → the engine → payroll lines.

Set-based like the month close: for a chunk of clients, one query per kind of input (people,
standing salaries, monthly amounts, attendance, SI/HF parts, special deductions, the previous
payroll line of the year, tax options), the Polars engine (``domain.payroll_engine``) computes
everyone at once in integer fen, and the lines are written with one ``COPY`` (PostgreSQL) after
deleting the runs' old lines. Only draft runs are (re)computed; a run that has been submitted,
approved or paid is reported and left alone.

Year-to-date figures (累计预扣法). The income, tax-free income, special (SI/HF) and other
deductions and the tax withheld so far come from the person's latest line of the year before
this month at this client. Two cumulative figures are recomputed every month instead of being
carried, so that late changes are caught up: the standard deduction (5,000 × months employed at
this client this year, from January for a first job in the year, or 60,000 under the low-income
rule) and the special additional deductions (each declared record × the months of the year it
covers within the employment, so a declaration made in June for a child since January is
deducted in June for January to June).

Ordering. A month can be calculated only when every earlier run of the client in the year is
approved or paid (the cumulative figures come from them), and not when a later month's run has
left draft.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from hragency.clients.models import Client
from hragency.core import audit
from hragency.core.bulk import copy_into, read_frame
from hragency.core.numbering import reserve_numbers
from hragency.domain.insurance import Period
from hragency.domain.money import format_cny, from_fen
from hragency.domain.payroll import ItemSource
from hragency.domain.payroll_engine import compute_payroll
from hragency.domain.tax import LOW_INCOME_DEDUCTION_FEN, STANDARD_DEDUCTION_FEN, DeductionCategory
from hragency.employees.models import InsuredPerson
from hragency.insurance.totals import clients_not_closed, person_totals
from hragency.payroll.models import (
    Attendance,
    MonthlyAmount,
    PayrollLine,
    PayrollRun,
    PayrollSettings,
    PersonSalary,
    SalaryItem,
    SpecialDeduction,
    TaxYearOption,
)

CHUNK_CLIENTS = 500
DEFAULT_SICK_PAID_PPM = PayrollSettings._meta.get_field("sick_leave_paid_ppm").default
NEGATIVE_NET_LISTED = 20
"""How many people with a negative net pay a run's warning names before it just counts."""


@dataclass
class CalcReport:
    period: Period
    runs: list[PayrollRun] = field(default_factory=list)
    people: int = 0
    skipped: list[str] = field(default_factory=list)
    """Clients whose run was not (re)computed, with the reason."""
    seconds: dict[str, float] = field(default_factory=dict)


def _in(ids: Sequence[int]) -> str:
    return ", ".join(["%s"] * len(ids))


def _month_index(column: str) -> pl.Expr:
    """Months since year 0 of an ISO date string column (as ``Period.index``)."""
    day = pl.col(column).str.slice(0, 10).str.to_date("%Y-%m-%d")
    return day.dt.year().cast(pl.Int64) * 12 + day.dt.month().cast(pl.Int64) - 1


# --- loading ------------------------------------------------------------------------------


def _people(client_ids: Sequence[int], period: Period) -> pl.DataFrame:
    """People in service in the month with anything to be paid."""
    first = period.first_day
    last = period.shifted(1).first_day - dt.timedelta(days=1)
    person = InsuredPerson._meta.db_table
    salary = PersonSalary._meta.db_table
    monthly = MonthlyAmount._meta.db_table
    sql = (
        f"SELECT p.id, p.client_id, CAST(p.hire_date AS TEXT) FROM {person} p "
        f"WHERE p.client_id IN ({_in(client_ids)}) "
        "AND (p.hire_date IS NULL OR p.hire_date <= %s) "
        "AND (p.leave_date IS NULL OR p.leave_date >= %s) "
        f"AND (EXISTS (SELECT 1 FROM {salary} s WHERE s.person_id = p.id "
        "AND s.effective_from <= %s) "
        f"OR EXISTS (SELECT 1 FROM {monthly} m WHERE m.person_id = p.id AND m.period = %s))"
    )
    return read_frame(
        sql,
        [*client_ids, last, first, first, first],
        {"person_id": pl.Int64, "client_id": pl.Int64, "hire_date": pl.String},
    )


def _items(client_ids: Sequence[int]) -> pl.DataFrame:
    rows = SalaryItem.objects.filter(client_id__in=client_ids, active=True).values_list(
        "pk", "client_id", "code", "kind", "source", "taxable", "in_daily_basis", "order"
    )
    return pl.DataFrame(
        list(rows),
        schema={
            "item_id": pl.Int64,
            "client_id": pl.Int64,
            "code": pl.String,
            "kind": pl.String,
            "source": pl.String,
            "taxable": pl.Boolean,
            "in_daily_basis": pl.Boolean,
            "order": pl.Int64,
        },
        orient="row",
    )


def _standing(client_ids: Sequence[int], period: Period) -> pl.DataFrame:
    sql = (
        f"SELECT person_id, item_id, amount_fen, CAST(effective_from AS TEXT) FROM "
        f"{PersonSalary._meta.db_table} WHERE client_id IN ({_in(client_ids)}) "
        "AND effective_from <= %s"
    )
    frame = read_frame(
        sql,
        [*client_ids, period.first_day],
        {
            "person_id": pl.Int64,
            "item_id": pl.Int64,
            "standing_fen": pl.Int64,
            "effective_from": pl.String,
        },
    )
    return (
        frame.sort("effective_from")
        .group_by("person_id", "item_id")
        .agg(pl.col("standing_fen").last())
    )


def _monthly(client_ids: Sequence[int], period: Period) -> pl.DataFrame:
    sql = (
        f"SELECT person_id, item_id, amount_fen FROM {MonthlyAmount._meta.db_table} "
        f"WHERE client_id IN ({_in(client_ids)}) AND period = %s"
    )
    return read_frame(
        sql,
        [*client_ids, period.first_day],
        {"person_id": pl.Int64, "item_id": pl.Int64, "monthly_fen": pl.Int64},
    )


_ATTENDANCE_SCHEMA = {
    "person_id": pl.Int64,
    "personal_leave_centi": pl.Int64,
    "sick_leave_centi": pl.Int64,
    "absent_centi": pl.Int64,
    "overtime_workday_centi": pl.Int64,
    "overtime_restday_centi": pl.Int64,
    "overtime_holiday_centi": pl.Int64,
    "performance_e4": pl.Int64,
}


def _attendance(client_ids: Sequence[int], period: Period) -> pl.DataFrame:
    # Decimal columns scaled to integers in SQL: SQLite keeps decimals as REAL, and a value with
    # at most 2 (4) places times 100 (10,000) rounds back to its exact integer.
    def scaled(column: str, factor: int) -> str:
        return f"CAST(ROUND({column} * {factor}) AS INTEGER)"

    sql = (
        f"SELECT person_id, {scaled('personal_leave_days', 100)}, "
        f"{scaled('sick_leave_days', 100)}, {scaled('absent_days', 100)}, "
        f"{scaled('overtime_workday_hours', 100)}, {scaled('overtime_restday_hours', 100)}, "
        f"{scaled('overtime_holiday_hours', 100)}, {scaled('performance_coefficient', 10000)} "
        f"FROM {Attendance._meta.db_table} WHERE client_id IN ({_in(client_ids)}) "
        "AND period = %s"
    )
    return read_frame(sql, [*client_ids, period.first_day], _ATTENDANCE_SCHEMA)


def _deductions(client_ids: Sequence[int], period: Period) -> pl.DataFrame:
    sql = (
        "SELECT person_id, category, amount_fen, CAST(start_month AS TEXT), "
        f"CAST(end_month AS TEXT) FROM "
        f"{SpecialDeduction._meta.db_table} WHERE client_id IN ({_in(client_ids)}) "
        "AND start_month <= %s AND (end_month IS NULL OR end_month >= %s)"
    )
    return read_frame(
        sql,
        [*client_ids, period.first_day, dt.date(period.year, 1, 1)],
        {
            "person_id": pl.Int64,
            "category": pl.String,
            "amount_fen": pl.Int64,
            "start_month": pl.String,
            "end_month": pl.String,
        },
    )


_PRIOR_SCHEMA = {
    "person_id": pl.Int64,
    "cum_income_fen": pl.Int64,
    "cum_tax_free_fen": pl.Int64,
    "cum_special_fen": pl.Int64,
    "cum_other_fen": pl.Int64,
    "cum_withheld_fen": pl.Int64,
}


def _prior(client_ids: Sequence[int], period: Period) -> pl.DataFrame:
    """Each person's latest line of the year before this month, at these clients."""
    table = PayrollLine._meta.db_table
    sql = (
        "SELECT l.person_id, l.cum_income_fen, l.cum_tax_free_fen, l.cum_special_fen, "
        f"l.cum_other_fen, l.cum_withheld_fen FROM {table} l "
        f"WHERE l.client_id IN ({_in(client_ids)}) AND l.period >= %s AND l.period < %s "
        f"AND NOT EXISTS (SELECT 1 FROM {table} n WHERE n.person_id = l.person_id "
        "AND n.period > l.period AND n.period < %s)"
    )
    jan = dt.date(period.year, 1, 1)
    first = period.first_day
    return read_frame(sql, [*client_ids, jan, first, first], _PRIOR_SCHEMA)


def _bonus_taxed_separately(client_ids: Sequence[int], period: Period) -> set[int]:
    """People whose annual bonus was already taxed separately this year (once a year only)."""
    return set(
        PayrollLine.objects.filter(
            client_id__in=client_ids,
            period__gte=dt.date(period.year, 1, 1),
            period__lt=period.first_day,
            bonus_separate=True,
            bonus_fen__gt=0,
        ).values_list("person_id", flat=True)
    )


def _low_income_last_year(client_ids: Sequence[int], period: Period) -> set[int]:
    """The 60,000 rule's automatic test: paid here in January and December of last year, and the
    year's income (December's cumulative) at most 60,000 (国家税务总局公告2020年第19号)."""
    year = period.year - 1
    december = set(
        PayrollLine.objects.filter(
            client_id__in=client_ids,
            period=dt.date(year, 12, 1),
            cum_income_fen__lte=LOW_INCOME_DEDUCTION_FEN,
        ).values_list("person_id", flat=True)
    )
    if not december:
        return set()
    return set(
        PayrollLine.objects.filter(
            client_id__in=client_ids, period=dt.date(year, 1, 1), person_id__in=december
        ).values_list("person_id", flat=True)
    )


def _options(client_ids: Sequence[int], period: Period) -> pl.DataFrame:
    rows = TaxYearOption.objects.filter(client_id__in=client_ids, year=period.year).values_list(
        "person_id", "low_income_rule", "first_job_in_year", "bonus_separate"
    )
    return pl.DataFrame(
        list(rows),
        schema={
            "person_id": pl.Int64,
            "low_income_rule": pl.String,
            "first_job_in_year": pl.Boolean,
            "option_bonus_separate": pl.Boolean,
        },
        orient="row",
    )


def _sick_paid(client_ids: Sequence[int]) -> pl.DataFrame:
    rows = PayrollSettings.objects.filter(client_id__in=client_ids).values_list(
        "client_id", "sick_leave_paid_ppm"
    )
    return pl.DataFrame(
        list(rows), schema={"client_id": pl.Int64, "sick_paid_ppm": pl.Int64}, orient="row"
    )


# --- assembling the engine's inputs -------------------------------------------------------


def _employment_start(people: pl.DataFrame, period: Period, first_job: pl.Expr) -> pl.Expr:
    """Month index from which this year's standard and additional deductions count."""
    jan = Period(period.year, 1).index
    hired = pl.when(pl.col("hire_date").is_null()).then(jan).otherwise(_month_index("hire_date"))
    return pl.when(first_job).then(jan).otherwise(pl.max_horizontal(pl.lit(jan), hired))


def _deduction_figures(deductions: pl.DataFrame, starts: pl.DataFrame, period: Period) -> Any:
    """Per person: special additional deductions through last month (``cum_additional_fen``),
    this month's (``additional_fen``) and this month's personal pension (``pension_fen``)."""
    now = period.index
    frame = (
        deductions.join(starts, on="person_id", how="inner")
        .with_columns(
            _month_index("start_month").alias("s"),
            pl.when(pl.col("end_month").is_null())
            .then(now)
            .otherwise(_month_index("end_month"))
            .alias("e"),
        )
        .with_columns(pl.max_horizontal("s", "start_index").alias("from"))
        .with_columns(
            pl.max_horizontal(pl.lit(0), pl.min_horizontal("e", pl.lit(now - 1)) - "from" + 1)
            .cast(pl.Int64)
            .alias("months_before"),
            ((pl.col("from") <= now) & (pl.col("e") >= now)).alias("active"),
        )
    )
    pension = pl.col("category") == DeductionCategory.PERSONAL_PENSION.value
    this_month = pl.when(pl.col("active")).then(pl.col("amount_fen")).otherwise(0)
    return frame.group_by("person_id").agg(
        pl.when(~pension)
        .then(pl.col("amount_fen") * pl.col("months_before"))
        .otherwise(0)
        .sum()
        .alias("cum_additional_fen"),
        pl.when(~pension).then(this_month).otherwise(0).sum().alias("additional_fen"),
        pl.when(pension).then(this_month).otherwise(0).sum().alias("pension_fen"),
    )


def _inputs(client_ids: Sequence[int], period: Period) -> tuple[pl.DataFrame, pl.DataFrame]:
    people = _people(client_ids, period)
    items = _items(client_ids)
    options = _options(client_ids, period)
    low_income_auto = _low_income_last_year(client_ids, period)
    bonus_used = _bonus_taxed_separately(client_ids, period)
    people = (
        people.join(options, on="person_id", how="left")
        .join(_sick_paid(client_ids), on="client_id", how="left")
        .join(_attendance(client_ids, period), on="person_id", how="left")
        .join(person_totals(client_ids, period.first_day), on="person_id", how="left")
        .join(_prior(client_ids, period), on="person_id", how="left")
    )
    first_job = pl.col("first_job_in_year").fill_null(False)
    people = people.with_columns(
        _employment_start(people, period, first_job).alias("start_index"),
        pl.col("sick_paid_ppm").fill_null(DEFAULT_SICK_PAID_PPM),
        pl.col("performance_e4").fill_null(10_000),
        pl.when(pl.col("low_income_rule") == "yes")
        .then(True)
        .when(pl.col("low_income_rule") == "no")
        .then(False)
        .otherwise(pl.col("person_id").is_in(list(low_income_auto)))
        .alias("low_income"),
        (
            pl.col("option_bonus_separate").fill_null(True)
            & ~pl.col("person_id").is_in(list(bonus_used))
        ).alias("bonus_separate"),
    )
    figures = _deduction_figures(
        _deductions(client_ids, period), people.select("person_id", "start_index"), period
    )
    people = people.join(figures, on="person_id", how="left").with_columns(
        (
            pl.max_horizontal(pl.lit(0), pl.lit(period.index) - pl.col("start_index"))
            * STANDARD_DEDUCTION_FEN
        ).alias("cum_standard_fen"),
        pl.lit(True).alias("standard"),
        pl.col("person_id").alias("row_id"),
    )
    zero_columns = [
        "personal_leave_centi",
        "sick_leave_centi",
        "absent_centi",
        "overtime_workday_centi",
        "overtime_restday_centi",
        "overtime_holiday_centi",
        "si_employee_fen",
        "hf_employee_fen",
        "si_employer_fen",
        "hf_employer_fen",
        "additional_fen",
        "pension_fen",
        "cum_income_fen",
        "cum_tax_free_fen",
        "cum_special_fen",
        "cum_additional_fen",
        "cum_other_fen",
        "cum_withheld_fen",
    ]
    people = people.with_columns([pl.col(c).fill_null(0) for c in zero_columns])

    standing = _standing(client_ids, period)
    monthly = _monthly(client_ids, period)
    computed_items = items.filter(
        pl.col("source").is_in([ItemSource.OVERTIME.value, ItemSource.ABSENCE.value])
    )
    computed = people.select("person_id", "client_id").join(
        computed_items.select("client_id", "item_id"), on="client_id", how="inner"
    )
    pairs = (
        pl.concat(
            [
                standing.select("person_id", "item_id"),
                monthly.select("person_id", "item_id"),
                computed.select("person_id", "item_id"),
            ]
        )
        .unique()
        .join(people.select("person_id", "client_id"), on="person_id", how="inner")
        .join(items, on=["client_id", "item_id"], how="inner")
        .join(standing, on=["person_id", "item_id"], how="left")
        .join(monthly, on=["person_id", "item_id"], how="left")
        .sort("person_id", "order", "item_id")
        .select(
            pl.col("person_id").alias("row_id"),
            "code",
            "kind",
            "source",
            "taxable",
            "in_daily_basis",
            "standing_fen",
            "monthly_fen",
        )
    )
    return people, pairs


# --- writing ------------------------------------------------------------------------------

_LINE_COLUMNS = [
    "earnings_fen",
    "deductions_fen",
    "bonus_fen",
    "bonus_separate",
    "gross_fen",
    "income_fen",
    "tax_free_fen",
    "si_employee_fen",
    "hf_employee_fen",
    "additional_fen",
    "other_fen",
    "standard",
    "low_income",
    "cum_income_fen",
    "cum_tax_free_fen",
    "cum_standard_fen",
    "cum_special_fen",
    "cum_additional_fen",
    "cum_other_fen",
    "cum_taxable_fen",
    "cum_tax_fen",
    "cum_withheld_fen",
    "rate_pct",
    "quick_fen",
    "iit_fen",
    "bonus_tax_fen",
    "post_tax_fen",
    "net_fen",
    "si_employer_fen",
    "hf_employer_fen",
]


def _line_frame(result: pl.DataFrame, people: pl.DataFrame, runs: dict[int, PayrollRun]) -> Any:
    run_ids = pl.DataFrame(
        {"client_id": list(runs), "run_id": [run.pk for run in runs.values()]},
        schema={"client_id": pl.Int64, "run_id": pl.Int64},
    )
    employer = people.select(
        pl.col("person_id").alias("row_id"), "client_id", "si_employer_fen", "hf_employer_fen"
    )
    return (
        result.join(employer, on="row_id", how="left")
        .join(run_ids, on="client_id", how="inner")
        .select(
            "run_id",
            "client_id",
            pl.col("row_id").alias("person_id"),
            pl.col("items_json").alias("items"),
            *_LINE_COLUMNS,
        )
    )


def _write_lines(frame: pl.DataFrame, period: Period, run_ids: list[int]) -> None:
    table = PayrollLine._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE run_id IN ({_in(run_ids)})", run_ids)
    copy_into(
        table,
        frame.select(
            "run_id",
            "client_id",
            "person_id",
            pl.lit(period.first_day).alias("period"),
            "items",
            *_LINE_COLUMNS,
        ),
    )


# --- runs ---------------------------------------------------------------------------------


def _blocking_runs(client_ids: Sequence[int], period: Period) -> dict[int, str]:
    """Clients whose run for ``period`` may not be computed now, with the reason."""
    reasons: dict[int, str] = {}
    same_year = PayrollRun.objects.filter(
        client_id__in=client_ids,
        period__gte=dt.date(period.year, 1, 1),
        period__lte=dt.date(period.year, 12, 1),
    ).values_list("client_id", "period", "status", "number")
    open_states = {PayrollRun.Status.DRAFT, PayrollRun.Status.REVIEW}
    for client_id, month, status, number in same_year:
        if month < period.first_day and status in open_states:
            reasons.setdefault(
                client_id, f"{month:%Y-%m} 工资表 {number} 尚未审核，累计个税须按月顺序计算"
            )
        elif month > period.first_day and status != PayrollRun.Status.DRAFT:
            reasons.setdefault(
                client_id, f"{month:%Y-%m} 工资表 {number} 已提交，不能再重算更早的月份"
            )
        elif month == period.first_day and status != PayrollRun.Status.DRAFT:
            label = PayrollRun.Status(status).label
            reasons.setdefault(client_id, f"工资表 {number} {label}，须退回草稿后才能重算")
    return reasons


def _runs_for(client_ids: Sequence[int], period: Period) -> dict[int, PayrollRun]:
    """The draft run of each client for the month, created (numbered) where missing."""
    runs = {
        run.client_id: run
        for run in PayrollRun.objects.select_for_update().filter(
            client_id__in=client_ids, period=period.first_day
        )
    }
    missing = [c for c in client_ids if c not in runs]
    if missing:
        numbers = reserve_numbers("GZ", len(missing))
        created = PayrollRun.objects.bulk_create(
            [
                PayrollRun(number=number, client_id=client_id, period=period.first_day)
                for number, client_id in zip(numbers, missing, strict=True)
            ]
        )
        if connection.vendor != "postgresql" or any(run.pk is None for run in created):
            created = list(
                PayrollRun.objects.filter(client_id__in=missing, period=period.first_day)
            )
        runs.update({run.client_id: run for run in created})
    return runs


def _negative_net_warnings(lines: pl.DataFrame) -> dict[int, list[str]]:
    """Per client, a warning naming the people whose net pay is negative."""
    negative = lines.filter(pl.col("net_fen") < 0)
    if negative.is_empty():
        return {}
    names = dict(
        InsuredPerson.objects.filter(pk__in=negative["person_id"].to_list()).values_list(
            "pk", "name"
        )
    )
    warnings = {}
    for (client_id,), group in negative.group_by("client_id"):
        listed = [
            f"{names.get(row['person_id'], row['person_id'])}"
            f"（{format_cny(from_fen(row['net_fen']))}）"
            for row in group.head(NEGATIVE_NET_LISTED).iter_rows(named=True)
        ]
        tail = f"等 {group.height} 人" if group.height > len(listed) else ""
        warnings[int(client_id)] = [f"实发工资为负：{'、'.join(listed)}{tail}，请核对扣款"]
    return warnings


@transaction.atomic
def _calculate_chunk(client_ids: list[int], period: Period, actor: Any, report: CalcReport) -> None:
    blocking = _blocking_runs(client_ids, period)
    not_closed = clients_not_closed(client_ids, period.first_day)
    for client_id in sorted(not_closed):
        blocking.setdefault(client_id, f"{period} 社保尚未月结，个人社保/公积金无法扣除；请先月结")
    names = dict(Client.objects.filter(pk__in=client_ids).values_list("pk", "name"))
    for client_id, reason in blocking.items():
        report.skipped.append(f"{names.get(client_id, client_id)}：{reason}")
    todo = [c for c in client_ids if c not in blocking]
    if not todo:
        return
    people, items = _inputs(todo, period)
    result = compute_payroll(people, items, year=period.year) if people.height else None
    runs = _runs_for(todo, period)
    now = timezone.now()
    if result is not None:
        lines = _line_frame(result, people, runs)
        _write_lines(lines, period, [run.pk for run in runs.values()])
        totals = {
            row["client_id"]: row
            for row in lines.group_by("client_id")
            .agg(
                pl.len().alias("headcount"),
                *[
                    pl.col(c).sum()
                    for c in (
                        "gross_fen",
                        "si_employee_fen",
                        "hf_employee_fen",
                        "net_fen",
                        "si_employer_fen",
                        "hf_employer_fen",
                    )
                ],
                (pl.col("iit_fen") + pl.col("bonus_tax_fen")).sum().alias("iit_fen"),
            )
            .iter_rows(named=True)
        }
        negative = _negative_net_warnings(lines)
    else:
        PayrollLine.objects.filter(run__in=list(runs.values())).delete()
        totals, negative = {}, {}
    fields = [
        "headcount",
        "gross_fen",
        "si_employee_fen",
        "hf_employee_fen",
        "iit_fen",
        "net_fen",
        "si_employer_fen",
        "hf_employer_fen",
    ]
    entries = []
    for client_id, run in runs.items():
        row = totals.get(client_id, {})
        before = audit.snapshot(run, ["headcount", "gross_fen", "net_fen", "iit_fen"])
        for name in fields:
            setattr(run, name, row.get(name, 0) or 0)
        run.warnings = list(negative.get(client_id, []))
        if not row:
            run.warnings.append("没有可计算的人员：请先为人员定薪或录入本月变动项")
        run.problems = []
        run.returned_reason = ""
        run.computed_at = now
        run.computed_by = actor if getattr(actor, "is_authenticated", False) else None
        entries.append(
            audit.entry(
                actor=actor,
                action="payroll.calculate",
                instance=run,
                before=before,
                after=audit.snapshot(run, ["headcount", "gross_fen", "net_fen", "iit_fen"]),
                client_id=client_id,
            )
        )
    PayrollRun.objects.bulk_update(
        list(runs.values()),
        [*fields, "warnings", "problems", "returned_reason", "computed_at", "computed_by"],
    )
    audit.record_all(entries)
    report.runs.extend(runs.values())
    report.people += sum(run.headcount for run in runs.values())


def calculate_payroll(
    *, period: Period, client_ids: Sequence[int], actor: Any = None
) -> CalcReport:
    """(Re)compute the draft runs of ``client_ids`` for ``period``, chunk by chunk of clients.

    Callers check permissions and scope (``services.calculate_run``, the CLI)."""
    report = CalcReport(period=period)
    ordered = sorted(set(client_ids))
    for start in range(0, len(ordered), CHUNK_CLIENTS):
        _calculate_chunk(ordered[start : start + CHUNK_CLIENTS], period, actor, report)
    return report


def items_dict(line: PayrollLine) -> dict[str, int]:
    """A line's items (code → fen), whatever the database handed back (text on some paths)."""
    value = line.items
    return json.loads(value) if isinstance(value, str) else dict(value)
