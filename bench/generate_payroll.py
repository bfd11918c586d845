"""Payroll benchmark data on its own PostgreSQL database (default ``bench_payroll``).

First the month-close data of ``bench/generate_si.py`` (its ``generate``: 10,000 clients,
1,000,000 insured persons with their enrollments, same seed), then every payroll input, written
with ``COPY`` (the big tables without their secondary indexes and constraints, rebuilt after):

- hire and leave dates: 80 % hired in 2026-10 (the agency took their payroll over that month),
  5 % in 2026-11 (paid in November only), 12 % before 2026 and 3 % in 2026-02…09 (standard
  deduction from January or the hire month); 1 % leave in 2026-10 (October only);
- per client the items of ``tests/payroll_support.make_items`` (base in the daily basis, post
  allowance, performance, overtime, tax-free meal subsidy, bonus, absence, annual bonus,
  annuity as an other deductible item, post-tax deduction), and for 30 % of the clients
  payroll settings with a sick-pay ratio of 70, 80 or 100 % (others: the default 60 %);
- per person standing salaries: base 3,000–40,000 yuan (about 70 % of the insured wage) for
  everyone, post allowance 60 %, performance base 70 %, meal subsidy 80 %; 30 % of those hired
  before 2026 have an older base row (2025-01), 10 % a raise from 2026-11, 2 % a future row
  from 2026-12 (not yet in force);
- per month (2026-10 and 2026-11): bonus for 20 %, annual bonus for 2 %, annuity for 10 %,
  post-tax deduction for 5 %; attendance for 30 % (leave and absence days, overtime hours on
  working days, rest days and holidays, performance coefficient 0.6–1.5);
- special additional deductions for 40 % (children's education 2,000 from 2026-01, rent
  1,500/1,100/800 or loan interest 1,000, elderly support 3,000 or a share, infant care,
  continuing education, personal pension; some ended in 2026-06, some from 2026-11);
- tax-year options for 2 % (low-income rule yes/no, first job in the year, annual bonus with
  the wages);

then runs the month close for 2026-10 and 2026-11 (``billing.close.close_month``), whose
contributions give the payroll its employee SI/HF parts. Everything is seeded. A
``bench_payroll_generated`` table records the parameters.

    python bench/generate_payroll.py [--force] [--people N] [--clients N] [--database NAME]

Without ``--force`` an up-to-date database is left as it is. The server is the one of
``DATABASE_URL`` when that is a PostgreSQL URL, else ``postgres://postgres@127.0.0.1:5432``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import generate_si  # noqa: E402

DEFAULT_DATABASE = os.environ.get("BENCH_PAYROLL_DB", "bench_payroll")
PEOPLE = generate_si.PEOPLE
CLIENTS = generate_si.CLIENTS
SEED = 2611
VERSION = 1
MARKER = "bench_payroll_generated"
OCT = dt.date(2026, 10, 1)
NOV = dt.date(2026, 11, 1)
MONTHS = (OCT, NOV)

# The items of tests/payroll_support.make_items, in order: code, name, kind, source, taxable,
# in the daily basis. Item ids are (client − 1) × 10 + position + 1.
ITEMS = [
    ("base", "基本工资", "earning", "fixed", True, True),
    ("post", "岗位津贴", "earning", "fixed", True, False),
    ("perf", "绩效工资", "earning", "performance", True, False),
    ("overtime", "加班费", "earning", "overtime", True, False),
    ("meal", "餐费补贴", "earning", "fixed", False, False),
    ("bonus", "奖金", "earning", "monthly", True, False),
    ("absence", "缺勤扣款", "deduction", "absence", True, False),
    ("annual_bonus", "全年一次性奖金", "annual_bonus", "monthly", True, False),
    ("annuity", "企业年金个人部分", "other_deductible", "monthly", True, False),
    ("post_tax", "其他税后扣款", "post_tax", "monthly", True, False),
]
POSITION = {code: i for i, (code, *_) in enumerate(ITEMS)}


def item_id(client_id: int, code: str) -> int:
    return (client_id - 1) * len(ITEMS) + POSITION[code] + 1


# --- where ------------------------------------------------------------------------------------


def generated_marker(name: str) -> dict[str, object] | None:
    """The ``bench_payroll_generated`` row of database ``name``, or None without complete data."""
    import psycopg

    url = generate_si.libpq(generate_si.database_url(name))
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            row = conn.execute(
                f"SELECT params FROM {MARKER} ORDER BY generated_at DESC LIMIT 1"
            ).fetchone()
    except psycopg.Error:
        return None
    return None if row is None else dict(row[0])


def is_current(marker: dict[str, object] | None, *, people: int, clients: int) -> bool:
    return (
        marker is not None
        and marker.get("version") == VERSION
        and marker.get("si_version") == generate_si.VERSION
        and marker.get("people") == people
        and marker.get("clients") == clients
    )


def drop_database(name: str) -> None:
    import psycopg

    admin = generate_si.libpq(generate_si.database_url("postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- the data -----------------------------------------------------------------------------------


def decimal_text(value: int, places: int) -> str:
    """``value`` hundredths (ten-thousandths) as a decimal literal: 150, 2 → ``1.50``."""
    scale = 10**places
    return f"{value // scale}.{value % scale:0{places}d}"


def generate(name: str, *, people: int, clients: int, seed: int = SEED) -> dict[str, object]:
    import psycopg

    started = time.perf_counter()
    rng = random.Random(seed)
    # Hire and leave dates, written with the insured persons (ids 1…people).
    hires: list[dt.date] = []
    leaves: list[dt.date | None] = []
    for _ in range(people):
        r = rng.random()
        if r < 0.80:
            hire = dt.date(2026, 10, rng.randint(1, 31))
        elif r < 0.85:
            hire = dt.date(2026, 11, rng.randint(1, 30))
        elif r < 0.97:
            hire = dt.date(rng.randrange(2012, 2026), rng.randint(1, 12), rng.randint(1, 28))
        else:
            hire = dt.date(2026, rng.randint(2, 9), rng.randint(1, 28))
        leave = None
        if hire < NOV and rng.random() < 0.01:
            leave = max(hire, dt.date(2026, 10, rng.randint(20, 31)))
        hires.append(hire)
        leaves.append(leave)
    si = generate_si.generate(
        name,
        people=people,
        clients=clients,
        person_columns={
            "hire_date": pl.Series(hires, dtype=pl.Date),
            "leave_date": pl.Series(leaves, dtype=pl.Date),
        },
    )
    # generate_si has set up Django on the database.
    from django.db import connection

    from hragency.billing.close import close_month
    from hragency.core.bulk import read_frame
    from hragency.domain.insurance import Period
    from hragency.employees.models import InsuredPerson
    from hragency.payroll.models import (
        Attendance,
        MonthlyAmount,
        PayrollSettings,
        PersonSalary,
        SalaryItem,
        SpecialDeduction,
        TaxYearOption,
    )

    clock = time.perf_counter()

    def step(label: str, since: float) -> float:
        now = time.perf_counter()
        print(f"  {label:<28} {now - since:6.1f} s", flush=True)
        return now

    now = dt.datetime.now(dt.UTC).isoformat()
    person_table = InsuredPerson._meta.db_table
    persons = read_frame(
        f"SELECT id, client_id, CAST(salary * 100 AS BIGINT) FROM {person_table} ORDER BY id",
        [],
        {"id": pl.Int64, "client_id": pl.Int64, "wage_fen": pl.Int64},
    )
    ids = persons["id"].to_list()
    owners = persons["client_id"].to_list()
    wages = persons["wage_fen"].to_list()
    del persons
    assert ids == list(range(1, people + 1))  # the hire dates went in in this order

    # Items and settings.
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor

        def item_rows() -> Iterator[list[object]]:
            for cid in range(1, clients + 1):
                for order, (code, label, kind, source, taxable, basis) in enumerate(ITEMS):
                    yield [
                        item_id(cid, code),
                        cid,
                        code,
                        label,
                        kind,
                        source,
                        taxable,
                        basis,
                        True,
                        order,
                        True,
                    ]

        items = generate_si.copy_rows(
            cursor,
            SalaryItem._meta.db_table,
            [
                "id",
                "client_id",
                "code",
                "name",
                "kind",
                "source",
                "taxable",
                "in_daily_basis",
                "in_si_base",
                '"order"',
                "active",
            ],
            item_rows(),
        )
        table = SalaryItem._meta.db_table
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
        )

        def settings_rows() -> Iterator[list[object]]:
            for cid in range(1, clients + 1):
                if rng.random() < 0.30:
                    yield [cid, 15, rng.choice([700_000, 800_000, 1_000_000]), None, True]

        settings = generate_si.copy_rows(
            cursor,
            PayrollSettings._meta.db_table,
            ["client_id", "pay_day", "sick_leave_paid_ppm", "bank_format_id", "email_payslips"],
            settings_rows(),
        )
    clock = step(f"{items:,} items, {settings:,} settings", clock)

    # Standing salaries.
    s_person: list[int] = []
    s_client: list[int] = []
    s_item: list[int] = []
    s_amount: list[int] = []
    s_from: list[dt.date] = []

    def salary(pid: int, cid: int, code: str, amount: int, since: dt.date) -> None:
        s_person.append(pid)
        s_client.append(cid)
        s_item.append(item_id(cid, code))
        s_amount.append(amount)
        s_from.append(since)

    for pid, cid, wage, hire in zip(ids, owners, wages, hires, strict=True):
        base = min(4_000_000, max(300_000, wage * 7 // 10 // 10_000 * 10_000))
        since = dt.date(2026, hire.month, 1) if hire.year == 2026 else dt.date(2026, 1, 1)
        salary(pid, cid, "base", base, since)
        if hire.year < 2026 and rng.random() < 0.30:
            salary(pid, cid, "base", base * 95 // 100 // 100 * 100, dt.date(2025, 1, 1))
        if since < NOV and rng.random() < 0.10:
            salary(pid, cid, "base", base * rng.randint(105, 115) // 100 // 100 * 100, NOV)
        if rng.random() < 0.02:
            salary(pid, cid, "base", base * 110 // 100 // 100 * 100, dt.date(2026, 12, 1))
        if rng.random() < 0.60:
            salary(pid, cid, "post", rng.randrange(5, 31) * 10_000, since)
        if rng.random() < 0.70:
            salary(pid, cid, "perf", base * rng.randint(10, 30) // 100 // 100 * 100, since)
        if rng.random() < 0.80:
            salary(pid, cid, "meal", rng.randrange(6, 17) * 5_000, since)
    salaries = pl.DataFrame(
        {
            "client_id": s_client,
            "person_id": s_person,
            "item_id": s_item,
            "amount_fen": s_amount,
            "effective_from": s_from,
        },
        schema={
            "client_id": pl.Int64,
            "person_id": pl.Int64,
            "item_id": pl.Int64,
            "amount_fen": pl.Int64,
            "effective_from": pl.Date,
        },
    ).with_columns(pl.lit(now).alias("created_at"))
    clock = step(f"{salaries.height:,} salaries built", clock)
    with (
        connection.cursor() as django_cursor,
        generate_si.bulk_load(django_cursor.cursor, PersonSalary),
    ):
        generate_si.copy_frame(django_cursor.cursor, PersonSalary._meta.db_table, salaries)
    clock = step(f"{salaries.height:,} standing salaries", clock)
    del salaries

    # Monthly amounts and attendance, October and November.
    m_cols: dict[str, list[object]] = {
        k: [] for k in ("client_id", "person_id", "period", "item_id", "amount_fen")
    }
    a_cols: dict[str, list[object]] = {
        k: []
        for k in (
            "client_id",
            "person_id",
            "period",
            "personal_leave_days",
            "sick_leave_days",
            "absent_days",
            "overtime_workday_hours",
            "overtime_restday_hours",
            "overtime_holiday_hours",
            "performance_coefficient",
        )
    }
    monthly_share = (
        ("bonus", 0.20, lambda: rng.randrange(5, 101) * 10_000),
        ("annual_bonus", 0.02, lambda: rng.randrange(100, 2001) * 10_000),
        ("annuity", 0.10, lambda: rng.randrange(10, 81) * 1_000),
        ("post_tax", 0.05, lambda: rng.randrange(50, 501) * 100),
    )
    for period in MONTHS:
        holiday = 0.20 if period == OCT else 0.02
        for pid, cid in zip(ids, owners, strict=True):
            for code, share, amount in monthly_share:
                if rng.random() < share:
                    m_cols["client_id"].append(cid)
                    m_cols["person_id"].append(pid)
                    m_cols["period"].append(period)
                    m_cols["item_id"].append(item_id(cid, code))
                    m_cols["amount_fen"].append(amount())
            if rng.random() >= 0.30:
                continue
            values = (
                rng.choice([50, 100, 150, 200, 300]) if rng.random() < 0.35 else 0,
                rng.randrange(100, 501, 50) if rng.random() < 0.15 else 0,
                rng.choice([50, 100]) if rng.random() < 0.03 else 0,
                rng.randrange(0, 4001, 50) if rng.random() < 0.50 else 0,
                rng.randrange(0, 1601, 50) if rng.random() < 0.25 else 0,
                rng.randrange(0, 2401, 100) if rng.random() < holiday else 0,
            )
            a_cols["client_id"].append(cid)
            a_cols["person_id"].append(pid)
            a_cols["period"].append(period)
            for column, value in zip(list(a_cols)[3:9], values, strict=True):
                a_cols[column].append(decimal_text(value, 2))
            e4 = rng.randrange(6_000, 15_001) if rng.random() < 0.60 else 10_000
            a_cols["performance_coefficient"].append(decimal_text(e4, 4))
    monthly = pl.DataFrame(
        m_cols,
        schema={
            "client_id": pl.Int64,
            "person_id": pl.Int64,
            "period": pl.Date,
            "item_id": pl.Int64,
            "amount_fen": pl.Int64,
        },
    )
    attendance = pl.DataFrame(
        a_cols,
        schema={
            "client_id": pl.Int64,
            "person_id": pl.Int64,
            "period": pl.Date,
            **{c: pl.String for c in list(a_cols)[3:]},
        },
    ).with_columns(pl.lit("").alias("note"))
    del m_cols, a_cols
    clock = step("monthly, attendance built", clock)
    with (
        connection.cursor() as django_cursor,
        generate_si.bulk_load(django_cursor.cursor, MonthlyAmount),
    ):
        generate_si.copy_frame(django_cursor.cursor, MonthlyAmount._meta.db_table, monthly)
    with (
        connection.cursor() as django_cursor,
        generate_si.bulk_load(django_cursor.cursor, Attendance),
    ):
        generate_si.copy_frame(django_cursor.cursor, Attendance._meta.db_table, attendance)
    clock = step(f"{monthly.height:,} monthly, {attendance.height:,} attendance", clock)
    monthly_rows, attendance_rows = monthly.height, attendance.height
    del monthly, attendance

    # Special additional deductions and tax-year options.
    d_cols: dict[str, list[object]] = {
        k: [] for k in ("client_id", "person_id", "category", "amount_fen", "start_month")
    }
    d_end: list[dt.date | None] = []
    jan = dt.date(2026, 1, 1)

    def declare(
        pid: int, cid: int, category: str, amount: int, start: dt.date, end: dt.date | None = None
    ) -> None:
        r = rng.random()
        if end is None and r < 0.05 and start <= dt.date(2026, 6, 1):
            end = dt.date(2026, 6, 1)  # ended (moved out, child graduated …)
        elif end is None and r > 0.95:
            start = max(start, NOV)  # declared from this month
        d_cols["client_id"].append(cid)
        d_cols["person_id"].append(pid)
        d_cols["category"].append(category)
        d_cols["amount_fen"].append(amount)
        d_cols["start_month"].append(start)
        d_end.append(end)

    o_cols: dict[str, list[object]] = {
        k: []
        for k in (
            "client_id",
            "person_id",
            "low_income_rule",
            "first_job_in_year",
            "bonus_separate",
        )
    }
    for pid, cid in zip(ids, owners, strict=True):
        if rng.random() < 0.02:
            r = rng.random()
            o_cols["client_id"].append(cid)
            o_cols["person_id"].append(pid)
            o_cols["low_income_rule"].append("yes" if r < 0.25 else "no" if r < 0.40 else "auto")
            o_cols["first_job_in_year"].append(rng.random() < 0.30)
            o_cols["bonus_separate"].append(rng.random() >= 0.30)
        if rng.random() >= 0.40:
            continue
        if rng.random() < 0.50:
            amount = 200_000 if rng.random() < 0.80 else 100_000
            for _ in range(1 if rng.random() < 0.70 else 2):
                declare(pid, cid, "children_education", amount, jan)
        r = rng.random()
        if r < 0.25:
            declare(pid, cid, "housing_rent", rng.choice([150_000, 110_000, 80_000]), jan)
        elif r < 0.40:
            declare(pid, cid, "housing_loan", 100_000, jan)
        if rng.random() < 0.35:
            share = 300_000 if rng.random() < 0.50 else rng.randrange(50, 151) * 1_000
            declare(pid, cid, "elderly_support", share, jan)
        if rng.random() < 0.10:
            declare(pid, cid, "infant_care", 200_000, dt.date(2026, rng.randint(1, 11), 1))
        r = rng.random()
        if r < 0.04:
            declare(
                pid, cid, "continuing_education", 40_000, dt.date(2026, 9, 1), dt.date(2027, 6, 1)
            )
        elif r < 0.05:
            month = rng.choice(MONTHS)
            declare(pid, cid, "continuing_education", 360_000, month, month)
        if rng.random() < 0.05:
            declare(pid, cid, "personal_pension", 100_000, jan)
    deductions = pl.DataFrame(
        {**d_cols, "end_month": d_end},
        schema={
            "client_id": pl.Int64,
            "person_id": pl.Int64,
            "category": pl.String,
            "amount_fen": pl.Int64,
            "start_month": pl.Date,
            "end_month": pl.Date,
        },
    ).with_columns(
        pl.lit("").alias("note"),
        pl.lit("employee").alias("source"),
        pl.lit(now).alias("created_at"),
    )
    options = pl.DataFrame(
        o_cols,
        schema={
            "client_id": pl.Int64,
            "person_id": pl.Int64,
            "low_income_rule": pl.String,
            "first_job_in_year": pl.Boolean,
            "bonus_separate": pl.Boolean,
        },
    ).with_columns(pl.lit(2026).alias("year"))
    del o_cols
    with (
        connection.cursor() as django_cursor,
        generate_si.bulk_load(django_cursor.cursor, SpecialDeduction),
    ):
        generate_si.copy_frame(django_cursor.cursor, SpecialDeduction._meta.db_table, deductions)
    with (
        connection.cursor() as django_cursor,
        generate_si.bulk_load(django_cursor.cursor, TaxYearOption),
    ):
        generate_si.copy_frame(django_cursor.cursor, TaxYearOption._meta.db_table, options)
    clock = step(f"{deductions.height:,} deductions, {options.height:,} options", clock)
    deduction_rows, option_rows = deductions.height, options.height
    del deductions, options, ids, owners, wages, hires, leaves

    url = generate_si.database_url(name)
    connection.close()
    with psycopg.connect(generate_si.libpq(url), autocommit=True) as conn:
        for model in (
            InsuredPerson,
            SalaryItem,
            PayrollSettings,
            PersonSalary,
            MonthlyAmount,
            Attendance,
            SpecialDeduction,
            TaxYearOption,
        ):
            conn.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    clock = step("vacuum analyze", clock)

    # The month close of both months: the employee SI/HF parts the payroll deducts.
    closes: dict[str, float] = {}
    for period in (Period(2026, 10), Period(2026, 11)):
        report = close_month(period=period)
        if report.problems:
            raise SystemExit(
                f"close {period}: {len(report.problems)} problems, e.g. {report.problems[0]}"
            )
        closes[str(period)] = round(time.perf_counter() - clock, 1)
        clock = step(f"close {period}: {report.people_written:,} people", clock)

    params: dict[str, object] = {
        "version": VERSION,
        "si_version": generate_si.VERSION,
        "people": people,
        "clients": clients,
        "seed": seed,
        "target_client": si["target_client"],
        "rows": {
            "salary_items": items,
            "payroll_settings": settings,
            "monthly_amounts": monthly_rows,
            "attendance": attendance_rows,
            "special_deductions": deduction_rows,
            "tax_year_options": option_rows,
        },
        "si_seconds": si["seconds"],
        "close_seconds": closes,
        "seconds": round(time.perf_counter() - started, 1),
    }
    connection.close()
    with psycopg.connect(generate_si.libpq(url), autocommit=True) as conn:
        conn.execute(
            f"CREATE TABLE {MARKER} (generated_at timestamptz DEFAULT now(), params jsonb)"
        )
        conn.execute(f"INSERT INTO {MARKER} (params) VALUES (%s)", [json.dumps(params)])
    return params


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument(
        "--force", action="store_true", help="regenerate even when the data is already there"
    )
    args = parser.parse_args(argv)
    if args.people < args.clients + generate_si.TARGET_CLIENT_SIZE:
        parser.error("--people must exceed --clients + 500")
    if not generate_si.reachable():
        print(f"generate_payroll: PostgreSQL not reachable at {generate_si.where()}: skipped")
        return 0
    marker = generated_marker(args.database)
    if not args.force and is_current(marker, people=args.people, clients=args.clients):
        print(
            f"generate_payroll: database {args.database!r} already holds the data "
            f"(generated in {marker['seconds']} s); --force regenerates it"  # type: ignore[index]
        )
        return 0
    print(
        f"generating payroll data for {args.clients:,} clients and {args.people:,} people into "
        f"database {args.database!r}",
        flush=True,
    )
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="hragency-bench-payroll-gen-") as tmp:
        # The close may queue tasks and write files: inline, into a scratch directory.
        os.environ["HRAGENCY_VAR_DIR"] = tmp
        os.environ["MEDIA_ROOT"] = str(Path(tmp) / "media")
        os.environ["HUEY_IMMEDIATE"] = "1"
        params = generate(args.database, people=args.people, clients=args.clients)
    print(f"generated the payroll data in {time.perf_counter() - started:.1f} s ({params['rows']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
