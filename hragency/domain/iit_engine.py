"""Vectorised individual income tax withholding for a whole payroll close (R-PAY-2).

A payroll close withholds tax for up to a million people at once; ``tax.withhold_month`` one
person at a time is far too slow for that, so this engine works on polars columns. It must
nevertheless give **exactly** the same fen as the reference for every row; a property test in
``tests/domain/test_iit_engine.py`` compares the two on random populations.

One row is one person's month at one withholding agent: the year-to-date figures **before** the
month (``cum_*``, the prior ``tax.Cumulative``; its taxable income and tax are not needed), the
month's own figures, and an optional annual one-off bonus. For every row the reference is::

    income = income_fen + (0 if bonus_separate else bonus_fen)
    result = withhold_month(prior, MonthInput(income, tax_free_fen, special_fen, additional_fen,
                                              other_fen, standard), low_income_rule=low_income)
    bonus_tax_fen = bonus_tax(bonus_fen, year=year).tax_fen if bonus_separate and bonus_fen else 0

i.e. a bonus not taxed on its own is simply part of the month's wage income (it adds nothing to
tax-free income), and a bonus taxed on its own does not touch the cumulative figures at all.
``bonus_fen`` 0 means no bonus: such a row never needs separate taxation to be available.

Why integers are exact
----------------------
Everything is ``Int64``; no float is ever created. Inputs and results are held to
``tax.MAX_FEN`` (10¹⁵ fen) in absolute value, as the reference holds them, so every sum is below
10¹⁶ and ``taxable × 45 + 50`` below 10¹⁸ < 2⁶³. Taxable income and bonuses are never negative,
so ``(amount × pct + 50) // 100`` (polars floor division) is the reference's half-up rounding.
The rate rows come from a ``pl.when`` chain built from the very tuples the reference uses
(``ANNUAL_BRACKETS``, ``BONUS_BRACKETS``).

Inputs the reference would refuse (a negative deduction, tax-free income, withheld tax or bonus;
an amount beyond ``MAX_FEN``; a separately taxed bonus in a year without that option) raise
``TaxError`` naming the first such ``row_id``; a malformed frame (missing column, wrong type,
nulls, duplicate ``row_id``) raises ``ValueError``.
"""

from __future__ import annotations

import polars as pl
from polars.expr.whenthen import ChainedThen, Then

from .tax import (
    ANNUAL_BRACKETS,
    BONUS_BRACKETS,
    LOW_INCOME_DEDUCTION_FEN,
    MAX_FEN,
    MONTHS_PER_YEAR,
    STANDARD_DEDUCTION_FEN,
    Bracket,
    TaxError,
    check_bonus_year,
)

__all__ = [
    "CUMULATIVE_METHOD_FIRST_YEAR",
    "INPUT_SCHEMA",
    "OUTPUT_SCHEMA",
    "compute_withholding",
]

CUMULATIVE_METHOD_FIRST_YEAR = 2019
"""累计预扣法 applies to wages paid from 2019-01-01 (国家税务总局公告2018年第61号)."""

INPUT_SCHEMA = pl.Schema(
    {
        "row_id": pl.Int64,
        # Year to date before this month (the prior ``tax.Cumulative``).
        "cum_income_fen": pl.Int64,
        "cum_tax_free_fen": pl.Int64,
        "cum_standard_fen": pl.Int64,
        "cum_special_fen": pl.Int64,
        "cum_additional_fen": pl.Int64,
        "cum_other_fen": pl.Int64,
        "cum_withheld_fen": pl.Int64,
        # This month (``tax.MonthInput``) and the low-income rule for the person's year.
        "income_fen": pl.Int64,
        "tax_free_fen": pl.Int64,
        "special_fen": pl.Int64,
        "additional_fen": pl.Int64,
        "other_fen": pl.Int64,
        "standard": pl.Boolean,
        "low_income": pl.Boolean,
        # The annual one-off bonus paid this month (0 = none) and how it is taxed.
        "bonus_fen": pl.Int64,
        "bonus_separate": pl.Boolean,
    }
)
"""One row per person and month. No column may be null."""

OUTPUT_SCHEMA = pl.Schema(
    {
        "row_id": pl.Int64,
        "cum_income_fen": pl.Int64,
        "cum_tax_free_fen": pl.Int64,
        "cum_standard_fen": pl.Int64,
        "cum_special_fen": pl.Int64,
        "cum_additional_fen": pl.Int64,
        "cum_other_fen": pl.Int64,
        "cum_taxable_fen": pl.Int64,
        "cum_tax_fen": pl.Int64,
        "cum_withheld_fen": pl.Int64,
        "rate_pct": pl.Int64,
        "quick_fen": pl.Int64,
        "tax_fen": pl.Int64,
        "bonus_tax_fen": pl.Int64,
    }
)
"""The new year-to-date figures (the ``tax.Cumulative`` after the month, without ``months``),
the rate row of the cumulative taxable income, the tax withheld on wages this month
(``tax_fen`` ≥ 0) and the tax on a separately taxed bonus (0 otherwise); in input order."""

_AMOUNT_COLUMNS = [name for name, dtype in INPUT_SCHEMA.items() if dtype == pl.Int64][1:]
_MAY_BE_NEGATIVE = frozenset({"cum_income_fen", "income_fen"})
_LABELS: dict[str, str] = {
    "cum_income_fen": "累计收入",
    "cum_tax_free_fen": "累计免税收入",
    "cum_standard_fen": "累计减除费用",
    "cum_special_fen": "累计专项扣除",
    "cum_additional_fen": "累计专项附加扣除",
    "cum_other_fen": "累计其他扣除",
    "cum_withheld_fen": "累计已预扣预缴税额",
    "income_fen": "本期收入",
    "tax_free_fen": "本期免税收入",
    "special_fen": "本期专项扣除",
    "additional_fen": "本期专项附加扣除",
    "other_fen": "本期其他扣除",
    "bonus_fen": "全年一次性奖金",
}
_RESULT_COLUMNS = [
    "cum_income_fen",
    "cum_tax_free_fen",
    "cum_standard_fen",
    "cum_special_fen",
    "cum_additional_fen",
    "cum_other_fen",
    "cum_taxable_fen",
    "cum_tax_fen",
    "cum_withheld_fen",
]


def _int64(value: int) -> pl.Expr:
    return pl.lit(value, dtype=pl.Int64)


# --- input checks -------------------------------------------------------------------------------


def _conformed(frame: pl.DataFrame) -> pl.DataFrame:
    missing = [name for name in INPUT_SCHEMA if name not in frame.columns]
    if missing:
        raise ValueError(f"缺少列：{', '.join(missing)}")
    # A strict cast still truncates a float (100.5 → 100), so the dtypes are checked first:
    # amounts must already be integers, flags booleans.
    wrong = [
        f"{name} 应为{'整数（分）' if dtype == pl.Int64 else '布尔值'}，实为 {frame.schema[name]}"
        for name, dtype in INPUT_SCHEMA.items()
        if not (
            frame.schema[name].is_integer() if dtype == pl.Int64 else frame.schema[name] == dtype
        )
    ]
    if wrong:
        raise ValueError(f"列类型不符：{'；'.join(wrong)}")
    try:
        conformed = frame.select(
            pl.col(name).cast(dtype, strict=True) for name, dtype in INPUT_SCHEMA.items()
        )
    except pl.exceptions.PolarsError as error:
        raise ValueError(f"列类型不符：{error}") from None
    nulls = conformed.null_count().row(0, named=True)
    with_nulls = [name for name in INPUT_SCHEMA if nulls[name]]
    if with_nulls:
        raise ValueError(f"以下列不能为空：{', '.join(with_nulls)}")
    if conformed.select(pl.col("row_id").is_duplicated().any()).item():
        raise ValueError("row_id 不能重复")
    return conformed


def _refuse_first(frame: pl.DataFrame, checks: list[tuple[pl.Expr, str]]) -> None:
    """Raise ``TaxError`` for the first check (in list order) that any row fails.

    All checks are evaluated in one pass; only a failing one is looked at again.
    """
    if frame.is_empty() or not checks:
        return
    failed = frame.select(bad.any().alias(str(i)) for i, (bad, _) in enumerate(checks)).row(0)
    for (bad, message), hit in zip(checks, failed, strict=True):
        if hit:
            row_id = frame.filter(bad).get_column("row_id").item(0)
            raise TaxError(f"row_id {row_id}：{message}")


def _range_checks(names: list[str], labels: dict[str, str]) -> list[tuple[pl.Expr, str]]:
    checks = []
    for name in names:
        what = labels[name]
        if name not in _MAY_BE_NEGATIVE:
            checks.append((pl.col(name) < 0, f"{what}不能为负数"))
        checks.append(
            (
                (pl.col(name) > MAX_FEN) | (pl.col(name) < -MAX_FEN),
                f"{what}超出允许范围（绝对值不超过 {MAX_FEN} 分）",
            )
        )
    return checks


# --- rate tables --------------------------------------------------------------------------------


def _table_column(
    amount: pl.Expr, brackets: tuple[Bracket, ...], field: str, *, upper_scale: int = 1
) -> pl.Expr:
    """``field`` of the first bracket whose ``upper_fen × upper_scale`` holds ``amount``."""
    *bounded, last = brackets
    assert last.upper_fen is None and all(b.upper_fen is not None for b in bounded)
    chain: Then | ChainedThen | None = None
    for bracket in bounded:
        assert bracket.upper_fen is not None
        holds = amount <= bracket.upper_fen * upper_scale
        value = _int64(getattr(bracket, field))
        chain = pl.when(holds).then(value) if chain is None else chain.when(holds).then(value)
    final = _int64(getattr(last, field))
    return final if chain is None else chain.otherwise(final)


def _table_tax(amount: pl.Expr, rate_pct: pl.Expr, quick_fen: pl.Expr) -> pl.Expr:
    """``amount × rate`` rounded half up to the fen, minus the quick deduction (amount ≥ 0)."""
    return (amount * rate_pct + 50) // 100 - quick_fen


# --- the engine ---------------------------------------------------------------------------------


def compute_withholding(frame: pl.DataFrame, *, year: int) -> pl.DataFrame:
    """This month's withholding for every row, exactly as ``tax.withhold_month`` (and
    ``tax.bonus_tax`` for a separately taxed bonus) computes it; see the module docstring.

    ``year`` is the tax year of the month; it decides whether a bonus may be taxed on its own.
    Extra columns in ``frame`` are ignored; narrower integer types are accepted.
    """
    if isinstance(year, bool) or not isinstance(year, int):
        raise TypeError(f"年度必须是整数，实为 {type(year).__name__}")
    if year < CUMULATIVE_METHOD_FIRST_YEAR:
        raise TaxError(
            f"{year}年不适用累计预扣法：国家税务总局公告2018年第61号自"
            f"{CUMULATIVE_METHOD_FIRST_YEAR}年1月1日起施行"
        )
    rows = _conformed(frame)
    bonus_in_income = pl.when(pl.col("bonus_separate")).then(0).otherwise(pl.col("bonus_fen"))
    wage = pl.col("income_fen") + bonus_in_income
    _refuse_first(
        rows,
        [
            *_range_checks(_AMOUNT_COLUMNS, _LABELS),
            (
                (wage > MAX_FEN) | (wage < -MAX_FEN),
                f"本期收入（含并入的全年一次性奖金）超出允许范围（绝对值不超过 {MAX_FEN} 分）",
            ),
        ],
    )
    separate_bonus = pl.col("bonus_separate") & (pl.col("bonus_fen") != 0)
    try:
        check_bonus_year(year)
    except TaxError as error:
        _refuse_first(rows, [(separate_bonus, str(error))])

    standard_now = pl.when(pl.col("standard")).then(STANDARD_DEDUCTION_FEN).otherwise(0)
    cumulative = rows.select(
        "row_id",
        (pl.col("cum_income_fen") + wage).alias("cum_income_fen"),
        (pl.col("cum_tax_free_fen") + pl.col("tax_free_fen")).alias("cum_tax_free_fen"),
        pl.when(pl.col("low_income"))
        .then(_int64(LOW_INCOME_DEDUCTION_FEN))
        .otherwise(pl.col("cum_standard_fen") + standard_now)
        .alias("cum_standard_fen"),
        (pl.col("cum_special_fen") + pl.col("special_fen")).alias("cum_special_fen"),
        (pl.col("cum_additional_fen") + pl.col("additional_fen")).alias("cum_additional_fen"),
        (pl.col("cum_other_fen") + pl.col("other_fen")).alias("cum_other_fen"),
        pl.col("cum_withheld_fen").alias("_prior_withheld"),
        "bonus_fen",
        "bonus_separate",
    )
    taxable = (
        pl.col("cum_income_fen")
        - pl.col("cum_tax_free_fen")
        - pl.col("cum_standard_fen")
        - pl.col("cum_special_fen")
        - pl.col("cum_additional_fen")
        - pl.col("cum_other_fen")
    ).clip(lower_bound=0)
    bonus = pl.col("bonus_fen")
    with_rates = cumulative.with_columns(taxable.alias("cum_taxable_fen")).with_columns(
        _table_column(pl.col("cum_taxable_fen"), ANNUAL_BRACKETS, "rate_pct").alias("rate_pct"),
        _table_column(pl.col("cum_taxable_fen"), ANNUAL_BRACKETS, "quick_fen").alias("quick_fen"),
        _table_column(bonus, BONUS_BRACKETS, "rate_pct", upper_scale=MONTHS_PER_YEAR).alias(
            "_bonus_rate"
        ),
        _table_column(bonus, BONUS_BRACKETS, "quick_fen", upper_scale=MONTHS_PER_YEAR).alias(
            "_bonus_quick"
        ),
    )
    with_tax = with_rates.with_columns(
        _table_tax(pl.col("cum_taxable_fen"), pl.col("rate_pct"), pl.col("quick_fen")).alias(
            "cum_tax_fen"
        ),
        pl.when(pl.col("bonus_separate"))
        .then(_table_tax(bonus, pl.col("_bonus_rate"), pl.col("_bonus_quick")))
        .otherwise(_int64(0))
        .alias("bonus_tax_fen"),
    ).with_columns(
        (pl.col("cum_tax_fen") - pl.col("_prior_withheld")).clip(lower_bound=0).alias("tax_fen")
    )
    result = with_tax.with_columns(
        (pl.col("_prior_withheld") + pl.col("tax_fen")).alias("cum_withheld_fen")
    ).select(OUTPUT_SCHEMA.names())
    # The reference's ``Cumulative`` refuses a year-to-date figure beyond ``MAX_FEN``.
    _refuse_first(
        result,
        [
            (
                (pl.col(name) > MAX_FEN) | (pl.col(name) < -MAX_FEN),
                f"计算后的{_RESULT_LABELS[name]}超出允许范围（绝对值不超过 {MAX_FEN} 分）",
            )
            for name in _RESULT_COLUMNS
        ],
    )
    return result


_RESULT_LABELS: dict[str, str] = {
    **{name: _LABELS[name] for name in _RESULT_COLUMNS if name in _LABELS},
    "cum_taxable_fen": "累计应纳税所得额",
    "cum_tax_fen": "累计应纳税额",
}
