"""Shift optimiser and named assignment (hragency.domain.shifts): hand-checked optima,
coverage of every interval, rest and fairness."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hragency.domain.shifts import (
    Agent,
    ShiftError,
    Slot,
    Template,
    assign,
    coverage_of,
    optimise,
    slots_of,
)

THREE = [Template("早班", 0, 480), Template("中班", 480, 480), Template("夜班", 960, 480)]


def test_it_fills_three_back_to_back_shifts() -> None:
    # 2 agents 0–8, 3 agents 8–16, 1 agent 16–24 (hours): exactly 2 + 3 + 1 shifts = 48 h.
    required = [2] * 8 + [3] * 8 + [1] * 8
    plan = optimise(required, THREE, interval=60)
    assert plan.counts == {(0, 0): 2, (0, 1): 3, (0, 2): 1}
    assert plan.paid_minutes == 48 * 60
    assert plan.shortfall == [0] * 24


def test_it_finds_the_hand_checked_optimum_of_overlapping_shifts() -> None:
    # 8 h shifts every 4 h; blocks of 4 h need 1,1,3,1,1,1. Each block is covered by two
    # templates, so 2·Σx ≥ 8 → Σx ≥ 4; but x1 + x2 ≥ 3 with x0 + x1 = 1 … forces 5 (by hand).
    templates = [Template(f"T{h}", h * 60, 480) for h in (0, 4, 8, 12, 16, 20)]
    required = [1] * 8 + [3] * 4 + [1] * 12
    plan = optimise(required, templates, interval=60)
    assert sum(plan.counts.values()) == 5
    assert plan.paid_minutes == 5 * 480
    assert all(c >= r for c, r in zip(plan.coverage, required, strict=True))


def test_it_leaves_the_unpaid_break_uncovered() -> None:
    # 9 h shift from 08:00 with a 1 h break in the middle of the 8 paid hours: 12:00–13:00.
    t = Template("白班", 8 * 60, 540, 60)
    cover = coverage_of({(0, 0): 1}, [t], 1, 60)
    assert cover[8:12] == [1, 1, 1, 1]
    assert cover[12] == 0
    assert cover[13:17] == [1, 1, 1, 1]
    assert t.paid_minutes == 480


def test_it_wraps_the_night_shift_into_the_next_morning() -> None:
    night = Template("夜班", 22 * 60, 480)
    cover = coverage_of({(0, 0): 1}, [night], 2, 60)
    assert cover[22:24] == [1, 1]
    assert cover[24:30] == [1] * 6  # day 2, 00:00–06:00
    # On a cyclic one-day horizon the same shift covers this morning.
    assert coverage_of({(0, 0): 1}, [night], 1, 60)[0:6] == [1] * 6


def test_it_refuses_what_cannot_be_covered_or_misaligned() -> None:
    with pytest.raises(ShiftError, match="没有班次覆盖"):
        optimise([1] * 24, [Template("早班", 0, 480)], interval=60)
    with pytest.raises(ShiftError, match="整数倍"):
        optimise([1] * 48, [Template("早班", 15, 480)], interval=30)
    with pytest.raises(ShiftError, match="没有启用"):
        optimise([1] * 48, [], interval=30)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=9), min_size=48, max_size=48))
def test_it_covers_every_interval_of_random_demand(required: list[int]) -> None:
    templates = [
        Template("早班", 6 * 60, 540, 60),
        Template("白班", 9 * 60, 540, 60),
        Template("中班", 13 * 60, 540, 60),
        Template("晚班", 17 * 60, 480, 30),
        Template("夜班", 22 * 60, 480, 30),
        Template("凌晨", 1 * 60, 480, 30),
    ]
    plan = optimise(required, templates, interval=30)
    assert all(c >= r for c, r in zip(plan.coverage, required, strict=True))
    # Lower bound: every paid minute covers at most one agent-interval of demand.
    assert plan.paid_minutes >= sum(required) * 30


def test_it_respects_eleven_hours_rest_and_spreads_shifts_fairly() -> None:
    late = Template("晚班", 15 * 60, 480)  # ends 23:00
    early = Template("早班", 7 * 60, 480)  # next day 07:00: only 8 h rest
    slots = slots_of({(0, 0): 1, (1, 1): 1}, [late, early])
    result = assign(slots, [Agent(1), Agent(2)])
    assert [a.agent_id for a in result] == [1, 2]
    # Alone, the agent takes the late shift and the early one stays unfilled.
    alone = assign(slots_of({(0, 0): 1, (1, 1): 1}, [late, early]), [Agent(1)])
    assert [a.agent_id for a in alone] == [1, None]


def test_it_never_exceeds_the_weekly_maximum_and_balances_counts() -> None:
    day = Template("白班", 9 * 60, 480)
    slots = slots_of({(d, 0): 2 for d in range(7)}, [day])  # 14 shifts
    agents = [Agent(i, max_shifts=5) for i in range(1, 4)]
    result = assign(slots, agents)
    counts = {a.id: sum(1 for r in result if r.agent_id == a.id) for a in agents}
    assert sum(counts.values()) == 14
    assert max(counts.values()) <= 5
    assert max(counts.values()) - min(counts.values()) <= 1
    # Nobody works twice on one day.
    seen = {(r.agent_id, r.slot.day) for r in result}
    assert len(seen) == 14


def test_it_counts_rest_from_last_weeks_final_shift() -> None:
    slot = Slot(day=0, template=0, start=7 * 60, end=15 * 60, paid_minutes=480, night=False)
    tired = Agent(1, last_end=-60)  # last week's shift ended Sunday 23:00
    rested = Agent(2, last_end=-12 * 60)
    assert assign([slot], [tired, rested])[0].agent_id == 2
