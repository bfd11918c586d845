"""The vectorised engine against the ``Decimal`` reference calculator, person by person."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hragency.domain.insurance import (
    ITEMS,
    RATE_SCALE,
    Item,
    ItemRule,
    PolicyError,
    contributions,
    rate_to_ppm,
)
from hragency.domain.insurance_engine import (
    MAX_BASE_FEN,
    PEOPLE_SCHEMA,
    RULE_SCHEMA,
    EngineResult,
    compute_contributions,
    ppm_to_rate,
    rules_frame,
)
from hragency.domain.money import RoundingRule

SOCIAL_ITEMS = [item for item in ITEMS if item.is_social_insurance]
AMOUNT_COLUMNS = [
    "row_id",
    *(f"{item.value}_{part}" for item in ITEMS for part in ("base", "er", "ee")),
    "er_total",
    "ee_total",
]


@dataclass(frozen=True)
class Person:
    row_id: int
    policy: str
    wage_fen: int
    hf_wage_fen: int | None = None
    injury_ppm: int | None = None
    hf_ppm: int | None = None
    si: bool = True
    hf: bool = True


def _people(people: Sequence[Person]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            (p.row_id, p.policy, p.wage_fen, p.hf_wage_fen, p.injury_ppm, p.hf_ppm, p.si, p.hf)
            for p in people
        ],
        schema=PEOPLE_SCHEMA,
        orient="row",
    )


def _rate(ppm: int | None) -> Decimal | None:
    return None if ppm is None else ppm_to_rate(ppm)


def _expected(
    policies: Mapping[str, Sequence[ItemRule]], person: Person
) -> str | dict[str, int | None]:
    """The reference's problem message, or the engine's amounts row, for one person."""
    rules = policies.get(person.policy, ())
    if not rules:
        if person.wage_fen < 0:
            return "申报工资不能为负数"
        return f"「{person.policy}」无社保政策"
    items = (SOCIAL_ITEMS if person.si else []) + ([Item.HOUSING_FUND] if person.hf else [])
    try:
        result = contributions(
            rules,
            person.wage_fen,
            injury_rate=_rate(person.injury_ppm),
            hf_rate=_rate(person.hf_ppm),
            hf_wage_fen=person.hf_wage_fen,
            items=items,
        )
    except PolicyError as error:
        return str(error)
    row: dict[str, int | None] = {"row_id": person.row_id}
    for item in ITEMS:
        line = result.line(item)
        row[f"{item.value}_base"] = None if line is None else line.base_fen
        row[f"{item.value}_er"] = None if line is None else line.employer_fen
        row[f"{item.value}_ee"] = None if line is None else line.employee_fen
    row["er_total"] = result.employer_fen
    row["ee_total"] = result.employee_fen
    return row


def _check_against_reference(
    policies: Mapping[str, Sequence[ItemRule]], people: Sequence[Person]
) -> EngineResult:
    result = compute_contributions(_people(people), rules_frame(policies))
    assert result.amounts.columns == AMOUNT_COLUMNS
    assert all(dtype == pl.Int64 for dtype in result.amounts.dtypes)
    assert result.problems.schema == pl.Schema({"row_id": pl.Int64, "message": pl.String})
    amounts = {row["row_id"]: row for row in result.amounts.iter_rows(named=True)}
    problems = dict(result.problems.iter_rows())
    assert len(amounts) == result.amounts.height
    assert len(problems) == result.problems.height
    for person in people:
        expected = _expected(policies, person)
        if isinstance(expected, str):
            assert person.row_id not in amounts, expected
            assert problems.get(person.row_id) == expected
        else:
            assert person.row_id not in problems, problems.get(person.row_id)
            assert amounts.get(person.row_id) == expected
    # Both frames keep the input order.
    order = {person.row_id: i for i, person in enumerate(people)}
    for ids in (list(amounts), list(problems)):
        assert ids == sorted(ids, key=order.__getitem__)
    return result


# --- (a) the differential property test ---------------------------------------------------------

KEYS = ["北京|2026-11", "上海|2026-11", "广州|2026-12"]
NO_RULES = "深圳|2026-11"

# Rates on and just outside the usual bounds, and round rates that make exact halves likely.
EDGE_PPMS = [0, 1, 2_000, 5_000, 19_000, 50_000, 120_000, RATE_SCALE - 1, RATE_SCALE]
ppms = st.one_of(
    st.sampled_from(EDGE_PPMS),
    st.integers(0, 200).map(lambda x: x * 5_000),
    st.integers(0, 200_000),
    st.integers(0, RATE_SCALE),
)
fixed = st.one_of(st.just(0), st.integers(0, 10_000))


@st.composite
def item_rules(draw: st.DrawFn, item: Item) -> ItemRule:
    floor = draw(st.one_of(st.just(0), st.integers(0, 1_000_000), st.integers(0, 5_000_000)))
    ceiling = draw(st.one_of(st.just(floor), st.integers(floor, floor + 10_000_000)))
    if item in (Item.INJURY, Item.HOUSING_FUND):
        employer = draw(st.none() | ppms)
        employee = draw(st.none() | ppms)
    else:
        # An ordinary item without a city rate is a policy mistake: rare, so most people pass.
        employer = None if draw(st.integers(0, 49)) == 0 else draw(ppms)
        employee = None if draw(st.integers(0, 49)) == 0 else draw(ppms)
    bounds = sorted(draw(st.lists(ppms, min_size=2, max_size=2)))
    low = bounds[0] if draw(st.booleans()) else None
    high = bounds[1] if draw(st.booleans()) else None
    return ItemRule(
        item=item,
        base_floor_fen=floor,
        base_ceiling_fen=ceiling,
        employer_rate=_rate(employer),
        employee_rate=_rate(employee),
        employer_fixed_fen=draw(fixed),
        employee_fixed_fen=draw(fixed),
        rounding=draw(st.sampled_from(RoundingRule)),
        rate_min=_rate(low),
        rate_max=_rate(high),
    )


@st.composite
def policy_sets(draw: st.DrawFn) -> dict[str, list[ItemRule]]:
    keys = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=3, unique=True))
    policies = {}
    for key in keys:
        # Now and then a key without any rule: its people are problems.
        empty = draw(st.integers(0, 9)) == 0
        items = set() if empty else draw(st.sets(st.sampled_from(ITEMS), min_size=1))
        policies[key] = [draw(item_rules(item)) for item in ITEMS if item in items]
    return policies


client_ppms = st.one_of(
    st.none(),
    st.sampled_from([*EDGE_PPMS, -1, RATE_SCALE + 1]),
    st.integers(0, 30_000),
    st.integers(0, 200_000),
    st.integers(-100_000, 1_200_000),
)
wages = st.one_of(
    st.integers(0, 10_000_000),
    st.integers(0, 1_000_000),
    st.integers(0, 100_000).map(lambda yuan: yuan * 100),
)


@st.composite
def cases(draw: st.DrawFn) -> tuple[dict[str, list[ItemRule]], list[Person]]:
    """Random policies and 0–200 people, most of them under one of those policies."""
    policies = draw(policy_sets())
    keys = [*policies, *policies, *policies, NO_RULES]
    # Up to 200 people, but mostly fewer: drawing people is what makes this test slow.
    size = draw(st.one_of(st.integers(0, 30), st.integers(0, 200)))
    rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from(keys),
                wages,
                st.none() | wages | st.integers(-1_000, 0),
                client_ppms,
                client_ppms,
                st.booleans(),
                st.booleans(),
            ),
            min_size=size,
            max_size=size,
        )
    )
    row_ids = draw(
        st.lists(st.integers(-(2**40), 2**40), min_size=size, max_size=size, unique=True)
    )
    return policies, [Person(row_id, *row) for row_id, row in zip(row_ids, rows, strict=True)]


@settings(max_examples=200, deadline=None)
@given(case=cases())
def test_it_matches_the_reference_for_every_person(
    case: tuple[dict[str, list[ItemRule]], list[Person]],
) -> None:
    policies, people = case
    _check_against_reference(policies, people)


# Products p = base × ppm on and next to every rounding boundary: p = q·step + r with r one of
# 0, 1, step/2 − 1, step/2, step/2 + 1, step − 1. The work-injury rate is per person, so each
# person gets a rate dividing their p, and the wage p / rate.
STEPS = (10**6, 10**7, 10**8)  # fen, jiao, yuan in 10⁻⁶ fen
DIVISOR_PPMS = sorted({a * 10**k for a in (1, 2, 4, 5, 8) for k in range(6)} | {RATE_SCALE})


@st.composite
def boundary_people(draw: st.DrawFn) -> list[Person]:
    people = []
    for row_id in range(draw(st.integers(0, 60))):
        step = draw(st.sampled_from(STEPS))
        offset = draw(st.sampled_from([0, 1, step // 2 - 1, step // 2, step // 2 + 1, step - 1]))
        product = draw(st.integers(0, 1_000)) * step + offset
        ppm = draw(st.sampled_from([d for d in DIVISOR_PPMS if product % d == 0]))
        people.append(Person(row_id, "x", product // ppm, injury_ppm=ppm, hf=False))
    return people


@settings(max_examples=100, deadline=None)
@given(rounding=st.sampled_from(RoundingRule), employee=ppms, people=boundary_people())
def test_it_rounds_exactly_like_the_reference(
    rounding: RoundingRule, employee: int, people: list[Person]
) -> None:
    rule = ItemRule(Item.INJURY, 0, MAX_BASE_FEN, None, _rate(employee), rounding=rounding)
    result = _check_against_reference({"x": [rule]}, people)
    assert result.problems.is_empty()


# --- (b) hand-checked cases ---------------------------------------------------------------------

BEIJING = "北京|2026-11"
FLOOR, CEILING, HF_FLOOR = 716_200, 3_581_100, 254_000
BEIJING_RULES = [
    ItemRule(Item.PENSION, FLOOR, CEILING, Decimal("0.16"), Decimal("0.08")),
    ItemRule(
        Item.MEDICAL, FLOOR, CEILING, Decimal("0.098"), Decimal("0.02"), employee_fixed_fen=300
    ),
    ItemRule(Item.UNEMPLOYMENT, FLOOR, CEILING, Decimal("0.005"), Decimal("0.005")),
    ItemRule(
        Item.INJURY,
        FLOOR,
        CEILING,
        None,
        None,
        rate_min=Decimal("0.002"),
        rate_max=Decimal("0.019"),
    ),
    ItemRule(
        Item.HOUSING_FUND,
        HF_FLOOR,
        CEILING,
        None,
        None,
        rounding=RoundingRule.YUAN,
        rate_min=Decimal("0.05"),
        rate_max=Decimal("0.12"),
    ),
]
POLICIES = {BEIJING: BEIJING_RULES}


def _person(row_id: int, wage_fen: int = 1_234_567, **changes: Any) -> Person:
    fields: dict[str, Any] = {"injury_ppm": 4_000, "hf_ppm": 120_000} | changes
    return Person(row_id, BEIJING, wage_fen, **fields)


def _row(result: EngineResult, row_id: int) -> dict[str, Any]:
    rows = result.amounts.filter(pl.col("row_id") == row_id).to_dicts()
    assert len(rows) == 1
    return rows[0]


def test_it_computes_the_beijing_example() -> None:
    result = _check_against_reference(POLICIES, [_person(1)])
    row = _row(result, 1)
    # 12345.67 × 16% = 1975.31, × 8% = 987.65; × 9.8% = 1209.88, × 2% + 3.00 = 249.91;
    # × 0.5% = 61.73; × 0.4% = 49.38; × 12% = 1481.4804 → 1481.00 (to the yuan).
    assert (row["pension_base"], row["pension_er"], row["pension_ee"]) == (
        1_234_567,
        197_531,
        98_765,
    )
    assert (row["medical_er"], row["medical_ee"]) == (120_988, 24_991)
    assert (row["unemployment_er"], row["unemployment_ee"]) == (6_173, 6_173)
    assert (row["injury_er"], row["injury_ee"]) == (4_938, 0)
    assert (row["housing_fund_er"], row["housing_fund_ee"]) == (148_100, 148_100)
    assert row["maternity_base"] is None and row["supplementary_medical_er"] is None
    assert (row["er_total"], row["ee_total"]) == (477_730, 278_029)


def test_it_clamps_the_base_to_the_floor_and_the_ceiling() -> None:
    people = [_person(1, 500_000), _person(2, 5_000_000), _person(3, 0, hf_wage_fen=9_000_000)]
    result = _check_against_reference(POLICIES, people)
    low, high, hf_only_high = (_row(result, i) for i in (1, 2, 3))
    assert (low["pension_base"], low["pension_er"], low["pension_ee"]) == (FLOOR, 114_592, 57_296)
    assert (low["housing_fund_base"], low["housing_fund_er"]) == (500_000, 60_000)
    assert (high["pension_base"], high["pension_er"], high["pension_ee"]) == (
        CEILING,
        572_976,
        286_488,
    )
    # 35811.00 × 12% = 4297.32 → 4297.00.
    assert (high["housing_fund_base"], high["housing_fund_er"]) == (CEILING, 429_700)
    # The housing-fund wage only moves the housing fund.
    assert (hf_only_high["pension_base"], hf_only_high["housing_fund_base"]) == (FLOOR, CEILING)


def test_it_reports_the_references_messages() -> None:
    people = [
        _person(1, injury_ppm=None),
        _person(2, hf_ppm=None),
        _person(3, hf_ppm=130_000),
        _person(4, injury_ppm=1_000),
        _person(5, injury_ppm=1_500_000),
        _person(6, -1),
        Person(7, "上海|2026-11", 100, si=False, hf=False),
        _person(8, injury_ppm=None, hf_ppm=None),  # the first item in ITEMS order wins
        _person(9),
    ]
    result = _check_against_reference(POLICIES, people)
    assert result.problems.rows() == [
        (1, "工伤保险：需要提供费率"),
        (2, "住房公积金：需要提供缴存比例"),
        (3, "住房公积金缴存比例 0.13 高于本市允许的上限 0.12"),
        (4, "工伤保险费率 0.001 低于本市允许的下限 0.002"),
        (5, "工伤保险费率应在 0 到 1 之间（如 0.16 表示 16%），实为 1.5"),
        (6, "申报工资不能为负数"),
        (7, "「上海|2026-11」无社保政策"),
        (8, "工伤保险：需要提供费率"),
    ]
    assert result.amounts.get_column("row_id").to_list() == [9]


def test_it_accepts_rates_on_the_bounds_and_ignores_rates_not_needed() -> None:
    people = [
        _person(1, injury_ppm=2_000, hf_ppm=50_000),
        _person(2, injury_ppm=19_000, hf_ppm=120_000),
        # Not insured for the item: the rate is neither needed nor checked.
        _person(3, injury_ppm=None, si=False),
        _person(4, hf_ppm=-5, hf=False),
    ]
    result = _check_against_reference(POLICIES, people)
    assert result.problems.is_empty()
    si_only, hf_only = _row(result, 4), _row(result, 3)
    assert si_only["housing_fund_base"] is None and si_only["pension_er"] == 197_531
    assert hf_only["pension_base"] is None and hf_only["housing_fund_er"] == 148_100
    assert (hf_only["er_total"], hf_only["ee_total"]) == (148_100, 148_100)


def test_it_gives_nulls_and_zero_totals_to_a_person_insured_for_nothing() -> None:
    result = _check_against_reference(POLICIES, [_person(1, si=False, hf=False)])
    row = _row(result, 1)
    assert (row["er_total"], row["ee_total"]) == (0, 0)
    assert all(row[column] is None for column in AMOUNT_COLUMNS[1:-2])


def test_it_uses_the_citys_rates_where_set() -> None:
    policies = {
        "杭州|2026-11": [
            ItemRule(Item.INJURY, 0, 10**9, Decimal("0.002"), None),
            ItemRule(Item.HOUSING_FUND, 0, 10**9, Decimal("0.12"), None, rate_max=Decimal("0.1")),
            ItemRule(Item.MATERNITY, 0, 10**9, Decimal("0.008"), Decimal(0), 100, 0),
        ]
    }
    people = [
        Person(1, "杭州|2026-11", 1_000_000, hf_ppm=70_000),
        Person(2, "杭州|2026-11", 1_000_000, injury_ppm=10_000, hf_ppm=110_000),
    ]
    result = _check_against_reference(policies, people)
    row = _row(result, 1)
    # Injury 10000.00 × 0.2% = 20.00; housing fund 12% fixed by the city, 7% by the client;
    # maternity 0.8% = 80.00 + 1.00 fixed.
    assert (row["injury_er"], row["injury_ee"]) == (2_000, 0)
    assert (row["housing_fund_er"], row["housing_fund_ee"]) == (120_000, 70_000)
    assert (row["maternity_er"], row["maternity_ee"]) == (8_100, 0)
    assert result.problems.rows() == [(2, "住房公积金缴存比例 0.11 高于本市允许的上限 0.1")]


@pytest.mark.parametrize(
    ("rounding", "expected"),
    [
        (RoundingRule.FEN, 12_963),
        (RoundingRule.JIAO, 12_960),
        (RoundingRule.YUAN, 13_000),
        (RoundingRule.YUAN_UP, 13_000),
        (RoundingRule.FEN_DOWN, 12_962),
    ],
)
def test_it_applies_each_rounding_rule(rounding: RoundingRule, expected: int) -> None:
    # 1234.56 × 10.5% = 129.6288.
    policies = {
        "x": [ItemRule(Item.PENSION, 0, 10**9, Decimal("0.105"), Decimal(0), 0, 0, rounding)]
    }
    result = _check_against_reference(policies, [Person(1, "x", 123_456)])
    assert _row(result, 1)["pension_er"] == expected


def test_it_rounds_exact_halves_up() -> None:
    rules = [ItemRule(Item.PENSION, 0, 10**9, Decimal("0.5"), Decimal("0.05"))]
    # 0.01 × 50% = 0.005 → 0.01; 0.10 × 5% = 0.005 → 0.01; 0.03 × 50% = 0.015 → 0.02.
    people = [Person(1, "x", 1), Person(2, "x", 10), Person(3, "x", 3)]
    result = _check_against_reference({"x": rules}, people)
    assert result.amounts.select("pension_er", "pension_ee").rows() == [(1, 0), (5, 1), (2, 0)]


def test_it_stays_exact_at_the_largest_base() -> None:
    rules = [
        ItemRule(Item.PENSION, 0, MAX_BASE_FEN, Decimal(1), Decimal("0.999999"), 10**9, 10**9),
        ItemRule(Item.HOUSING_FUND, 0, MAX_BASE_FEN, None, None, rounding=RoundingRule.YUAN_UP),
    ]
    people = [Person(1, "x", 2**62, hf_ppm=RATE_SCALE), Person(2, "x", MAX_BASE_FEN - 1, hf_ppm=1)]
    result = _check_against_reference({"x": rules}, people)
    assert _row(result, 1)["pension_er"] == MAX_BASE_FEN + 10**9


# --- rules and frames ---------------------------------------------------------------------------


def test_it_builds_the_rules_frame() -> None:
    frame = rules_frame(POLICIES)
    assert frame.schema == RULE_SCHEMA
    assert frame.get_column("item").to_list() == [
        "pension",
        "medical",
        "unemployment",
        "injury",
        "housing_fund",
    ]
    injury = frame.row(3, named=True)
    assert injury == {
        "policy": BEIJING,
        "item": "injury",
        "floor_fen": FLOOR,
        "ceiling_fen": CEILING,
        "er_ppm": None,
        "ee_ppm": None,
        "er_fixed_fen": 0,
        "ee_fixed_fen": 0,
        "rounding": "fen",
        "min_ppm": 2_000,
        "max_ppm": 19_000,
    }


def test_it_refuses_an_item_twice_in_one_policy() -> None:
    with pytest.raises(PolicyError, match="养老保险重复"):
        rules_frame({"x": [BEIJING_RULES[0], BEIJING_RULES[0]]})


def test_it_refuses_a_ceiling_the_integers_cannot_hold() -> None:
    rule = ItemRule(Item.PENSION, 0, MAX_BASE_FEN + 1, Decimal("0.16"), Decimal("0.08"))
    with pytest.raises(PolicyError, match="上限"):
        rules_frame({"x": [rule]})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"er_ppm": -1}, "费率应在 0 到"),
        ({"max_ppm": RATE_SCALE + 1}, "费率应在 0 到"),
        ({"item": "pension2"}, "未知项目"),
        ({"rounding": "half_even"}, "未知舍入规则"),
        ({"floor_fen": CEILING + 1}, "下限"),
        ({"ee_fixed_fen": -1}, "固定金额"),
        ({"min_ppm": 30_000}, "费率下限不能高于上限"),
    ],
)
def test_it_refuses_a_rules_frame_no_item_rule_allows(change: dict[str, Any], message: str) -> None:
    frame = rules_frame(POLICIES).with_row_index("_i")
    frame = frame.with_columns(
        pl.when(pl.col("_i") == 3).then(pl.lit(value)).otherwise(pl.col(name)).alias(name)
        for name, value in change.items()
    ).drop("_i")
    with pytest.raises(PolicyError, match=message):
        compute_contributions(_people([_person(1)]), frame)


def test_it_refuses_a_malformed_people_frame() -> None:
    rules = rules_frame(POLICIES)
    people = _people([_person(1), _person(2)])
    with pytest.raises(ValueError, match="缺少列：hf"):
        compute_contributions(people.drop("hf"), rules)
    with pytest.raises(ValueError, match="row_id 不能重复"):
        compute_contributions(people.with_columns(row_id=pl.lit(1, dtype=pl.Int64)), rules)
    with pytest.raises(ValueError, match="不能为空：wage_fen"):
        compute_contributions(people.with_columns(wage_fen=pl.lit(None, dtype=pl.Int64)), rules)
    with pytest.raises(ValueError, match="列类型不符"):
        compute_contributions(people.with_columns(wage_fen=pl.lit("12.00")), rules)
    # A float column would be truncated by the cast (1000.5 → 1000), so it is refused.
    with pytest.raises(ValueError, match="列类型不符：wage_fen 应为整数，实为 Float64"):
        compute_contributions(people.with_columns(wage_fen=pl.lit(1000.5)), rules)
    with pytest.raises(ValueError, match="列类型不符：er_ppm 应为整数"):
        compute_contributions(people, rules.with_columns(pl.col("er_ppm").cast(pl.Float64)))


def test_it_accepts_narrower_integer_columns_and_extra_columns() -> None:
    people = _people([_person(1)]).with_columns(
        pl.col("wage_fen").cast(pl.Int32), pl.lit("张三").alias("name")
    )
    result = compute_contributions(people, rules_frame(POLICIES))
    assert _row(result, 1)["pension_er"] == 197_531


def test_it_prints_rates_like_the_reference() -> None:
    assert [str(ppm_to_rate(ppm)) for ppm in (0, 1, 4_000, 160_000, RATE_SCALE, 1_500_000, -5)] == [
        "0",
        "0.000001",
        "0.004",
        "0.16",
        "1",
        "1.5",
        "-0.000005",
    ]
    for ppm in (0, 1, 123_456, RATE_SCALE):
        assert rate_to_ppm(ppm_to_rate(ppm)) == ppm


# --- (c) no people, no rules --------------------------------------------------------------------


def test_it_handles_no_people() -> None:
    result = compute_contributions(_people([]), rules_frame(POLICIES))
    assert result.amounts.height == 0
    assert result.amounts.columns == AMOUNT_COLUMNS
    assert all(dtype == pl.Int64 for dtype in result.amounts.dtypes)
    assert result.problems.height == 0
    assert result.problems.schema == pl.Schema({"row_id": pl.Int64, "message": pl.String})


def test_it_handles_no_rules() -> None:
    result = _check_against_reference({}, [_person(1), _person(2, -5)])
    assert result.amounts.height == 0
    assert result.problems.rows() == [(1, f"「{BEIJING}」无社保政策"), (2, "申报工资不能为负数")]
    empty = compute_contributions(_people([]), rules_frame({}))
    assert (empty.amounts.height, empty.problems.height) == (0, 0)
