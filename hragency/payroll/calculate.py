"""Calculating payroll runs (R-PAY-2): every input of a month → the engine → payroll lines.

Set-based like the month close: for a chunk of clients, one query per kind of input
(``inputs.load_inputs``), the Polars engine (``domain.payroll_engine``) computes everyone at
once in integer fen, the lines are written with one ``COPY`` (PostgreSQL) after deleting the
runs' old lines, and the runs' totals with one ``UPDATE``. Each chunk is one transaction; on
PostgreSQL two chunks run at once. Only draft runs are (re)computed; a run that has been
submitted, approved or paid is reported and left alone.

Year-to-date figures (累计预扣法). The income, tax-free income, special (SI/HF) and other
deductions and the tax withheld so far come from the person's latest line of the year before
this month at this client. Two cumulative figures are recomputed every month instead of being
carried, so that late changes are caught up: the standard deduction (5,000 × months employed at
this client this year, from January for a first job in the year, or 60,000 under the low-income
rule) and the special additional deductions (each declared record × the months of the year it
covers within the employment, so a declaration made in June for a child since January is
deducted in June for January to June). Whether the person's annual bonus has already been taxed
separately this year (allowed once) is carried on the line too (``bonus_used``).

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
from hragency.core.bulk import copy_into, is_postgres, run_in_lanes
from hragency.core.numbering import reserve_numbers
from hragency.domain.insurance import Period
from hragency.domain.money import format_cny, from_fen
from hragency.domain.payroll_engine import compute_payroll
from hragency.employees.models import InsuredPerson
from hragency.insurance.totals import clients_not_closed
from hragency.payroll.inputs import load_inputs
from hragency.payroll.models import (
    PayrollLine,
    PayrollRun,
)

CHUNK_CLIENTS = 500
LANES = 2
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
        pl.col("person_id").alias("row_id"),
        "client_id",
        "si_employer_fen",
        "hf_employer_fen",
        pl.col("bonus_used").alias("prior_bonus_used"),
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
            (pl.col("prior_bonus_used") | pl.col("bonus_separate")).alias("bonus_used"),
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
            "bonus_used",
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


_RUN_TOTALS = [
    "headcount",
    "gross_fen",
    "si_employee_fen",
    "hf_employee_fen",
    "iit_fen",
    "net_fen",
    "si_employer_fen",
    "hf_employer_fen",
]
_RUN_SAVED = [*_RUN_TOTALS, "warnings", "problems", "returned_reason", "computed_at", "computed_by"]
_RUN_CASTS = {
    "headcount": "integer",
    "warnings": "jsonb",
    "problems": "jsonb",
    "returned_reason": "text",
    "computed_at": "timestamptz",
    "computed_by_id": "bigint",
}


def _save_runs(runs: list[PayrollRun]) -> None:
    """Store the runs' totals and state: one ``UPDATE … FROM (VALUES …)`` on PostgreSQL (the
    ORM's ``bulk_update`` builds a CASE per field and row, minutes of Python for 10,000 runs)."""
    if not runs:
        return
    if not is_postgres():
        PayrollRun.objects.bulk_update(runs, _RUN_SAVED)
        return
    columns = [*_RUN_TOTALS, "warnings", "problems", "returned_reason", "computed_at"]
    columns.append("computed_by_id")
    casts = [_RUN_CASTS.get(c, "bigint") for c in columns]
    row = "(%s::bigint, " + ", ".join(f"%s::{cast}" for cast in casts) + ")"
    params: list[Any] = []
    for run in runs:
        params.append(run.pk)
        for column in columns:
            value = getattr(run, column)
            params.append(json.dumps(value, ensure_ascii=False) if column in _JSON else value)
    assignments = ", ".join(f"{c} = v.{c}" for c in columns)
    table = PayrollRun._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS t SET {assignments} FROM (VALUES {', '.join([row] * len(runs))}) "
            f"AS v(id, {', '.join(columns)}) WHERE t.id = v.id",
            params,
        )


_JSON = {"warnings", "problems"}


@dataclass
class _ChunkResult:
    runs: list[PayrollRun] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@transaction.atomic
def _calculate_chunk(client_ids: list[int], period: Period, actor: Any) -> _ChunkResult:
    outcome = _ChunkResult()
    if is_postgres():
        with connection.cursor() as cursor:
            # JIT compilation costs ~40 ms per query here, more than it saves on these reads;
            # a draft lost to a server crash is simply recalculated (as the month close does).
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL synchronous_commit = off")
    blocking = _blocking_runs(client_ids, period)
    not_closed = clients_not_closed(client_ids, period.first_day)
    for client_id in sorted(not_closed):
        blocking.setdefault(client_id, f"{period} 社保尚未月结，个人社保/公积金无法扣除；请先月结")
    if blocking:
        names = dict(Client.objects.filter(pk__in=list(blocking)).values_list("pk", "name"))
        outcome.skipped = [f"{names.get(c, c)}：{reason}" for c, reason in blocking.items()]
    todo = [c for c in client_ids if c not in blocking]
    if not todo:
        return outcome
    people, items = load_inputs(todo, period)
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
                *[pl.col(c).sum() for c in _RUN_TOTALS if c not in ("headcount", "iit_fen")],
                (pl.col("iit_fen") + pl.col("bonus_tax_fen")).sum().alias("iit_fen"),
            )
            .iter_rows(named=True)
        }
        negative = _negative_net_warnings(lines)
    else:
        PayrollLine.objects.filter(run__in=list(runs.values())).delete()
        totals, negative = {}, {}
    entries = []
    summary = ["headcount", "gross_fen", "net_fen", "iit_fen"]
    for client_id, run in runs.items():
        row = totals.get(client_id, {})
        before = audit.snapshot(run, summary)
        for name in _RUN_TOTALS:
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
                after=audit.snapshot(run, summary),
                client_id=client_id,
            )
        )
    _save_runs(list(runs.values()))
    audit.record_all(entries)
    outcome.runs = list(runs.values())
    return outcome


def calculate_payroll(
    *, period: Period, client_ids: Sequence[int], actor: Any = None
) -> CalcReport:
    """(Re)compute the draft runs of ``client_ids`` for ``period``, chunk by chunk of clients,
    each chunk in its own transaction. On PostgreSQL, outside a caller's transaction, two chunks
    are computed at once (``LANES``), each on its own connection, as the month close does.

    Callers check permissions and scope (``services.calculate_run``, the CLI)."""
    report = CalcReport(period=period)
    ordered = sorted(set(client_ids))
    chunks = [ordered[i : i + CHUNK_CLIENTS] for i in range(0, len(ordered), CHUNK_CLIENTS)]

    def done(outcome: _ChunkResult) -> None:
        report.runs.extend(outcome.runs)
        report.people += sum(run.headcount for run in outcome.runs)
        report.skipped.extend(outcome.skipped)

    if is_postgres() and len(chunks) > 1 and not connection.in_atomic_block:
        run_in_lanes(chunks, lambda chunk: _calculate_chunk(chunk, period, actor), done, LANES)
    else:
        for chunk in chunks:
            done(_calculate_chunk(chunk, period, actor))
    return report


def items_dict(line: PayrollLine) -> dict[str, int]:
    """A line's items (code → fen), whatever the database handed back (text on some paths)."""
    value = line.items
    return json.loads(value) if isinstance(value, str) else dict(value)
