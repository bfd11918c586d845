"""This app's entries in the navigation (see core.context_processors.MENU_SECTIONS)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def entries(user: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    if user.has_perm("analytics.view_dashboard"):
        items.append({"label": "数据看板", "url": reverse("analytics:dashboard")})
    if user.has_perm("analytics.use_custom_query"):
        items.append({"label": "自定义查询", "url": reverse("analytics:query")})
    return items
