"""This app's entries in the navigation (see core.context_processors.MENU_SECTIONS)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def entries(user: Any) -> list[dict[str, Any]]:
    if not user.has_perm("recruitment.view_requisition"):
        return []
    if getattr(user, "kind", "") == "client_hr":
        return [{"label": "招聘需求", "url": reverse("recruitment:portal")}]
    if getattr(user, "kind", "") != "staff":
        return []
    items = [{"label": "招聘需求", "url": reverse("recruitment:board")}]
    items.append({"label": "招聘服务报告", "url": reverse("recruitment:report")})
    return items
