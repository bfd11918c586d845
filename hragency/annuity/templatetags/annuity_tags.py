from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def pct4(rate: Decimal | None) -> str:
    """0.0800 → "8%", 0.0625 → "6.25%"."""
    if rate is None:
        return "—"
    text = format((rate * 100).normalize(), "f")
    return f"{text}%"
