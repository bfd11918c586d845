"""Masked display of personal data.

Screens show these by default; the full value is shown only on an explicit, audited request.
Surrounding whitespace is dropped before masking; an empty value stays empty.
"""

from __future__ import annotations

__all__ = ["mask_bank_account", "mask_id_number", "mask_name", "mask_phone"]

_STAR = "*"


def mask_id_number(value: str) -> str:
    """Mask "110101199003071234" as "110101********1234".

    Keeps the first 6 and last 4 characters. For lengths 8–13 fewer leading characters are kept
    so that at least 4 stay hidden; below 8 everything is hidden.
    """
    text = value.strip()
    if len(text) < 8:
        return _STAR * len(text)
    head = min(6, len(text) - 8)
    return text[:head] + _STAR * (len(text) - head - 4) + text[-4:]


def mask_phone(value: str) -> str:
    """Mask "13812345678" as "138****5678"; first 3 and last 4 kept from 8 characters up."""
    text = value.strip()
    if len(text) < 8:
        return _STAR * len(text)
    return text[:3] + _STAR * (len(text) - 7) + text[-4:]


def mask_bank_account(value: str) -> str:
    """Mask "6222021234567890123" as "6222 **** **** 0123".

    The fixed-width middle also hides how long the number is. Spaces typed as digit grouping are
    ignored. Below 12 digits the first 4 would reveal too much, so only the last 4 are kept; below
    8 everything is hidden.
    """
    text = "".join(value.split())
    if len(text) >= 12:
        return f"{text[:4]} **** **** {text[-4:]}"
    if len(text) >= 8:
        return f"**** {text[-4:]}"
    return _STAR * len(text)


def mask_name(value: str) -> str:
    """Mask "张三丰" as "张**" and "张三" as "张*"; a one-character name becomes "*".

    The middle dot of transliterated names (e.g. "买买提·艾力") is kept so the shape stays readable.
    """
    text = value.strip()
    if len(text) <= 1:
        return _STAR * len(text)
    return text[0] + "".join(c if c == "·" else _STAR for c in text[1:])
