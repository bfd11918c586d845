"""Enterprise annuity arithmetic: hand-checked cases and properties."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hragency.domain.annuity import (
    AnnuityError,
    VestingStep,
    check_rates,
    check_schedule,
    clamp_base,
    completed_years,
    monthly_contribution,
    vested_percent,
    withdrawal,
)
from hragency.domain.money import RoundingRule

D = Decimal
SCHEDULE = [VestingStep(0, 0), VestingStep(1, 20), VestingStep(2, 40), VestingStep(3, 60)]
SCHEDULE += [VestingStep(4, 80), VestingStep(5, 100)]


@pytest.mark.parametrize(
    ("base", "employer", "employee", "floor", "ceiling", "expected"),
    [
        # 12,345.67 × 8 % = 987.6536 → 987.65; × 4 % = 493.8268 → 493.83
        (1234567, "0.08", "0.04", None, None, (1234567, 98765, 49383)),
        # 8,000 × 5 % = 400.00; × 2 % = 160.00
        (800000, "0.05", "0.02", None, None, (800000, 40000, 16000)),
        # 3,000 below the floor 5,000: 5,000 × 8 % = 400.00, × 4 % = 200.00
        (300000, "0.08", "0.04", 500000, 3000000, (500000, 40000, 20000)),
        # 40,000 above the ceiling 30,000: 30,000 × 6.25 % = 1,875.00; × 3 % = 900.00
        (4000000, "0.0625", "0.03", None, 3000000, (3000000, 187500, 90000)),
        # 1,111.00 × 4.5 % = 49.995 → half-up 50.00; × 1 % = 11.11
        (111100, "0.045", "0.01", None, None, (111100, 5000, 1111)),
    ],
)
def test_it_computes_hand_checked_contributions(
    base: int,
    employer: str,
    employee: str,
    floor: int | None,
    ceiling: int | None,
    expected: tuple[int, int, int],
) -> None:
    c = monthly_contribution(
        base,
        employer_rate=D(employer),
        employee_rate=D(employee),
        floor_fen=floor,
        ceiling_fen=ceiling,
    )
    assert (c.base_fen, c.employer_fen, c.employee_fen) == expected
    assert c.total_fen == expected[1] + expected[2]


def test_it_rounds_by_the_named_rule() -> None:
    # 49.995 cut to the fen is 49.99.
    c = monthly_contribution(
        111100, employer_rate=D("0.045"), employee_rate=D("0"), rounding=RoundingRule.FEN_DOWN
    )
    assert c.employer_fen == 4999


@pytest.mark.parametrize(
    ("employer", "employee", "ok"),
    [
        ("0.08", "0.04", True),
        ("0.081", "0.00", False),  # employer above 8 %
        ("0.08", "0.05", False),  # together 13 % > 12 %
        ("0.05", "0.07", True),  # exactly 12 %
        ("0", "0.04", False),  # no employer contribution
    ],
)
def test_it_enforces_the_legal_caps(employer: str, employee: str, ok: bool) -> None:
    assert (check_rates(D(employer), D(employee)) == []) is ok
    if not ok:
        with pytest.raises(AnnuityError):
            monthly_contribution(100000, employer_rate=D(employer), employee_rate=D(employee))


def test_it_refuses_an_inverted_base_range() -> None:
    with pytest.raises(AnnuityError):
        clamp_base(100, 500, 400)


def test_it_vests_by_years_and_fully_on_retirement_or_death() -> None:
    assert vested_percent(SCHEDULE, 0) == 0
    assert vested_percent(SCHEDULE, 3) == 60
    assert vested_percent(SCHEDULE, 12) == 100
    assert vested_percent(SCHEDULE, 1, reason="retirement") == 100
    assert vested_percent(SCHEDULE, 0, reason="death") == 100
    assert vested_percent(SCHEDULE, 1, reason="leave") == 20


def test_it_checks_a_schedule() -> None:
    assert check_schedule(SCHEDULE) == []
    assert check_schedule([VestingStep(0, 0), VestingStep(9, 100)]) != []  # beyond 8 years
    assert check_schedule([VestingStep(0, 50), VestingStep(2, 40), VestingStep(3, 100)]) != []
    assert check_schedule([]) != []


def test_it_counts_completed_years() -> None:
    assert completed_years(dt.date(2020, 3, 15), dt.date(2023, 3, 14)) == 2
    assert completed_years(dt.date(2020, 3, 15), dt.date(2023, 3, 15)) == 3
    assert completed_years(dt.date(2020, 2, 29), dt.date(2021, 2, 28)) == 1
    assert completed_years(dt.date(2024, 1, 1), dt.date(2023, 1, 1)) == 0


def test_it_computes_a_hand_checked_withdrawal() -> None:
    # Employer 1,000.01 at 60 % = 600.006 → cut to 600.00, forfeited 400.01;
    # employee 500.00 + returns 12.34 = 512.34 fully; payable 1,112.34.
    w = withdrawal(employer_fen=100001, employee_fen=50000, employee_returns_fen=1234, percent=60)
    assert w.vested_employer_fen == 60000
    assert w.forfeited_fen == 40001
    assert w.employee_balance_fen == 51234
    assert w.payable_fen == 111234


fen = st.integers(min_value=0, max_value=10**10)
rates = st.decimals(min_value=D("0"), max_value=D("0.12"), places=4)


@given(base=fen, employer=rates, employee=rates)
def test_it_never_exceeds_the_caps_and_is_exact(base: int, employer: D, employee: D) -> None:
    if check_rates(employer, employee):
        with pytest.raises(AnnuityError):
            monthly_contribution(base, employer_rate=employer, employee_rate=employee)
        return
    c = monthly_contribution(base, employer_rate=employer, employee_rate=employee)
    # Each part is within half a fen of the exact product; the employer part within 8 %.
    assert abs(D(c.employer_fen) - D(base) * employer) <= D("0.5")
    assert abs(D(c.employee_fen) - D(base) * employee) <= D("0.5")
    assert c.employer_fen <= base * D("0.08") + D("0.5")
    assert c.total_fen <= base * D("0.12") + 1


@given(
    base=fen,
    floor=st.one_of(st.none(), fen),
    ceiling=st.one_of(st.none(), fen),
)
def test_it_clamps_into_the_range(base: int, floor: int | None, ceiling: int | None) -> None:
    if floor is not None and ceiling is not None and floor > ceiling:
        return
    clamped = clamp_base(base, floor, ceiling)
    if floor is not None:
        assert clamped >= floor
    if ceiling is not None:
        assert clamped <= ceiling
    if (floor is None or base >= floor) and (ceiling is None or base <= ceiling):
        assert clamped == base


@given(
    employer=fen,
    employee=fen,
    er_returns=st.integers(min_value=0, max_value=10**8),
    ee_returns=st.integers(min_value=0, max_value=10**8),
    percent=st.integers(min_value=0, max_value=100),
)
def test_it_keeps_the_employee_part_whole_and_vested_within_balance(
    employer: int, employee: int, er_returns: int, ee_returns: int, percent: int
) -> None:
    w = withdrawal(
        employer_fen=employer,
        employee_fen=employee,
        employer_returns_fen=er_returns,
        employee_returns_fen=ee_returns,
        percent=percent,
    )
    assert w.payable_fen - w.vested_employer_fen == employee + ee_returns  # employee part whole
    assert 0 <= w.vested_employer_fen <= employer + er_returns
    assert w.vested_employer_fen + w.forfeited_fen == employer + er_returns
    assert w.payable_fen <= w.balance_fen
    if percent == 100:
        assert w.forfeited_fen == 0


@given(years=st.integers(min_value=0, max_value=60), more=st.integers(min_value=0, max_value=10))
def test_it_never_unvests_with_more_years(years: int, more: int) -> None:
    assert vested_percent(SCHEDULE, years) <= vested_percent(SCHEDULE, years + more)
