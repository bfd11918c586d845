"""``highlight``: the matched terms of a search wrapped in <mark> (text escaped first)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def highlight(text: str, terms: Sequence[str] | None) -> SafeString:
    escaped = escape(text or "")
    words = sorted({escape(t) for t in terms or () if t}, key=len, reverse=True)
    if not words:
        return mark_safe(escaped)  # escaped above
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped))
