"""This app's entries in the navigation (see core.context_processors.MENU_SECTIONS)."""

from __future__ import annotations

from typing import Any


def entries(user: Any) -> list[dict[str, Any]]:
    return []
