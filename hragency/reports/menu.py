"""This app's entries in the navigation (see core.context_processors.MENU_SECTIONS)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def entries(user: Any) -> list[dict[str, Any]]:
    if not getattr(user, "is_authenticated", False):
        return []
    if user.kind == "client_hr":
        if user.has_perm("reports.view_servicereport"):
            return [{"label": "服务报告", "url": reverse("reports:portal")}]
        return []
    if user.kind != "staff":
        return []
    items = []
    if user.has_perm("reports.view_servicereport"):
        items.append({"label": "服务报告", "url": reverse("reports:service")})
    if user.has_perm("reports.view_daily_report"):
        items.append({"label": "运营日报", "url": reverse("reports:daily")})
    items.append({"label": "我的任务", "url": reverse("reports:jobs")})
    return items
