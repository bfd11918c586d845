"""This app's entries in the navigation (see core.context_processors.MENU_SECTIONS)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def entries(user: Any) -> list[dict[str, Any]]:
    from hragency.agents.queries import may_manage, may_view, may_view_staffing

    if not may_view(user):
        return []
    items = [{"label": "坐席考核", "url": reverse("agents:assessments")}]
    if may_manage(user) or user.has_perm("agents.view_all_agents"):
        items.append({"label": "坐席档案", "url": reverse("agents:list")})
        items.append({"label": "内部培训", "url": reverse("agents:trainings")})
    if may_view_staffing(user):
        items.append({"label": "人员配比", "url": reverse("agents:staffing")})
    return items
