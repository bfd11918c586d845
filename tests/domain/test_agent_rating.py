"""The agent rating and staffing ratios (R-WFM-2/3), checked by hand and by property."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hragency.domain.agent_rating import (
    DEFAULT_LIMITS,
    DEFAULT_SCHEME,
    DIMENSIONS,
    Scheme,
    SchemeError,
    ScoreError,
    TeamLoad,
    average_score,
    check_scheme,
    check_team,
    discipline_score,
    grade_of,
    rate,
    required,
    satisfaction_score,
    teams_over,
    total_score,
    turnover,
)

D = Decimal


def scores(**overrides: str) -> dict[str, Decimal]:
    base = {d: D(90) for d in DIMENSIONS}
    base.update({k: D(v) for k, v in overrides.items()})
    return base


def test_it_rates_a_hand_checked_month() -> None:
    # 92.5×30 + 85×15 + 90×15 + 88×20 + 76×10 + 95×10 = 2775 + 1275 + 1350 + 1760 + 760 + 950
    # = 8870 → ÷ 100 = 88.70 → B (80 ≤ 88.70 < 90) → coefficient 1.0
    rating = rate(
        DEFAULT_SCHEME,
        {
            "quality": D("92.5"),
            "skills": D(85),
            "discipline": D(90),
            "satisfaction": D(88),
            "utilisation": D(76),
            "exams": D(95),
        },
    )
    assert rating.total == D("88.70")
    assert rating.grade == "B"
    assert rating.coefficient == D("1.0000")


def test_it_rounds_half_up_to_two_places_before_grading() -> None:
    # 89.95×30 + 90×70 = 2698.5 + 6300 = 8998.5 → 89.985 → 89.99: still B
    assert rate(DEFAULT_SCHEME, scores(quality="89.95")).total == D("89.99")
    assert rate(DEFAULT_SCHEME, scores(quality="89.95")).grade == "B"
    # 89.99×30 + 6300 = 8999.7 → 89.997 → 90.00: A, coefficient 1.2
    top = rate(DEFAULT_SCHEME, scores(quality="89.99"))
    assert (top.total, top.grade, top.coefficient) == (D("90.00"), "A", D("1.2000"))


def test_it_reads_the_band_edges() -> None:
    assert grade_of(DEFAULT_SCHEME, D("80.00")) == "B"
    assert grade_of(DEFAULT_SCHEME, D("79.99")) == "C"
    assert grade_of(DEFAULT_SCHEME, D("69.99")) == "D"
    assert grade_of(DEFAULT_SCHEME, D("0")) == "D"
    assert rate(DEFAULT_SCHEME, {d: D(0) for d in DIMENSIONS}).coefficient == D("0.6000")


def test_it_refuses_a_scheme_whose_weights_do_not_add_up() -> None:
    weights = dict(DEFAULT_SCHEME.weights, quality=D(31))
    bad = Scheme(weights, DEFAULT_SCHEME.bands, DEFAULT_SCHEME.coefficients)
    assert check_scheme(bad) == ["权重合计应为 100%，现为 101%"]
    with pytest.raises(SchemeError):
        rate(bad, scores())


def test_it_refuses_bands_without_a_floor_or_a_coefficient() -> None:
    bad = Scheme(DEFAULT_SCHEME.weights, [("A", D(90)), ("B", D(60))], {"A": D("1.2")})
    problems = check_scheme(bad)
    assert "最低等级的分数线应为 0" in problems
    assert "等级 B 缺少绩效系数" in problems


def test_it_refuses_missing_or_out_of_range_scores() -> None:
    with pytest.raises(ScoreError, match="缺少：工时利用率"):
        total_score(DEFAULT_SCHEME, {d: D(80) for d in DIMENSIONS if d != "utilisation"})
    with pytest.raises(ScoreError, match="应在 0–100"):
        total_score(DEFAULT_SCHEME, scores(exams="100.5"))


def test_it_turns_the_months_data_into_scores() -> None:
    assert average_score(85 + 90 + 78, 3) == D("84.33")  # 253 / 3 = 84.333…
    assert average_score(0, 0) is None
    # ratings 5, 4, 4 → 13 stars / 3 = 4.333… × 20 = 86.67
    assert satisfaction_score(13, 3) == D("86.67")
    assert discipline_score(15) == D(85)
    assert discipline_score(130) == D(0)


def test_it_counts_staff_missing_with_ceil() -> None:
    assert required(500, 500) == 1
    assert required(501, 500) == 2
    assert required(0, 500) == 0
    # 1,001 insured for 2 reps (need ⌈1001/500⌉ = 3), 1,601 dispatched for 2 staff (need 3),
    # 2 staff and no manager (need 1); adding one rep makes 3 staff → still 1 manager.
    team = TeamLoad("一组", reps=2, staff=2, managers=0, insured=1001, dispatched=1601)
    check = check_team(team, DEFAULT_LIMITS)
    assert [(c.kind, c.need, c.missing) for c in check.checks] == [
        ("insured_per_rep", 3, 1),
        ("dispatched_per_staff", 3, 1),
        ("staff_per_manager", 1, 1),
    ]
    assert (check.staff_to_add, check.managers_to_add) == (1, 1)
    assert check.checks[0].per_head == D("500.5")


def test_it_lists_only_teams_over_the_ratio() -> None:
    fine = TeamLoad("二组", reps=4, staff=4, managers=1, insured=2000, dispatched=0)
    over = TeamLoad("三组", reps=4, staff=5, managers=1, insured=1200, dispatched=0)
    assert [c.name for c in teams_over([fine, over], DEFAULT_LIMITS)] == ["三组"]
    # 5 staff for 1 manager: ⌈5/4⌉ = 2 managers, 1 missing
    assert check_team(over, DEFAULT_LIMITS).managers_to_add == 1


def test_it_computes_turnover() -> None:
    month = turnover(start=10, joiners=2, leavers=3)
    assert month.end == 9
    assert month.rate == D("31.6")  # 3 / ((10 + 9) / 2) = 31.578…%
    assert turnover(0, 0, 0).rate is None


score_st = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
scores_st = st.fixed_dictionaries({d: score_st for d in DIMENSIONS})


@given(scores_st)
def test_it_keeps_the_total_within_bounds_and_exact(values: dict[str, Decimal]) -> None:
    total = total_score(DEFAULT_SCHEME, values)
    assert D(0) <= total <= D(100)
    exact = sum(Fraction(values[d]) * Fraction(DEFAULT_SCHEME.weights[d]) for d in DIMENSIONS) / 100
    assert abs(Fraction(total) - exact) <= Fraction(1, 200)


@given(scores_st, st.sampled_from(DIMENSIONS), score_st)
def test_it_never_lowers_the_total_when_a_dimension_rises(
    values: dict[str, Decimal], dimension: str, other: Decimal
) -> None:
    low, high = sorted([values[dimension], other])
    a = rate(DEFAULT_SCHEME, {**values, dimension: low})
    b = rate(DEFAULT_SCHEME, {**values, dimension: high})
    assert a.total <= b.total
    assert a.coefficient <= b.coefficient


@given(st.integers(min_value=0, max_value=100_000), st.integers(min_value=1, max_value=1000))
def test_it_needs_just_enough_people(load: int, per: int) -> None:
    need = required(load, per)
    assert need * per >= load
    assert need == 0 or (need - 1) * per < load
