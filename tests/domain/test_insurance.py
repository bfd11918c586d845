"""Hand-checked cases of the reference calculator ``hragency.domain.insurance``.

Numbers are Beijing-like (not any year's official figures): base floor 7,162.00 and ceiling
35,811.00 for social insurance, 2,540.00–35,811.00 for the housing fund.
"""

from decimal import Decimal

import pytest

from hragency.domain.insurance import (
    ITEMS,
    ContributionLine,
    Item,
    ItemRule,
    MissingRate,
    Period,
    PolicyError,
    clamp,
    contributions,
    parse_period,
    rate_to_ppm,
    resolve_rates,
)
from hragency.domain.money import RoundingRule

FLOOR = 716_200
CEILING = 3_581_100
HF_FLOOR = 254_000

PENSION = ItemRule(Item.PENSION, FLOOR, CEILING, Decimal("0.16"), Decimal("0.08"))
MEDICAL = ItemRule(
    Item.MEDICAL, FLOOR, CEILING, Decimal("0.098"), Decimal("0.02"), employee_fixed_fen=300
)
UNEMPLOYMENT = ItemRule(Item.UNEMPLOYMENT, FLOOR, CEILING, Decimal("0.005"), Decimal("0.005"))
INJURY = ItemRule(
    Item.INJURY,
    FLOOR,
    CEILING,
    None,
    None,
    rate_min=Decimal("0.002"),
    rate_max=Decimal("0.019"),
)
HOUSING_FUND = ItemRule(
    Item.HOUSING_FUND,
    HF_FLOOR,
    CEILING,
    None,
    None,
    rounding=RoundingRule.YUAN,
    rate_min=Decimal("0.05"),
    rate_max=Decimal("0.12"),
)
BEIJING = (PENSION, MEDICAL, UNEMPLOYMENT, INJURY, HOUSING_FUND)

WAGE = 1_234_567  # 12,345.67 yuan, between floor and ceiling


def _beijing(
    wage_fen: int = WAGE, *, hf_wage_fen: int | None = None
) -> dict[Item, tuple[int, int, int]]:
    result = contributions(
        BEIJING,
        wage_fen,
        injury_rate=Decimal("0.004"),
        hf_rate=Decimal("0.12"),
        hf_wage_fen=hf_wage_fen,
    )
    return {
        line.item: (line.base_fen, line.employer_fen, line.employee_fen) for line in result.lines
    }


def test_it_computes_pension_at_sixteen_and_eight_percent() -> None:
    # 12345.67 × 0.16 = 1975.3072 → 1975.31; × 0.08 = 987.6536 → 987.65.
    assert _beijing()[Item.PENSION] == (1_234_567, 197_531, 98_765)


def test_it_adds_the_employee_fixed_amount_to_medical() -> None:
    # 12345.67 × 0.098 = 1209.87566 → 1209.88; × 0.02 = 246.9134 → 246.91, + 3.00 = 249.91.
    assert _beijing()[Item.MEDICAL] == (1_234_567, 120_988, 24_991)


def test_it_rounds_half_up_to_the_fen() -> None:
    # 12345.67 × 0.005 = 61.72835 → 61.73 on both sides.
    assert _beijing()[Item.UNEMPLOYMENT] == (1_234_567, 6_173, 6_173)


def test_it_uses_the_clients_injury_rate_for_the_employer_only() -> None:
    # 12345.67 × 0.004 = 49.38268 → 49.38; the employee pays no work-injury insurance.
    assert _beijing()[Item.INJURY] == (1_234_567, 4_938, 0)


def test_it_rounds_the_housing_fund_to_the_yuan() -> None:
    # 12345.67 × 0.12 = 1481.4804 → 1481.00 on both sides.
    assert _beijing()[Item.HOUSING_FUND] == (1_234_567, 148_100, 148_100)


def test_it_totals_the_lines_and_splits_the_housing_fund() -> None:
    result = contributions(BEIJING, WAGE, injury_rate=Decimal("0.004"), hf_rate=Decimal("0.12"))
    # Employer: 1975.31 + 1209.88 + 61.73 + 49.38 + 1481.00 = 4777.30.
    # Employee: 987.65 + 249.91 + 61.73 + 0 + 1481.00 = 2780.29.
    assert (result.employer_fen, result.employee_fen) == (477_730, 278_029)
    assert result.total_fen == 755_759
    assert result.subtotal_fen(housing_fund=False) == (329_630, 129_929)
    assert result.subtotal_fen(housing_fund=True) == (148_100, 148_100)
    assert [line.item for line in result.lines] == [
        Item.PENSION,
        Item.MEDICAL,
        Item.UNEMPLOYMENT,
        Item.INJURY,
        Item.HOUSING_FUND,
    ]
    assert result.line(Item.MATERNITY) is None
    assert result.line(Item.PENSION) == ContributionLine(Item.PENSION, 1_234_567, 197_531, 98_765)


def test_it_raises_a_wage_below_the_floor_to_the_floor() -> None:
    lines = _beijing(500_000)
    # 7162.00 × 0.16 = 1145.92; × 0.08 = 572.96.
    assert lines[Item.PENSION] == (FLOOR, 114_592, 57_296)
    # The housing fund has its own, lower floor: 5000.00 × 0.12 = 600.00.
    assert lines[Item.HOUSING_FUND] == (500_000, 60_000, 60_000)


def test_it_caps_a_wage_above_the_ceiling() -> None:
    lines = _beijing(5_000_000)
    # 35811.00 × 0.16 = 5729.76; × 0.08 = 2864.88.
    assert lines[Item.PENSION] == (CEILING, 572_976, 286_488)
    # 35811.00 × 0.12 = 4297.32 → 4297.00.
    assert lines[Item.HOUSING_FUND] == (CEILING, 429_700, 429_700)


def test_it_clamps() -> None:
    assert clamp(5, 10, 20) == 10
    assert clamp(15, 10, 20) == 15
    assert clamp(25, 10, 20) == 20
    assert clamp(0, 0, 0) == 0


def test_it_uses_the_housing_fund_wage_for_the_housing_fund_only() -> None:
    lines = _beijing(hf_wage_fen=1_000_000)
    assert lines[Item.PENSION][0] == WAGE
    # 10000.00 × 0.12 = 1200.00.
    assert lines[Item.HOUSING_FUND] == (1_000_000, 120_000, 120_000)


def test_it_limits_the_result_to_the_given_items() -> None:
    social = contributions(BEIJING, WAGE, injury_rate=Decimal("0.004"), items=ITEMS[:-1])
    assert [line.item for line in social.lines] == [
        Item.PENSION,
        Item.MEDICAL,
        Item.UNEMPLOYMENT,
        Item.INJURY,
    ]
    # The housing-fund rate is not needed when the person has no housing fund.
    fund = contributions(BEIJING, WAGE, hf_rate=Decimal("0.05"), items=[Item.HOUSING_FUND])
    # 12345.67 × 0.05 = 617.2835 → 617.00.
    assert [(x.item, x.employer_fen) for x in fund.lines] == [(Item.HOUSING_FUND, 61_700)]
    assert contributions(BEIJING, WAGE, items=[]).lines == ()


@pytest.mark.parametrize(
    ("rounding", "expected"),
    [
        # 1234.56 × 0.105 = 129.6288
        (RoundingRule.FEN, 12_963),
        (RoundingRule.JIAO, 12_960),
        (RoundingRule.YUAN, 13_000),
        (RoundingRule.YUAN_UP, 13_000),
        (RoundingRule.FEN_DOWN, 12_962),
    ],
)
def test_it_applies_each_rounding_rule(rounding: RoundingRule, expected: int) -> None:
    rule = ItemRule(Item.PENSION, 0, 10**9, Decimal("0.105"), Decimal(0), rounding=rounding)
    line = contributions([rule], 123_456).lines[0]
    assert (line.employer_fen, line.employee_fen) == (expected, 0)


def test_it_rounds_up_to_the_yuan_from_a_single_fen() -> None:
    # 100.01 × 0.01 = 1.0001 → 2.00 (见角进元); rounded to the yuan it would be 1.00.
    up = ItemRule(
        Item.PENSION, 0, 10**9, Decimal("0.01"), Decimal(0), rounding=RoundingRule.YUAN_UP
    )
    assert contributions([up], 10_001).lines[0].employer_fen == 200


def test_it_adds_an_employer_fixed_amount_even_at_rate_zero() -> None:
    rule = ItemRule(Item.SUPPLEMENTARY_MEDICAL, 0, 10**9, Decimal(0), Decimal(0), 1_000, 300)
    line = contributions([rule], WAGE).lines[0]
    assert (line.employer_fen, line.employee_fen) == (1_000, 300)


def test_it_falls_back_to_the_citys_injury_rate() -> None:
    rule = ItemRule(Item.INJURY, FLOOR, CEILING, Decimal("0.002"), None)
    # 12345.67 × 0.002 = 24.69134 → 24.69.
    assert contributions([rule], WAGE).lines[0].employer_fen == 2_469
    # The client's rate replaces the city's default.
    assert contributions([rule], WAGE, injury_rate=Decimal("0.004")).lines[0].employer_fen == 4_938


def test_it_requires_an_injury_rate() -> None:
    with pytest.raises(MissingRate, match=r"^工伤保险：需要提供费率$"):
        contributions(BEIJING, WAGE, hf_rate=Decimal("0.12"))


def test_it_requires_a_housing_fund_rate() -> None:
    with pytest.raises(MissingRate, match=r"^住房公积金：需要提供缴存比例$"):
        contributions(BEIJING, WAGE, injury_rate=Decimal("0.004"))


def test_it_refuses_a_housing_fund_rate_outside_the_citys_range() -> None:
    with pytest.raises(PolicyError, match=r"高于本市允许的上限 0\.12$") as high:
        contributions(BEIJING, WAGE, injury_rate=Decimal("0.004"), hf_rate=Decimal("0.13"))
    assert not isinstance(high.value, MissingRate)
    with pytest.raises(PolicyError, match=r"0\.04 低于本市允许的下限 0\.05$"):
        contributions(BEIJING, WAGE, injury_rate=Decimal("0.004"), hf_rate=Decimal("0.04"))
    # The bounds themselves are allowed.
    for rate in ("0.05", "0.12"):
        contributions(BEIJING, WAGE, injury_rate=Decimal("0.004"), hf_rate=Decimal(rate))


def test_it_refuses_an_injury_rate_outside_the_citys_range() -> None:
    with pytest.raises(PolicyError, match=r"^工伤保险费率 0\.02 高于本市允许的上限 0\.019$"):
        contributions(BEIJING, WAGE, injury_rate=Decimal("0.02"), hf_rate=Decimal("0.12"))


def test_it_applies_a_city_fixed_housing_fund_side() -> None:
    rule = ItemRule(Item.HOUSING_FUND, 0, 10**9, Decimal("0.12"), None)
    rates = resolve_rates(rule, injury_rate=None, hf_rate=Decimal("0.07"))
    assert rates == (Decimal("0.12"), Decimal("0.07"))
    both = ItemRule(Item.HOUSING_FUND, 0, 10**9, Decimal("0.12"), Decimal("0.12"))
    # Both sides fixed: the client's rate is not needed, nor looked at.
    assert resolve_rates(both, injury_rate=None, hf_rate=None) == (
        Decimal("0.12"),
        Decimal("0.12"),
    )


def test_it_requires_the_city_rates_of_an_ordinary_item() -> None:
    rule = ItemRule(Item.PENSION, 0, 10**9, None, Decimal("0.08"))
    with pytest.raises(MissingRate, match=r"^养老保险：政策未设置费率$"):
        contributions([rule], WAGE)


def test_it_refuses_a_negative_wage() -> None:
    with pytest.raises(PolicyError, match=r"^申报工资不能为负数$"):
        contributions(BEIJING, -1)


def test_it_refuses_a_rate_with_seven_decimals() -> None:
    with pytest.raises(PolicyError, match=r"最多六位小数"):
        rate_to_ppm(Decimal("0.0040001"))
    with pytest.raises(PolicyError, match=r"^养老保险单位费率最多六位小数"):
        ItemRule(Item.PENSION, 0, 10**9, Decimal("0.1600001"), Decimal("0.08"))
    with pytest.raises(PolicyError, match=r"^工伤保险费率最多六位小数"):
        contributions(BEIJING, WAGE, injury_rate=Decimal("0.0040001"), hf_rate=Decimal("0.12"))


def test_it_converts_rates_to_parts_per_million() -> None:
    assert rate_to_ppm(Decimal("0.16")) == 160_000
    assert rate_to_ppm(Decimal("0.000001")) == 1
    assert rate_to_ppm(Decimal("1")) == 1_000_000
    assert rate_to_ppm(Decimal("0.0040000")) == 4_000  # trailing zeros lose nothing
    with pytest.raises(PolicyError, match="应在 0 到 1 之间"):
        rate_to_ppm(Decimal("1.01"))
    with pytest.raises(PolicyError, match="应在 0 到 1 之间"):
        rate_to_ppm(Decimal("-0.01"))
    with pytest.raises(TypeError):
        rate_to_ppm(0.16)  # type: ignore[arg-type]


def test_it_refuses_an_inconsistent_rule() -> None:
    with pytest.raises(PolicyError, match="上限不能低于下限"):
        ItemRule(Item.PENSION, 200, 100, Decimal("0.16"), Decimal("0.08"))
    with pytest.raises(PolicyError, match="固定金额不能为负数"):
        ItemRule(Item.PENSION, 0, 100, Decimal("0.16"), Decimal("0.08"), -1)
    with pytest.raises(PolicyError, match="费率下限不能高于上限"):
        ItemRule(
            Item.INJURY, 0, 100, None, None, rate_min=Decimal("0.02"), rate_max=Decimal("0.01")
        )


@pytest.mark.parametrize("text", ["2026-11", "2026/11", "202611", "2026年11月", " 2026-11 "])
def test_it_parses_a_period(text: str) -> None:
    assert parse_period(text) == Period(2026, 11)


def test_it_parses_a_single_digit_month() -> None:
    assert parse_period("2026-1") == Period(2026, 1)
    assert str(parse_period("2026年1月")) == "2026-01"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-13", r"^月份无效：13$"),
        ("2026-00", r"^月份无效：0$"),
        ("1989-12", r"^年份无效：1989$"),
        ("11/2026", r"^所属期格式不正确"),
        ("", r"^所属期格式不正确"),
    ],
)
def test_it_refuses_a_bad_period(text: str, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        parse_period(text)


def test_it_shifts_periods_across_years() -> None:
    assert Period(2026, 11).shifted(2) == Period(2027, 1)
    assert Period(2026, 1).shifted(-1) == Period(2025, 12)
    assert Period(2027, 1).index - Period(2026, 12).index == 1
