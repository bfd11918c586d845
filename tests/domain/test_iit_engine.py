"""The vectorised withholding engine against the reference ``tax.withhold_month``, row by row."""

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hragency.domain.iit_engine import INPUT_SCHEMA, OUTPUT_SCHEMA, compute_withholding
from hragency.domain.tax import (
    ANNUAL_BRACKETS,
    BONUS_BRACKETS,
    LOW_INCOME_DEDUCTION_FEN,
    MAX_FEN,
    STANDARD_DEDUCTION_FEN,
    Cumulative,
    MonthInput,
    TaxError,
    bonus_tax,
    withhold_month,
    withhold_year,
)

ANNUAL_EDGES = [b.upper_fen for b in ANNUAL_BRACKETS if b.upper_fen is not None]
BONUS_EDGES = [12 * b.upper_fen for b in BONUS_BRACKETS if b.upper_fen is not None]


@dataclass(frozen=True)
class Row:
    row_id: int
    prior: Cumulative
    month: MonthInput
    low_income: bool = False
    bonus_fen: int = 0
    bonus_separate: bool = False


def _frame(rows: Sequence[Row]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            (
                r.row_id,
                r.prior.income_fen,
                r.prior.tax_free_fen,
                r.prior.standard_fen,
                r.prior.special_fen,
                r.prior.additional_fen,
                r.prior.other_fen,
                r.prior.withheld_fen,
                r.month.income_fen,
                r.month.tax_free_fen,
                r.month.special_fen,
                r.month.additional_fen,
                r.month.other_fen,
                r.month.standard,
                r.low_income,
                r.bonus_fen,
                r.bonus_separate,
            )
            for r in rows
        ],
        schema=INPUT_SCHEMA,
        orient="row",
    )


def _expected(row: Row, year: int) -> dict[str, int]:
    """The reference for one row: a bonus not taxed on its own is part of the month's income."""
    income = row.month.income_fen + (0 if row.bonus_separate else row.bonus_fen)
    result = withhold_month(
        row.prior, replace(row.month, income_fen=income), low_income_rule=row.low_income
    )
    state = result.cumulative
    separate = row.bonus_separate and row.bonus_fen != 0
    return {
        "row_id": row.row_id,
        "cum_income_fen": state.income_fen,
        "cum_tax_free_fen": state.tax_free_fen,
        "cum_standard_fen": state.standard_fen,
        "cum_special_fen": state.special_fen,
        "cum_additional_fen": state.additional_fen,
        "cum_other_fen": state.other_fen,
        "cum_taxable_fen": state.taxable_fen,
        "cum_tax_fen": state.tax_fen,
        "cum_withheld_fen": state.withheld_fen,
        "rate_pct": result.rate_pct,
        "quick_fen": result.quick_fen,
        "tax_fen": result.tax_fen,
        "bonus_tax_fen": bonus_tax(row.bonus_fen, year=year).tax_fen if separate else 0,
    }


def _check_against_reference(rows: Sequence[Row], year: int) -> pl.DataFrame:
    result = compute_withholding(_frame(rows), year=year)
    assert result.schema == OUTPUT_SCHEMA
    assert set(result.dtypes) <= {pl.Int64}
    assert result.to_dicts() == [_expected(row, year) for row in rows]
    return result


# --- (a) the differential property test ---------------------------------------------------------

month_inputs = st.builds(
    MonthInput,
    income_fen=st.one_of(
        st.integers(0, 5_000_000),
        st.integers(-300_000, 10_000_000),
        st.integers(0, 10**9),
        st.integers(0, 100_000).map(lambda yuan: yuan * 100),
    ),
    tax_free_fen=st.one_of(st.just(0), st.integers(0, 300_000)),
    special_fen=st.one_of(st.just(0), st.integers(0, 600_000)),
    additional_fen=st.one_of(st.just(0), st.sampled_from([100_000, 150_000, 300_000, 900_000])),
    other_fen=st.one_of(st.just(0), st.integers(0, 1_200_000)),
    standard=st.booleans(),
)

bonuses = st.one_of(
    st.just(0),
    st.integers(1, 20_000_000),
    st.integers(0, 10**10),
    st.sampled_from(BONUS_EDGES).flatmap(lambda edge: st.integers(edge - 1, edge + 1)),
)


@st.composite
def rows(draw: st.DrawFn, row_id: int) -> Row:
    """A prior state got by running the reference over 0–11 earlier months, then this month.

    Now and then this month's income is chosen so that the cumulative taxable income lands on,
    one fen below or one fen above a bracket edge.
    """
    low_income = draw(st.booleans())
    earlier = draw(st.lists(month_inputs, max_size=11))
    results = withhold_year(earlier, low_income_rule=low_income)
    prior = results[-1].cumulative if results else Cumulative()
    month = draw(month_inputs)
    bonus = draw(bonuses)
    separate = draw(st.booleans())
    if draw(st.integers(0, 3)) == 0:
        target = draw(st.sampled_from(ANNUAL_EDGES)) + draw(st.sampled_from([-1, 0, 1]))
        standard = (
            LOW_INCOME_DEDUCTION_FEN
            if low_income
            else prior.standard_fen + (STANDARD_DEDUCTION_FEN if month.standard else 0)
        )
        deductions = (
            prior.tax_free_fen
            + month.tax_free_fen
            + standard
            + prior.special_fen
            + month.special_fen
            + prior.additional_fen
            + month.additional_fen
            + prior.other_fen
            + month.other_fen
        )
        wage = target + deductions - prior.income_fen - (0 if separate else bonus)
        month = replace(month, income_fen=wage)
    return Row(row_id, prior, month, low_income, bonus, separate)


@st.composite
def populations(draw: st.DrawFn) -> list[Row]:
    # Mostly small: drawing the earlier months is what makes this test slow; volume is covered
    # by the deterministic 2,000-row test.
    size = draw(st.one_of(st.integers(0, 8), st.integers(0, 30)))
    row_ids = draw(
        st.lists(st.integers(-(2**40), 2**40), min_size=size, max_size=size, unique=True)
    )
    return [draw(rows(row_id)) for row_id in row_ids]


@settings(max_examples=200, deadline=None)
@given(population=populations(), year=st.integers(2019, 2027))
def test_it_matches_the_reference_for_every_row(population: list[Row], year: int) -> None:
    _check_against_reference(population, year)


def _random_row(rng: random.Random, row_id: int) -> Row:
    def amount(high: int) -> int:
        return rng.choice([0, rng.randint(0, high), rng.randint(0, high // 100) * 100])

    def month() -> MonthInput:
        return MonthInput(
            income_fen=rng.choice(
                [rng.randint(0, 5_000_000), rng.randint(-200_000, 8_000_000), rng.randint(0, 10**9)]
            ),
            tax_free_fen=amount(200_000),
            special_fen=amount(600_000),
            additional_fen=rng.choice([0, 0, 100_000, 200_000, 350_000, 1_200_000]),
            other_fen=amount(100_000),
            standard=rng.random() < 0.9,
        )

    low_income = rng.random() < 0.2
    results = withhold_year(
        [month() for _ in range(rng.randint(0, 11))], low_income_rule=low_income
    )
    prior = results[-1].cumulative if results else Cumulative()
    this = month()
    if rng.random() < 0.3:
        # Put the cumulative taxable income on, just below or just above a bracket edge.
        probe = withhold_month(prior, replace(this, income_fen=0), low_income_rule=low_income)
        state = probe.cumulative
        deductions = state.tax_free_fen + state.standard_fen + state.special_fen
        deductions += state.additional_fen + state.other_fen
        target = rng.choice(ANNUAL_EDGES) + rng.choice([-1, 0, 1])
        this = replace(this, income_fen=target + deductions - state.income_fen)
    bonus = rng.choice(
        [0, 0, rng.randint(1, 30_000_000), rng.choice(BONUS_EDGES) + rng.choice([-1, 0, 1])]
    )
    return Row(row_id, prior, this, low_income, bonus, rng.random() < 0.5)


def test_it_matches_the_reference_on_two_thousand_rows() -> None:
    rng = random.Random(20260101)
    population = [_random_row(rng, row_id) for row_id in rng.sample(range(10**9), 2_000)]
    result = _check_against_reference(population, 2026)
    # The sample reaches every bracket, with and without the 60,000 rule and bonuses.
    assert set(result.get_column("rate_pct")) == {b.rate_pct for b in ANNUAL_BRACKETS}
    frame = _frame(population)
    assert frame.get_column("low_income").any() and frame.get_column("bonus_separate").any()
    assert (result.get_column("bonus_tax_fen") > 0).any()


def test_it_matches_the_reference_on_every_edge() -> None:
    # Cumulative taxable on, below and above every annual edge (prior taxable 0, no deductions
    # but the 5,000): income = edge + 5,000 ± 1 fen; bonuses on, below and above 12 × every
    # monthly edge, taxed on their own.
    population = []
    for i, edge in enumerate(ANNUAL_EDGES + BONUS_EDGES):
        for offset in (-1, 0, 1):
            population.append(
                Row(
                    row_id=3 * i + offset,
                    prior=Cumulative(),
                    month=MonthInput(edge + STANDARD_DEDUCTION_FEN + offset),
                    bonus_fen=edge + offset,
                    bonus_separate=True,
                )
            )
    result = _check_against_reference(population, 2027)
    on_edges = result.filter(pl.col("row_id") % 3 == 0).head(len(ANNUAL_EDGES))
    # On each edge the lower rate applies: 36,000 → 3% … 960,000 → 35%.
    assert on_edges.get_column("rate_pct").to_list() == [3, 10, 20, 25, 30, 35]
    assert on_edges.get_column("cum_tax_fen").to_list() == [
        108_000,  # 36,000 × 3% = 1,080
        1_188_000,  # 144,000 × 10% − 2,520 = 11,880
        4_308_000,  # 300,000 × 20% − 16,920 = 43,080
        7_308_000,  # 420,000 × 25% − 31,920 = 73,080
        14_508_000,  # 660,000 × 30% − 52,920 = 145,080
        25_008_000,  # 960,000 × 35% − 85,920 = 250,080
    ]


# --- (b) hand-checked cases ---------------------------------------------------------------------


def _month_by_month(months: Sequence[MonthInput], *, low_income: bool = False) -> list[int]:
    """Run the engine one month at a time, feeding each month's output back as the next prior."""
    prior = Cumulative()
    taxes = []
    for n, month in enumerate(months):
        row = Row(1, prior, month, low_income)
        out = compute_withholding(_frame([row]), year=2026).row(0, named=True)
        assert out == _expected(row, 2026)
        taxes.append(out["tax_fen"])
        prior = Cumulative(
            income_fen=out["cum_income_fen"],
            tax_free_fen=out["cum_tax_free_fen"],
            standard_fen=out["cum_standard_fen"],
            special_fen=out["cum_special_fen"],
            additional_fen=out["cum_additional_fen"],
            other_fen=out["cum_other_fen"],
            taxable_fen=out["cum_taxable_fen"],
            tax_fen=out["cum_tax_fen"],
            withheld_fen=out["cum_withheld_fen"],
            months=n + 1,
        )
    return taxes


def test_the_sta_example_month_by_month() -> None:
    # 国家税务总局公告2018年第61号 解读, 例2: 30,000 − 5,000 − 4,500 − 2,000 = 18,500 a month.
    # Jan 555; Feb 37,000 × 10% − 2,520 = 1,180 → 625; Mar 55,500 → 3,030 → 1,850.
    wage = MonthInput(3_000_000, special_fen=450_000, additional_fen=200_000)
    assert _month_by_month([wage] * 3) == [55_500, 62_500, 185_000]


def test_the_low_income_rule_month_by_month() -> None:
    # 10,000 a month, SI/HF 2,000, 6万元规则: nothing until August (80,000 − 60,000 − 16,000 =
    # 4,000 → 120), then 8,000 × 3% = 240 a month.
    wage = MonthInput(1_000_000, special_fen=200_000)
    assert _month_by_month([wage] * 12, low_income=True) == [0] * 7 + [12_000] + [24_000] * 4


def test_a_bonus_taxed_on_its_own_leaves_the_wage_alone() -> None:
    # Wage 10,000, SI/HF 1,500, in January, with a 36,001 bonus.
    # Separate: the wage gives 3,500 × 3% = 105; the bonus 3,600.10 − 210 = 3,390.10.
    # Combined: 46,001 − 5,000 − 1,500 = 39,501 × 10% − 2,520 = 1,430.10, no bonus tax.
    wage = MonthInput(1_000_000, special_fen=150_000)
    separate = Row(1, Cumulative(), wage, bonus_fen=3_600_100, bonus_separate=True)
    combined = Row(2, Cumulative(), wage, bonus_fen=3_600_100, bonus_separate=False)
    result = _check_against_reference([separate, combined], 2026)
    assert result.select("cum_income_fen", "tax_fen", "bonus_tax_fen").rows() == [
        (1_000_000, 10_500, 339_010),
        (4_600_100, 143_010, 0),
    ]


def test_the_60000_rule_and_the_standard_flag() -> None:
    prior = Cumulative(income_fen=1_000_000, standard_fen=500_000, withheld_fen=15_000, months=1)
    people = [
        Row(1, prior, MonthInput(1_000_000)),  # 20,000 − 10,000 = 10,000 → 300 − 150
        Row(2, prior, MonthInput(1_000_000, standard=False)),  # 20,000 − 5,000 → 450 − 150
        Row(3, Cumulative(income_fen=1_000_000, standard_fen=LOW_INCOME_DEDUCTION_FEN),
            MonthInput(1_000_000), low_income=True),  # 20,000 − 60,000 < 0 → 0
    ]  # fmt: skip
    result = _check_against_reference(people, 2026)
    assert result.select("cum_standard_fen", "tax_fen").rows() == [
        (1_000_000, 15_000),
        (500_000, 30_000),
        (LOW_INCOME_DEDUCTION_FEN, 0),
    ]


def test_no_refund_when_the_cumulative_tax_falls() -> None:
    # Prior withheld 240 on 8,000 taxable; a late 6,000 deduction makes it 6,000 → 180:
    # nothing withheld, the withheld stays 240.
    prior = Cumulative(
        income_fen=2_000_000,
        standard_fen=1_000_000,
        special_fen=200_000,
        withheld_fen=24_000,
        months=2,
    )
    row = Row(1, prior, MonthInput(1_000_000, special_fen=100_000, additional_fen=600_000))
    result = _check_against_reference([row], 2026).row(0, named=True)
    assert (result["cum_tax_fen"], result["tax_fen"], result["cum_withheld_fen"]) == (
        18_000,
        0,
        24_000,
    )


def test_it_stays_exact_for_the_largest_amounts() -> None:
    big = MonthInput(MAX_FEN // 2)
    people = [
        Row(1, Cumulative(income_fen=MAX_FEN // 2), big, bonus_fen=MAX_FEN, bonus_separate=True),
        Row(2, Cumulative(income_fen=-MAX_FEN), MonthInput(MAX_FEN)),
        Row(3, Cumulative(), MonthInput(1), bonus_fen=MAX_FEN - 1),
    ]
    result = _check_against_reference(people, 2026)
    # 10¹⁵ − 500,000 fen × 45% = 449,999,999,775,000 fen − 18,192,000.
    assert result.get_column("cum_tax_fen").to_list()[0] == 449_999_999_775_000 - 18_192_000


# --- (c) years, frames and refusals -------------------------------------------------------------


def test_a_separately_taxed_bonus_is_refused_after_2027() -> None:
    wage = MonthInput(1_000_000)
    people = [
        Row(1, Cumulative(), wage, bonus_fen=5_000_000, bonus_separate=False),
        Row(2, Cumulative(), wage, bonus_fen=0, bonus_separate=True),  # no bonus: fine
    ]
    _check_against_reference(people, 2028)
    refused = [*people, Row(7, Cumulative(), wage, bonus_fen=1, bonus_separate=True)]
    with pytest.raises(TaxError, match=r"row_id 7：2028年不适用.*2027年12月31日"):
        compute_withholding(_frame(refused), year=2028)
    with pytest.raises(TaxError, match="自2019年1月1日起施行"):
        compute_withholding(_frame(people), year=2018)
    with pytest.raises(TypeError):
        compute_withholding(_frame(people), year=2026.0)  # type: ignore[arg-type]


def test_it_handles_no_rows() -> None:
    result = compute_withholding(_frame([]), year=2026)
    assert result.schema == OUTPUT_SCHEMA
    assert result.height == 0


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("tax_free_fen", -1, "row_id 2：本期免税收入不能为负数"),
        ("special_fen", -1, "row_id 2：本期专项扣除不能为负数"),
        ("additional_fen", -1, "本期专项附加扣除不能为负数"),
        ("other_fen", -1, "本期其他扣除不能为负数"),
        ("cum_special_fen", -1, "累计专项扣除不能为负数"),
        ("cum_withheld_fen", -1, "累计已预扣预缴税额不能为负数"),
        ("bonus_fen", -1, "全年一次性奖金不能为负数"),
        ("income_fen", MAX_FEN + 1, "本期收入超出允许范围"),
        ("cum_income_fen", -MAX_FEN - 1, "累计收入超出允许范围"),
        ("cum_income_fen", MAX_FEN, "计算后的累计收入超出允许范围"),
    ],
)
def test_it_refuses_what_the_reference_refuses(column: str, value: int, message: str) -> None:
    people = [Row(1, Cumulative(), MonthInput(100)), Row(2, Cumulative(), MonthInput(100))]
    frame = _frame(people).with_columns(
        pl.when(pl.col("row_id") == 2).then(value).otherwise(pl.col(column)).alias(column)
    )
    with pytest.raises(TaxError, match=message):
        compute_withholding(frame, year=2026)


def test_a_combined_bonus_beyond_the_limit_is_refused() -> None:
    row = Row(1, Cumulative(income_fen=-MAX_FEN), MonthInput(MAX_FEN), bonus_fen=1)
    with pytest.raises(TaxError, match="含并入的全年一次性奖金"):
        compute_withholding(_frame([row]), year=2026)
    with pytest.raises(TaxError):
        _expected(row, 2026)


def test_it_refuses_a_malformed_frame() -> None:
    frame = _frame([Row(1, Cumulative(), MonthInput(100)), Row(2, Cumulative(), MonthInput(100))])
    with pytest.raises(ValueError, match="缺少列：low_income"):
        compute_withholding(frame.drop("low_income"), year=2026)
    with pytest.raises(ValueError, match="row_id 不能重复"):
        compute_withholding(frame.with_columns(row_id=pl.lit(1, dtype=pl.Int64)), year=2026)
    with pytest.raises(ValueError, match="不能为空：income_fen"):
        compute_withholding(frame.with_columns(income_fen=pl.lit(None, dtype=pl.Int64)), year=2026)
    with pytest.raises(ValueError, match="列类型不符"):
        compute_withholding(frame.with_columns(income_fen=pl.lit("100.00")), year=2026)
    # Floats are refused even where a cast would keep the value; so are decimals.
    for value in (pl.lit(100.5), pl.lit(100.0), pl.lit(100, dtype=pl.Decimal(10, 2))):
        with pytest.raises(ValueError, match="列类型不符：income_fen 应为整数（分）"):
            compute_withholding(frame.with_columns(income_fen=value), year=2026)
    with pytest.raises(ValueError, match="列类型不符：standard 应为布尔值"):
        compute_withholding(frame.with_columns(standard=pl.lit(1)), year=2026)
    with pytest.raises(ValueError, match="列类型不符"):
        compute_withholding(
            frame.with_columns(income_fen=pl.lit(2**63, dtype=pl.UInt64)), year=2026
        )


def test_it_accepts_narrower_integers_and_ignores_extra_columns() -> None:
    row = Row(1, Cumulative(), MonthInput(1_000_000, special_fen=150_000))
    frame = _frame([row]).with_columns(
        pl.col("income_fen").cast(pl.Int32), pl.lit("张三").alias("name")
    )
    result = compute_withholding(frame, year=2026)
    assert result.schema == OUTPUT_SCHEMA
    assert result.row(0, named=True) == _expected(row, 2026)
