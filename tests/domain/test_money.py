from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hragency.domain.money import (
    RoundingRule,
    apply_rounding,
    format_cny,
    from_fen,
    parse_amount,
    to_fen,
)

D = Decimal

# Bounded so quantize stays inside the default 28-digit context; real amounts are far smaller.
amounts = st.decimals(
    min_value=D("-1000000000"), max_value=D("1000000000"), allow_nan=False, places=6
)
two_place_amounts = st.integers(min_value=-(10**15), max_value=10**15).map(from_fen)


@pytest.mark.parametrize(
    ("amount", "rule", "expected"),
    [
        # FEN: half-up at the third decimal, halves away from zero.
        ("1.005", RoundingRule.FEN, "1.01"),
        ("1.0049", RoundingRule.FEN, "1.00"),
        ("-1.005", RoundingRule.FEN, "-1.01"),
        ("2.675", RoundingRule.FEN, "2.68"),
        ("7", RoundingRule.FEN, "7.00"),
        # JIAO: one rounding step straight to 0.1 (1.249 must not double-round via 1.25).
        ("1.25", RoundingRule.JIAO, "1.30"),
        ("1.249", RoundingRule.JIAO, "1.20"),
        ("1.05", RoundingRule.JIAO, "1.10"),
        ("-1.25", RoundingRule.JIAO, "-1.30"),
        ("-1.24", RoundingRule.JIAO, "-1.20"),
        # YUAN
        ("2.5", RoundingRule.YUAN, "3.00"),
        ("2.49", RoundingRule.YUAN, "2.00"),
        ("-2.5", RoundingRule.YUAN, "-3.00"),
        ("0.4", RoundingRule.YUAN, "0.00"),
        ("-0.4", RoundingRule.YUAN, "0.00"),
        # YUAN_UP: any fraction raises the magnitude by one yuan; symmetric for negatives.
        ("1.01", RoundingRule.YUAN_UP, "2.00"),
        ("1.00", RoundingRule.YUAN_UP, "1.00"),
        ("0.001", RoundingRule.YUAN_UP, "1.00"),
        ("-1.20", RoundingRule.YUAN_UP, "-2.00"),
        ("0", RoundingRule.YUAN_UP, "0.00"),
        # FEN_DOWN: truncation towards zero.
        ("1.019", RoundingRule.FEN_DOWN, "1.01"),
        ("1.999", RoundingRule.FEN_DOWN, "1.99"),
        ("-1.019", RoundingRule.FEN_DOWN, "-1.01"),
        ("-0.009", RoundingRule.FEN_DOWN, "0.00"),
    ],
)
def test_it_applies_each_rounding_rule(amount: str, rule: RoundingRule, expected: str) -> None:
    result = apply_rounding(D(amount), rule)
    # str() comparison also pins the exponent (exactly 2 places) and the absence of "-0.00".
    assert str(result) == expected


def test_it_labels_rules_in_chinese_and_stores_stable_values() -> None:
    assert RoundingRule.FEN.label == "四舍五入到分"
    assert RoundingRule("yuan_up") is RoundingRule.YUAN_UP
    assert [str(r) for r in RoundingRule] == ["fen", "jiao", "yuan", "yuan_up", "fen_down"]
    labels = [r.label for r in RoundingRule]
    assert all(labels) and len(set(labels)) == len(labels)


def test_it_refuses_float_and_non_finite_amounts_when_rounding() -> None:
    with pytest.raises(TypeError):
        apply_rounding(1.5, RoundingRule.FEN)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        apply_rounding(D("NaN"), RoundingRule.FEN)


@given(amount=amounts, rule=st.sampled_from(RoundingRule))
def test_it_rounding_has_two_places_is_symmetric_and_idempotent(
    amount: Decimal, rule: RoundingRule
) -> None:
    result = apply_rounding(amount, rule)
    assert result.as_tuple().exponent == -2
    assert apply_rounding(-amount, rule) == -result
    assert apply_rounding(result, rule) == result
    step = {"fen": D("0.01"), "fen_down": D("0.01"), "jiao": D("0.1")}.get(rule, D(1))
    assert abs(result - amount) < step
    if rule is RoundingRule.FEN_DOWN:
        assert abs(result) <= abs(amount)
    if rule is RoundingRule.YUAN_UP:
        assert abs(result) >= abs(amount)


def test_it_converts_to_fen_exactly() -> None:
    assert to_fen("1234.56") == 123456
    assert to_fen(" 0.01 ") == 1
    assert to_fen(D("-0.50")) == -50
    assert to_fen(12) == 1200
    assert to_fen(D("1.500")) == 150  # trailing zeros lose nothing
    assert to_fen(D("1E+2")) == 10000


@pytest.mark.parametrize("bad", ["1.005", D("0.001"), "abc", "", "NaN", D("Infinity")])
def test_it_rejects_amounts_that_are_not_whole_fen(bad: str | Decimal) -> None:
    with pytest.raises(ValueError, match="金额"):
        to_fen(bad)


def test_it_never_accepts_float_or_bool_for_fen() -> None:
    with pytest.raises(TypeError):
        to_fen(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        to_fen(True)
    with pytest.raises(TypeError):
        from_fen(1.0)  # type: ignore[arg-type]


def test_it_converts_from_fen_with_two_places() -> None:
    assert str(from_fen(123456)) == "1234.56"
    assert str(from_fen(0)) == "0.00"
    assert str(from_fen(-5)) == "-0.05"
    assert str(from_fen(100)) == "1.00"
    # 40 digits: beyond the default decimal precision, still exact.
    assert to_fen(from_fen(10**40 + 1)) == 10**40 + 1


@given(fen=st.integers(min_value=-(10**30), max_value=10**30))
def test_it_round_trips_fen(fen: int) -> None:
    value = from_fen(fen)
    assert value.as_tuple().exponent == -2
    assert to_fen(value) == fen
    assert from_fen(to_fen(value)) == value
    assert to_fen(str(value)) == fen


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (D("1234.56"), "¥1,234.56"),
        (D("-1234.56"), "-¥1,234.56"),
        (D("0"), "¥0.00"),
        (D("-0.00"), "¥0.00"),
        (D("1234567.8"), "¥1,234,567.80"),
        (D("0.05"), "¥0.05"),
        (123456, "¥1,234.56"),  # int = fen
        (-5, "-¥0.05"),
        (0, "¥0.00"),
    ],
)
def test_it_formats_cny(amount: Decimal | int, expected: str) -> None:
    assert format_cny(amount) == expected


def test_it_refuses_to_format_unrounded_or_float_amounts() -> None:
    with pytest.raises(ValueError, match="两位小数"):
        format_cny(D("1.234"))
    with pytest.raises(TypeError):
        format_cny(1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.5", "1234.50"),
        ("1,234.56", "1234.56"),
        ("¥1,234.56", "1234.56"),
        ("￥1,234.56", "1234.56"),
        (" 12 ", "12.00"),
        ("-¥1,234.56", "-1234.56"),
        ("¥-3", "-3.00"),
        ("+7.1", "7.10"),
        ("-0", "0.00"),
        ("1,000,000", "1000000.00"),
    ],
)
def test_it_parses_amounts(text: str, expected: str) -> None:
    assert str(parse_amount(text)) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "不能为空"),
        ("   ", "不能为空"),
        ("abc", "格式不正确"),
        ("1.234", "最多两位小数"),
        ("1,23", "格式不正确"),
        ("12.", "格式不正确"),
        ("¥", "格式不正确"),
        ("1 234", "格式不正确"),
        ("--1", "格式不正确"),
        ("-¥-1", "多个正负号"),
        ("1e3", "格式不正确"),
        ("１２", "格式不正确"),  # full-width digits
    ],
)
def test_it_rejects_bad_amount_text(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_amount(text)


@given(amount=two_place_amounts)
def test_it_parses_what_it_formats(amount: Decimal) -> None:
    assert parse_amount(format_cny(amount)) == amount
    assert format_cny(amount) == format_cny(to_fen(amount))
