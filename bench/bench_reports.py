"""Benchmark of the service reports (R-RPT-1): the month's report figures for every client at
once, set-based.

Target (the issue): the figures of all 300 clients (about 10,000 insured persons) in < 10 s,
in a number of queries that does not depend on the number of clients.

In a fresh database of its own (``--backend sqlite``: a file in a temporary directory, the
default; ``--backend postgres``: database ``bench_reports`` on the server of ``DATABASE_URL``,
else 127.0.0.1:5432), seeded so every run has the same data: 300 active clients, 10,000
insured persons with an enrollment each (1 in 7 ended in August), November add/remove orders,
November statements with receipts, 20,000 November tickets with response/resolution
deadlines and ratings, 1,000 incidents with their deadlines, paid payroll runs for 100 clients.

Measured: monthly figures for 1 client and for all clients (time, queries), the annual
figures (12 months) for all clients, and the Excel of every client plus one PDF.
Exits 1 when the target is missed.

    python bench/bench_reports.py [--clients N] [--people N] [--tickets N]
        [--backend sqlite|postgres] [--pdf]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import generate_si  # noqa: E402

SEED = 2026
TARGET_S = 10.0
DATABASE = os.environ.get("BENCH_REPORTS_DB", "bench_reports")


def generate(clients_n: int, people: int, tickets: int) -> list[int]:
    from django.db import transaction
    from django.utils import timezone

    from hragency.accounts.models import User
    from hragency.billing.models import CloseRun, FundEntry, Statement
    from hragency.clients.models import Client
    from hragency.core.models import Deadline
    from hragency.employees.models import InsuredPerson
    from hragency.insurance.models import Enrollment, Incident, Order
    from hragency.payroll.models import PayrollRun
    from hragency.servicedesk.models import Channel, Nature, Ticket

    rng = random.Random(SEED)
    tz = timezone.get_current_timezone()
    nov = dt.date(2026, 11, 1)

    def at(day: int, minute: int) -> dt.datetime:
        return dt.datetime(2026, 11, day, 9, 0, tzinfo=tz) + dt.timedelta(minutes=minute)

    with transaction.atomic():
        staff = User.objects.create(username="bench_rep", display_name="客服")
        clients = Client.objects.bulk_create(
            Client(number=f"KH{i:05d}", name=f"基准客户{i}", status=Client.Status.ACTIVE)
            for i in range(clients_n)
        )
        persons = InsuredPerson.objects.bulk_create(
            (
                InsuredPerson(
                    client=clients[i % clients_n],
                    name=f"员工{i}",
                    id_number=f"31011519{i:010d}",
                    gender="M" if i % 2 else "F",
                    birth_date=dt.date(1985, 1, 1) + dt.timedelta(days=i % 5000),
                    retirement_category="male_60",
                    insured_city="上海",
                )
                for i in range(people)
            ),
            batch_size=2000,
        )
        Enrollment.objects.bulk_create(
            (
                Enrollment(
                    client_id=p.client_id,
                    person=p,
                    city="上海",
                    wage="8000.00",
                    start_month=dt.date(2025, 1 + i % 12, 1),
                    end_month=None if i % 7 else dt.date(2026, 8, 1),
                )
                for i, p in enumerate(persons)
            ),
            batch_size=2000,
        )
        Order.objects.bulk_create(
            (
                Order(
                    number=f"ZY{i:012d}",
                    client_id=p.client_id,
                    person=p,
                    kind="add" if i % 3 else "remove",
                    city="上海",
                    month=nov,
                    channel="portal",
                    status="done",
                    handled_at=at(3, i % 500),
                )
                for i, p in enumerate(persons[: people // 5])
            ),
            batch_size=2000,
        )
        run = CloseRun.objects.create(period=nov, status=CloseRun.Status.DONE)
        statements = Statement.objects.bulk_create(
            Statement(
                number=f"FY{c.pk:08d}",
                client=c,
                period=nov,
                run=run,
                headcount=30,
                wages_fen=24_000_000,
                si_employer_fen=6_000_000,
                si_employee_fen=2_400_000,
                hf_employer_fen=1_200_000,
                hf_employee_fen=1_200_000,
                service_fee_fen=240_000,
                total_fen=11_040_000,
                status="confirmed",
                computed_at=timezone.now(),
            )
            for c in clients
        )
        FundEntry.objects.bulk_create(
            FundEntry(
                client_id=s.client_id,
                date=dt.date(2026, 11, 28),
                kind="receipt",
                amount_fen=11_040_000 if i % 4 else 5_000_000,
                statement=s,
            )
            for i, s in enumerate(statements)
        )
        made = Ticket.objects.bulk_create(
            (
                Ticket(
                    number=f"GD{i:012d}",
                    client=clients[rng.randrange(clients_n)],
                    channel=rng.choice(Channel.values),
                    module="payroll_si",
                    nature=rng.choice(Nature.values),
                    subject="社保咨询",
                    description="客户来电咨询",
                    status="closed",
                    handler=staff,
                    first_owner=staff,
                    created_at=at(1 + i % 29, i % 480),
                    resolved_at=at(1 + i % 29, i % 480 + 120),
                    satisfaction=rng.choice([5, 5, 4, 3]),
                    rated_at=at(1 + i % 29, i % 480 + 180),
                )
                for i in range(tickets)
            ),
            batch_size=2000,
        )
        deadlines = []
        for t in made:
            for kind in ("servicedesk.response", "servicedesk.resolution"):
                status = "met" if rng.random() < 0.9 else "late"
                deadlines.append(
                    Deadline(
                        kind=kind,
                        title=t.number,
                        client_id=t.client_id,
                        owner=staff,
                        starts_at=t.created_at,
                        due_at=t.created_at + dt.timedelta(hours=2),
                        status=status,
                        breached=status == "late",
                        closed_at=t.created_at + dt.timedelta(hours=1),
                    )
                )
        incidents = Incident.objects.bulk_create(
            Incident(
                number=f"YC{i:012d}",
                client=clients[i % clients_n],
                kind="payment_failure",
                description="扣款失败",
                reported_by=staff,
                status="closed" if i % 3 else "open",
            )
            for i in range(1000)
        )
        Incident.objects.update(reported_at=at(10, 0))
        for inc in incidents:
            for kind in ("insurance.incident_response", "insurance.incident_resolution"):
                deadlines.append(
                    Deadline(
                        kind=kind,
                        title=inc.number,
                        client_id=inc.client_id,
                        owner=staff,
                        starts_at=at(10, 0),
                        due_at=at(10, 60),
                        status="met" if inc.pk % 3 else "open",
                        breached=not inc.pk % 3,
                    )
                )
        Deadline.objects.bulk_create(deadlines, batch_size=5000)
        PayrollRun.objects.bulk_create(
            PayrollRun(
                number=f"GZ{c.pk:08d}",
                client=c,
                period=nov,
                status="paid",
                headcount=30,
                gross_fen=30_000_000,
                net_fen=24_000_000,
                iit_fen=300_000,
            )
            for c in clients[:100]
        )
    return [c.pk for c in clients]


def measure(label: str, work: Any) -> tuple[Any, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        began = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - began
    print(f"{label:<52}{seconds:>9.3f} s{len(ctx.captured_queries):>9} queries", flush=True)
    return result, seconds, len(ctx.captured_queries)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pdf", action="store_true", help="also time one PDF (Chromium)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        if args.backend == "sqlite":
            url = f"sqlite:///{tmp}/bench.sqlite3"
        else:
            if not generate_si.reachable():
                print(f"bench_reports: PostgreSQL not reachable at {generate_si.where()}: skipped")
                return 0
            import psycopg

            url = generate_si.database_url(DATABASE)
            with psycopg.connect(
                generate_si.libpq(generate_si.database_url("postgres")), autocommit=True
            ) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
                conn.execute(f'CREATE DATABASE "{DATABASE}"')
        generate_si.setup_django(url, Path(tmp))
        began = time.perf_counter()
        ids = generate(args.clients, args.people, args.tickets)
        print(
            f"[{args.backend}] generated {len(ids)} clients, {args.people:,} people, "
            f"{args.tickets:,} tickets in {time.perf_counter() - began:.1f} s"
        )
        from hragency.domain.insurance import Period
        from hragency.reports import figures, render, services

        nov = Period(2026, 11)
        _, _, q1 = measure(
            "monthly figures, 1 client", lambda: figures.monthly_figures(nov, ids[:1])
        )
        everything, seconds, qn = measure(
            f"monthly figures, {len(ids)} clients",
            lambda: figures.monthly_figures(nov, ids),
        )
        measure(f"annual figures (12 months), {len(ids)} clients",
                lambda: figures.annual_figures(2026, ids))  # fmt: skip
        data, _, _ = measure(
            f"report data (frozen content), {len(ids)} clients",
            lambda: services.report_data(kind="monthly", period="2026-11", client_ids=ids),
        )
        measure(f"Excel of each of {len(ids)} clients",
                lambda: [render.xlsx_bytes(d) for d in data.values()])  # fmt: skip
        if args.pdf:
            measure("PDF of one client (Chromium)", lambda: render.pdf_bytes(data[ids[0]]))
        in_force = sum(f["insured"]["in_force"] for f in everything.values())
        print(f"persons in force at month end: {in_force:,}; tickets counted: "
              f"{sum(f['tickets']['count'] for f in everything.values()):,}")  # fmt: skip
        ok = seconds < TARGET_S and qn == q1
        if args.backend == "postgres":
            from django.db import connections

            connections.close_all()
    print("OK" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
