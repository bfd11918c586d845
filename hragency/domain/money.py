"""Exact money handling in CNY.

Amounts are ``Decimal`` yuan with two places, or ``int`` fen. Floats are refused everywhere: a
float has already lost the exact value by the time it reaches us. Every rounding is one of the
named ``RoundingRule`` members so that a city's policy is data, not an inline ``round``.
"""

from __future__ import annotations

import enum
import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal, InvalidOperation

__all__ = [
    "RoundingRule",
    "apply_rounding",
    "format_cny",
    "from_fen",
    "parse_amount",
    "to_fen",
]

_CENT = Decimal("0.01")
_JIAO = Decimal("0.1")
_YUAN = Decimal("1")


class RoundingRule(enum.StrEnum):
    """How an amount is rounded. Values are stored in the database; do not rename them."""

    FEN = "fen"
    JIAO = "jiao"
    YUAN = "yuan"
    YUAN_UP = "yuan_up"
    FEN_DOWN = "fen_down"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS: dict[RoundingRule, str] = {
    RoundingRule.FEN: "四舍五入到分",
    RoundingRule.JIAO: "四舍五入到角",
    RoundingRule.YUAN: "四舍五入到元",
    RoundingRule.YUAN_UP: "见角进元（向上取整到元）",
    RoundingRule.FEN_DOWN: "舍去分以下（截断到分）",
}

# Every mode is symmetric around zero (ROUND_HALF_UP in ``decimal`` rounds halves away from zero;
# ROUND_UP / ROUND_DOWN are away from / towards zero), so a refund of a charge is exactly the
# negated charge. For YUAN_UP that means -1.20 becomes -2.00, not the mathematical ceiling -1.00.
_STEPS: dict[RoundingRule, tuple[Decimal, str]] = {
    RoundingRule.FEN: (_CENT, ROUND_HALF_UP),
    RoundingRule.JIAO: (_JIAO, ROUND_HALF_UP),
    RoundingRule.YUAN: (_YUAN, ROUND_HALF_UP),
    RoundingRule.YUAN_UP: (_YUAN, ROUND_UP),
    RoundingRule.FEN_DOWN: (_CENT, ROUND_DOWN),
}


def _require_finite_decimal(amount: object) -> Decimal:
    if isinstance(amount, float):
        raise TypeError("金额不能使用浮点数（float），请使用 Decimal 或字符串")
    if not isinstance(amount, Decimal):
        raise TypeError(f"金额必须是 Decimal，实为 {type(amount).__name__}")
    if not amount.is_finite():
        raise ValueError(f"金额不是有效数字：{amount}")
    return amount


def _without_negative_zero(amount: Decimal) -> Decimal:
    # Decimal keeps the sign of a zero ("-0.00"), which would print as "-¥0.00".
    return amount.copy_abs() if amount.is_zero() else amount


def apply_rounding(amount: Decimal, rule: RoundingRule) -> Decimal:
    """Round ``amount`` by ``rule``; the result always has exactly two decimal places."""
    value = _require_finite_decimal(amount)
    step, mode = _STEPS[RoundingRule(rule)]
    rounded = value.quantize(step, rounding=mode).quantize(_CENT)
    return _without_negative_zero(rounded)


def _exact_fen(value: Decimal) -> int | None:
    """``value`` (finite) in fen, or None when it has a non-zero digit beyond the fen.

    Works on the digit tuple because ``scaleb``/``quantize`` obey the context precision and would
    round (or fail) for very long numbers.
    """
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    coefficient = int("".join(map(str, digits)) or "0")
    shift = exponent + 2
    scale: int = 10 ** abs(shift)
    if shift >= 0:
        fen = coefficient * scale
    else:
        fen, remainder = divmod(coefficient, scale)
        if remainder:
            return None
    return -fen if sign else fen


def to_fen(amount: Decimal | str | int) -> int:
    """Yuan → integer fen, exactly.

    An amount with a non-zero digit beyond the fen is refused rather than rounded; trailing zeros
    ("1.500") are accepted because they lose nothing.
    """
    if isinstance(amount, bool):
        raise TypeError("金额不能是布尔值")
    if isinstance(amount, int):
        return amount * 100
    if isinstance(amount, str):
        try:
            value = Decimal(amount.strip())
        except InvalidOperation:
            raise ValueError(f"金额不是有效数字：「{amount}」") from None
        if not value.is_finite():
            raise ValueError(f"金额不是有效数字：「{amount}」")
    else:
        value = _require_finite_decimal(amount)
    fen = _exact_fen(value)
    if fen is None:
        raise ValueError(f"金额最多两位小数（精确到分），实为 {value}")
    return fen


def from_fen(fen: int) -> Decimal:
    """Integer fen → Decimal yuan with exactly two places."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"分必须是整数，实为 {type(fen).__name__}")
    # Built from the digit tuple so no context precision can ever round a large value.
    digits = tuple(int(c) for c in str(abs(fen)))
    return Decimal((1 if fen < 0 else 0, digits, -2))


_AMOUNT_RE = re.compile(
    r"""
    (?P<sign>[-+]?)\s*
    [¥￥]?\s*
    (?P<sign2>[-+]?)
    (?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)
    (?:\.(?P<frac>[0-9]+))?
    """,
    re.VERBOSE,
)


def parse_amount(text: str) -> Decimal:
    """Parse a user-typed yuan amount such as "1,234.5", "¥1,234.56" or " 12 "."""
    if not isinstance(text, str):
        raise TypeError(f"金额文本必须是字符串，实为 {type(text).__name__}")
    stripped = text.strip()
    if not stripped:
        raise ValueError("金额不能为空")
    match = _AMOUNT_RE.fullmatch(stripped)
    if match is None:
        raise ValueError(f"金额格式不正确：「{stripped}」，示例：1234.56 或 ¥1,234.56")
    if match["sign"] and match["sign2"]:
        raise ValueError(f"金额格式不正确：「{stripped}」含有多个正负号")
    frac = match["frac"] or ""
    if len(frac) > 2:
        raise ValueError(f"金额最多两位小数（精确到分）：「{stripped}」")
    negative = "-" in (match["sign"], match["sign2"])
    value = Decimal(f"{'-' if negative else ''}{match['int'].replace(',', '')}.{frac or '0'}")
    return _without_negative_zero(value.quantize(_CENT))


def format_cny(amount: Decimal | int) -> str:
    """Format for display: "¥1,234.56", "-¥1,234.56", "¥0.00". An ``int`` is taken as fen."""
    if isinstance(amount, bool):
        raise TypeError("金额不能是布尔值")
    if isinstance(amount, int):
        value = from_fen(amount)
    else:
        fen = _exact_fen(_require_finite_decimal(amount))
        if fen is None:
            # Display must not silently round; the caller picks a RoundingRule first.
            raise ValueError(f"金额超过两位小数，请先按规则舍入：{amount}")
        value = from_fen(fen)
    sign = "-" if value < 0 else ""
    return f"{sign}¥{value.copy_abs():,.2f}"
