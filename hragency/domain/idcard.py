"""18-digit resident identity numbers (公民身份号码, GB 11643-1999).

Layout: 6-digit region code, 8-digit birth date (YYYYMMDD), 3-digit sequence whose last digit is
odd for men and even for women, and an ISO 7064 MOD 11-2 check character (0–9 or X).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

__all__ = [
    "IdNumberInfo",
    "InvalidIdNumber",
    "age_on",
    "check_digit",
    "make_id_number",
    "parse_id_number",
]

# Province-level codes of GB/T 2260, plus 71 (Taiwan), 81 (Hong Kong) and 82 (Macao), which appear
# on residence permits for compatriots from those regions.
PROVINCE_CODES: frozenset[str] = frozenset(
    f"{n:02d}"
    for n in (
        *range(11, 16),
        *range(21, 24),
        *range(31, 38),
        *range(41, 47),
        *range(50, 55),
        *range(61, 66),
        71,
        81,
        82,
    )
)

EARLIEST_BIRTH_DATE = date(1900, 1, 1)

# Weight of position i (1-based from the left) is 2^(18-i) mod 11.
_WEIGHTS: tuple[int, ...] = tuple(pow(2, 17 - i, 11) for i in range(17))
_CHECK_CHARS = "10X98765432"
_SEVENTEEN_DIGITS = re.compile(r"[0-9]{17}")
_CHINA = ZoneInfo("Asia/Shanghai")


class InvalidIdNumber(ValueError):
    """The text is not a valid 18-digit identity number; the message says exactly why."""


@dataclass(frozen=True)
class IdNumberInfo:
    number: str
    region_code: str
    birth_date: date
    gender: Literal["M", "F"]


def check_digit(first17: str) -> str:
    """The check character ("0"–"9" or "X") for the first 17 digits."""
    if not _SEVENTEEN_DIGITS.fullmatch(first17):
        raise InvalidIdNumber(f"计算校验位需要 17 位数字，实为「{first17}」")
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def _china_today() -> date:
    # Birth dates on the card are Chinese calendar days, so "today" is today in China.
    return datetime.now(_CHINA).date()


def parse_id_number(text: str, *, today: date | None = None) -> IdNumberInfo:
    """Validate and decode an identity number; raise ``InvalidIdNumber`` saying what is wrong."""
    number = "".join(text.split())
    if not number:
        raise InvalidIdNumber("身份证号码为空")
    if number[-1] == "x":
        number = number[:-1] + "X"
    if len(number) != 18:
        raise InvalidIdNumber(f"长度错误：应为 18 位，实为 {len(number)} 位")
    for position, char in enumerate(number[:17], start=1):
        if char not in "0123456789":
            raise InvalidIdNumber(f"字符错误：第 {position} 位「{char}」不是数字")
    if number[17] not in "0123456789X":
        raise InvalidIdNumber(f"字符错误：第 18 位「{number[17]}」应为数字或 X")

    province = number[:2]
    if province not in PROVINCE_CODES:
        raise InvalidIdNumber(f"地区码错误：省级代码 {province} 不存在")

    birth_text = number[6:14]
    try:
        birth_date = date(int(birth_text[:4]), int(birth_text[4:6]), int(birth_text[6:]))
    except ValueError:
        raise InvalidIdNumber(f"出生日期错误：{birth_text} 不是有效日期") from None
    if birth_date < EARLIEST_BIRTH_DATE:
        raise InvalidIdNumber(f"出生日期错误：{birth_date.isoformat()} 早于 1900-01-01")
    reference = _china_today() if today is None else today
    if birth_date > reference:
        raise InvalidIdNumber(
            f"出生日期错误：{birth_date.isoformat()} 晚于今天（{reference.isoformat()}）"
        )

    expected = check_digit(number[:17])
    if number[17] != expected:
        raise InvalidIdNumber(f"校验位错误：应为 {expected}，实为 {number[17]}")

    gender: Literal["M", "F"] = "M" if int(number[16]) % 2 == 1 else "F"
    return IdNumberInfo(number=number, region_code=number[:6], birth_date=birth_date, gender=gender)


def make_id_number(
    *, region_code: str, birth_date: date, sequence: int, gender: Literal["M", "F"]
) -> str:
    """Build a valid number for demo and test data.

    ``sequence`` (0–99) fills digits 15–16; digit 17 is 1 for "M" and 2 for "F". The birth date
    is not compared with today, so a future date gives a number that ``parse_id_number`` rejects.
    """
    if not re.fullmatch(r"[0-9]{6}", region_code):
        raise InvalidIdNumber(f"地区码错误：应为 6 位数字，实为「{region_code}」")
    if region_code[:2] not in PROVINCE_CODES:
        raise InvalidIdNumber(f"地区码错误：省级代码 {region_code[:2]} 不存在")
    if birth_date < EARLIEST_BIRTH_DATE:
        raise InvalidIdNumber(f"出生日期错误：{birth_date.isoformat()} 早于 1900-01-01")
    if isinstance(sequence, bool) or not 0 <= sequence <= 99:
        raise ValueError(f"顺序码应为 0–99，实为 {sequence}")
    if gender not in ("M", "F"):
        raise ValueError(f"性别应为 M 或 F，实为 {gender!r}")
    gender_digit = "1" if gender == "M" else "2"
    first17 = f"{region_code}{birth_date:%Y%m%d}{sequence:02d}{gender_digit}"
    return first17 + check_digit(first17)


def age_on(birth_date: date, on: date) -> int:
    """Completed years of age on ``on``.

    Someone born on 29 February turns a year older on 1 March in common years.
    """
    if on < birth_date:
        raise ValueError(f"日期 {on.isoformat()} 早于出生日期 {birth_date.isoformat()}")
    had_birthday = (on.month, on.day) >= (birth_date.month, birth_date.day)
    return on.year - birth_date.year - (0 if had_birthday else 1)
