"""core/values.py: the one set of value parsers for forms, API and imports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hragency.core import values
from hragency.core.values import InvalidValue

AMOUNTS = st.decimals(
    min_value=Decimal("-99999999.99"),
    max_value=Decimal("99999999.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


@given(AMOUNTS)
def test_it_round_trips_amount_text(amount: Decimal) -> None:
    parsed = values.amount(str(amount))
    assert isinstance(parsed, Decimal)
    assert parsed == amount


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False))
def test_it_never_yields_a_float_from_an_amount(number: float) -> None:
    try:
        parsed = values.amount(number)
    except InvalidValue:
        return  # more than two decimals
    assert isinstance(parsed, Decimal)
    assert not isinstance(parsed, float)
    assert parsed == Decimal(repr(number)).quantize(Decimal("0.01"))


@given(
    st.decimals(min_value=Decimal("-1000"), max_value=Decimal("1000"), places=3).filter(
        lambda d: d.normalize().as_tuple().exponent == -3  # type: ignore[operator]
    )
)
def test_it_rejects_more_than_two_decimals(amount: Decimal) -> None:
    with pytest.raises(InvalidValue, match="最多 2 位小数"):
        values.amount(str(amount))


def test_it_accepts_amount_decorations() -> None:
    assert values.amount("¥1,234.5") == Decimal("1234.50")
    assert values.amount("￥ 8，000") == Decimal("8000.00")
    assert values.amount(8000.1) == Decimal("8000.10")
    assert values.amount("") is None
    assert values.amount(None) is None
    for bad in ("abc", "1e", "NaN", "Infinity", True):
        with pytest.raises(InvalidValue):
            values.amount(bad)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_it_parses_a_date_in_every_accepted_format(day: dt.date) -> None:
    spellings = [
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}.{day.month:02d}.{day.day:02d}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.year}年{day.month}月{day.day}",
        f"{day:%Y%m%d}",
        f"{day.isoformat()} 00:00:00",
        day,
        dt.datetime(day.year, day.month, day.day, 9, 30),
    ]
    for spelling in spellings:
        assert values.date(spelling) == day, spelling


def test_it_refuses_impossible_or_malformed_dates() -> None:
    assert values.date("") is None
    with pytest.raises(InvalidValue, match="日期不存在"):
        values.date("2026-02-30")
    with pytest.raises(InvalidValue, match="日期格式"):
        values.date("05/01/2026")


@given(st.text())
def test_it_text_is_stripped_and_never_fails(raw: str) -> None:
    assert values.text(raw) == raw.strip()


def test_it_text_of_spreadsheet_cells() -> None:
    assert values.text(None) == ""
    assert values.text(float("nan")) == ""
    assert values.text(13812345678.0) == "13812345678"
    assert values.text(1.5) == "1.5"
    assert values.text(dt.date(2026, 1, 5)) == "2026-01-05"


def test_it_integer_choice_and_yes_no() -> None:
    assert values.integer("42") == 42
    assert values.integer(42.0) == 42
    assert values.integer("") is None
    with pytest.raises(InvalidValue):
        values.integer("4.2")
    choices = {"urban": "城镇", "rural": "农村"}
    assert values.choice("城镇", choices) == "urban"
    assert values.choice("rural", choices) == "rural"
    assert values.choice("", choices) == ""
    with pytest.raises(InvalidValue, match="城镇、农村"):
        values.choice("海外", choices)
    assert values.yes_no("是") is True
    assert values.yes_no("否") is False
    assert values.yes_no("") is False
    with pytest.raises(InvalidValue):
        values.yes_no("也许")


def test_it_parses_id_numbers_from_cells() -> None:
    from hragency.domain.idcard import make_id_number

    number = make_id_number(
        region_code="310115", birth_date=dt.date(1990, 3, 7), sequence=11, gender="M"
    )
    assert values.id_number(f" {number[:6]} {number[6:]} ") == number
    assert values.id_number("") == ""
    assert values.id_number(None) == ""
    with pytest.raises(InvalidValue, match="文本格式"):
        values.id_number(3.10115199003071e17)
    with pytest.raises(InvalidValue, match="长度错误"):
        values.id_number("31011519900307")
