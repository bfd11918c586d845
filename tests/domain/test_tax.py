"""Hand-checked cases and properties of the income-tax reference ``hragency.domain.tax``.

Every expected figure is worked out in the comment beside it, in yuan, the way a payroll
specialist would check it on paper; the code compares fen.
"""

import itertools
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hragency.domain.tax import (
    ANNUAL_BRACKETS,
    BONUS_BRACKETS,
    BONUS_SEPARATE_LAST_YEAR,
    DEDUCTION_LABELS,
    LOW_INCOME_DEDUCTION_FEN,
    MAX_FEN,
    STANDARD_DEDUCTION_FEN,
    BonusTax,
    Bracket,
    Cumulative,
    DeductionCategory,
    MonthInput,
    MonthResult,
    TaxError,
    annual_tax,
    bonus_tax,
    check_deduction,
    check_exclusive,
    combined_bonus_tax,
    compare_bonus,
    max_monthly_fen,
    withhold_month,
    withhold_year,
)


def yuan(text: str) -> int:
    """ "1,234.56" → 123456 fen (test helper, exact)."""
    return int(Decimal(text.replace(",", "")) * 100)


def taxes(results: list[MonthResult]) -> list[int]:
    return [result.tax_fen for result in results]


def months(count: int, **fields: object) -> list[MonthInput]:
    return [MonthInput(**fields) for _ in range(count)]  # type: ignore[arg-type]


# --- the rate tables ----------------------------------------------------------------------------


def test_the_annual_table_is_the_comprehensive_income_table() -> None:
    assert [(b.upper_fen, b.rate_pct, b.quick_fen) for b in ANNUAL_BRACKETS] == [
        (yuan("36,000"), 3, 0),
        (yuan("144,000"), 10, yuan("2,520")),
        (yuan("300,000"), 20, yuan("16,920")),
        (yuan("420,000"), 25, yuan("31,920")),
        (yuan("660,000"), 30, yuan("52,920")),
        (yuan("960,000"), 35, yuan("85,920")),
        (None, 45, yuan("181,920")),
    ]


def test_the_bonus_table_is_the_monthly_table() -> None:
    assert [(b.upper_fen, b.rate_pct, b.quick_fen) for b in BONUS_BRACKETS] == [
        (yuan("3,000"), 3, 0),
        (yuan("12,000"), 10, yuan("210")),
        (yuan("25,000"), 20, yuan("1,410")),
        (yuan("35,000"), 25, yuan("2,660")),
        (yuan("55,000"), 30, yuan("4,410")),
        (yuan("80,000"), 35, yuan("7,160")),
        (None, 45, yuan("15,160")),
    ]


@pytest.mark.parametrize("table", [ANNUAL_BRACKETS, BONUS_BRACKETS])
def test_each_quick_deduction_makes_the_table_continuous(table: tuple[Bracket, ...]) -> None:
    # At every upper limit U: U × r_k − q_k = U × r_(k+1) − q_(k+1), in exact fen × 100.
    for low, high in itertools.pairwise(table):
        assert low.upper_fen is not None
        assert low.upper_fen * low.rate_pct - 100 * low.quick_fen == (
            low.upper_fen * high.rate_pct - 100 * high.quick_fen
        )


@pytest.mark.parametrize(
    ("taxable", "tax", "rate"),
    [
        ("0", "0", 3),
        ("-5,000", "0", 3),  # deductions not used up: nothing to tax
        ("36,000", "1,080", 3),  # 36,000 × 3% = 1,080
        ("36,000.01", "1,080", 10),  # 3,600.001 − 2,520 = 1,080.001 → 1,080.00
        ("36,000.10", "1,080.01", 10),  # 3,600.01 − 2,520 = 1,080.01
        ("144,000", "11,880", 10),  # 14,400 − 2,520
        ("144,000.01", "11,880", 20),  # 28,800.002 − 16,920 = 11,880.002 → 11,880.00
        ("300,000", "43,080", 20),  # 60,000 − 16,920
        ("420,000", "73,080", 25),  # 105,000 − 31,920
        ("660,000", "145,080", 30),  # 198,000 − 52,920
        ("960,000", "250,080", 35),  # 336,000 − 85,920
        ("1,000,000", "268,080", 45),  # 450,000 − 181,920
    ],
)
def test_annual_tax_on_and_around_every_boundary(taxable: str, tax: str, rate: int) -> None:
    amount, bracket = annual_tax(yuan(taxable))
    assert (amount, bracket.rate_pct) == (yuan(tax), rate)


@pytest.mark.parametrize(
    ("taxable_fen", "tax_fen"),
    [
        (16, 0),  # 0.16 × 3% = 0.0048 yuan = 0.48 fen → 0
        (17, 1),  # 0.51 fen → 1
        (50, 2),  # 1.5 fen → 2 (half up; rounding down would give 1)
        (150, 5),  # 4.5 fen → 5 (half up; half-to-even would give 4)
        (3_600_005, 108_001),  # 360,000.5 fen − 252,000 → 108,001 (10% bracket)
    ],
)
def test_annual_tax_rounds_half_up_to_the_fen(taxable_fen: int, tax_fen: int) -> None:
    assert annual_tax(taxable_fen)[0] == tax_fen


def _decimal_table_tax(amount_fen: int, table: tuple[Bracket, ...], months: int) -> int:
    """The law's words in Decimal yuan: the bracket of amount ÷ months, then amount × rate."""
    amount = Decimal(amount_fen) / 100
    for bracket in table:
        if bracket.upper_fen is None or amount / months <= Decimal(bracket.upper_fen) / 100:
            product = (amount * bracket.rate_pct / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
            return int(product * 100) - bracket.quick_fen
    raise AssertionError


amounts = st.one_of(
    st.integers(0, 20_000_000),
    st.integers(0, 200_000_000),
    st.integers(0, 10**12),
    st.sampled_from([b.upper_fen for b in ANNUAL_BRACKETS if b.upper_fen]).flatmap(
        lambda upper: st.integers(upper - 2, upper + 2)
    ),
    st.sampled_from([12 * b.upper_fen for b in BONUS_BRACKETS if b.upper_fen]).flatmap(
        lambda upper: st.integers(upper - 2, upper + 2)
    ),
)


@settings(max_examples=300)
@given(amount=amounts)
def test_the_tables_agree_with_a_decimal_reading_of_the_law(amount: int) -> None:
    assert annual_tax(amount)[0] == _decimal_table_tax(amount, ANNUAL_BRACKETS, 1)
    assert bonus_tax(amount, year=2026).tax_fen == _decimal_table_tax(amount, BONUS_BRACKETS, 12)


@settings(max_examples=300)
@given(taxable=st.integers(-(10**6), 10**13))
def test_annual_tax_rises_by_at_most_one_fen_per_fen(taxable: int) -> None:
    here, there = annual_tax(taxable)[0], annual_tax(taxable + 1)[0]
    assert 0 <= there - here <= 1


# --- cumulative withholding: the State Taxation Administration's examples ---------------------


def test_the_sta_example_with_a_10000_wage() -> None:
    # 国家税务总局公告2018年第61号 解读, 例1: wage 10,000, 三险一金 1,500, 子女教育 1,000.
    # Each month's taxable 10,000 − 5,000 − 1,500 − 1,000 = 2,500.
    # Jan 2,500 × 3% = 75; Feb 5,000 × 3% − 75 = 75; Mar 7,500 × 3% − 150 = 75.
    results = withhold_year(
        months(3, income_fen=yuan("10,000"), special_fen=yuan("1,500"), additional_fen=100_000)
    )
    assert taxes(results) == [yuan("75")] * 3
    march = results[-1].cumulative
    assert march == Cumulative(
        income_fen=yuan("30,000"),
        standard_fen=yuan("15,000"),
        special_fen=yuan("4,500"),
        additional_fen=yuan("3,000"),
        taxable_fen=yuan("7,500"),
        tax_fen=yuan("225"),
        withheld_fen=yuan("225"),
        months=3,
    )


def test_the_sta_example_with_a_30000_wage() -> None:
    # 例2: wage 30,000, 三险一金 4,500, 住房贷款利息 + 赡养老人 2,000.
    # Each month's taxable 30,000 − 5,000 − 4,500 − 2,000 = 18,500.
    # Jan 18,500 × 3% = 555.
    # Feb 37,000 × 10% − 2,520 = 1,180; 1,180 − 555 = 625.
    # Mar 55,500 × 10% − 2,520 = 3,030; 3,030 − 1,180 = 1,850.
    results = withhold_year(
        months(3, income_fen=yuan("30,000"), special_fen=yuan("4,500"), additional_fen=200_000)
    )
    assert taxes(results) == [yuan("555"), yuan("625"), yuan("1,850")]
    assert [(r.rate_pct, r.quick_fen) for r in results] == [
        (3, 0),
        (10, yuan("2,520")),
        (10, yuan("2,520")),
    ]
    assert [r.cumulative.tax_fen for r in results] == [yuan("555"), yuan("1,180"), yuan("3,030")]


def test_a_full_year_withholds_the_annual_tax_by_december() -> None:
    # The same person all year: taxable 18,500 × 12 = 222,000;
    # 222,000 × 20% − 16,920 = 27,480.
    results = withhold_year(
        months(12, income_fen=yuan("30,000"), special_fen=yuan("4,500"), additional_fen=200_000)
    )
    december = results[-1].cumulative
    assert december.taxable_fen == yuan("222,000")
    assert sum(taxes(results)) == december.withheld_fen == yuan("27,480")
    assert annual_tax(december.taxable_fen)[0] == yuan("27,480")
    # Apr: 74,000 × 10% − 2,520 = 4,880, so 4,880 − 3,030 = 1,850; May: 92,500 × 10% − 2,520
    # = 6,730 → 1,850; Jun: 111,000 → 8,580 → 1,850; Jul: 129,500 → 10,430 → 1,850;
    # Aug: 148,000 × 20% − 16,920 = 12,680 → 2,250; Sep–Dec +18,500 × 20% = 3,700 each.
    assert taxes(results)[3:] == [yuan("1,850")] * 4 + [yuan("2,250")] + [yuan("3,700")] * 4


# --- cumulative withholding: own hand-checked examples ------------------------------------------


def test_the_low_income_rule_withholds_nothing_until_60000() -> None:
    # Wage 10,000, own SI/HF 2,000, 6万元规则: 累计减除费用 60,000 from January.
    # Months 1–6: income ≤ 60,000 → taxable ≤ 0. Month 7: 70,000 − 60,000 − 14,000 < 0 → 0.
    # Month 8: 80,000 − 60,000 − 16,000 = 4,000 × 3% = 120.
    # Month 9: 12,000 → 360 − 120 = 240; each later month adds 8,000 × 3% = 240.
    # December: 36,000 × 3% = 1,080 — the same year total as without the rule (12 × 3,000 × 3%
    # = 90 a month), only later.
    wage = months(12, income_fen=yuan("10,000"), special_fen=yuan("2,000"))
    results = withhold_year(wage, low_income_rule=True)
    assert taxes(results) == [0] * 7 + [yuan("120")] + [yuan("240")] * 4
    assert {r.cumulative.standard_fen for r in results} == {LOW_INCOME_DEDUCTION_FEN}
    assert results[-1].cumulative.withheld_fen == yuan("1,080")
    assert taxes(withhold_year(wage)) == [yuan("90")] * 12


def test_the_low_income_rule_spares_a_front_loaded_year() -> None:
    # January 30,000, then 2,500 a month: 57,500 in the year, no SI/HF.
    # Without the rule: Jan 30,000 − 5,000 = 25,000 × 3% = 750 withheld; after that the
    # cumulative taxable falls (27,500 − 2,500 × n) and nothing more is withheld, nor refunded:
    # in December 57,500 − 60,000 < 0, yet 750 stays withheld until the annual reconciliation.
    # With the rule: income never exceeds 60,000, nothing is withheld at all.
    year = [MonthInput(yuan("30,000")), *months(11, income_fen=yuan("2,500"))]
    without = withhold_year(year)
    assert taxes(without) == [yuan("750")] + [0] * 11
    assert (without[-1].cumulative.taxable_fen, without[-1].cumulative.tax_fen) == (0, 0)
    assert without[-1].cumulative.withheld_fen == yuan("750")
    assert taxes(withhold_year(year, low_income_rule=True)) == [0] * 12


def test_a_mid_year_hire_deducts_from_the_month_of_hire() -> None:
    # Hired in April at 20,000, own SI/HF 2,000; before that the person worked elsewhere.
    # Apr 20,000 − 5,000 − 2,000 = 13,000 × 3% = 390.
    # May 26,000 × 3% = 780 → 390. Jun 39,000 × 10% − 2,520 = 1,380 → 600.
    hire = months(3, income_fen=yuan("20,000"), special_fen=yuan("2,000"))
    assert taxes(withhold_year(hire)) == [yuan("390"), yuan("390"), yuan("600")]
    # The same when the agent records January–March without income and without the deduction.
    before = months(3, income_fen=0, standard=False)
    results = withhold_year(before + hire)
    assert taxes(results) == [0, 0, 0, yuan("390"), yuan("390"), yuan("600")]
    assert results[-1].cumulative.standard_fen == yuan("15,000")


def test_a_first_job_in_the_year_deducts_from_january() -> None:
    # First job of the year, hired in April at 20,000, SI/HF 2,000 (国家税务总局公告2020年第13号):
    # January–March count for the 5,000 deduction.
    # Apr 20,000 − 20,000 − 2,000 < 0 → 0. May 40,000 − 25,000 − 4,000 = 11,000 × 3% = 330.
    # Jun 60,000 − 30,000 − 6,000 = 24,000 × 3% = 720 → 390.
    # Jul 80,000 − 35,000 − 8,000 = 37,000 × 10% − 2,520 = 1,180 → 460.
    year = months(3, income_fen=0) + months(4, income_fen=yuan("20,000"), special_fen=200_000)
    results = withhold_year(year)
    assert taxes(results) == [0, 0, 0, 0, yuan("330"), yuan("390"), yuan("460")]
    assert results[-1].cumulative.standard_fen == yuan("35,000")


def test_crossing_the_first_bracket_boundary() -> None:
    # Wage 28,000, SI/HF 5,000: 28,000 − 5,000 − 5,000 = 18,000 taxable a month → Jan 540.
    # Feb: exactly 36,000 → 3%: 1,080 − 540 = 540.
    first = withhold_month(Cumulative(), MonthInput(yuan("28,000"), special_fen=yuan("5,000")))
    assert first.tax_fen == yuan("540")

    def february(income: str) -> MonthResult:
        return withhold_month(first.cumulative, MonthInput(yuan(income), special_fen=yuan("5,000")))

    on = february("28,000")
    assert (on.cumulative.taxable_fen, on.rate_pct, on.quick_fen) == (yuan("36,000"), 3, 0)
    assert (on.cumulative.tax_fen, on.tax_fen) == (yuan("1,080"), yuan("540"))
    # One fen more: 36,000.01 × 10% − 2,520 = 1,080.001 → 1,080.00; the rate is now 10%.
    above = february("28,000.01")
    assert (above.rate_pct, above.quick_fen) == (10, yuan("2,520"))
    assert (above.cumulative.tax_fen, above.tax_fen) == (yuan("1,080"), yuan("540"))
    # Ten fen more: 3,600.01 − 2,520 = 1,080.01.
    assert february("28,000.10").tax_fen == yuan("540.01")


def test_a_late_declaration_withholds_nothing_and_later_months_catch_up() -> None:
    # Wage 10,000, SI/HF 1,000; Jan 4,000 taxable → 120; Feb 8,000 → 240 − 120 = 120.
    # In March the employee declares 子女教育 2,000 a month from January: 6,000 at once.
    # Mar 12,000 − 6,000 = 6,000 → 180 < 240 withheld: 0 this month, withheld stays 240.
    # Apr 16,000 − 8,000 = 8,000 → 240 − 240 = 0. May 10,000 → 300 − 240 = 60. Jun 12,000
    # → 360 − 300 = 60.
    wage = {"income_fen": yuan("10,000"), "special_fen": yuan("1,000")}
    year = [
        *months(2, **wage),
        MonthInput(**wage, additional_fen=yuan("6,000")),  # type: ignore[arg-type]
        *months(3, **wage, additional_fen=yuan("2,000")),
    ]
    results = withhold_year(year)
    assert taxes(results) == [yuan(x) for x in ("120", "120", "0", "0", "60", "60")]
    assert [r.cumulative.tax_fen for r in results] == [
        yuan(x) for x in ("120", "240", "180", "240", "300", "360")
    ]
    assert [r.cumulative.withheld_fen for r in results] == [
        yuan(x) for x in ("120", "240", "240", "240", "300", "360")
    ]


def test_a_negative_correction_month() -> None:
    # Jan 10,000 → 5,000 taxable → 150. Feb: −2,000 (an overpayment taken back): cumulative
    # income 8,000 − 10,000 < 0 → tax 0, nothing withheld, 150 stays.
    results = withhold_year([MonthInput(yuan("10,000")), MonthInput(-yuan("2,000"))])
    assert taxes(results) == [yuan("150"), 0]
    assert results[-1].cumulative.income_fen == yuan("8,000")
    assert results[-1].cumulative.withheld_fen == yuan("150")


def test_tax_free_income_and_other_deductions_are_deducted() -> None:
    # 12,000 of which 1,000 tax-free (e.g. a statutory allowance), SI/HF 1,000, personal pension
    # 1,000 (other deduction): 12,000 − 1,000 − 5,000 − 1,000 − 1,000 = 4,000 → 120.
    result = withhold_month(
        Cumulative(),
        MonthInput(
            yuan("12,000"),
            tax_free_fen=yuan("1,000"),
            special_fen=yuan("1,000"),
            other_fen=yuan("1,000"),
        ),
    )
    assert (result.cumulative.taxable_fen, result.tax_fen) == (yuan("4,000"), yuan("120"))


def test_large_amounts_stay_exact() -> None:
    # 10 亿元 in one month: 999,995,000 × 45% − 181,920 = 449,815,830.
    result = withhold_month(Cumulative(), MonthInput(yuan("1,000,000,000")))
    assert (result.rate_pct, result.tax_fen) == (45, yuan("449,815,830"))


# --- input checks -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["tax_free_fen", "special_fen", "additional_fen", "other_fen"])
def test_negative_deductions_are_refused(name: str) -> None:
    with pytest.raises(TaxError, match="不能为负数"):
        MonthInput(100, **{name: -1})  # type: ignore[arg-type]
    with pytest.raises(TaxError, match="不能为负数"):
        Cumulative(**{name: -1})  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [1.0, Decimal("1"), True, "100"])
def test_non_integers_are_refused(bad: object) -> None:
    with pytest.raises(TypeError, match="整数"):
        MonthInput(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="整数"):
        MonthInput(100, special_fen=bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="整数"):
        annual_tax(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="整数"):
        bonus_tax(bad, year=2026)  # type: ignore[arg-type]


def test_flags_must_be_booleans() -> None:
    with pytest.raises(TypeError, match="布尔"):
        MonthInput(100, standard=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="布尔"):
        withhold_month(Cumulative(), MonthInput(100), low_income_rule=1)  # type: ignore[arg-type]


def test_amounts_beyond_the_limit_are_refused() -> None:
    MonthInput(MAX_FEN)
    MonthInput(-MAX_FEN)
    with pytest.raises(TaxError, match="超出允许范围"):
        MonthInput(MAX_FEN + 1)
    with pytest.raises(TaxError, match="超出允许范围"):
        withhold_month(Cumulative(income_fen=MAX_FEN), MonthInput(1))


def test_a_year_has_at_most_twelve_months() -> None:
    with pytest.raises(TaxError, match="最多"):
        withhold_year(months(13, income_fen=100))
    with pytest.raises(TaxError, match="最多预扣 12 个月"):
        withhold_month(Cumulative(months=12), MonthInput(100))
    with pytest.raises(TaxError, match="累计月份数"):
        Cumulative(months=13)


# --- cumulative withholding: properties ---------------------------------------------------------

month_inputs = st.builds(
    MonthInput,
    income_fen=st.one_of(
        st.integers(0, 5_000_000), st.integers(-500_000, 20_000_000), st.integers(0, 10**10)
    ),
    tax_free_fen=st.one_of(st.just(0), st.integers(0, 500_000)),
    special_fen=st.one_of(st.just(0), st.integers(0, 800_000)),
    additional_fen=st.one_of(st.just(0), st.integers(0, 1_500_000)),
    other_fen=st.one_of(st.just(0), st.integers(0, 1_200_000)),
    standard=st.booleans(),
)
years = st.lists(month_inputs, min_size=1, max_size=12)


@settings(max_examples=300)
@given(year=years, low_income=st.booleans())
def test_withheld_is_the_running_maximum_of_the_cumulative_tax(
    year: list[MonthInput], low_income: bool
) -> None:
    results = withhold_year(year, low_income_rule=low_income)
    highest = 0
    for n, result in enumerate(results):
        state = result.cumulative
        highest = max(highest, state.tax_fen)
        assert result.tax_fen >= 0
        assert state.withheld_fen == highest == sum(taxes(results[: n + 1]))
        assert state.withheld_fen >= state.tax_fen
        # Withheld above the tax happens only through the no-refund rule: an earlier month's
        # cumulative tax was higher than this month's.
        if state.withheld_fen > state.tax_fen:
            assert any(earlier.cumulative.tax_fen > state.tax_fen for earlier in results[:n])
        assert state.months == n + 1
        assert (state.tax_fen, result.rate_pct) == (
            annual_tax(state.taxable_fen)[0],
            annual_tax(state.taxable_fen)[1].rate_pct,
        )


@settings(max_examples=300)
@given(year=years, low_income=st.booleans())
def test_the_cumulative_figures_are_the_sums_of_the_months(
    year: list[MonthInput], low_income: bool
) -> None:
    state = withhold_year(year, low_income_rule=low_income)[-1].cumulative
    assert state.income_fen == sum(m.income_fen for m in year)
    assert state.tax_free_fen == sum(m.tax_free_fen for m in year)
    assert state.special_fen == sum(m.special_fen for m in year)
    assert state.additional_fen == sum(m.additional_fen for m in year)
    assert state.other_fen == sum(m.other_fen for m in year)
    standard = (
        LOW_INCOME_DEDUCTION_FEN
        if low_income
        else STANDARD_DEDUCTION_FEN * sum(m.standard for m in year)
    )
    assert state.standard_fen == standard
    deductions = standard + state.tax_free_fen + state.special_fen
    deductions += state.additional_fen + state.other_fen
    assert state.taxable_fen == max(state.income_fen - deductions, 0)


@settings(max_examples=300)
@given(year=years, low_income=st.booleans())
def test_a_year_without_falls_withholds_exactly_the_annual_tax(
    year: list[MonthInput], low_income: bool
) -> None:
    # When each month's income covers its own deductions, the cumulative taxable never falls,
    # so the months add up to the annual table applied to the year's taxable income.
    year = [
        replace(
            m,
            income_fen=abs(m.income_fen)
            + m.tax_free_fen
            + m.special_fen
            + m.additional_fen
            + m.other_fen
            + STANDARD_DEDUCTION_FEN,
        )
        for m in year
    ]
    results = withhold_year(year, low_income_rule=low_income)
    final = results[-1].cumulative
    assert sum(taxes(results)) == final.withheld_fen == annual_tax(final.taxable_fen)[0]
    assert all(r.cumulative.withheld_fen == r.cumulative.tax_fen for r in results)


@settings(max_examples=300)
@given(
    year=years,
    low_income=st.booleans(),
    where=st.integers(0, 11),
    extra=st.integers(1, 10_000_000),
)
def test_more_income_never_withholds_less(
    year: list[MonthInput], low_income: bool, where: int, extra: int
) -> None:
    assume(where < len(year))
    more = list(year)
    more[where] = replace(year[where], income_fen=year[where].income_fen + extra)
    before = withhold_year(year, low_income_rule=low_income)
    after = withhold_year(more, low_income_rule=low_income)
    for low, high in zip(before, after, strict=True):
        assert high.cumulative.tax_fen >= low.cumulative.tax_fen
        assert high.cumulative.withheld_fen >= low.cumulative.withheld_fen


# --- the annual one-off bonus -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bonus", "rate", "quick", "tax"),
    [
        # 36,000 ÷ 12 = 3,000 → 3%: 36,000 × 3% = 1,080.00.
        ("36,000", 3, "0", "1,080"),
        # 36,001 ÷ 12 = 3,000.08 → 10%, 210: 3,600.10 − 210 = 3,390.10.
        ("36,001", 10, "210", "3,390.10"),
        # 144,000 ÷ 12 = 12,000 → 10%: 14,400 − 210 = 14,190.00.
        ("144,000", 10, "210", "14,190"),
        # 144,001 ÷ 12 = 12,000.08 → 20%, 1,410: 28,800.20 − 1,410 = 27,390.20.
        ("144,001", 20, "1,410", "27,390.20"),
        # 960,000 ÷ 12 = 80,000 → 35%, 7,160: 336,000 − 7,160 = 328,840.
        ("960,000", 35, "7,160", "328,840"),
        # 960,000.01 → 45%, 15,160: 432,000.0045 → 432,000.00 − 15,160 = 416,840.00.
        ("960,000.01", 45, "15,160", "416,840"),
        ("0", 3, "0", "0"),
    ],
)
def test_the_bonus_taxed_on_its_own(bonus: str, rate: int, quick: str, tax: str) -> None:
    result = bonus_tax(yuan(bonus), year=2026)
    assert result == BonusTax(
        bonus_fen=yuan(bonus),
        rate_pct=rate,
        quick_fen=yuan(quick),
        tax_fen=yuan(tax),
        net_fen=yuan(bonus) - yuan(tax),
    )


def test_the_bonus_keeps_the_laws_quick_deduction_quirk() -> None:
    # 36,000 leaves 34,920.00. 36,000.01 leaves 36,000.01 − 3,390.00 = 32,610.01: less.
    # Only at 38,566.67 (tax 3,856.667 − 210 = 3,646.667 → 3,646.67) is 34,920.00 left again;
    # one fen less (3,856.666 − 210 → 3,646.67) leaves 34,919.99.
    assert bonus_tax(yuan("36,000"), year=2026).net_fen == yuan("34,920")
    assert bonus_tax(yuan("36,000.01"), year=2026).net_fen == yuan("32,610.01")
    assert bonus_tax(yuan("38,566.67"), year=2026).net_fen == yuan("34,920")
    assert bonus_tax(yuan("38,566.66"), year=2026).net_fen == yuan("34,919.99")


def test_the_bonus_may_be_taxed_on_its_own_from_2019_to_2027() -> None:
    assert bonus_tax(100_000, year=2019).tax_fen == 3_000
    assert bonus_tax(100_000, year=BONUS_SEPARATE_LAST_YEAR).tax_fen == 3_000
    with pytest.raises(TaxError, match=r"2028年不适用.*执行至2027年12月31日"):
        bonus_tax(100_000, year=2028)
    with pytest.raises(TaxError, match=r"2018年不适用.*2019年1月1日起施行"):
        bonus_tax(100_000, year=2018)
    with pytest.raises(TaxError, match="不能为负数"):
        bonus_tax(-1, year=2026)
    with pytest.raises(TypeError):
        bonus_tax(100_000, year=True)  # type: ignore[arg-type]


def test_combined_bonus_tax() -> None:
    # Year's taxable 20,000 + bonus 30,000 = 50,000 × 10% − 2,520 = 2,480; minus 20,000 × 3% =
    # 600: 1,880.
    assert combined_bonus_tax(yuan("30,000"), yuan("20,000")) == yuan("1,880")
    # 20,000 of deductions unused: the bonus first fills them; 10,000 × 3% = 300.
    assert combined_bonus_tax(yuan("30,000"), -yuan("20,000")) == yuan("300")
    # Deductions unused beyond the bonus: no tax.
    assert combined_bonus_tax(yuan("30,000"), -yuan("50,000")) == 0


@pytest.mark.parametrize(
    ("bonus", "taxable", "separate", "combined", "better", "saving"),
    [
        # Separate 30,000 × 3% = 900; combined 1,880 (above): separate, 980 lower.
        ("30,000", "20,000", "900", "1,880", "separate", "980"),
        # Unused deductions: combined 300 against 900.
        ("30,000", "-20,000", "900", "300", "combined", "600"),
        # A tie (36,000 × 3% either way) counts as separate.
        ("36,000", "0", "1,080", "1,080", "separate", "0"),
        # Taxable 500,000 (30%): combined 600,000 × 30% − 52,920 − (500,000 × 30% − 52,920)
        # = 30,000; separate 100,000 ÷ 12 = 8,333.33 → 10%: 10,000 − 210 = 9,790.
        ("100,000", "500,000", "9,790", "30,000", "separate", "20,210"),
    ],
)
def test_compare_bonus(
    bonus: str, taxable: str, separate: str, combined: str, better: str, saving: str
) -> None:
    result = compare_bonus(yuan(bonus), annual_taxable_fen=yuan(taxable), year=2027)
    assert result.separate == bonus_tax(yuan(bonus), year=2027)
    assert (result.separate.tax_fen, result.combined_tax_fen) == (yuan(separate), yuan(combined))
    assert (result.better, result.saving_fen) == (better, yuan(saving))


def test_compare_bonus_needs_a_year_with_separate_taxation() -> None:
    with pytest.raises(TaxError, match="2027年12月31日"):
        compare_bonus(100_000, annual_taxable_fen=0, year=2028)


@settings(max_examples=200)
@given(bonus=amounts, taxable=st.integers(-(10**8), 10**11))
def test_compare_bonus_picks_the_lower(bonus: int, taxable: int) -> None:
    result = compare_bonus(bonus, annual_taxable_fen=taxable, year=2025)
    lower = min(result.separate.tax_fen, result.combined_tax_fen)
    chosen = result.separate.tax_fen if result.better == "separate" else result.combined_tax_fen
    assert chosen == lower
    assert result.saving_fen == abs(result.separate.tax_fen - result.combined_tax_fen)
    assert result.combined_tax_fen >= 0


# --- special additional deductions --------------------------------------------------------------


def test_deduction_categories_keep_their_stored_values_and_labels() -> None:
    assert {c.value: c.label for c in DeductionCategory} == {
        "children_education": "子女教育",
        "infant_care": "3岁以下婴幼儿照护",
        "continuing_education": "继续教育",
        "housing_loan": "住房贷款利息",
        "housing_rent": "住房租金",
        "elderly_support": "赡养老人",
        "personal_pension": "个人养老金",
    }
    assert set(DEDUCTION_LABELS) == set(DeductionCategory)
    assert [c for c in DeductionCategory if c.is_other_deduction] == [
        DeductionCategory.PERSONAL_PENSION
    ]
    assert "serious_illness" not in {c.value for c in DeductionCategory}


def test_max_monthly_amounts() -> None:
    assert {c.value: max_monthly_fen(c) for c in DeductionCategory} == {
        "children_education": yuan("2,000"),
        "infant_care": yuan("2,000"),
        "continuing_education": yuan("3,600"),  # the certificate lump sum
        "housing_loan": yuan("1,000"),
        "housing_rent": yuan("1,500"),
        "elderly_support": yuan("3,000"),
        "personal_pension": yuan("12,000"),
    }
    assert max_monthly_fen("housing_rent") == yuan("1,500")
    with pytest.raises(TaxError, match="未知的扣除类别"):
        max_monthly_fen("serious_illness")


@pytest.mark.parametrize(
    ("category", "amounts"),
    [
        ("children_education", ["2,000", "1,000"]),
        ("infant_care", ["2,000", "1,000"]),
        ("continuing_education", ["400", "3,600"]),
        ("housing_loan", ["1,000", "500"]),
        ("housing_rent", ["1,500", "1,100", "800"]),
        ("elderly_support", ["3,000", "1,500", "1,000", "0.01"]),
        ("personal_pension", ["0.01", "1,000", "12,000"]),
    ],
)
def test_allowed_deductions_pass(category: str, amounts: list[str]) -> None:
    for amount in amounts:
        check_deduction(category, yuan(amount))


@pytest.mark.parametrize(
    ("category", "amount", "reason"),
    [
        ("children_education", "1,500", "2,000.00 元.*1,000.00 元.*实为 1,500.00 元"),
        ("children_education", "3,000", "每个子女每月扣除"),
        ("infant_care", "1,000.01", "3岁以下婴幼儿照护每个子女"),
        ("continuing_education", "300", "400.00 元.*3,600.00 元"),
        ("housing_loan", "750", "1,000.00 元.*500.00 元"),
        ("housing_rent", "1,200", "1,500.00 元.*1,100.00 元.*800.00 元.*实为 1,200.00 元"),
        ("elderly_support", "3,000.01", "最多扣除 3,000.00 元"),
        ("elderly_support", "2,000", "非独生子女.*不能超过 1,500.00 元"),
        ("elderly_support", "1,500.01", "不能超过 1,500.00 元"),
        ("personal_pension", "12,000.01", "每年最多扣除 12,000.00 元"),
        ("housing_rent", "0", "必须大于 0"),
        ("personal_pension", "-1", "必须大于 0"),
    ],
)
def test_refused_deductions_give_the_reason(category: str, amount: str, reason: str) -> None:
    with pytest.raises(TaxError, match=reason):
        check_deduction(category, yuan(amount))


def test_personal_pension_counts_the_years_earlier_contributions() -> None:
    check_deduction("personal_pension", yuan("2,000"), pension_earlier_fen=yuan("10,000"))
    with pytest.raises(TaxError, match=r"本年已扣除 10,000\.00 元，本次 2,000\.01 元"):
        check_deduction("personal_pension", yuan("2,000.01"), pension_earlier_fen=yuan("10,000"))


def test_deduction_input_types() -> None:
    with pytest.raises(TypeError, match="整数"):
        check_deduction(DeductionCategory.HOUSING_RENT, 1500.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        check_deduction(5, 150_000)  # type: ignore[arg-type]
    with pytest.raises(TaxError, match="未知的扣除类别"):
        check_deduction("serious_illness", 100)


def test_housing_loan_and_rent_exclude_each_other() -> None:
    check_exclusive([DeductionCategory.HOUSING_LOAN, DeductionCategory.CHILDREN_EDUCATION])
    check_exclusive(["housing_rent", "elderly_support", "housing_rent"])
    check_exclusive([])
    with pytest.raises(TaxError, match="住房贷款利息和住房租金不能在同一月份同时扣除"):
        check_exclusive(["housing_rent", DeductionCategory.HOUSING_LOAN])
