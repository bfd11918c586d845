"""This app's entries in the navigation (see core.context_processors.MENU_SECTIONS)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def entries(user: Any) -> list[dict[str, Any]]:
    if not user.has_perm("training.view_trainingprogramme"):
        return []
    return [{"label": "培训项目", "url": reverse("training:list")}]
