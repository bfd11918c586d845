"""Benchmark of the analytics app (R-RPT-2/3): the dashboard endpoints over 50,000 tickets and
20,000 insured persons, and an export of 100,000 rows.

Targets (the issue): each dashboard endpoint < 500 ms with a number of queries that does not
grow with the rows; the 100,000-row export < 30 s with flat memory (rows streamed from the
database in 5,000-row chunks).

In a fresh database of its own (``--backend sqlite``: a file in a temporary directory, the
default; ``--backend postgres``: database ``bench_analytics`` on the server of
``DATABASE_URL``, else 127.0.0.1:5432), seeded so every run has the same data:

1. 100 clients (a rep serves 20 of them), 20,000 insured persons with an enrollment each, 12
   months of fee statements, 50,000 tickets over the 90 days before 2026-11-30 (channel,
   module, nature, subject from realistic phrases, ratings on resolved ones) with their
   response and resolution deadlines (met, late, open) — all with ``bulk_create``;
2. the hotspot term index is built (timed, not a target: the periodic task keeps it current);
3. each dashboard endpoint is requested as the director (all clients) and the rep (20 clients)
   over the 90 days: time and number of queries;
4. 50,000 older tickets are added and all 100,000 are exported as Excel and as CSV: time,
   RSS before / peak after, and Python heap peak (tracemalloc) per export.

Exits 1 when a target is missed.

    python bench/bench_analytics.py [--tickets N] [--people N] [--backend sqlite|postgres]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import generate_si  # noqa: E402

SEED = 2026
END = dt.date(2026, 11, 30)
DAYS = 90
ENDPOINT_TARGET_MS = 500.0
EXPORT_TARGET_S = 30.0
DATABASE = os.environ.get("BENCH_ANALYTICS_DB", "bench_analytics")

TOPICS = [
    "社保缴费基数调整",
    "公积金提取材料",
    "新员工增员办理",
    "离职减员停保",
    "个税专项附加扣除",
    "工资条查询",
    "生育津贴申领",
    "工伤认定流程",
    "社保卡补办",
    "劳动合同续签",
    "费用明细表核对",
    "发票开具",
    "退工单办理",
    "医保报销比例",
    "养老保险转移接续",
    "失业金申领条件",
]
TAILS = ["怎么办理", "需要哪些材料", "进度如何", "有问题", "时间", "咨询", "请尽快处理", "流程"]


def generate(people: int, tickets: int) -> dict[str, Any]:
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.utils import timezone

    from hragency.accounts.models import ClientAssignment, User
    from hragency.accounts.roles import ROLE_LABELS, Role
    from hragency.billing.models import CloseRun, Statement
    from hragency.clients.models import Client
    from hragency.core.models import Deadline
    from hragency.employees.models import InsuredPerson
    from hragency.insurance.models import Enrollment
    from hragency.servicedesk.models import Channel, Nature, Ticket

    rng = random.Random(SEED)
    tz = timezone.get_current_timezone()
    with transaction.atomic():
        director = User.objects.create(username="bench_director", display_name="总监")
        director.groups.add(Group.objects.get(name=ROLE_LABELS[Role.CS_DIRECTOR]))
        reps = []
        for i in range(10):
            rep = User.objects.create(username=f"bench_rep{i}", display_name=f"客服{i}")
            rep.groups.add(Group.objects.get(name=ROLE_LABELS[Role.CS_REP]))
            reps.append(rep)
        clients = Client.objects.bulk_create(
            Client(number=f"KH{i:05d}", name=f"基准客户{i}", status=Client.Status.ACTIVE)
            for i in range(100)
        )
        ClientAssignment.objects.bulk_create(
            ClientAssignment(client=clients[i], user=reps[0]) for i in range(20)
        )
        persons = InsuredPerson.objects.bulk_create(
            (
                InsuredPerson(
                    client=clients[i % 100],
                    name=f"员工{i}",
                    id_number=f"31011519{i:010d}",
                    gender="M" if i % 2 else "F",
                    birth_date=dt.date(1985, 1, 1) + dt.timedelta(days=i % 5000),
                    retirement_category="male_60",
                    phone=f"138{i:08d}",
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
        for m in range(12):
            period = dt.date(2025 + (m + 12) // 12 - 1, (m % 12) + 1, 1)
            run = CloseRun.objects.create(period=period, status=CloseRun.Status.DONE)
            Statement.objects.bulk_create(
                Statement(
                    number=f"FY{m:02d}{c.pk:05d}",
                    client=c,
                    period=period,
                    run=run,
                    headcount=200,
                    wages_fen=160_000_000,
                    si_employer_fen=1,
                    si_employee_fen=1,
                    hf_employer_fen=1,
                    hf_employee_fen=1,
                    service_fee_fen=1_600_000,
                    total_fen=50_000_000 + c.pk,
                    computed_at=timezone.now(),
                )
                for c in clients
            )
    made = add_tickets(tickets, clients, reps, rng, start=END - dt.timedelta(days=DAYS - 1))
    return {
        "director": director,
        "rep": reps[0],
        "tickets": made,
        "clients": clients,
        "reps": reps,
        "channels": Channel.values,
        "natures": Nature.values,
        "ticket_model": Ticket,
        "deadline_model": Deadline,
        "tz": tz,
    }


def add_tickets(
    count: int, clients: list[Any], reps: list[Any], rng: random.Random, *, start: dt.date
) -> int:
    from django.db import transaction
    from django.utils import timezone

    from hragency.core.business import BusinessModule
    from hragency.core.models import Deadline
    from hragency.servicedesk.models import Nature, Ticket

    tz = timezone.get_current_timezone()
    offset = Ticket.objects.count()
    channels = ["phone"] * 5 + ["email", "portal", "chat", "wecom"]
    for batch_start in range(0, count, 5000):
        rows = []
        for i in range(batch_start, min(count, batch_start + 5000)):
            n = offset + i
            created = dt.datetime.combine(
                start + dt.timedelta(days=rng.randrange(DAYS)), dt.time(9, 0), tz
            ) + dt.timedelta(minutes=rng.randrange(540))
            resolved = rng.random() < 0.8
            rep = reps[rng.randrange(len(reps))]
            rows.append(
                Ticket(
                    number=f"GD{n:010d}",
                    client=clients[rng.randrange(len(clients))],
                    channel=rng.choice(channels),
                    module=rng.choice(BusinessModule.values),
                    nature=rng.choice(Nature.values),
                    subject=f"{rng.choice(TOPICS)}{rng.choice(TAILS)}",
                    description=f"客户来电：{rng.choice(TOPICS)}，{rng.choice(TOPICS)}{rng.choice(TAILS)}",
                    status=Ticket.Status.CLOSED if resolved else Ticket.Status.IN_PROGRESS,
                    handler=rep,
                    first_owner=rep,
                    created_at=created,
                    first_response_at=created + dt.timedelta(minutes=rng.randrange(5, 240)),
                    resolved_at=created + dt.timedelta(hours=rng.randrange(1, 48))
                    if resolved
                    else None,
                    response_due_at=created + dt.timedelta(hours=2),
                    resolution_due_at=created + dt.timedelta(hours=24),
                    satisfaction=rng.choice([5, 5, 5, 4, 4, 3, 2, 1]) if resolved else None,
                    rated_at=created + dt.timedelta(days=2) if resolved else None,
                )
            )
        with transaction.atomic():
            made = Ticket.objects.bulk_create(rows, batch_size=1000)
            deadlines = []
            for t in made:
                for kind, due in (
                    ("servicedesk.response", t.response_due_at),
                    ("servicedesk.resolution", t.resolution_due_at),
                ):
                    roll = rng.random()
                    status = "met" if roll < 0.85 else ("late" if roll < 0.95 else "open")
                    deadlines.append(
                        Deadline(
                            kind=kind,
                            title=f"{t.number}",
                            client=t.client,
                            owner_id=t.handler_id,
                            subject_type="servicedesk.ticket",
                            subject_id=str(t.pk),
                            starts_at=t.created_at,
                            due_at=due,
                            status=status,
                            breached=status == "late",
                            closed_at=due if status != "open" else None,
                        )
                    )
            Deadline.objects.bulk_create(deadlines, batch_size=2000)
    return count


def measure_endpoints(user: Any, label: str) -> list[tuple[str, float, int, int]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    http = Client()
    http.force_login(user)
    start = END - dt.timedelta(days=DAYS - 1)
    query = f"start={start.isoformat()}&end={END.isoformat()}"
    out = []
    for endpoint in (
        "volumes",
        "service-levels",
        "satisfaction",
        "trends",
        "workload",
        "hotspots",
    ):
        for gran in ("day", "week"):
            path = f"/api/analytics/{endpoint}?{query}&granularity={gran}"
            http.get(path)  # warm (scope cache, jieba, query plans)
            with CaptureQueriesContext(connection) as ctx:
                began = time.perf_counter()
                response = http.get(path)
                ms = (time.perf_counter() - began) * 1000
            assert response.status_code == 200, (path, response.content[:300])
            out.append(
                (
                    f"{label} {endpoint} ({gran})",
                    ms,
                    len(ctx.captured_queries),
                    response.status_code,
                )
            )
    began = time.perf_counter()
    page = http.get(f"/analytics/?{query}")
    out.append(
        (f"{label} page /analytics/", (time.perf_counter() - began) * 1000, -1, page.status_code)
    )
    return out


def rss_now() -> float:
    """This process's resident memory now (MiB), from /proc."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def measure_export(user: Any, fmt: str, *, trace: bool = False) -> dict[str, float]:
    from hragency.analytics.query import Spec, export

    spec = Spec(
        dataset="tickets",
        columns=(
            "number",
            "client",
            "channel",
            "module",
            "nature",
            "subject",
            "status",
            "contact_phone",
            "created_at",
            "resolved_at",
            "handler",
            "satisfaction",
        ),
        sort="-created_at",
    )
    chunks: list[int] = []
    rss_before = generate_si.peak_mib()
    if trace:
        tracemalloc.start()
    began = time.perf_counter()
    samples: list[float] = [rss_now()]

    def progress(done: int, total: int, message: str) -> None:
        chunks.append(done)
        samples.append(rss_now())

    _name, content = export(user, spec, fmt, reveal=False, progress=progress)
    seconds = time.perf_counter() - began
    heap_peak = 0
    if trace:
        _, heap_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return {
        "rows": float(max(chunks) if chunks else 0),
        "seconds": seconds,
        "mib": len(content) / 2**20,
        "heap_peak_mib": heap_peak / 2**20,
        "rss_before": rss_before,
        "rss_after": generate_si.peak_mib(),
        "rss_start": samples[0],
        "rss_first_chunk": samples[min(2, len(samples) - 1)],
        "rss_max": max(samples),
        "progress_calls": float(len(chunks)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=50_000)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--export-rows", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--trace-memory", action="store_true", help="also trace the Python heap (slow)"
    )
    args = parser.parse_args(argv)
    ok = True
    with tempfile.TemporaryDirectory(prefix="hragency-bench-analytics-") as tmp:
        if args.backend == "sqlite":
            url = f"sqlite:///{tmp}/bench.sqlite3"
        else:
            import psycopg

            url = generate_si.database_url(DATABASE)
            with psycopg.connect(
                generate_si.libpq(generate_si.database_url("postgres")), autocommit=True
            ) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
                conn.execute(f'CREATE DATABASE "{DATABASE}"')
        generate_si.setup_django(url, Path(tmp))
        began = time.perf_counter()
        data = generate(args.people, args.tickets)
        print(
            f"[{args.backend}] generated {args.people:,} people, {args.tickets:,} tickets "
            f"in {time.perf_counter() - began:.1f} s"
        )
        from hragency.analytics.terms import refresh_terms

        began = time.perf_counter()
        indexed = refresh_terms()
        print(
            f"term index: {indexed:,} tickets segmented in {time.perf_counter() - began:.1f} s "
            "(one-off; then incremental)"
        )
        print(f"{'endpoint':<44}{'ms':>9}{'queries':>9}")
        for who, label in ((data["director"], "director"), (data["rep"], "rep")):
            for name, ms, queries, _ in measure_endpoints(who, label):
                flag = "" if ms < ENDPOINT_TARGET_MS or "page" in name else "  ← over target"
                ok = ok and (not flag)
                print(f"{name:<44}{ms:>9.1f}{queries:>9}{flag}")
        extra = max(0, args.export_rows - args.tickets)
        if extra:
            add_tickets(
                extra,
                data["clients"],
                data["reps"],
                random.Random(SEED + 1),
                start=END - dt.timedelta(days=DAYS * 3),
            )
        for fmt in ("xlsx", "csv"):
            figures = measure_export(data["director"], fmt, trace=args.trace_memory)
            flag = "" if figures["seconds"] < EXPORT_TARGET_S else "  ← over target"
            ok = ok and not flag
            print(
                f"export {fmt}: {figures['rows']:,.0f} rows in {figures['seconds']:.1f} s, "
                f"file {figures['mib']:.1f} MiB, heap peak {figures['heap_peak_mib']:.1f} MiB, "
                f"RSS at start {figures['rss_start']:.0f} MiB, after the first chunk "
                f"{figures['rss_first_chunk']:.0f} MiB, highest {figures['rss_max']:.0f} MiB, "
                f"{figures['progress_calls']:.0f} progress calls{flag}"
            )
        if args.backend == "postgres":
            from django.db import connections

            connections.close_all()
    print("OK" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
