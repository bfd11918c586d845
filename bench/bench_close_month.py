"""Benchmark of the month close (R-FEE-1/2): 1,000,000 people of 10,000 clients on PostgreSQL.

Targets (the issue): the whole month ≤ 60 s on this 2-core machine with a peak RSS ≤ 4 GiB;
one client of 500 people recalculated ≤ 200 ms.

Uses its own database (``bench_close`` on the server of ``DATABASE_URL`` when that is a
PostgreSQL URL, else on 127.0.0.1:5432), filled by ``bench/generate_si.py`` when the data is
missing (or with ``--regenerate``). Then, in this process:

1. empties the contribution table, removes the month's statements and runs, and times a full
   ``close_month(period=2026-11)`` (load / compute / write as the report gives them, the
   total, rows written, peak RSS);
2. checks 200 random people's stored rows against the plain-Python reference
   ``domain.insurance.contributions`` under the policy in force, and their clients'
   statements against SQL sums of the rows and the agreement's fee;
3. runs the close again: same row count and figures, same statement numbers (idempotent);
4. recalculates the 500-person client alone, best of 5;
5. applies a correction of every city's pension rate from the month on and closes again
   (about 96 % of the rows change: the slowest rerun; informational, not a target), checks
   another sample against the corrected policy, and takes the correction back.

Exits non-zero when a target is missed or a check fails; prints a skip message and exits 0
when PostgreSQL is not reachable.

    python bench/bench_close_month.py [--regenerate] [--skip-correction] [--people N --clients N]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import generate_si  # noqa: E402

CLOSE_TARGET_S = 60.0
RSS_TARGET_MIB = 4096.0
ONE_CLIENT_TARGET_MS = 200.0
SAMPLE = 200


peak_mib = generate_si.peak_mib
setup = generate_si.setup_django


def reset_month(period_day: object) -> None:
    """A clean month: no contribution rows at all, no statements or runs for the month yet
    (the first close of 2026-11)."""
    from django.db import DatabaseError, connection

    from hragency.billing.models import CloseRun, Statement
    from hragency.insurance.models import Contribution

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Contribution._meta.db_table}")
        cursor.execute(f"DELETE FROM {Statement._meta.db_table} WHERE period = %s", [period_day])
        cursor.execute(f"DELETE FROM {CloseRun._meta.db_table} WHERE period = %s", [period_day])
        cursor.execute(f"VACUUM ANALYZE {Statement._meta.db_table}")
        with contextlib.suppress(DatabaseError):  # needs superuser; optional
            cursor.execute("CHECKPOINT")  # start with the generator's writes on disk


def month_figures(period_day: object) -> tuple[int, int, int, dict[int, str]]:
    from django.db import connection

    from hragency.billing.models import Statement
    from hragency.insurance.models import Contribution

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), COALESCE(SUM(employer_fen), 0), COALESCE(SUM(employee_fen), 0) "
            f"FROM {Contribution._meta.db_table} WHERE period = %s",
            [period_day],
        )
        rows, employer, employee = cursor.fetchone()
    numbers = dict(Statement.objects.filter(period=period_day).values_list("client_id", "number"))
    return int(rows), int(employer), int(employee), numbers


def check_sample(period: object, seed: int = 7) -> list[str]:
    """Differences between stored rows and the reference for ``SAMPLE`` random people, and
    between their clients' statements and SQL sums of the rows plus the agreement's fee."""
    from decimal import Decimal

    from django.db import connection
    from django.db.models import Count, Max, Min, Sum

    from hragency.billing.models import Statement
    from hragency.clients.models import Agreement
    from hragency.domain.fees import FeeModel, FeeTerms, service_fee
    from hragency.domain.insurance import ITEMS, Item, contributions
    from hragency.domain.money import to_fen
    from hragency.employees.models import InsuredPerson
    from hragency.insurance.models import ClientRate, Contribution, Enrollment
    from hragency.insurance.policies import rules_in_force

    day = period.first_day  # type: ignore[attr-defined]
    errors: list[str] = []
    bounds = InsuredPerson.objects.aggregate(low=Min("id"), high=Max("id"))
    rng = random.Random(seed)
    people = rng.sample(range(bounds["low"], bounds["high"] + 1), SAMPLE)
    policies = {
        city: [rule.to_rule() for rule in rules] for city, rules in rules_in_force(period).items()
    }
    enrollments = list(Enrollment.objects.filter(person_id__in=people))
    rates = {
        (r.client_id, r.city): r
        for r in ClientRate.objects.filter(client_id__in={e.client_id for e in enrollments})
    }
    stored = {
        c.enrollment_id: c for c in Contribution.objects.filter(period=day, person_id__in=people)
    }
    si_items = [item for item in ITEMS if item is not Item.HOUSING_FUND]
    compared = 0
    for e in enrollments:
        row = stored.pop(e.id, None)
        in_force = e.start_month <= day and (e.end_month is None or e.end_month >= day)
        if not in_force:
            if row is not None:
                errors.append(f"enrollment {e.id} is not in force but has a row")
            continue
        if row is None:
            errors.append(f"enrollment {e.id} (person {e.person_id}) has no row")
            continue
        rate = rates[(e.client_id, e.city)]
        expected = contributions(
            policies[e.city],
            to_fen(e.wage),
            injury_rate=rate.injury_rate,
            hf_rate=rate.hf_rate,
            hf_wage_fen=None if e.hf_wage is None else to_fen(e.hf_wage),
            items=(si_items if e.si else []) + ([Item.HOUSING_FUND] if e.hf else []),
        )
        want: dict[str, object] = {
            "client_id": e.client_id,
            "person_id": e.person_id,
            "city": e.city,
            "wage_fen": to_fen(e.wage),
            "employer_fen": expected.employer_fen,
            "employee_fen": expected.employee_fen,
        }
        for item in ITEMS:
            line = expected.line(item)
            want[f"{item.value}_base"] = None if line is None else line.base_fen
            want[f"{item.value}_er"] = None if line is None else line.employer_fen
            want[f"{item.value}_ee"] = None if line is None else line.employee_fen
        for name, value in want.items():
            if getattr(row, name) != value:
                errors.append(
                    f"enrollment {e.id} {name}: stored {getattr(row, name)!r}, reference {value!r}"
                )
        compared += 1
    errors += [f"row for unknown enrollment {key}" for key in stored]
    if compared < SAMPLE:
        errors.append(f"only {compared} of {SAMPLE} sampled people have an enrollment in force")

    clients = sorted({e.client_id for e in enrollments})
    sums = {
        row["client_id"]: row
        for row in Contribution.objects.filter(period=day, client_id__in=clients)
        .values("client_id")
        .annotate(
            n=Count("id"),
            wages=Sum("wage_fen"),
            employer=Sum("employer_fen"),
            employee=Sum("employee_fen"),
            hf_er=Sum("housing_fund_er"),
            hf_ee=Sum("housing_fund_ee"),
        )
    }
    agreements = {a.client_id: a for a in Agreement.objects.filter(client_id__in=clients)}
    for statement in Statement.objects.filter(period=day, client_id__in=clients):
        s = sums[statement.client_id]
        a = agreements[statement.client_id]
        hf_er, hf_ee = s["hf_er"] or 0, s["hf_ee"] or 0
        terms = FeeTerms(
            model=FeeModel(a.fee_model),
            per_head_fen=to_fen(a.fee_per_head or Decimal(0)),
            rate_percent=a.fee_rate or Decimal(0),
            module_fees_fen={k: to_fen(Decimal(v)) for k, v in (a.module_fees or {}).items()},
        )
        fee = service_fee(terms, headcount=s["n"], wages_fen=s["wages"])
        got = (
            statement.headcount,
            statement.wages_fen,
            statement.si_employer_fen,
            statement.si_employee_fen,
            statement.hf_employer_fen,
            statement.hf_employee_fen,
            statement.service_fee_fen,
            statement.tax_fen,
            statement.risk_reserve_fen,
            statement.total_fen,
        )
        want_statement = (
            s["n"],
            s["wages"],
            s["employer"] - hf_er,
            s["employee"] - hf_ee,
            hf_er,
            hf_ee,
            fee.service_fee_fen,
            fee.tax_fen,
            fee.risk_reserve_fen,
            s["employer"] + s["employee"] + fee.total_fen,
        )
        if got != want_statement:
            errors.append(f"statement of client {statement.client_id}: {got} ≠ {want_statement}")
        clients.remove(statement.client_id)
    errors += [f"client {c} has no statement" for c in clients]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COALESCE(SUM(headcount), 0) FROM {Statement._meta.db_table} "
            f"WHERE period = %s), (SELECT count(*) FROM {Contribution._meta.db_table} "
            f"WHERE period = %s)",
            [day, day],
        )
        heads, rows = cursor.fetchone()
    if heads != rows:
        errors.append(f"statements count {heads} people, the month has {rows} rows")
    return errors


BENCH_SOURCE = "bench_close_month: policy correction"


def policy_correction(period: object, *, apply: bool) -> int:
    """Apply (or take back) a correction of every city's pension employer rate (+0.1 %) from
    the month on, as new policy rows; returns how many cities it changed. Left-overs of a
    killed run are taken back first."""
    from decimal import Decimal

    from hragency.domain.insurance import Item
    from hragency.insurance.models import PolicyRule
    from hragency.insurance.policies import rules_in_force

    day = period.first_day  # type: ignore[attr-defined]
    PolicyRule.objects.filter(source=BENCH_SOURCE).delete()
    if not apply:
        return 0
    added = []
    for rules in rules_in_force(period).values():  # type: ignore[arg-type]
        for rule in rules:
            if rule.item != Item.PENSION.value or rule.effective_from == day:
                continue
            rule.pk = None
            rule.effective_from = day
            rule.employer_rate = (rule.employer_rate or Decimal(0)) + Decimal("0.001")
            rule.source = BENCH_SOURCE
            added.append(rule)
    PolicyRule.objects.bulk_create(added)
    return len(added)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--regenerate", action="store_true", help="drop and regenerate the data")
    parser.add_argument("--people", type=int, default=generate_si.PEOPLE)
    parser.add_argument("--clients", type=int, default=generate_si.CLIENTS)
    parser.add_argument("--database", default=generate_si.DEFAULT_DATABASE)
    parser.add_argument(
        "--skip-correction",
        action="store_true",
        help="leave out the rerun after a policy correction (the slowest step)",
    )
    args = parser.parse_args(argv)

    if not generate_si.reachable():
        print(f"bench_close_month: PostgreSQL not reachable at {generate_si.where()}: skipped")
        return 0
    marker = generate_si.generated_marker(args.database)
    if args.regenerate or not generate_si.is_current(
        marker, people=args.people, clients=args.clients
    ):
        started = time.perf_counter()
        command = [
            sys.executable,
            str(ROOT / "bench" / "generate_si.py"),
            "--force",
            f"--people={args.people}",
            f"--clients={args.clients}",
            f"--database={args.database}",
        ]
        subprocess.run(command, check=True)
        generation = f"{time.perf_counter() - started:.1f} s (this run)"
        marker = generate_si.generated_marker(args.database)
    else:
        generation = f"{marker['seconds']} s (an earlier run; --regenerate redoes it)"  # type: ignore[index]
    assert marker is not None
    scale = args.people / generate_si.PEOPLE
    close_target = CLOSE_TARGET_S * max(scale, 0.01)
    errors: list[str] = []
    lines: list[str] = []
    missed: list[str] = []

    def timed(call: Callable[[], Any]) -> tuple[Any, float, float]:
        cpu = time.process_time()
        started = time.perf_counter()
        result = call()
        return result, time.perf_counter() - started, time.process_time() - cpu

    def close_line(label: str, report: Any, wall: float, cpu: float, target: bool) -> None:
        parts = ", ".join(f"{k} {v:.1f}" for k, v in report.seconds.items())
        verdict = ""
        if target:
            verdict = f"  target ≤ {close_target:.0f} s"
            if wall > close_target:
                missed.append(label)
                verdict += " MISSED"
        lines.append(
            f"{label:<15}{wall:6.1f} s  ({parts} s; this process {cpu:.1f} s CPU){verdict}\n"
            f"{'':15}{report.people_written:,} people of {report.clients_written:,} clients; "
            f"rows inserted {report.rows_inserted:,}, deleted {report.rows_deleted:,}; "
            f"{len(report.problems)} problems"
        )
        if report.problems:
            errors.append(f"{label}: problems reported, e.g. {report.problems[0]}")

    with tempfile.TemporaryDirectory(prefix="hragency-bench-close-") as name:
        setup(generate_si.database_url(args.database), Path(name))
        from hragency.billing.close import close_month
        from hragency.domain.insurance import Period
        from hragency.insurance.models import Enrollment

        period = Period(2026, 11)
        day = period.first_day
        policy_correction(period, apply=False)
        reset_month(day)
        load_before = os.getloadavg()[0]
        rss_before = peak_mib()

        # 1. The first close of the month.
        report, close_s, cpu = timed(lambda: close_month(period=period))
        rss_close = peak_mib()
        close_line("month close:", report, close_s, cpu, True)
        rows, employer, employee, numbers = month_figures(day)
        if rows != report.people_written:
            errors.append(f"{rows:,} rows stored, {report.people_written:,} people written")
        errors += check_sample(period)

        # 2. Again: nothing changes, nothing is rewritten.
        rerun, rerun_s, cpu = timed(lambda: close_month(period=period))
        close_line("rerun:", rerun, rerun_s, cpu, True)
        rows2, employer2, employee2, numbers2 = month_figures(day)
        if (rows2, employer2, employee2) != (rows, employer, employee):
            errors.append(
                f"rerun changed the month: {(rows, employer, employee)} → "
                f"{(rows2, employer2, employee2)}"
            )
        if numbers2 != numbers:
            errors.append("rerun changed statement numbers")
        if rerun.rows_inserted or rerun.rows_deleted:
            errors.append("rerun rewrote rows although nothing changed")

        # 3. One client of 500 people, best of 5.
        client_id = int(marker.get("target_client", 1))  # type: ignore[call-overload]
        in_force = (
            Enrollment.objects.filter(client_id=client_id, start_month__lte=day)
            .exclude(end_month__lt=day)
            .count()
        )
        timings = []
        for _ in range(5):
            one, seconds, _cpu = timed(lambda: close_month(period=period, client_ids=[client_id]))
            timings.append(seconds * 1000)
        one_ms = min(timings)
        if one.people_written != in_force:
            errors.append(f"one client: {one.people_written} written, {in_force} in force")
        if month_figures(day) != (rows, employer, employee, numbers):
            errors.append("recalculating one client changed the month's figures")
        verdict = "" if one_ms <= ONE_CLIENT_TARGET_MS else " MISSED"
        if verdict:
            missed.append("one client")
        lines.append(
            f"{'one client:':<15}{one_ms:6.0f} ms best of 5 ({in_force} people; "
            f"{', '.join(f'{t:.0f}' for t in timings)} ms)  "
            f"target ≤ {ONE_CLIENT_TARGET_MS:.0f} ms{verdict}"
        )

        # 4. A policy correction for every city: ~96 % of the rows change (informational).
        if not args.skip_correction:
            try:
                cities = policy_correction(period, apply=True)
                fixed, fixed_s, cpu = timed(lambda: close_month(period=period))
                close_line("corrected:", fixed, fixed_s, cpu, False)
                lines[-1] += (
                    f"\n{'':15}(pension employer rate +0.1 % in {cities} cities; not a target)"
                )
                if month_figures(day)[0] != rows:
                    errors.append("the corrected close changed the number of rows")
                errors += [f"after the correction: {e}" for e in check_sample(period, seed=11)]
            finally:
                policy_correction(period, apply=False)
        rss_peak = peak_mib()

    load_after = os.getloadavg()[0]
    print(f"database: {args.database}; generation: {generation}")
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
        f"{'peak RSS:':<15}{rss_close:6.0f} MiB after the close ({rss_before:.0f} MiB before it), "
        f"{rss_peak:.0f} MiB overall  target ≤ {RSS_TARGET_MIB:.0f} MiB{verdict}"
    )
    print(
        f"{'checks:':<15}{SAMPLE} random people against the reference "
        f"(domain.insurance.contributions) and their clients' statements; rerun idempotent: "
        f"{'OK' if not errors else f'{len(errors)} differences'}"
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
