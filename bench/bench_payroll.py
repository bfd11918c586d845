"""Benchmark of the payroll calculation (R-PAY-2): 1,000,000 people of 10,000 clients on
PostgreSQL, inside the month close's budget.

Targets (the issue): the whole month ≤ 60 s on this 2-core machine (the SI month close's
budget) with a peak RSS ≤ 4 GiB; one client of 500 people recalculated ≤ 1 s.

Uses its own database (``bench_payroll`` on the server of ``DATABASE_URL`` when that is a
PostgreSQL URL, else on 127.0.0.1:5432), filled by ``bench/generate_payroll.py`` (the SI data of
``generate_si``, every payroll input, and the month close of 2026-10 and 2026-11) when the data
is missing (or with ``--regenerate``). Then, in this process:

1. removes every payroll run and line, calculates 2026-10 for all clients (the first month:
   no prior lines; timed, not a target) and marks those runs approved (a direct ``UPDATE``);
2. times ``calculate_payroll`` for 2026-11 for all clients (cumulative figures carried from
   October): total, lines written, peak RSS;
3. checks 200 random people's October and November lines against the plain reference
   (``domain.payroll.resolve_items`` + ``compute_payslip``, the prior ``Cumulative`` from the
   October line, the standard and special additional deductions recomputed as
   ``payroll.calculate`` documents), to the fen; and that everyone paid has one line;
4. recalculates 2026-11 (the draft recomputed; timed, not a target): same lines and figures;
5. recalculates the 500-person client alone, best of 5;
6. with ``--phases`` (or when the month misses its target) calculates 2026-11 once more with
   the calculation's steps wrapped in timers, and prints where the time goes.

Exits non-zero when a target is missed or a check fails; prints a skip message and exits 0 when
PostgreSQL is not reachable. The database is dropped at the end unless ``--keep``.

    python bench/bench_payroll.py [--regenerate] [--keep] [--phases] [--people N --clients N]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import generate_payroll, generate_si  # noqa: E402

MONTH_TARGET_S = 60.0
RSS_TARGET_MIB = 4096.0
ONE_CLIENT_TARGET_MS = 1000.0
SAMPLE = 200


peak_mib = generate_si.peak_mib
setup = generate_si.setup_django


def reset_payroll() -> None:
    """No payroll run or line at all (as before the first calculation)."""
    from django.db import DatabaseError, connection

    from hragency.payroll.models import PayrollLine, PayrollRun

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {PayrollLine._meta.db_table}")
        cursor.execute(f"DELETE FROM {PayrollRun._meta.db_table}")
        cursor.execute(f"VACUUM ANALYZE {PayrollRun._meta.db_table}")
        with contextlib.suppress(DatabaseError):  # needs superuser; optional
            cursor.execute("CHECKPOINT")


def analyze_payroll() -> None:
    from django.db import connection

    from hragency.payroll.models import PayrollLine, PayrollRun

    with connection.cursor() as cursor:
        for model in (PayrollLine, PayrollRun):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


def approve(day: dt.date) -> int:
    """Every run of the month approved, as the client's HR would (directly, for the bench)."""
    from django.db import connection

    from hragency.payroll.models import PayrollRun

    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {PayrollRun._meta.db_table} SET status = %s, approved_at = now() "
            "WHERE period = %s",
            [PayrollRun.Status.APPROVED.value, day],
        )
        return int(cursor.rowcount)


def month_figures(day: dt.date) -> tuple[int, int, int, int, int]:
    """Lines, Σ gross, Σ income tax (wages + bonus), Σ net, Σ of the runs' headcounts."""
    from django.db import connection

    from hragency.payroll.models import PayrollLine, PayrollRun

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), COALESCE(SUM(gross_fen), 0), "
            "COALESCE(SUM(iit_fen + bonus_tax_fen), 0), COALESCE(SUM(net_fen), 0), "
            f"(SELECT COALESCE(SUM(headcount), 0) FROM {PayrollRun._meta.db_table} "
            f"WHERE period = %s) FROM {PayrollLine._meta.db_table} WHERE period = %s",
            [day, day],
        )
        row = cursor.fetchone()
    return tuple(int(v) for v in row)  # type: ignore[return-value]


def paid_people(day: dt.date) -> int:
    """People in service in the month with a standing salary in force or a monthly amount."""
    from django.db import connection

    from hragency.employees.models import InsuredPerson
    from hragency.payroll.models import MonthlyAmount, PersonSalary

    last = (day + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {InsuredPerson._meta.db_table} p "
            "WHERE (p.hire_date IS NULL OR p.hire_date <= %s) "
            "AND (p.leave_date IS NULL OR p.leave_date >= %s) AND p.id IN ("
            f"SELECT person_id FROM {PersonSalary._meta.db_table} WHERE effective_from <= %s "
            f"UNION SELECT person_id FROM {MonthlyAmount._meta.db_table} WHERE period = %s)",
            [last, day, day, day],
        )
        return int(cursor.fetchone()[0])


# --- the reference ------------------------------------------------------------------------------


def reference(person: Any, period: Any) -> tuple[dict[str, int], Any, dict[str, bool]] | None:
    """``person``'s line for ``period`` by the plain reference, from the stored inputs: the
    items (code → fen), the payslip and what the person has this month; None when the person
    is not paid in the month (not in service, or nothing to pay)."""
    from django.db.models import Q

    from hragency.domain.insurance import Period
    from hragency.domain.payroll import (
        AttendanceInput,
        ItemKind,
        ItemSource,
        ItemSpec,
        PayInput,
        compute_payslip,
        resolve_items,
    )
    from hragency.domain.tax import (
        LOW_INCOME_DEDUCTION_FEN,
        STANDARD_DEDUCTION_FEN,
        Cumulative,
        DeductionCategory,
    )
    from hragency.insurance.models import Contribution
    from hragency.payroll.models import (
        Attendance,
        MonthlyAmount,
        PayrollLine,
        PayrollSettings,
        PersonSalary,
        SalaryItem,
        SpecialDeduction,
        TaxYearOption,
    )

    first = period.first_day
    last = period.shifted(1).first_day - dt.timedelta(days=1)
    if person.hire_date is not None and person.hire_date > last:
        return None
    if person.leave_date is not None and person.leave_date < first:
        return None
    client = person.client_id
    items = list(SalaryItem.objects.filter(client_id=client, active=True).order_by("order", "pk"))
    code = {item.pk: item.code for item in items}
    standing: dict[str, int] = {}
    for row in PersonSalary.objects.filter(
        person=person, client_id=client, effective_from__lte=first
    ).order_by("effective_from"):
        standing[code[row.item_id]] = row.amount_fen  # the latest in force wins
    monthly = {
        code[row.item_id]: row.amount_fen
        for row in MonthlyAmount.objects.filter(person=person, client_id=client, period=first)
    }
    if not standing and not monthly:
        return None
    specs = [
        ItemSpec(i.code, ItemKind(i.kind), ItemSource(i.source), i.taxable, i.in_daily_basis)
        for i in items
    ]
    row = Attendance.objects.filter(person=person, client_id=client, period=first).first()
    attendance = None
    if row is not None:
        attendance = AttendanceInput(
            personal_leave_centi=int(row.personal_leave_days * 100),
            sick_leave_centi=int(row.sick_leave_days * 100),
            absent_centi=int(row.absent_days * 100),
            overtime_workday_centi=int(row.overtime_workday_hours * 100),
            overtime_restday_centi=int(row.overtime_restday_hours * 100),
            overtime_holiday_centi=int(row.overtime_holiday_hours * 100),
            performance_e4=int(row.performance_coefficient * 10_000),
        )
    settings = PayrollSettings.objects.filter(client_id=client).first()
    sick_paid = (
        settings.sick_leave_paid_ppm
        if settings is not None
        else PayrollSettings._meta.get_field("sick_leave_paid_ppm").default
    )
    amounts = resolve_items(
        specs, standing=standing, monthly=monthly, attendance=attendance, sick_paid_ppm=sick_paid
    )

    si = hf = 0
    for c in Contribution.objects.filter(person=person, client_id=client, period=first):
        si += c.employee_fen - (c.housing_fund_ee or 0)
        hf += c.housing_fund_ee or 0

    jan = Period(period.year, 1)
    option = TaxYearOption.objects.filter(person=person, client_id=client, year=period.year).first()
    # Months of this year's employment here: from January for a first job in the year (or
    # someone hired before the year), else from the hire month.
    if (option is not None and option.first_job_in_year) or person.hire_date is None:
        start = jan.index
    else:
        start = max(jan.index, Period(person.hire_date.year, person.hire_date.month).index)
    now = period.index
    additional = pension = cum_additional = 0
    for d in SpecialDeduction.objects.filter(
        person=person, client_id=client, start_month__lte=first
    ).filter(Q(end_month__isnull=True) | Q(end_month__gte=jan.first_day)):
        since = max(Period(d.start_month.year, d.start_month.month).index, start)
        until = now if d.end_month is None else Period(d.end_month.year, d.end_month.month).index
        active = since <= now <= until
        if d.category == DeductionCategory.PERSONAL_PENSION:
            pension += d.amount_fen if active else 0
        else:
            additional += d.amount_fen if active else 0
            cum_additional += d.amount_fen * max(0, min(until, now - 1) - since + 1)

    earlier = PayrollLine.objects.filter(
        person=person, client_id=client, period__gte=jan.first_day, period__lt=first
    )
    line = earlier.order_by("-period").first()
    prior = Cumulative(
        income_fen=line.cum_income_fen if line else 0,
        tax_free_fen=line.cum_tax_free_fen if line else 0,
        standard_fen=STANDARD_DEDUCTION_FEN * max(0, now - start),
        special_fen=line.cum_special_fen if line else 0,
        additional_fen=cum_additional,
        other_fen=line.cum_other_fen if line else 0,
        withheld_fen=line.cum_withheld_fen if line else 0,
    )
    if option is not None and option.low_income_rule in ("yes", "no"):
        low_income = option.low_income_rule == "yes"
    else:  # automatic: paid here in January and December of last year, at most 60,000 a year
        last_year = period.year - 1
        low_income = (
            PayrollLine.objects.filter(
                person=person,
                client_id=client,
                period=dt.date(last_year, 12, 1),
                cum_income_fen__lte=LOW_INCOME_DEDUCTION_FEN,
            ).exists()
            and PayrollLine.objects.filter(
                person=person, client_id=client, period=dt.date(last_year, 1, 1)
            ).exists()
        )
    bonus_separate = (option.bonus_separate if option is not None else True) and not (
        earlier.filter(bonus_separate=True, bonus_fen__gt=0).exists()
    )
    slip = compute_payslip(
        prior,
        PayInput(
            specs=specs,
            amounts=amounts,
            si_employee_fen=si,
            hf_employee_fen=hf,
            additional_fen=additional,
            pension_fen=pension,
            standard=True,
            low_income=low_income,
            bonus_separate=bonus_separate,
        ),
        year=period.year,
    )
    has = {
        "attendance": attendance is not None,
        "bonus": bool(monthly.get("bonus")),
        "annual bonus": bool(monthly.get("annual_bonus")),
        "raise this month": PersonSalary.objects.filter(
            person=person, effective_from=first
        ).exists()
        and line is not None,
        "deductions": bool(additional or pension or cum_additional),
        "tax option": option is not None,
        "prior line": line is not None,
        "income tax": slip.iit_fen > 0,
        "bonus tax": slip.bonus_tax_fen > 0,
    }
    return amounts, slip, has


def check_sample(periods: list[Any], seed: int = 7) -> tuple[list[str], int, dict[str, int]]:
    """Differences between stored lines and the reference for ``SAMPLE`` random people paid in
    the last of ``periods`` (each of ``periods`` compared); people who are not paid in a month
    must have no line. Returns the differences, the people compared and what they had."""
    from django.db.models import Max, Min

    from hragency.employees.models import InsuredPerson
    from hragency.payroll.calculate import items_dict
    from hragency.payroll.models import PayrollLine

    errors: list[str] = []
    seen: dict[str, int] = defaultdict(int)
    bounds = InsuredPerson.objects.aggregate(low=Min("id"), high=Max("id"))
    rng = random.Random(seed)
    compared = 0
    for pid in rng.sample(range(bounds["low"], bounds["high"] + 1), SAMPLE * 2):
        if compared >= SAMPLE:
            break
        person = InsuredPerson.objects.only("id", "client_id", "hire_date", "leave_date").get(
            pk=pid
        )
        paid_last = False
        for period in periods:
            expected = reference(person, period)
            lines = list(PayrollLine.objects.filter(person_id=pid, period=period.first_day))
            if expected is None:
                if lines:
                    errors.append(f"person {pid} {period}: not paid, but has {len(lines)} lines")
                continue
            if len(lines) != 1:
                errors.append(f"person {pid} {period}: {len(lines)} lines, expected 1")
                continue
            amounts, slip, has = expected
            line = lines[0]
            want = {
                "items": amounts,
                "gross_fen": slip.gross_fen,
                "iit_fen": slip.iit_fen,
                "bonus_tax_fen": slip.bonus_tax_fen,
                "net_fen": slip.net_fen,
                "cum_income_fen": slip.cumulative.income_fen,
                "cum_standard_fen": slip.cumulative.standard_fen,
                "cum_additional_fen": slip.cumulative.additional_fen,
                "cum_taxable_fen": slip.cumulative.taxable_fen,
                "cum_withheld_fen": slip.cumulative.withheld_fen,
            }
            got = {name: getattr(line, name) for name in want}
            got["items"] = items_dict(line)
            for name, value in want.items():
                if got[name] != value:
                    errors.append(
                        f"person {pid} {period} {name}: stored {got[name]!r}, reference {value!r}"
                    )
            if period is periods[-1]:
                paid_last = True
                for key, flag in has.items():
                    seen[key] += int(flag)
        compared += int(paid_last)
    if compared < SAMPLE:
        errors.append(f"only {compared} of {SAMPLE} sampled people are paid in the month")
    return errors, compared, dict(seen)


# --- where the time goes ------------------------------------------------------------------------


@contextlib.contextmanager
def timers() -> Iterator[dict[str, float]]:
    """Wrap the calculation's steps (module attributes of ``payroll.calculate``; the file is not
    touched) in timers for the duration; yields seconds per step, accumulated over chunks."""
    from hragency.core import audit
    from hragency.payroll import calculate, inputs

    seconds: dict[str, float] = defaultdict(float)
    steps = [
        "_blocking_runs",
        "clients_not_closed",
        "load_inputs",
        "compute_payroll",
        "_runs_for",
        "_line_frame",
        "_write_lines",
        "_negative_net_warnings",
        "_save_runs",
    ]
    input_steps = [
        "_people",
        "_items",
        "_options",
        "_low_income_last_year",
        "_sick_paid",
        "_attendance",
        "person_totals",
        "_prior",
        "_deductions",
        "_deduction_figures",
        "_standing",
        "_monthly",
    ]
    originals: list[tuple[Any, str, Any]] = []

    def wrap(owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)
        originals.append((owner, name, vars(owner).get(name)))

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                seconds[label] += time.perf_counter() - started

        setattr(owner, name, timed)

    for name in steps:
        wrap(calculate, name, name)
    for name in input_steps:
        wrap(inputs, name, name)
    wrap(audit, "record_all", "runs: audit")
    try:
        yield seconds
    finally:
        for owner, name, own in originals:
            if own is None:
                delattr(owner, name)  # the class's method shows through again
            else:
                setattr(owner, name, own)


def phase_lines(seconds: dict[str, float], total: float) -> list[str]:
    loaders = [
        "_people",
        "_items",
        "_options",
        "_low_income_last_year",
        "_sick_paid",
        "_attendance",
        "person_totals",
        "_prior",
        "_deductions",
        "_standing",
        "_monthly",
    ]
    load = seconds["load_inputs"]
    checks = seconds["_blocking_runs"] + seconds["clients_not_closed"]
    engine = seconds["compute_payroll"]
    write = (
        seconds["_runs_for"]
        + seconds["_line_frame"]
        + seconds["_write_lines"]
        + seconds["_negative_net_warnings"]
        + seconds["_save_runs"]
        + seconds["runs: audit"]
    )
    rest = total - load - checks - engine - write
    detail = ", ".join(
        f"{name.lstrip('_')} {seconds[name]:.1f}"
        for name in sorted(loaders, key=lambda n: -seconds[n])
        if seconds[name] >= 0.05
    )
    assembly = load - sum(seconds[name] for name in loaders) - seconds["_deduction_figures"]
    return [
        f"{'':15}checks (ordering, SI closed) {checks:5.1f} s",
        f"{'':15}load (load_inputs)           {load:5.1f} s: {detail}; deduction figures "
        f"{seconds['_deduction_figures']:.1f}, joins {assembly:.1f}",
        f"{'':15}engine (compute_payroll)     {engine:5.1f} s",
        f"{'':15}write                        {write:5.1f} s: delete + COPY lines "
        f"{seconds['_write_lines']:.1f}, line frame {seconds['_line_frame']:.1f}, runs "
        f"{seconds['_runs_for']:.1f}, run totals {seconds['_save_runs']:.1f}, audit "
        f"{seconds['runs: audit']:.1f}, negative-net names {seconds['_negative_net_warnings']:.1f}",
        f"{'':15}other (commits, names …)     {rest:5.1f} s",
        f"{'':15}(steps are summed over both lanes, so they can add up to more than the wall time)",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--regenerate", action="store_true", help="drop and regenerate the data")
    parser.add_argument("--keep", action="store_true", help="keep the database for a next run")
    parser.add_argument(
        "--phases", action="store_true", help="time the calculation's steps (one more run)"
    )
    parser.add_argument("--people", type=int, default=generate_payroll.PEOPLE)
    parser.add_argument("--clients", type=int, default=generate_payroll.CLIENTS)
    parser.add_argument("--database", default=generate_payroll.DEFAULT_DATABASE)
    args = parser.parse_args(argv)

    if not generate_si.reachable():
        print(f"bench_payroll: PostgreSQL not reachable at {generate_si.where()}: skipped")
        return 0
    marker = generate_payroll.generated_marker(args.database)
    if args.regenerate or not generate_payroll.is_current(
        marker, people=args.people, clients=args.clients
    ):
        started = time.perf_counter()
        command = [
            sys.executable,
            str(ROOT / "bench" / "generate_payroll.py"),
            "--force",
            f"--people={args.people}",
            f"--clients={args.clients}",
            f"--database={args.database}",
        ]
        subprocess.run(command, check=True)
        marker = generate_payroll.generated_marker(args.database)
        assert marker is not None
        generation = f"{time.perf_counter() - started:.1f} s (this run"
    else:
        assert marker is not None
        generation = f"{marker['seconds']} s (an earlier run; --regenerate redoes it"
    closes = marker["close_seconds"]
    generation += (
        f"; SI data {marker['si_seconds']} s, month closes "
        f"{', '.join(f'{k} {v} s' for k, v in closes.items())})"  # type: ignore[attr-defined]
    )
    inputs = ", ".join(f"{k} {v:,}" for k, v in marker["rows"].items())  # type: ignore[attr-defined]
    scale = args.people / generate_payroll.PEOPLE
    month_target = MONTH_TARGET_S * max(scale, 0.01)
    errors: list[str] = []
    lines: list[str] = []
    missed: list[str] = []

    def timed(call: Callable[[], Any]) -> tuple[Any, float, float]:
        cpu = time.process_time()
        started = time.perf_counter()
        result = call()
        return result, time.perf_counter() - started, time.process_time() - cpu

    try:
        with tempfile.TemporaryDirectory(prefix="hragency-bench-payroll-") as name:
            setup(generate_si.database_url(args.database), Path(name))
            from django.db import connections

            from hragency.clients.models import Client
            from hragency.domain.insurance import Period
            from hragency.payroll.calculate import calculate_payroll

            october, november = Period(2026, 10), Period(2026, 11)
            clients = list(Client.objects.order_by("pk").values_list("pk", flat=True))
            reset_payroll()
            load_before = os.getloadavg()[0]
            rss_before = peak_mib()

            def month_line(label: str, report: Any, wall: float, cpu: float, target: bool) -> None:
                verdict = ""
                if target:
                    verdict = f"  target ≤ {month_target:.0f} s"
                    if wall > month_target:
                        missed.append(label.rstrip(":"))
                        verdict += " MISSED"
                lines.append(
                    f"{label:<15}{wall:6.1f} s  (this process {cpu:.1f} s CPU){verdict}\n"
                    f"{'':15}{report.people:,} lines written for {len(report.runs):,} runs; "
                    f"{len(report.skipped)} clients skipped"
                )
                if report.skipped:
                    errors.append(f"{label} clients skipped, e.g. {report.skipped[0]}")

            # 1. October, the first month (nothing carried), then approved.
            report, seconds, cpu = timed(
                lambda: calculate_payroll(period=october, client_ids=clients)
            )
            month_line("2026-10:", report, seconds, cpu, False)
            lines[-1] += (
                f" (the first month; not a target); {approve(october.first_day):,} approved"
            )
            analyze_payroll()  # a month passes: autovacuum has seen October's lines
            figures_oct = month_figures(october.first_day)

            # 2. November for every client: the target.
            report, month_s, cpu = timed(
                lambda: calculate_payroll(period=november, client_ids=clients)
            )
            rss_month = peak_mib()
            month_line("2026-11:", report, month_s, cpu, True)
            figures = month_figures(november.first_day)
            for period, (count, _gross, _iit, _net, heads), want in (
                (october, figures_oct, paid_people(october.first_day)),
                (november, figures, paid_people(november.first_day)),
            ):
                if not count == heads == want:
                    errors.append(
                        f"{period}: {count:,} lines, runs count {heads:,}, {want:,} people paid"
                    )
            if report.people != figures[0]:
                errors.append(f"2026-11: report says {report.people:,}, {figures[0]:,} stored")

            # 3. The reference.
            (sample_errors, compared, seen), check_s, _ = timed(
                lambda: check_sample([october, november])
            )
            errors += sample_errors

            # 4. The draft recomputed: deletes and rewrites every line (reported, not a target,
            # as in bench_close_month; rewriting only changed lines is not built yet).
            rerun, rerun_s, cpu = timed(
                lambda: calculate_payroll(period=november, client_ids=clients)
            )
            month_line("rerun 2026-11:", rerun, rerun_s, cpu, False)
            lines[-1] += " (every line rewritten; not a target)"
            if month_figures(november.first_day) != figures:
                errors.append(
                    f"the rerun changed the month: {figures} → {month_figures(november.first_day)}"
                )

            # 5. One client of 500 people, best of 5.
            client_id = int(marker.get("target_client", 1))  # type: ignore[call-overload]
            timings = []
            for _ in range(5):
                one, seconds, _cpu = timed(
                    lambda: calculate_payroll(period=november, client_ids=[client_id])
                )
                timings.append(seconds * 1000)
            one_ms = min(timings)
            if one.skipped or not one.people:
                errors.append(f"one client: {one.people} people, skipped {one.skipped}")
            if month_figures(november.first_day) != figures:
                errors.append("recalculating one client changed the month's figures")
            verdict = "" if one_ms <= ONE_CLIENT_TARGET_MS else " MISSED"
            if verdict:
                missed.append("one client")
            lines.append(
                f"{'one client:':<15}{one_ms:6.0f} ms best of 5 ({one.people} people; "
                f"{', '.join(f'{t:.0f}' for t in timings)} ms)  "
                f"target ≤ {ONE_CLIENT_TARGET_MS:.0f} ms{verdict}"
            )

            # 6. Where the time goes.
            if args.phases or month_s > month_target:
                with timers() as steps:
                    _, phases_s, cpu = timed(
                        lambda: calculate_payroll(period=november, client_ids=clients)
                    )
                lines.append(
                    f"{'phases:':<15}{phases_s:6.1f} s  (2026-11 once more, steps timed; "
                    f"this process {cpu:.1f} s CPU)"
                )
                lines += phase_lines(steps, phases_s)
            rss_peak = peak_mib()
            connections.close_all()
    finally:
        if not args.keep:
            generate_payroll.drop_database(args.database)

    load_after = os.getloadavg()[0]
    kept = "kept (--keep)" if args.keep else "dropped (--keep keeps it)"
    print(f"database: {args.database}, {kept}; generation: {generation}")
    print(f"inputs: {inputs}")
    print(
        f"machine: {os.cpu_count()} CPUs, load average {load_before:.1f} before, "
        f"{load_after:.1f} after (other work on the machine slows every figure)"
    )
    for line in lines:
        print(line)
    verdict = "" if rss_peak <= RSS_TARGET_MIB else " MISSED"
    if verdict:
        missed.append("peak memory")
    print(
        f"{'peak RSS:':<15}{rss_month:6.0f} MiB after 2026-11 ({rss_before:.0f} MiB before the "
        f"runs), {rss_peak:.0f} MiB overall  target ≤ {RSS_TARGET_MIB:.0f} MiB{verdict}"
    )
    had = ", ".join(f"{k} {v}" for k, v in seen.items())
    print(
        f"{'checks:':<15}{compared} random people's 2026-10 and 2026-11 lines against the "
        f"reference (domain.payroll) in {check_s:.1f} s ({had}); everyone paid has one line; "
        f"rerun unchanged: {'OK' if not errors else f'{len(errors)} differences'}"
    )
    for line in errors[:20]:
        print(f"  {line}")
    if errors:
        missed.append("checks")
    if missed:
        print(f"MISSED: {', '.join(missed)}")
        return 1
    print("OK: targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
