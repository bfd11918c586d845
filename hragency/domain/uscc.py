"""Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters, mod-31 check."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class InvalidCreditCode(ValueError):
    pass


def check_char(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def parse_credit_code(text: str) -> str:
    code = "".join(text.split()).upper()
    if len(code) != 18:
        raise InvalidCreditCode(f"统一社会信用代码应为18位，实为{len(code)}位")
    bad = sorted({ch for ch in code if ch not in ALPHABET})
    if bad:
        raise InvalidCreditCode(f"含有不允许的字符：{''.join(bad)}（不使用 I、O、Z、S、V）")
    expected = check_char(code[:17])
    if code[17] != expected:
        raise InvalidCreditCode(f"校验位错误：应为 {expected}，实为 {code[17]}")
    return code


def make_credit_code(body: str) -> str:
    """Complete 17 valid characters with their check character (demo and test data)."""
    if len(body) != 17 or any(ch not in ALPHABET for ch in body):
        raise InvalidCreditCode("需要17位有效字符")
    return body + check_char(body)
