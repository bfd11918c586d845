"""The month close (月结, R-FEE-1/2): every enrollment in force → its contributions for the
month → each client's 《费用明细表》 with the service fee of its agreement.

Set-based throughout: one query loads every enrollment of the month (``COPY … TO`` on
PostgreSQL), the Polars engine computes all of them at once in integer fen, and the results are
written client chunk by client chunk (at most ``chunk_clients`` clients and ``CHUNK_ROWS``
people), each chunk in one transaction that reads the chunk's stored rows for the month,
deletes those that differ from the new ones, writes the new and changed ones (one
``COPY … FROM`` on PostgreSQL) and upserts the chunk's statements with one
``INSERT … ON CONFLICT``. On PostgreSQL two chunks are written at once, each on its own
connection (``LANES``), unless the caller holds a transaction open. So:

- **idempotent**: a client's rows and statement for a month are replaced, never duplicated; a
  rerun that changes nothing rewrites no contribution row (only the statements, which record
  the run), so reruns after a few corrections are cheap;
- **resumable**: the run (``CloseRun``) remembers which clients it has written; after a crash
  or a kill, the next ``close-month`` for the period continues the unfinished run and skips
  them. A finished run is followed by a fresh one that recomputes every client. On PostgreSQL
  the chunks commit with ``synchronous_commit = off``: a server crash may lose the last
  chunks' commits, but each chunk and its progress commit together, so a lost chunk is simply
  recomputed when the unfinished run is continued;
- a statement the client has **confirmed** is frozen: its client is skipped and reported (the
  chunk locks its clients' statements, so a confirmation waits for the chunk, not the other
  way round);
- a statement keeps its number across reruns; new statements get new numbers.

Figures (``bench/bench_close_month.py``: 1,000,000 people of 10,000 clients, PostgreSQL on the
same two-core machine, partly busy): the first close of a month 12–20 s, a rerun that changes
nothing about 8 s, one after a correction that changes 96 % of the rows 25–30 s, one client of
500 people about 60 ms; peak memory about 0.65 GiB.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone

from hragency.billing.due import statements_done
from hragency.billing.models import CloseRun, Statement
from hragency.clients.models import Agreement, Client
from hragency.core import audit
from hragency.core.bulk import is_postgres, read_frame, run_in_lanes
from hragency.core.numbering import reserve_numbers
from hragency.domain.fees import FeeModel, FeeTerms, service_fee
from hragency.domain.insurance import ITEMS, Item, Period
from hragency.domain.insurance_engine import compute_contributions, rules_frame
from hragency.domain.money import to_fen
from hragency.employees.models import InsuredPerson
from hragency.insurance.adjustments import billed_adjustments
from hragency.insurance.models import ITEM_COLUMNS, ClientRate, Contribution, Enrollment
from hragency.insurance.policies import rules_in_force

CHUNK_CLIENTS = 500
LANES = 2
"""Chunks written at once on PostgreSQL (threads, each with its own connection): the server
works on one chunk's ``COPY`` while another is read, compared or prepared, so both cores of a
small server are busy. 1 writes chunk after chunk."""
CHUNK_ROWS = 100_000
"""A chunk also ends once it holds this many people (one ``COPY`` of at most this many rows)."""
ANALYZE_AFTER_ROWS = 100_000
"""After a close that inserted or deleted this many rows, refresh the table's planner
statistics, so that the next close's per-chunk reads use the (client, period) index."""
SI_ITEMS = [item for item in ITEMS if item is not Item.HOUSING_FUND]


@dataclass
class CloseReport:
    run: CloseRun
    clients_written: int = 0
    people_written: int = 0
    skipped: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    """People left out of the month (no rate, no policy …): someone must act and re-run."""
    warnings: list[str] = field(default_factory=list)
    """Computed, but worth a look (no agreement in force: service fee 0)."""
    seconds: dict[str, float] = field(default_factory=dict)
    rows_inserted: int = 0
    """Contribution rows written (new or changed); ``people_written`` less the unchanged."""
    rows_deleted: int = 0
    """Stored rows removed (changed, or of people no longer charged)."""


_is_postgres = is_postgres
_read = read_frame


# --- loading ------------------------------------------------------------------------------

_PEOPLE_COLUMNS = {
    "row_id": pl.Int64,
    "client_id": pl.Int64,
    "person_id": pl.Int64,
    "city": pl.Utf8,
    "wage_fen": pl.Int64,
    "hf_wage_fen": pl.Int64,
    "injury_ppm": pl.Int64,
    "hf_ppm": pl.Int64,
    "si": pl.Boolean,
    "hf": pl.Boolean,
}
# As read: the flags arrive as 0/1 (cheaper to print and parse than PostgreSQL's t/f).
_PEOPLE_READ = {k: (pl.Int8 if v is pl.Boolean else v) for k, v in _PEOPLE_COLUMNS.items()}


def _enrollment_sql(client_filter: str) -> str:
    e, r = Enrollment._meta.db_table, ClientRate._meta.db_table
    # Decimal columns become integer fen / ppm in SQL: exact numeric on PostgreSQL; on SQLite
    # (which keeps decimals as REAL) ROUND recovers the exact value, as every stored amount
    # has at most 2 (rate: 6) places and is far below 2**53.
    if _is_postgres():
        fen = "({col} * 100)::bigint"
        ppm = "({col} * 1000000)::bigint"
        flag = "{col}::int"
    else:
        fen = "CAST(ROUND({col} * 100) AS INTEGER)"
        ppm = "CAST(ROUND({col} * 1000000) AS INTEGER)"
        flag = "CAST({col} AS INTEGER)"
    # No ORDER BY: the frame is sorted in Polars (both cores) rather than by the server.
    return (
        f"SELECT e.id, e.client_id, e.person_id, e.city, {fen.format(col='e.wage')}, "
        f"{fen.format(col='e.hf_wage')}, {ppm.format(col='r.injury_rate')}, "
        f"{ppm.format(col='r.hf_rate')}, {flag.format(col='e.si')}, {flag.format(col='e.hf')} "
        f"FROM {e} e LEFT JOIN {r} r ON r.client_id = e.client_id AND r.city = e.city "
        f"WHERE e.start_month <= %s AND (e.end_month IS NULL OR e.end_month >= %s) "
        f"{client_filter}"
    )


def load_enrollments(period: Period, client_ids: Sequence[int] | None = None) -> pl.DataFrame:
    """Every enrollment in force in ``period`` (optionally of some clients) as a frame, sorted
    by client and enrollment."""
    day = period.first_day
    if client_ids is not None and not client_ids:
        return pl.DataFrame(schema=_PEOPLE_COLUMNS)
    params: list[Any] = [day, day]
    client_filter = ""
    if client_ids is not None:
        if _is_postgres():
            client_filter = "AND e.client_id = ANY(%s)"
            params.append(list(client_ids))
        else:
            client_filter = f"AND e.client_id IN ({','.join(['%s'] * len(client_ids))})"
            params += list(client_ids)
    frame = _read(_enrollment_sql(client_filter), params, _PEOPLE_READ)
    return frame.with_columns(pl.col("si").cast(pl.Boolean), pl.col("hf").cast(pl.Boolean)).sort(
        "client_id", "row_id"
    )


def _fee_terms(client_ids: Sequence[int], period: Period) -> dict[int, FeeTerms]:
    """The fee terms of each client's agreement in force in the month (one query)."""
    month_end = period.shifted(1).first_day
    terms: dict[int, FeeTerms] = {}
    agreements = (
        Agreement.objects.filter(
            client_id__in=client_ids,
            status__in=[Agreement.Status.ACTIVE, Agreement.Status.RENEWED],
            start_date__lt=month_end,
            end_date__gte=period.first_day,
        )
        .order_by("client_id", "-start_date")
        .values("client_id", "fee_model", "fee_per_head", "fee_rate", "module_fees")
    )
    for row in agreements:
        if row["client_id"] in terms:
            continue
        terms[row["client_id"]] = FeeTerms(
            model=FeeModel(row["fee_model"]),
            per_head_fen=to_fen(row["fee_per_head"] or Decimal(0)),
            rate_percent=row["fee_rate"] or Decimal(0),
            module_fees_fen={
                k: to_fen(Decimal(str(v))) for k, v in (row["module_fees"] or {}).items()
            },
        )
    return terms


# --- writing contributions ----------------------------------------------------------------

# What makes a stored row equal to a new one (the period is the chunk's).
_ROW_COLUMNS = [
    "client_id",
    "person_id",
    "enrollment_id",
    "city",
    "wage_fen",
    "employer_fen",
    "employee_fen",
    *ITEM_COLUMNS,
]
_CONTRIBUTION_COLUMNS = ["period", *_ROW_COLUMNS]
_STORED_COLUMNS = {
    "id": pl.Int64,
    **{name: (pl.Utf8 if name == "city" else pl.Int64) for name in _ROW_COLUMNS},
}


def _stored_rows(period: Period, client_ids: Sequence[int]) -> pl.DataFrame:
    """The chunk's rows of the month as stored (read inside the chunk's transaction)."""
    table = Contribution._meta.db_table
    # A range over the sorted chunk is a plain (client, period) index range scan; rows of
    # clients inside the range but outside the chunk (frozen, done) are dropped here.
    sql = (
        f"SELECT id, {', '.join(_ROW_COLUMNS)} FROM {table} "
        f"WHERE period = %s AND client_id BETWEEN %s AND %s"
    )
    stored = _read(sql, [period.first_day, client_ids[0], client_ids[-1]], _STORED_COLUMNS)
    return stored.filter(pl.col("client_id").is_in(client_ids))


def _changes(stored: pl.DataFrame, new: pl.DataFrame) -> tuple[pl.Series, pl.DataFrame]:
    """(ids of stored rows to delete, new rows to insert): a stored row equal in every column
    to the new row of its enrollment stays as it is (one row per enrollment on either side)."""
    if stored.is_empty() or new.is_empty():
        return stored["id"], new
    compared = [c for c in _ROW_COLUMNS if c != "enrollment_id"]
    both = new.join(
        stored.rename({c: f"{c}__stored" for c in compared}),
        on="enrollment_id",
        how="left",
        validate="1:1",
    )
    same = pl.col("id").is_not_null() & pl.all_horizontal(
        pl.col(c).eq_missing(pl.col(f"{c}__stored")) for c in compared
    )
    both = both.with_columns(same.alias("__same"))
    kept = both.filter("__same")["id"]
    fresh = both.filter(~pl.col("__same")).select(new.columns)
    return stored.filter(~pl.col("id").is_in(kept.implode()))["id"], fresh


def _delete_contributions(
    period: Period, client_ids: Sequence[int], ids: pl.Series, *, every: bool
) -> None:
    """Delete the stored rows ``ids``; ``every``: they are all the clients' rows of the month."""
    if ids.is_empty():
        return
    table = Contribution._meta.db_table
    with connection.cursor() as cursor:
        if every:
            # A range of the (client, period) index rather than one probe per row.
            placeholders = ", ".join(["%s"] * len(client_ids))
            cursor.execute(
                f"DELETE FROM {table} WHERE period = %s AND client_id BETWEEN %s AND %s "
                f"AND client_id IN ({placeholders})",
                [period.first_day, client_ids[0], client_ids[-1], *client_ids],
            )
        elif _is_postgres():
            # One array literal: adapting tens of thousands of ints one by one costs seconds.
            array = "{" + ",".join(map(str, ids.to_list())) + "}"
            cursor.execute(f"DELETE FROM {table} WHERE id = ANY(%s::bigint[])", [array])
        else:
            values = ids.to_list()
            for start in range(0, len(values), 500):
                batch = values[start : start + 500]
                cursor.execute(
                    f"DELETE FROM {table} WHERE id IN ({', '.join(['%s'] * len(batch))})", batch
                )


def _write_contributions(frame: pl.DataFrame, period: Period) -> None:
    if frame.is_empty():
        return
    table = Contribution._meta.db_table
    columns = ", ".join(_CONTRIBUTION_COLUMNS)
    if _is_postgres():
        buffer = io.BytesIO()
        frame.select(pl.lit(period.first_day).alias("period"), *_ROW_COLUMNS).write_csv(
            buffer, include_header=False
        )
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:  # type: ignore[attr-defined]
                copy.write(buffer.getbuffer())
        return
    placeholders = ", ".join(["%s"] * len(_CONTRIBUTION_COLUMNS))
    day = connection.ops.adapt_datefield_value(period.first_day)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",
            [(day, *row) for row in frame.select(_ROW_COLUMNS).iter_rows()],
        )


# --- writing statements -------------------------------------------------------------------

# Per client, as computed by ``_write_chunk``; the rest of a statement's columns are the same
# for the whole chunk.
_STATEMENT_VALUES = [
    "number",
    "client",
    "headcount",
    "wages_fen",
    "si_employer_fen",
    "si_employee_fen",
    "hf_employer_fen",
    "hf_employee_fen",
    "fee_model",
    "service_fee_fen",
    "tax_fen",
    "risk_reserve_fen",
    "adjust_si_fen",
    "adjust_hf_fen",
    "total_fen",
]
_STATEMENT_CONSTANTS = [
    "period",
    "run",
    "status",
    "computed_at",
    "responded_by",
    "responded_at",
    "dispute_reason",
]
_COPY_STATEMENTS_FROM = 50
"""From how many statements the upsert goes through ``COPY`` and a temporary table."""
# Kept on a rerun: the number, the key, and a disputed statement's reason.
_STATEMENT_KEPT = {"number", "client", "period", "dispute_reason"}


def _statement_rows(amounts: pl.DataFrame) -> pl.DataFrame:
    def total(suffix: str, items: Sequence[Item]) -> pl.Expr:
        return pl.sum_horizontal([pl.col(f"{i.value}_{suffix}").fill_null(0) for i in items])

    return (
        amounts.group_by("client_id")
        .agg(
            pl.len().alias("headcount"),
            pl.col("wage_fen").sum().alias("wages_fen"),
            total("er", SI_ITEMS).sum().alias("si_employer_fen"),
            total("ee", SI_ITEMS).sum().alias("si_employee_fen"),
            pl.col("housing_fund_er").fill_null(0).sum().alias("hf_employer_fen"),
            pl.col("housing_fund_ee").fill_null(0).sum().alias("hf_employee_fen"),
        )
        .sort("client_id")
    )


def _column(name: str) -> str:
    found = Statement._meta.get_field(name)
    assert isinstance(found, models.Field)
    return connection.ops.quote_name(found.column)


def _upsert_statements(
    values: pl.DataFrame, *, run: CloseRun, period: Period, now: dt.datetime
) -> None:
    """Insert or update the statements ``values`` (``_STATEMENT_VALUES`` per client) with
    ``INSERT … ON CONFLICT (client, period) DO UPDATE``: an existing statement keeps its id,
    number and dispute reason. On PostgreSQL a chunk's many statements are read from a
    temporary table filled by ``COPY``; a few (one client) are parameters, as on SQLite."""
    if values.is_empty():
        return
    table = connection.ops.quote_name(Statement._meta.db_table)
    fields = _STATEMENT_VALUES + _STATEMENT_CONSTANTS
    columns = ", ".join(_column(name) for name in fields)
    constants: list[Any] = [
        connection.ops.adapt_datefield_value(period.first_day),
        run.pk,
        Statement.Status.DRAFT.value,
        connection.ops.adapt_datetimefield_value(now),
        None,
        None,
        "",
    ]
    updates = ", ".join(
        f"{_column(name)} = excluded.{_column(name)}"
        for name in fields
        if name not in _STATEMENT_KEPT
    )
    conflict = f"ON CONFLICT ({_column('client')}, {_column('period')}) DO UPDATE SET {updates}"
    with connection.cursor() as cursor:
        if _is_postgres() and values.height > _COPY_STATEMENTS_FROM:
            own = ", ".join(_column(name) for name in _STATEMENT_VALUES)
            cursor.execute(
                f"CREATE TEMPORARY TABLE close_statement ON COMMIT DROP AS "
                f"SELECT {own} FROM {table} WITH NO DATA"
            )
            buffer = io.BytesIO()
            values.write_csv(buffer, include_header=False)
            raw = cursor.cursor
            with raw.copy(f"COPY close_statement ({own}) FROM STDIN WITH (FORMAT csv)") as copy:  # type: ignore[attr-defined]
                copy.write(buffer.getbuffer())
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {own}, "
                f"%s::date, %s::bigint, %s, %s::timestamptz, NULL::bigint, NULL::timestamptz, %s "
                f"FROM close_statement {conflict}",
                [constants[0], constants[1], constants[2], constants[3], constants[6]],
            )
            # Dropped now rather than at commit: a caller's transaction may hold many chunks.
            cursor.execute("DROP TABLE close_statement")
            return
        one = f"({', '.join(['%s'] * len(fields))})"
        size = max(1, 30_000 // len(fields))
        rows = [[*row, *constants] for row in values.iter_rows()]
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(batch))} "
                f"{conflict}",
                [v for row in batch for v in row],
            )


def _chunks(
    clients: Sequence[int], rows_of: dict[int, int], size: int, max_rows: int
) -> list[list[int]]:
    """Consecutive clients, at most ``size`` of them and (past the first) ``max_rows`` people."""
    chunks: list[list[int]] = []
    current: list[int] = []
    people = 0
    for client_id in clients:
        count = rows_of.get(client_id, 0)
        if current and (len(current) >= size or people + count > max_rows):
            chunks.append(current)
            current, people = [], 0
        current.append(client_id)
        people += count
    if current:
        chunks.append(current)
    return chunks


@dataclass
class _Written:
    """What one chunk wrote (merged into the report by the thread that runs the close)."""

    clients: list[int]
    """The clients written (the chunk less those that confirmed meanwhile)."""
    chunk: int = 0
    """How many clients the chunk had: the run's progress counts them all."""
    people: int = 0
    inserted: int = 0
    deleted: int = 0
    no_agreement: list[int] = field(default_factory=list)
    """Clients charged without an agreement in force (service fee 0)."""


def _write_chunk(
    *, run: CloseRun, period: Period, client_ids: Sequence[int], amounts: pl.DataFrame, actor: Any
) -> _Written:
    """Write the rows and statements of ``client_ids`` (sorted; ``amounts`` holds their rows
    and is sorted by client) in one transaction. Touches neither ``run`` nor a report: the
    chunk may run on a lane of its own (``_run_lanes``)."""
    written = _Written(clients=list(client_ids), chunk=len(client_ids))
    now = timezone.now()
    day = period.first_day
    with transaction.atomic():
        if _is_postgres():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        # Lock the chunk's statements; a client may have confirmed meanwhile.
        existing: dict[int, str] = {}
        frozen: set[int] = set()
        for client_id, status, number in (
            Statement.objects.select_for_update()
            .filter(client_id__in=client_ids, period=day)
            .values_list("client_id", "status", "number")
        ):
            if status == Statement.Status.CONFIRMED:
                frozen.add(client_id)
            existing[client_id] = number
        ids = [c for c in client_ids if c not in frozen]
        chunk = amounts.filter(pl.col("client_id").is_in(ids)) if frozen else amounts
        if ids:
            stored = _stored_rows(period, ids)
            gone, fresh = _changes(stored, chunk)
            _delete_contributions(period, ids, gone, every=gone.len() == stored.height)
            _write_contributions(fresh, period)
            written.deleted = gone.len()
            written.inserted = fresh.height
        totals = _statement_rows(chunk)
        terms = _fee_terms(ids, period)
        billed = billed_adjustments(ids, period)
        totals_ids = totals["client_id"].to_list()
        missing = [c for c in totals_ids if c not in existing]
        numbers = dict(zip(missing, reserve_numbers("FY", len(missing), width=5), strict=True))
        fees = []
        for client_id, headcount, wages in zip(
            totals_ids, totals["headcount"].to_list(), totals["wages_fen"].to_list(), strict=True
        ):
            fee_terms = terms.get(client_id)
            if fee_terms is None:
                written.no_agreement.append(client_id)
                fee_terms = FeeTerms(model=FeeModel.PER_HEAD)
            fee = service_fee(fee_terms, headcount=headcount, wages_fen=wages)
            fees.append(
                (
                    existing.get(client_id) or numbers[client_id],
                    fee_terms.model.value,
                    fee.service_fee_fen,
                    fee.tax_fen,
                    fee.risk_reserve_fen,
                    *billed.get(client_id, (0, 0)),
                )
            )
        fee_columns = [
            "number",
            "fee_model",
            "service_fee_fen",
            "tax_fen",
            "risk_reserve_fen",
            "adjust_si_fen",
            "adjust_hf_fen",
        ]
        statements = pl.concat(
            [totals, pl.DataFrame(fees, schema=fee_columns, orient="row")], how="horizontal"
        ).with_columns(
            (
                pl.col("si_employer_fen")
                + pl.col("si_employee_fen")
                + pl.col("hf_employer_fen")
                + pl.col("hf_employee_fen")
                + pl.col("service_fee_fen")
                + pl.col("tax_fen")
                + pl.col("risk_reserve_fen")
                + pl.col("adjust_si_fen")
                + pl.col("adjust_hf_fen")
            ).alias("total_fen"),
        )
        _upsert_statements(
            statements.select(
                "number", *(("client_id" if n == "client" else n) for n in _STATEMENT_VALUES[1:])
            ),
            run=run,
            period=period,
            now=now,
        )
        # A client with no one charged this month (everyone has a problem) keeps no statement.
        if len(totals_ids) < len(ids):
            Statement.objects.filter(client_id__in=ids, period=day).exclude(
                client_id__in=totals_ids
            ).delete()
        CloseRun.objects.filter(pk=run.pk).update(
            clients_done=F("clients_done") + len(client_ids), people=F("people") + chunk.height
        )
        audit.record(
            actor=actor,
            action="billing.close_chunk",
            instance=run,
            extra={"period": str(period), "clients": len(ids), "people": chunk.height},
        )
    written.clients = ids
    written.people = chunk.height
    return written


def _drop_stale(period: Period, *, keep: set[int]) -> None:
    """Clients with nobody in force any more (an add order cancelled, a client terminated) lose
    their unconfirmed statement and rows for the month."""
    with transaction.atomic():
        stale = list(
            Statement.objects.filter(period=period.first_day)
            .exclude(status=Statement.Status.CONFIRMED)
            .exclude(client_id__in=keep)
            .values_list("client_id", flat=True)
        )
        if stale:
            Contribution.objects.filter(period=period.first_day, client_id__in=stale).delete()
            Statement.objects.filter(period=period.first_day, client_id__in=stale).delete()


def close_month(
    *,
    period: Period,
    actor: Any = None,
    chunk_clients: int = CHUNK_CLIENTS,
    client_ids: Sequence[int] | None = None,
    after_chunk: Callable[[CloseRun], None] | None = None,
) -> CloseReport:
    """Compute ``period`` for every client (or just ``client_ids``); see the module docstring.

    ``after_chunk`` is called after each committed chunk (progress output; tests use it to
    simulate a kill midway).
    """
    clock = time.perf_counter()
    with transaction.atomic():
        run = (
            CloseRun.objects.select_for_update()
            .filter(period=period.first_day, status=CloseRun.Status.RUNNING)
            .first()
        )
        if run is None:
            run = CloseRun.objects.create(period=period.first_day, started_by=actor)
    report = CloseReport(run=run)
    done_in_run = set(
        Statement.objects.filter(run=run, period=period.first_day).values_list(
            "client_id", flat=True
        )
    )
    frame = load_enrollments(period, client_ids)
    report.seconds["load"] = time.perf_counter() - clock
    refused = dict(
        Client.objects.filter(
            pk__in=frame["client_id"].unique().to_list(),
            status__in=[Client.Status.BLACKLISTED, Client.Status.TERMINATED],
        ).values_list("pk", "name")
    )
    frozen = set(
        Statement.objects.filter(
            period=period.first_day, status=Statement.Status.CONFIRMED
        ).values_list("client_id", flat=True)
    )
    for name in refused.values():
        report.skipped.append(f"{name}：已终止或列入失信名单，不核算")
    frozen_names = dict(Client.objects.filter(pk__in=frozen).values_list("pk", "name"))
    report.skipped += [f"{frozen_names[c]}：费用明细表已确认，不重算" for c in sorted(frozen)]
    excluded = set(refused) | frozen | done_in_run
    if excluded:
        frame = frame.filter(~pl.col("client_id").is_in(list(excluded)))
    clock = time.perf_counter()
    policies = {
        city: [rule.to_rule() for rule in rules] for city, rules in rules_in_force(period).items()
    }
    people = frame.select(
        "row_id",
        pl.col("city").alias("policy"),
        "wage_fen",
        "hf_wage_fen",
        "injury_ppm",
        "hf_ppm",
        "si",
        "hf",
    )
    result = compute_contributions(people, rules_frame(policies))
    del people
    keyed = frame.select("client_id", "person_id", "city", "wage_fen", enrollment_id="row_id")
    if result.problems.height:
        problems = result.problems.join(
            frame.select("row_id", "client_id", "person_id", "city"),
            on="row_id",
            maintain_order="left",
        )
        shown = problems.head(1000)
        client_names = dict(
            Client.objects.filter(pk__in=shown["client_id"].unique().to_list()).values_list(
                "pk", "name"
            )
        )
        person_names = dict(
            InsuredPerson.objects.filter(pk__in=shown["person_id"].to_list()).values_list(
                "pk", "name"
            )
        )
        for row in shown.iter_rows(named=True):
            client = client_names.get(row["client_id"], row["client_id"])
            person = person_names.get(row["person_id"], "")
            who = f"{client} · {person}（人员 {row['person_id']}，{row['city']}）"
            report.problems.append(f"{who}：{row['message']}")
        if problems.height > 1000:
            report.problems.append(f"……另有 {problems.height - 1000} 条问题")
        keyed = keyed.filter(~pl.col("enrollment_id").is_in(result.problems["row_id"].implode()))
    computed = result.amounts.select(
        *ITEM_COLUMNS, employer_fen="er_total", employee_fen="ee_total"
    )
    if keyed["enrollment_id"].equals(result.amounts["row_id"]):
        # The engine keeps the input order (by client and enrollment): side by side.
        amounts = pl.concat([keyed, computed], how="horizontal")
    else:
        amounts = (
            pl.concat([result.amounts.select(enrollment_id="row_id"), computed], how="horizontal")
            .join(keyed, on="enrollment_id", validate="1:1")
            .sort("client_id", "enrollment_id")
        )
    clients = frame["client_id"].unique(maintain_order=True).to_list()
    del frame, result, keyed, computed
    report.seconds["compute"] = time.perf_counter() - clock
    CloseRun.objects.filter(pk=run.pk).update(
        clients_total=len(done_in_run) + len(clients), problems=report.problems[:200]
    )
    run.clients_total = len(done_in_run) + len(clients)
    clock = time.perf_counter()
    counts = amounts.group_by("client_id").len()
    rows_of = dict(zip(counts["client_id"].to_list(), counts["len"].to_list(), strict=True))
    client_column = amounts["client_id"]
    plan = []
    for chunk in _chunks(clients, rows_of, chunk_clients, CHUNK_ROWS):
        start = client_column.search_sorted(chunk[0], side="left")
        end = client_column.search_sorted(chunk[-1], side="right")
        plan.append((chunk, amounts.slice(start, end - start)))

    def work(item: tuple[list[int], pl.DataFrame]) -> _Written:
        return _write_chunk(
            run=run, period=period, client_ids=item[0], amounts=item[1], actor=actor
        )

    no_agreement: list[int] = []

    def done(written: _Written) -> None:
        report.clients_written += len(written.clients)
        report.people_written += written.people
        report.rows_inserted += written.inserted
        report.rows_deleted += written.deleted
        no_agreement.extend(written.no_agreement)
        run.clients_done += written.chunk
        run.people += written.people
        if after_chunk is not None:
            after_chunk(run)

    # Lanes need connections that see what this one sees: not inside a caller's transaction.
    if len(plan) > 1 and LANES > 1 and _is_postgres() and not connection.in_atomic_block:
        run_in_lanes(plan, work, done, LANES)
    else:
        for item in plan:
            done(work(item))
    if client_ids is None:
        _drop_stale(period, keep=set(clients) | frozen | done_in_run)
        if not report.problems:
            # Every client's statement is out: the "before the 10th" obligation is met (or late).
            statements_done(period, actor=actor)
    if _is_postgres() and report.rows_inserted + report.rows_deleted >= ANALYZE_AFTER_ROWS:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Contribution._meta.db_table}")
    report.seconds["write"] = time.perf_counter() - clock
    names = dict(Client.objects.filter(pk__in=no_agreement).values_list("pk", "name"))
    report.warnings = [
        f"{names.get(c, c)}：没有生效的服务协议，服务费按 0 计" for c in sorted(no_agreement)
    ]
    CloseRun.objects.filter(pk=run.pk).update(
        status=CloseRun.Status.DONE,
        finished_at=timezone.now(),
        problems=report.problems[:200] + [f"提示：{w}" for w in report.warnings[:50]],
    )
    run.refresh_from_db()
    return report
