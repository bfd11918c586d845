"""Parsing what users type or paste — form fields, JSON strings and spreadsheet cells — into
typed values, with the reason in Chinese when a value is not acceptable.

One set of parsers for every entry path (web form, API, Excel/CSV import), so the same value is
accepted or refused the same way everywhere. Spreadsheet readers hand over floats for numeric
cells and dates for date cells; these parsers accept those too, but never let a float reach an
amount: a numeric cell becomes a Decimal through its shortest decimal representation and must
have at most two decimal places.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation


class InvalidValue(ValueError):
    """The reason a single value was refused, in words the user reads."""


def text(value: object) -> str:
    """Cell or field as stripped text; None and empty cells are ''. Whole-number floats from
    Excel lose their '.0' so codes typed as numbers survive."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN from an empty numeric cell
            return ""
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def date(value: object) -> dt.date | None:
    """A date from a date cell or text such as 2026-01-05, 2026/1/5, 2026年1月5日 or 20260105.
    Empty is None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = text(value).split(" ")[0]
    if not raw:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError as exc:
                raise InvalidValue(f"日期不存在：{raw}") from exc
    raise InvalidValue(f"日期格式应为 2026-01-05：{raw}")


def amount(value: object, *, places: int = 2) -> Decimal | None:
    """An exact amount with at most ``places`` decimals; thousands separators and a leading ¥
    are allowed. Empty is None."""
    if isinstance(value, bool):
        raise InvalidValue("应为金额")
    if isinstance(value, float):
        raw = repr(value)
    else:
        raw = text(value).replace(",", "").replace("，", "").lstrip("¥￥").strip()
    if not raw:
        return None
    try:
        result = Decimal(raw)
    except InvalidOperation as exc:
        raise InvalidValue(f"应为金额：{raw}") from exc
    if not result.is_finite():
        raise InvalidValue(f"应为金额：{raw}")
    exponent = result.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        raise InvalidValue(f"最多 {places} 位小数：{raw}")
    return result.quantize(Decimal(1).scaleb(-places))


def integer(value: object) -> int | None:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raw = text(value)
    if not raw:
        return None
    if not re.fullmatch(r"-?\d+", raw):
        raise InvalidValue(f"应为整数：{raw}")
    return int(raw)


def choice(value: object, choices: Mapping[str, str]) -> str:
    """The stored code for a choice given either its code or its Chinese label. Empty is ''."""
    raw = text(value)
    if not raw:
        return ""
    if raw in choices:
        return raw
    for code, label in choices.items():
        if raw == label:
            return code
    raise InvalidValue(f"应为以下之一：{'、'.join(choices.values())}")


_TRUE = {"是", "y", "yes", "true", "1", "有", "√"}
_FALSE = {"否", "n", "no", "false", "0", "无", ""}


def yes_no(value: object) -> bool:
    if isinstance(value, bool):
        return value
    raw = text(value).lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise InvalidValue("应填“是”或“否”")


ID_NUMBER_AS_NUMBER = "请将身份证号列设为文本格式后重新填写（数字格式会丢失末位）"


def id_number(value: object, *, today: dt.date | None = None) -> str:
    """A mainland ID number, checked and normalised (``x`` → ``X``, spaces dropped); "" when
    empty. A number cell is refused: Excel shows 18 digits as 1.10101E+17 and keeps only 15
    significant digits, so the last ones are already lost."""
    from hragency.domain.idcard import InvalidIdNumber, parse_id_number

    if isinstance(value, float):
        raise InvalidValue(ID_NUMBER_AS_NUMBER)
    number = text(value)
    if not number:
        return ""
    try:
        return parse_id_number(number, today=today).number
    except InvalidIdNumber as exc:
        raise InvalidValue(str(exc)) from exc
