from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from hragency.accounts.roles import ROLE_LABELS


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    from hragency.core.queries import unread_count
    from hragency.core.worktime import calendar_warnings

    items: list[dict[str, Any]] = [
        {"label": "我的待办", "url": reverse("core:todo"), "badge": unread_count(user)}
    ]
    if user.kind == "client_hr":
        items.append({"label": "我的企业", "url": reverse("clients:detail", args=[user.client_id])})
    elif user.has_perm("clients.view_client"):
        items.append({"label": "客户", "url": reverse("clients:list")})
        items.append({"label": "失信客户名单", "url": reverse("clients:blacklisted")})
    if user.has_perm("employees.view_insuredperson"):
        items.append({"label": "员工档案", "url": reverse("employees:list")})
    from hragency.core.imports.base import importable_kinds

    if importable_kinds(user):
        items.append({"label": "批量导入", "url": reverse("core:imports")})
    if user.kind == "employee":
        items.append(
            {"label": "我的信息", "url": reverse("employees:detail", args=[user.insured_person_id])}
        )
    if user.has_perm("core.view_auditlog"):
        items.append({"label": "审计日志", "url": reverse("core:audit")})
    if user.is_staff:
        items.append({"label": "系统管理", "url": reverse("admin:index")})
    # The most specific entry wins: /clients/blacklist/ lights 失信客户名单, not 客户.
    matching = [i for i in items if request.path.startswith(i["url"]) and i["url"] != "/"]
    best = max(matching, key=lambda i: len(i["url"]), default=None)
    for item in items:
        item["active"] = item is best
    groups = list(user.groups.values_list("name", flat=True))
    role_label = "、".join(groups) or ("超级管理员" if user.is_superuser else "")
    return {
        "nav_items": items,
        "user_role_label": role_label or dict(ROLE_LABELS).get(user.kind, ""),
        "calendar_warnings": calendar_warnings() if user.is_administrator else [],
    }
