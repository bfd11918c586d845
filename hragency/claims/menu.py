"""This app's entries in the navigation (see core.context_processors.MENU_SECTIONS)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def entries(user: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    if user.has_perm("claims.add_claim") or user.has_perm("claims.handle_claim"):
        items.append({"label": "出险报案", "url": reverse("claims:new")})
    if user.has_perm("claims.view_claim"):
        items.append({"label": "出险理赔", "url": reverse("claims:list")})
    return items
