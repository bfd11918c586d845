"""Vectorised gross-to-net for a whole payroll month (R-PAY-2), equal to ``compute_payslip``.

Inputs are two frames of integers (fen, hundredths of days and hours, ten-thousandths of the
performance coefficient, parts per million of the sick-pay ratio); nothing is a float, so the
engine gives exactly the reference's fen. ``tests/domain/test_payroll_engine.py`` compares them
on random people.

* ``items``: one row per person and salary item that may pay something this month: the item's
  kind, source and flags, the person's standing amount (fixed and performance items; also the
  daily-pay basis) and the month's entered amount (monthly items). Overtime and absence rows need
  no amount: they are computed from the person's basis and attendance.
* ``people``: one row per person: attendance, the client's sick-pay ratio, the employee SI and HF
  parts, this month's special additional deduction, the tax flags and the year-to-date figures
  before this month (``iit_engine.INPUT_SCHEMA``).

Rounding is the reference's ``round_half_up_div``: ``(2n + d) // (2d)`` on non-negative integers.
"""

from __future__ import annotations

import polars as pl

from .iit_engine import compute_withholding
from .payroll import DAILY_DIVISOR_CENTI, HOURS_PER_MONTH, PPM, ItemKind, ItemSource

__all__ = ["ITEM_SCHEMA", "PEOPLE_SCHEMA", "compute_payroll"]

ITEM_SCHEMA = pl.Schema(
    {
        "row_id": pl.Int64,
        "code": pl.String,
        "kind": pl.String,
        "source": pl.String,
        "taxable": pl.Boolean,
        "in_daily_basis": pl.Boolean,
        "standing_fen": pl.Int64,
        "monthly_fen": pl.Int64,
    }
)

PEOPLE_SCHEMA = pl.Schema(
    {
        "row_id": pl.Int64,
        "personal_leave_centi": pl.Int64,
        "sick_leave_centi": pl.Int64,
        "absent_centi": pl.Int64,
        "overtime_workday_centi": pl.Int64,
        "overtime_restday_centi": pl.Int64,
        "overtime_holiday_centi": pl.Int64,
        "performance_e4": pl.Int64,
        "sick_paid_ppm": pl.Int64,
        "si_employee_fen": pl.Int64,
        "hf_employee_fen": pl.Int64,
        "additional_fen": pl.Int64,
        "pension_fen": pl.Int64,
        "standard": pl.Boolean,
        "low_income": pl.Boolean,
        "bonus_separate": pl.Boolean,
        "cum_income_fen": pl.Int64,
        "cum_tax_free_fen": pl.Int64,
        "cum_standard_fen": pl.Int64,
        "cum_special_fen": pl.Int64,
        "cum_additional_fen": pl.Int64,
        "cum_other_fen": pl.Int64,
        "cum_withheld_fen": pl.Int64,
    }
)


def _half_up(numerator: pl.Expr, denominator: int | pl.Expr) -> pl.Expr:
    return (2 * numerator + denominator) // (2 * denominator)


def _sum_where(condition: pl.Expr) -> pl.Expr:
    return pl.when(condition).then(pl.col("amount_fen")).otherwise(0).sum()


def compute_payroll(people: pl.DataFrame, items: pl.DataFrame, *, year: int) -> pl.DataFrame:
    """One row per person: ``items_json`` (code → fen, only non-zero amounts, in item order),
    the kind totals, the tax figures of ``iit_engine.compute_withholding`` (its ``tax_fen``
    named ``iit_fen``, as on a payroll line) and ``net_fen``."""
    people = people.select([pl.col(name).cast(dtype) for name, dtype in PEOPLE_SCHEMA.items()])
    items = items.select([pl.col(name).cast(dtype) for name, dtype in ITEM_SCHEMA.items()])
    basis = (
        items.lazy()
        .filter(pl.col("in_daily_basis"))
        .group_by("row_id")
        .agg(pl.col("standing_fen").fill_null(0).sum().alias("basis_fen"))
    )
    attendance = people.lazy().select(
        "row_id",
        "personal_leave_centi",
        "sick_leave_centi",
        "absent_centi",
        "overtime_workday_centi",
        "overtime_restday_centi",
        "overtime_holiday_centi",
        "performance_e4",
        "sick_paid_ppm",
    )
    source = pl.col("source")
    standing = pl.col("standing_fen").fill_null(0)
    weighted_overtime = (
        150 * pl.col("overtime_workday_centi")
        + 200 * pl.col("overtime_restday_centi")
        + 300 * pl.col("overtime_holiday_centi")
    )
    days_ppm = (pl.col("personal_leave_centi") + pl.col("absent_centi")) * PPM + pl.col(
        "sick_leave_centi"
    ) * (PPM - pl.col("sick_paid_ppm"))
    amounts = (
        items.lazy()
        .with_row_index("item_order")
        .join(basis, on="row_id", how="left")
        .join(attendance, on="row_id", how="left")
        .with_columns(pl.col("basis_fen").fill_null(0))
        .with_columns(
            pl.when(source == ItemSource.FIXED)
            .then(standing)
            .when(source == ItemSource.MONTHLY)
            .then(pl.col("monthly_fen").fill_null(0))
            .when(source == ItemSource.PERFORMANCE)
            .then(_half_up(standing * pl.col("performance_e4"), 10_000))
            .when(source == ItemSource.OVERTIME)
            .then(_half_up(pl.col("basis_fen") * weighted_overtime, 100 * 100 * HOURS_PER_MONTH))
            .otherwise(
                pl.min_horizontal(
                    pl.col("basis_fen"),
                    _half_up(pl.col("basis_fen") * days_ppm, DAILY_DIVISOR_CENTI * PPM),
                )
            )
            .alias("amount_fen")
        )
        .filter(pl.col("amount_fen") != 0)
    )
    kind = pl.col("kind")
    totals = (
        amounts.sort("item_order")
        .group_by("row_id")
        .agg(
            _sum_where(kind == ItemKind.EARNING).alias("earnings_fen"),
            _sum_where(kind == ItemKind.DEDUCTION).alias("deductions_fen"),
            _sum_where(kind == ItemKind.ANNUAL_BONUS).alias("bonus_fen"),
            _sum_where(kind == ItemKind.OTHER_DEDUCTIBLE).alias("other_fen"),
            _sum_where(kind == ItemKind.POST_TAX).alias("post_tax_fen"),
            _sum_where((kind == ItemKind.EARNING) & ~pl.col("taxable")).alias("tax_free_fen"),
            pl.format('"{}":{}', pl.col("code"), pl.col("amount_fen")).str.join(",").alias("pairs"),
        )
    )
    zero = pl.lit(0, dtype=pl.Int64)
    frame = (
        people.lazy()
        .join(totals, on="row_id", how="left")
        .with_columns(
            [
                pl.col(c).fill_null(zero)
                for c in (
                    "earnings_fen",
                    "deductions_fen",
                    "bonus_fen",
                    "other_fen",
                    "post_tax_fen",
                    "tax_free_fen",
                )
            ]
        )
        .with_columns(
            ("{" + pl.col("pairs").fill_null("") + "}").alias("items_json"),
            (pl.col("bonus_separate") & (pl.col("bonus_fen") > 0)).alias("separate"),
        )
        .with_columns(
            (pl.col("earnings_fen") - pl.col("deductions_fen")).alias("wages_fen"),
        )
        .with_columns(
            (
                pl.col("wages_fen")
                + pl.when(pl.col("separate")).then(zero).otherwise(pl.col("bonus_fen"))
            ).alias("income_fen"),
            (pl.col("wages_fen") + pl.col("bonus_fen")).alias("gross_fen"),
            (pl.col("si_employee_fen") + pl.col("hf_employee_fen")).alias("special_fen"),
        )
        .collect()
    )
    tax_input = frame.select(
        "row_id",
        "cum_income_fen",
        "cum_tax_free_fen",
        "cum_standard_fen",
        "cum_special_fen",
        "cum_additional_fen",
        "cum_other_fen",
        "cum_withheld_fen",
        "income_fen",
        "tax_free_fen",
        "special_fen",
        "additional_fen",
        (pl.col("other_fen") + pl.col("pension_fen")).alias("other_fen"),
        "standard",
        "low_income",
        pl.when(pl.col("separate")).then(pl.col("bonus_fen")).otherwise(zero).alias("bonus_fen"),
        pl.col("separate").alias("bonus_separate"),
    )
    taxed = compute_withholding(tax_input, year=year)
    result = frame.select(
        "row_id",
        "items_json",
        "earnings_fen",
        "deductions_fen",
        "bonus_fen",
        "gross_fen",
        "income_fen",
        "tax_free_fen",
        pl.col("other_fen").alias("item_other_fen"),
        (pl.col("other_fen") + pl.col("pension_fen")).alias("other_fen"),
        "post_tax_fen",
        "si_employee_fen",
        "hf_employee_fen",
        "additional_fen",
        "standard",
        "low_income",
        pl.col("separate").alias("bonus_separate"),
    ).join(taxed, on="row_id", how="left")
    return (
        result.with_columns(
            (
                pl.col("gross_fen")
                - pl.col("si_employee_fen")
                - pl.col("hf_employee_fen")
                - pl.col("item_other_fen")
                - pl.col("tax_fen")
                - pl.col("bonus_tax_fen")
                - pl.col("post_tax_fen")
            ).alias("net_fen")
        )
        .drop("item_other_fen")
        .rename({"tax_fen": "iit_fen"})
        .sort("row_id")
    )
