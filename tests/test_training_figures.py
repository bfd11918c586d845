"""The pure figures of a training programme's summary: hand-checked values and hypothesis
properties."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from hragency.training import figures as training


@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.booleans()),
            st.one_of(st.none(), st.integers(1, 5)),
            st.one_of(st.none(), st.integers(0, 100)),
        ),
        max_size=60,
    ),
    st.integers(0, 100),
)
def test_it_summarises_training_consistently(
    rows: list[tuple[bool | None, int | None, int | None]], pass_score: int
) -> None:
    summary = training.summarise([training.Row(*r) for r in rows], pass_score=pass_score)
    assert summary.enrolled == len(rows)
    assert summary.attended <= summary.marked <= summary.enrolled
    assert summary.passed <= summary.scored <= summary.attended
    assert (summary.attendance_rate is None) == (summary.marked == 0)
    if summary.average_satisfaction is not None:
        assert Decimal(1) <= summary.average_satisfaction <= Decimal(5)
    # Only attendees' scores count.
    assert summary.scored == sum(1 for r in rows if r[0] and r[2] is not None)


def test_it_summarises_a_hand_checked_session() -> None:
    rows = [
        training.Row(True, 5, 90),
        training.Row(True, 4, 59),
        training.Row(True, 3, 60),
        training.Row(False, None, None),
        training.Row(None, None, None),
    ]
    s = training.summarise(rows, pass_score=60)
    assert (s.enrolled, s.marked, s.attended) == (5, 4, 3)
    assert s.attendance_rate == Decimal("75.0")
    assert s.average_satisfaction == Decimal("4.00")
    assert (s.scored, s.passed, s.pass_rate) == (3, 2, Decimal("66.7"))
