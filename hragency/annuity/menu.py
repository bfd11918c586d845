"""This app's entries in the navigation (see core.context_processors.MENU_SECTIONS)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def entries(user: Any) -> list[dict[str, Any]]:
    if getattr(user, "kind", "") == "employee":
        return [{"label": "我的企业年金", "url": reverse("annuity:mine")}]
    if user.has_perm("annuity.view_annuityplan"):
        return [{"label": "企业年金", "url": reverse("annuity:list")}]
    return []
