"""This app's entries in the navigation (see core.context_processors.MENU_SECTIONS)."""

from __future__ import annotations

from typing import Any


def entries(user: Any) -> list[dict[str, Any]]:
    if user.has_perm("archives.view_archivefile"):
        return [
            {"label": "档案归档", "url": "/archives/"},
            {"label": "档案借阅", "url": "/archives/borrowings/"},
            {"label": "档案销毁", "url": "/archives/destructions/"},
        ]
    return []
