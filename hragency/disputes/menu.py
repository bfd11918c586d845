"""This app's entries in the navigation (see core.context_processors.MENU_SECTIONS)."""

from __future__ import annotations

from typing import Any


def entries(user: Any) -> list[dict[str, Any]]:
    if not user.has_perm("disputes.view_disputecase"):
        return []
    items = [{"label": "劳动争议", "url": "/disputes/"}]
    if getattr(user, "kind", "") == "client_hr":
        items.append({"label": "劳动争议咨询", "url": "/disputes/consult/"})
    elif user.has_perm("disputes.handle_dispute"):
        items.append({"label": "争议统计", "url": "/disputes/stats/"})
    return items
