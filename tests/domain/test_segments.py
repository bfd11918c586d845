from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hragency.domain.segments import SizeClass, headcount_range, size_class


@pytest.mark.parametrize(
    ("headcount", "expected"),
    [
        (0, SizeClass.SMALL),
        (1, SizeClass.SMALL),
        (100, SizeClass.SMALL),
        (101, SizeClass.MEDIUM),
        (299, SizeClass.MEDIUM),
        (300, SizeClass.LARGE),
        (5000, SizeClass.LARGE),
    ],
)
def test_it_classifies_the_boundaries(headcount: int, expected: SizeClass) -> None:
    assert size_class(headcount) is expected


def test_it_refuses_a_negative_headcount() -> None:
    with pytest.raises(ValueError, match="不能为负数"):
        size_class(-1)


def test_it_labels_in_chinese() -> None:
    assert SizeClass.LARGE.label == "大型（300人以上）"


@given(st.integers(min_value=0, max_value=10**7))
def test_it_puts_each_headcount_in_exactly_the_range_of_its_class(headcount: int) -> None:
    inside = []
    for size in SizeClass:
        low, high = headcount_range(size)
        if low <= headcount and (high is None or headcount <= high):
            inside.append(size)
    assert inside == [size_class(headcount)]


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**6))
def test_it_is_monotonic(a: int, b: int) -> None:
    order = list(SizeClass)
    low, high = sorted((a, b))
    assert order.index(size_class(low)) <= order.index(size_class(high))
