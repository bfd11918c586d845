"""What other apps read of a month's contributions, set-based (payroll's gross-to-net).

Not user-facing (no acting user): callers have already scoped the clients they ask about.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from hragency.core.bulk import read_frame
from hragency.insurance.models import Contribution, Enrollment

PERSON_TOTALS_SCHEMA = {
    "person_id": pl.Int64,
    "si_employee_fen": pl.Int64,
    "hf_employee_fen": pl.Int64,
    "si_employer_fen": pl.Int64,
    "hf_employer_fen": pl.Int64,
}


def _in(ids: Sequence[int]) -> str:
    return ", ".join(["%s"] * len(ids))


def person_totals(client_ids: Sequence[int], period: dt.date) -> pl.DataFrame:
    """Per person of these clients, the month's employee and employer SI and HF (fen), as
    charged by the month close (every enrollment of the month summed)."""
    if not client_ids:
        return pl.DataFrame(schema=PERSON_TOTALS_SCHEMA)
    table = Contribution._meta.db_table
    sql = (
        "SELECT person_id, "
        "SUM(employee_fen - COALESCE(housing_fund_ee, 0)), SUM(COALESCE(housing_fund_ee, 0)), "
        "SUM(employer_fen - COALESCE(housing_fund_er, 0)), SUM(COALESCE(housing_fund_er, 0)) "
        f"FROM {table} WHERE period = %s AND client_id IN ({_in(client_ids)}) GROUP BY person_id"
    )
    return read_frame(sql, [period, *client_ids], PERSON_TOTALS_SCHEMA)


def clients_not_closed(client_ids: Sequence[int], period: dt.date) -> set[int]:
    """Those of the clients that have people insured in the month but no contributions written
    for it: their month close has not run (or left everyone out)."""
    if not client_ids:
        return set()
    insured = set(
        Enrollment.objects.filter(client_id__in=client_ids, start_month__lte=period)
        .exclude(end_month__lt=period)
        .values_list("client_id", flat=True)
        .distinct()
    )
    if not insured:
        return set()
    closed = set(
        Contribution.objects.filter(client_id__in=insured, period=period)
        .values_list("client_id", flat=True)
        .distinct()
    )
    return insured - closed
