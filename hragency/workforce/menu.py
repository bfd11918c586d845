"""This app's entries in the navigation (see core.context_processors.MENU_SECTIONS)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def entries(user: Any) -> list[dict[str, Any]]:
    if getattr(user, "kind", "") != "staff":
        return []
    items: list[dict[str, Any]] = []
    manager = user.has_perm("workforce.manage_workforce")
    if manager:
        items += [
            {"label": "话务量", "url": reverse("workforce:volumes")},
            {"label": "预测与人力需求", "url": reverse("workforce:staffing")},
            {"label": "排班计划", "url": reverse("workforce:plans")},
            {"label": "班次模板", "url": reverse("workforce:templates")},
            {"label": "高峰预警", "url": reverse("workforce:warnings")},
        ]
    if manager or user.has_perm("workforce.view_shiftplan"):
        items += [
            {"label": "我的班次", "url": reverse("workforce:my_shifts")},
            {"label": "交接班", "url": reverse("workforce:handovers")},
            {"label": "话务人力计算器", "url": reverse("workforce:erlang")},
        ]
    return items
