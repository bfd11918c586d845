"""Month-close benchmark data on its own PostgreSQL database (default ``bench_close``).

Drops and recreates the database, migrates it (which seeds the 10 cities' policies), then
writes every row with ``COPY`` (the two big tables without their secondary indexes and
constraints, which are rebuilt afterwards under the same names):

- 10,000 active clients, each with an active agreement (per head 60 %, percentage 30 %,
  modular 10 %) and its rates for each of its cities (work injury and housing fund drawn
  inside the city's range for 2026-11);
- 1,000,000 insured persons and one enrollment each, in force for 2026-11, spread over the
  10 seeded cities: wages 2,000–60,000 yuan, 15 % with a separate housing-fund wage, 6 %
  social insurance only, 4 % housing fund only; plus 20,000 earlier enrollments that ended
  before 2026-11 (re-hired people), which the close must leave out.

Client sizes are skewed (median about 40 people, 90 % under 150, about 90 clients with
1,000 or more, the largest about 10,000); client 1 has exactly 500 people (the
single-client recalculation target). Encrypted columns hold one
fixed valid ciphertext; ``id_number_index`` is random hex. Everything is seeded, so two
runs produce the same figures. A ``bench_generated`` table records the parameters.

    python bench/generate_si.py [--force] [--people N] [--clients N] [--database NAME]

Without ``--force`` an up-to-date database is left as it is (``make bench`` runs every
bench/*.py, this one included, after the benchmark that already generated the data).

The server is the one of ``DATABASE_URL`` when that is a PostgreSQL URL, else
``postgres://postgres@127.0.0.1:5432``; only the database name is replaced.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_DATABASE = os.environ.get("BENCH_CLOSE_DB", "bench_close")
PEOPLE = 1_000_000
CLIENTS = 10_000
ENDED = 20_000  # extra enrollments that ended before the month (per 1,000,000 people)
TARGET_CLIENT_SIZE = 500  # client 1
SEED = 2026
VERSION = 2
PERIOD = dt.date(2026, 11, 1)
BLOCK = 100_000  # rows per COPY buffer

# City weights for the clients' home cities (share of the book).
CITY_WEIGHTS = {
    "上海": 18,
    "北京": 16,
    "深圳": 13,
    "广州": 11,
    "杭州": 9,
    "南京": 8,
    "苏州": 8,
    "成都": 7,
    "武汉": 6,
    "合肥": 4,
}


# --- where ------------------------------------------------------------------------------------


def server_url() -> str:
    """The PostgreSQL server to use: ``DATABASE_URL``'s when it is PostgreSQL, else the default."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://", "pgsql://")):
        return url
    return DEFAULT_SERVER


def database_url(name: str, base: str | None = None) -> str:
    """``base`` (default: ``server_url()``) with its database name replaced by ``name``."""
    parts = urlsplit(base or server_url())
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def libpq(url: str) -> str:
    """A URL psycopg accepts (it does not know dj-database-url's ``pgsql://``)."""
    return "postgresql://" + url.split("://", 1)[1]


# Production-like settings (DEBUG off: no query log) with bench-only keys; the generator and the
# benchmark use the same field key, so the ciphertext written here decrypts there.
BENCH_FIELD_KEY = "YmVuY2gtb25seS1maWVsZC1rZXktMzItYnl0ZXMhISE="


def bench_environment(url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "hragency.settings",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-secret-key-" + "x" * 40,
        "FIELD_ENCRYPTION_KEY": os.environ.get("FIELD_ENCRYPTION_KEY") or BENCH_FIELD_KEY,
    }


def setup_django(url: str, tmp: Path) -> None:
    """Point Django at the bench database (files under ``tmp``), set it up and migrate."""
    os.environ.update(bench_environment(url))
    os.environ["HRAGENCY_VAR_DIR"] = str(tmp)
    os.environ["MEDIA_ROOT"] = str(tmp / "media")
    os.environ["HUEY_IMMEDIATE"] = "1"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def peak_mib() -> float:
    """This process's peak resident memory so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def where() -> str:
    """The server as host:port, for messages (never the credentials)."""
    parts = urlsplit(server_url())
    return f"{parts.hostname or 'localhost'}:{parts.port or 5432}"


def reachable(timeout: float = 3.0) -> bool:
    import psycopg

    try:
        with psycopg.connect(libpq(database_url("postgres")), connect_timeout=timeout):
            return True
    except psycopg.Error:
        return False


def generated_marker(name: str) -> dict[str, object] | None:
    """The ``bench_generated`` row of database ``name``, or None when it has no complete data."""
    import psycopg

    try:
        with psycopg.connect(libpq(database_url(name)), connect_timeout=3) as conn:
            row = conn.execute(
                "SELECT params FROM bench_generated ORDER BY generated_at DESC LIMIT 1"
            ).fetchone()
    except psycopg.Error:
        return None
    return None if row is None else dict(row[0])


def is_current(marker: dict[str, object] | None, *, people: int, clients: int) -> bool:
    return (
        marker is not None
        and marker.get("version") == VERSION
        and marker.get("people") == people
        and marker.get("clients") == clients
    )


# --- the data -----------------------------------------------------------------------------------


def client_sizes(rng: random.Random, clients: int, people: int) -> list[int]:
    """Skewed sizes summing to ``people``; the first client has ``TARGET_CLIENT_SIZE``."""
    first = min(TARGET_CLIENT_SIZE, people - (clients - 1))
    rest = people - first
    weights = [min(rng.paretovariate(1.3), 400.0) for _ in range(clients - 1)]
    total = sum(weights)
    sizes = [max(1, int(w / total * rest)) for w in weights]
    # Hand out (or take back) the rounding difference one person at a time, big clients first.
    diff = rest - sum(sizes)
    order = sorted(range(len(sizes)), key=lambda i: -sizes[i])
    i = 0
    while diff:
        j = order[i % len(order)]
        if diff > 0:
            sizes[j] += 1
            diff -= 1
        elif sizes[j] > 1:
            sizes[j] -= 1
            diff += 1
        i += 1
    return [first, *sizes]


def month(year: int, month_: int) -> dt.date:
    return dt.date(year + (month_ - 1) // 12, (month_ - 1) % 12 + 1, 1)


def rate_text(ppm: int) -> str:
    return f"{ppm // 1_000_000}.{ppm % 1_000_000:06d}"


def csv_field(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "t" if value else "f"
    text = str(value)
    if any(c in text for c in ',"\n\r') or text == "":
        return '"' + text.replace('"', '""') + '"'
    return text


def copy_rows(
    cursor: object, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]
) -> int:
    """``COPY table (columns) FROM STDIN`` in CSV, ``BLOCK`` rows per write."""
    count = 0
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)"
    with cursor.copy(sql) as copy:  # type: ignore[attr-defined]
        buffer = io.StringIO()
        for row in rows:
            buffer.write(",".join(csv_field(v) for v in row))
            buffer.write("\n")
            count += 1
            if count % BLOCK == 0:
                copy.write(buffer.getvalue().encode())
                buffer = io.StringIO()
        copy.write(buffer.getvalue().encode())
    return count


def copy_frame(cursor: Any, table: str, frame: pl.DataFrame) -> None:
    """``COPY table FROM STDIN`` in CSV, ``BLOCK`` rows per write (empty string ≠ NULL)."""
    sql = f"COPY {table} ({', '.join(frame.columns)}) FROM STDIN WITH (FORMAT csv)"
    with cursor.copy(sql) as copy:
        for start in range(0, frame.height, BLOCK):
            buffer = io.BytesIO()
            frame.slice(start, BLOCK).write_csv(buffer, include_header=False)
            copy.write(buffer.getbuffer())


@contextlib.contextmanager
def bulk_load(cursor: Any, model: Any) -> Iterator[None]:
    """Fill ``model``'s table without its secondary indexes, unique and foreign-key
    constraints, then put them back under the same names: one sorted index build (and one
    join per foreign key) instead of a million random index inserts and deferred checks."""
    table = model._meta.db_table
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('u', 'f')",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
        "AND tablename = %s AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
        [table, table],
    )
    indexes = cursor.fetchall()
    for name, _ in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    yield
    cursor.execute("SET maintenance_work_mem = '256MB'")
    for _, definition in indexes:
        cursor.execute(definition)
    for name, definition in constraints:
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def generate(
    name: str,
    *,
    people: int,
    clients: int,
    seed: int = SEED,
    person_columns: dict[str, pl.Series] | None = None,
) -> dict[str, object]:
    """Writes the database (see the module docstring). ``person_columns``: more columns of the
    insured persons (one value per person, in id order), e.g. the payroll benchmark's hire
    dates; they take nothing from this generator's random numbers."""
    import psycopg

    started = time.perf_counter()
    steps: dict[str, float] = {}

    def step(label: str, since: float) -> float:
        now = time.perf_counter()
        steps[label] = now - since
        print(f"  {label:<28} {now - since:6.1f} s", flush=True)
        return now

    admin = libpq(database_url("postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = database_url(name)
    env = dict(os.environ, **bench_environment(url))
    subprocess.run(
        [sys.executable, "-m", "hragency.manage", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    clock = step("create + migrate", started)

    os.environ.update(bench_environment(url))
    import django

    django.setup()
    from django.db import connection

    from bench.generate import GIVEN, SURNAMES
    from hragency.clients.models import Agreement, Client
    from hragency.core.crypto import encrypt
    from hragency.domain.idcard import make_id_number
    from hragency.domain.insurance import Item, Period
    from hragency.employees.models import InsuredPerson
    from hragency.insurance.models import ClientRate, Enrollment
    from hragency.insurance.policies import rules_in_force

    rng = random.Random(seed)
    rules = rules_in_force(Period.of(PERIOD))
    cities = [c for c in CITY_WEIGHTS if c in rules] + sorted(set(rules) - set(CITY_WEIGHTS))
    weights = [CITY_WEIGHTS.get(c, 5) for c in cities]

    def ppm_range(city: str, item: Item, default: tuple[str, str]) -> tuple[int, int]:
        rule = next((r for r in rules[city] if r.item == item.value), None)
        low = rule.rate_min if rule is not None and rule.rate_min is not None else default[0]
        high = rule.rate_max if rule is not None and rule.rate_max is not None else default[1]
        return int(float(low) * 1_000_000 + 0.5), int(float(high) * 1_000_000 + 0.5)

    injury_range = {c: ppm_range(c, Item.INJURY, ("0.002", "0.019")) for c in cities}
    hf_range = {c: ppm_range(c, Item.HOUSING_FUND, ("0.05", "0.12")) for c in cities}

    now = dt.datetime.now(dt.UTC).isoformat()
    sizes = client_sizes(rng, clients, people)
    home = rng.choices(cities, weights=weights, k=clients)
    client_cities: list[list[str]] = []
    for i in range(clients):
        own = [home[i]]
        if rng.random() < 0.25:
            second = rng.choice([c for c in cities if c != home[i]])
            own.append(second)
        client_cities.append(own)

    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        cursor.execute("SET synchronous_commit = off")

        # Clients.
        def client_rows() -> Iterator[list[object]]:
            for i in range(clients):
                cid = i + 1
                yield [
                    cid,
                    f"KH{cid:08d}",
                    f"基准测试客户{cid:05d}有限公司",
                    "",
                    "private",
                    "",
                    "",
                    "normal",
                    Client.Status.ACTIVE.value,
                    "、".join(client_cities[i]),
                    "",
                    "",
                    "",
                    now,
                ]

        copy_rows(
            cursor,
            Client._meta.db_table,
            [
                "id",
                "number",
                "name",
                "credit_code",
                "nature",
                "industry",
                "address",
                "grade",
                "status",
                "service_cities",
                "licence_file",
                "licence_name",
                "blacklist_reason",
                "created_at",
            ],
            client_rows(),
        )

        # One agreement each, a mix of fee models.
        def agreement_rows() -> Iterator[list[object]]:
            for i in range(clients):
                cid = i + 1
                kind = i % 10
                fee_model = "per_head" if kind < 6 else "percentage" if kind < 9 else "modular"
                per_head = f"{rng.randrange(50, 121)}.00" if fee_model == "per_head" else None
                rate = f"{rng.randrange(8000, 10001) / 1000:.3f}" if kind in (6, 7, 8) else None
                fees = (
                    {"si_hf": f"{rng.randrange(800, 3001)}.00", "payroll": "500.00"}
                    if fee_model == "modular"
                    else {}
                )
                modules = ["si_hf", "payroll"] if fee_model == "modular" else ["si_hf"]
                yield [
                    cid,
                    cid,
                    f"XY{cid:08d}",
                    Agreement.Kind.SI_AGENCY.value,
                    json.dumps(modules),
                    dt.date(2026, 1, 1),
                    dt.date(2027, 12, 31),
                    fee_model,
                    per_head,
                    rate,
                    json.dumps(fees),
                    "transfer",
                    10,
                    "",
                    "",
                    Agreement.Status.ACTIVE.value,
                    now,
                    "",
                    now,
                ]

        copy_rows(
            cursor,
            Agreement._meta.db_table,
            [
                "id",
                "client_id",
                "number",
                "kind",
                "modules",
                "start_date",
                "end_date",
                "fee_model",
                "fee_per_head",
                "fee_rate",
                "module_fees",
                "payment_method",
                "payment_day",
                "rights_obligations",
                "breach_liability",
                "status",
                "signed_at",
                "termination_reason",
                "created_at",
            ],
            agreement_rows(),
        )

        # The client's rates in each of its cities, inside the city's ranges.
        def rate_rows() -> Iterator[list[object]]:
            for i in range(clients):
                for city in client_cities[i]:
                    low, high = injury_range[city]
                    injury = rng.randrange(low // 1000, high // 1000 + 1) * 1000
                    low, high = hf_range[city]
                    hf = rng.randrange(low // 10_000, high // 10_000 + 1) * 10_000
                    yield [i + 1, city, rate_text(injury), rate_text(hf), now]

        rates = copy_rows(
            cursor,
            ClientRate._meta.db_table,
            ["client_id", "city", "injury_rate", "hf_rate", "updated_at"],
            rate_rows(),
        )
    clock = step(f"clients, agreements, {rates:,} rates", clock)

    # People and their enrollments, built column by column and written as CSV by Polars.
    id_number = make_id_number(
        region_code="310115", birth_date=dt.date(1990, 3, 7), sequence=11, gender="M"
    )
    cipher = encrypt(id_number)
    owner: list[int] = []
    for i, size in enumerate(sizes):
        owner.extend([i + 1] * size)
    city_of = [
        own[0] if len(own) == 1 or rng.random() < 0.8 else own[1]
        for own in (client_cities[cid - 1] for cid in owner)
    ]
    # Log-normal around 9,000 yuan, held to 2,000–60,000.
    wages = [int(min(60_000.0, max(2_000.0, rng.lognormvariate(9.1, 0.55))) * 100) for _ in owner]
    ids = pl.int_range(1, people + 1, eager=True)

    def money(column: str) -> pl.Expr:
        fen = pl.col(column)
        return pl.format("{}.{}", fen // 100, (fen % 100).cast(pl.String).str.zfill(2))

    persons = pl.DataFrame(
        {
            "id": ids,
            "client_id": owner,
            "name": [rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN) for _ in owner],
            "id_number_index": [f"{rng.getrandbits(256):064x}" for _ in owner],
            "gender": ["M" if rng.random() < 0.55 else "F" for _ in owner],
            "birth_offset": [rng.randrange(14_000) for _ in owner],
            "wage": wages,
            "insured_city": city_of,
        }
    ).select(
        "id",
        "client_id",
        "name",
        pl.lit(cipher).alias("id_number"),
        "id_number_index",
        "gender",
        (pl.lit(dt.date(1966, 1, 1)) + pl.duration(days="birth_offset")).alias("birth_date"),
        pl.when(pl.col("gender") == "M")
        .then(pl.lit("male_60"))
        .otherwise(pl.lit("female_55"))
        .alias("retirement_category"),
        *(
            pl.lit("").alias(name)
            for name in (
                "phone",
                "email",
                "hukou_type",
                "hukou_place",
                "education",
                "bank_name",
                "bank_account",
            )
        ),
        pl.format("E{}", pl.col("id").cast(pl.String).str.zfill(7)).alias("employee_number"),
        pl.lit("").alias("position"),
        money("wage").alias("salary"),
        pl.lit("").alias("contract_type"),
        pl.lit("").alias("leave_reason"),
        "insured_city",
        pl.lit("active").alias("status"),
        pl.lit(now).alias("created_at"),
        pl.lit(now).alias("updated_at"),
    )
    if person_columns:
        persons = persons.with_columns(**person_columns)
    clock = step(f"{people:,} people built", clock)
    with connection.cursor() as django_cursor, bulk_load(django_cursor.cursor, InsuredPerson):
        copy_frame(django_cursor.cursor, InsuredPerson._meta.db_table, persons)
    del persons
    clock = step(f"{people:,} insured persons", clock)

    draws = [rng.random() for _ in owner]
    ended = people * ENDED // PEOPLE
    again = [rng.randrange(1, people + 1) for _ in range(ended)]
    in_force = pl.DataFrame(
        {
            "id": ids,
            "client_id": owner,
            "person_id": ids,
            "city": city_of,
            "wage_fen": wages,
            # 6 % social insurance only, 4 % housing fund only.
            "si": [d < 0.06 or d >= 0.10 for d in draws],
            "hf": [d >= 0.06 for d in draws],
            "hf_wage_fen": [
                int(w * rng.uniform(0.5, 1.0)) if rng.random() < 0.15 else None for w in wages
            ],
            "start_month": [
                min(PERIOD, month(2020 + rng.randrange(7), rng.randrange(1, 13))) for _ in owner
            ],
            "end_month": [
                month(2026, 11 + rng.randrange(14)) if rng.random() < 0.15 else None for _ in owner
            ],
        },
        schema_overrides={"hf_wage_fen": pl.Int64, "end_month": pl.Date},
    )
    # Earlier enrollments of some of the same people, ended before the month.
    earlier = pl.DataFrame(
        {
            "id": pl.int_range(people + 1, people + ended + 1, eager=True),
            "client_id": [owner[p - 1] for p in again],
            "person_id": again,
            "city": [city_of[p - 1] for p in again],
            "wage_fen": [wages[p - 1] for p in again],
            "si": [True] * ended,
            "hf": [True] * ended,
            "hf_wage_fen": [None] * ended,
            "start_month": [month(2019, rng.randrange(1, 13)) for _ in again],
            "end_month": [month(2026, rng.randrange(1, 11)) for _ in again],
        },
        schema=in_force.schema,
    )
    enrollments_frame = pl.concat([in_force, earlier]).select(
        "id",
        "client_id",
        "person_id",
        "city",
        money("wage_fen").alias("wage"),
        money("hf_wage_fen").alias("hf_wage"),
        "si",
        "hf",
        "start_month",
        "end_month",
        pl.lit(now).alias("created_at"),
    )
    del in_force, earlier
    enrollments = enrollments_frame.height
    clock = step(f"{enrollments:,} enrollments built", clock)
    with connection.cursor() as django_cursor, bulk_load(django_cursor.cursor, Enrollment):
        copy_frame(django_cursor.cursor, Enrollment._meta.db_table, enrollments_frame)
    del enrollments_frame
    clock = step(f"{enrollments:,} enrollments", clock)

    tables = [
        Client._meta.db_table,
        Agreement._meta.db_table,
        ClientRate._meta.db_table,
        InsuredPerson._meta.db_table,
        Enrollment._meta.db_table,
    ]
    with connection.cursor() as django_cursor:
        for table in tables:
            # Identity columns continue after the ids written here.
            django_cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
    connection.close()
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        for table in tables:
            conn.execute(f"VACUUM ANALYZE {table}")
    clock = step("sequences, vacuum analyze", clock)

    params: dict[str, object] = {
        "version": VERSION,
        "people": people,
        "clients": clients,
        "enrollments": enrollments,
        "seed": seed,
        "target_client": 1,
        "seconds": round(time.perf_counter() - started, 1),
    }
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE bench_generated (generated_at timestamptz DEFAULT now(), params jsonb)"
        )
        conn.execute("INSERT INTO bench_generated (params) VALUES (%s)", [json.dumps(params)])
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
    if args.people < args.clients + TARGET_CLIENT_SIZE:
        parser.error("--people must exceed --clients + 500")
    if not reachable():
        print(f"generate_si: PostgreSQL not reachable at {where()}: skipped")
        return 0
    marker = generated_marker(args.database)
    if not args.force and is_current(marker, people=args.people, clients=args.clients):
        print(
            f"generate_si: database {args.database!r} already holds the data "
            f"(generated in {marker['seconds']} s); --force regenerates it"
        )
        return 0
    print(
        f"generating {args.clients:,} clients and {args.people:,} people into "
        f"database {args.database!r}",
        flush=True,
    )
    started = time.perf_counter()
    params = generate(args.database, people=args.people, clients=args.clients)
    print(
        f"generated {params['enrollments']:,} enrollments ({args.people:,} in force) for "
        f"{args.clients:,} clients in {time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
