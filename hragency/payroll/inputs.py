"""The inputs of a payroll month, read set-based for a chunk of clients (``calculate``).

One query per kind of input: people in service with anything to pay, salary items, standing
salaries in force, the month's variable amounts and attendance, the employee and employer
SI/HF parts of the month close, special deductions, tax options, and each person's latest line
of the year (the year-to-date figures). Read through ``core.bulk.read_frame`` (``COPY`` on
PostgreSQL); dates come as ISO text and decimals scaled to integers in SQL, so nothing is a
float. The standard deduction and the special additional deductions are recomputed here every
month (see ``calculate``'s docstring).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import polars as pl

from hragency.core.bulk import is_postgres, read_frame
from hragency.domain.insurance import Period
from hragency.domain.payroll import ItemSource
from hragency.domain.tax import LOW_INCOME_DEDUCTION_FEN, STANDARD_DEDUCTION_FEN, DeductionCategory
from hragency.employees.models import InsuredPerson
from hragency.insurance.totals import person_totals
from hragency.payroll.models import (
    Attendance,
    MonthlyAmount,
    OpeningBalance,
    PayrollLine,
    PayrollRun,
    PayrollSettings,
    PersonSalary,
    SalaryItem,
    SpecialDeduction,
    TaxYearOption,
)

DEFAULT_SICK_PAID_PPM = PayrollSettings._meta.get_field("sick_leave_paid_ppm").default


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
    "prior_period": pl.String,
    "cum_income_fen": pl.Int64,
    "cum_tax_free_fen": pl.Int64,
    "cum_special_fen": pl.Int64,
    "cum_other_fen": pl.Int64,
    "cum_withheld_fen": pl.Int64,
    "bonus_used": pl.Int8,
}


def _lines_of_runs(runs_where: str, params: list[Any], extra: str = "") -> tuple[str, list[Any]]:
    """Lines selected through their runs: the (run, person) index, not a scan of every line."""
    line = PayrollLine._meta.db_table
    run = PayrollRun._meta.db_table
    sql = (
        "SELECT l.person_id, CAST(l.period AS TEXT), l.cum_income_fen, l.cum_tax_free_fen, "
        "l.cum_special_fen, l.cum_other_fen, l.cum_withheld_fen, "
        f"CASE WHEN l.bonus_used THEN 1 ELSE 0 END FROM {line} l "
        f"WHERE l.run_id IN (SELECT r.id FROM {run} r WHERE {runs_where}){extra}"
    )
    return sql, params


def _prior(client_ids: Sequence[int], period: Period, people: pl.Series) -> pl.DataFrame:
    """Each person's latest line of the year before this month, at these clients; for someone
    without one, their opening balance (期初累计) through an earlier month of the year.

    Most people were paid last month, so last month's runs are read first; the others' latest
    earlier line of the year (a month without pay) is looked up for them alone."""
    clients = f"r.client_id IN ({_in(client_ids)})"
    previous = period.shifted(-1)
    if previous.year != period.year:
        return pl.DataFrame(schema=_PRIOR_SCHEMA)
    last_month = read_frame(
        *_lines_of_runs(f"{clients} AND r.period = %s", [*client_ids, previous.first_day]),
        _PRIOR_SCHEMA,
    )
    missing = people.filter(~people.is_in(last_month["person_id"].implode()))
    if missing.is_empty():
        return last_month
    found = last_month
    if previous.month > 1:
        earlier_runs = f"{clients} AND r.period >= %s AND r.period < %s"
        params: list[Any] = [*client_ids, dt.date(period.year, 1, 1), previous.first_day]
        if is_postgres():
            array = "{" + ",".join(map(str, missing.to_list())) + "}"
            sql, params = _lines_of_runs(
                earlier_runs, [*params, array], " AND l.person_id = ANY(%s::bigint[])"
            )
            earlier = read_frame(sql, params, _PRIOR_SCHEMA)
        else:
            earlier = read_frame(*_lines_of_runs(earlier_runs, params), _PRIOR_SCHEMA).filter(
                pl.col("person_id").is_in(missing.implode())
            )
        latest = earlier.sort("prior_period").group_by("person_id").last()
        found = pl.concat([last_month, latest.select(last_month.columns)])
        missing = missing.filter(~missing.is_in(found["person_id"].implode()))
        if missing.is_empty():
            return found
    return pl.concat([found, _openings(client_ids, period, missing)])


def _openings(client_ids: Sequence[int], period: Period, people: pl.Series) -> pl.DataFrame:
    """Opening balances of the year through a month before this one, as prior lines."""
    rows = OpeningBalance.objects.filter(
        client_id__in=client_ids,
        year=period.year,
        through_month__lt=period.first_day,
    ).values_list(
        "person_id",
        "through_month",
        "cum_income_fen",
        "cum_tax_free_fen",
        "cum_special_fen",
        "cum_other_fen",
        "cum_withheld_fen",
        "bonus_used",
    )
    # Filtered here, not with an IN list: in a takeover's first month that is everyone.
    return pl.DataFrame(
        [(r[0], r[1].isoformat(), *r[2:7], 1 if r[7] else 0) for r in rows],
        schema=_PRIOR_SCHEMA,
        orient="row",
    ).filter(pl.col("person_id").is_in(people.implode()))


def _low_income_last_year(client_ids: Sequence[int], period: Period) -> set[int]:
    """The 60,000 rule's automatic test: paid here in January and December of last year, and the
    year's income (December's cumulative) at most 60,000 (国家税务总局公告2020年第19号)."""
    year = period.year - 1
    clients = f"r.client_id IN ({_in(client_ids)}) AND r.period = %s"
    december = read_frame(
        *_lines_of_runs(
            clients,
            [*client_ids, dt.date(year, 12, 1), LOW_INCOME_DEDUCTION_FEN],
            " AND l.cum_income_fen <= %s",
        ),
        _PRIOR_SCHEMA,
    )
    if december.is_empty():
        return set()
    january = read_frame(
        *_lines_of_runs(clients, [*client_ids, dt.date(year, 1, 1)]), _PRIOR_SCHEMA
    )
    return set(december["person_id"].to_list()) & set(january["person_id"].to_list())


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


def load_inputs(client_ids: Sequence[int], period: Period) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The engine's two frames (``payroll_engine.PEOPLE_SCHEMA`` plus ``client_id`` and the
    employer SI/HF parts; ``ITEM_SCHEMA``) for everyone to be paid at these clients."""
    people = _people(client_ids, period)
    items = _items(client_ids)
    options = _options(client_ids, period)
    low_income_auto = _low_income_last_year(client_ids, period)
    people = (
        people.join(options, on="person_id", how="left")
        .join(_sick_paid(client_ids), on="client_id", how="left")
        .join(_attendance(client_ids, period), on="person_id", how="left")
        .join(person_totals(client_ids, period.first_day), on="person_id", how="left")
        .join(_prior(client_ids, period, people["person_id"]), on="person_id", how="left")
        .with_columns((pl.col("bonus_used").fill_null(0) == 1).alias("bonus_used"))
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
        (pl.col("option_bonus_separate").fill_null(True) & ~pl.col("bonus_used")).alias(
            "bonus_separate"
        ),
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
