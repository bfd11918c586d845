from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from hragency.accounts.roles import ROLE_LABELS

# Sections whose entries come from the apps' own menu.py (``entries(user)``): a section shows
# when one of its apps gives the user an entry. Label, URL prefix, modules.
MENU_SECTIONS: list[tuple[str, str, list[str]]] = [
    ("呼叫中心", "/workforce/", ["hragency.workforce.menu", "hragency.agents.menu"]),
    (
        "外包服务",
        "/services/",
        [
            "hragency.claims.menu",
            "hragency.annuity.menu",
            "hragency.recruitment.menu",
            "hragency.training.menu",
            "hragency.disputes.menu",
            "hragency.archives.menu",
        ],
    ),
    ("报表", "/reports/", ["hragency.reports.menu", "hragency.analytics.menu"]),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    from hragency.core.queries import unread_count
    from hragency.core.worktime import calendar_warnings

    items: list[dict[str, Any]] = [
        {"label": "我的待办", "url": reverse("core:todo"), "badge": unread_count(user)}
    ]
    items.extend(_service_desk_menu(user))
    if user.kind == "client_hr":
        items.append({"label": "我的企业", "url": reverse("clients:detail", args=[user.client_id])})
    elif user.has_perm("clients.view_client"):
        items.append({"label": "客户", "url": reverse("clients:list")})
        items.append({"label": "失信客户名单", "url": reverse("clients:blacklisted")})
    if user.has_perm("employees.view_insuredperson"):
        items.append({"label": "员工档案", "url": reverse("employees:list")})
    insurance = []
    if user.has_perm("insurance.view_order"):
        insurance.append({"label": "增减员", "url": reverse("insurance:orders")})
    if user.has_perm("insurance.handle_order"):
        insurance.append({"label": "增减员工作队列", "url": reverse("insurance:queue")})
    if user.has_perm("insurance.view_enrollment"):
        insurance.append({"label": "在保名单", "url": reverse("insurance:enrollments")})
        insurance.append({"label": "申报与回执", "url": reverse("declarations:list")})
        insurance.append({"label": "补缴与退费", "url": reverse("adjustments:list")})
        insurance.append({"label": "参保核查", "url": reverse("si_checks:checks")})
    if user.has_perm("insurance.view_incident"):
        insurance.append({"label": "异常事件", "url": reverse("incidents:list")})
    if user.has_perm("insurance.view_policyrule"):
        insurance.append({"label": "政策库", "url": reverse("insurance:policies")})
        insurance.append({"label": "社保计算器", "url": reverse("insurance:calculator")})
    if insurance:
        items.append({"label": "社保公积金", "url": "/insurance/", "children": insurance})
    fees = []
    if user.has_perm("billing.view_statement"):
        fees.append({"label": "费用明细表", "url": reverse("billing:statements")})
    if user.has_perm("billing.close_month"):
        fees.append({"label": "月结", "url": reverse("billing:close")})
    if user.has_perm("billing.view_fundentry"):
        fees.append({"label": "客户资金", "url": reverse("funds:overview")})
    if user.has_perm("billing.view_invoice"):
        fees.append({"label": "发票", "url": reverse("funds:invoices")})
    if fees:
        items.append({"label": "费用", "url": "/billing/", "children": fees})
    payroll = []
    if user.has_perm("payroll.view_payrollrun"):
        payroll.append({"label": "工资表", "url": reverse("payroll:runs")})
        payroll.append({"label": "工资条", "url": reverse("payroll:payslips")})
    if user.kind != "employee" and user.has_perm("payroll.view_salaryitem"):
        payroll.append({"label": "工资项目与定薪", "url": reverse("payroll:setup_home")})
    from hragency.payroll.bases import may_view_proposals

    if may_view_proposals(user):
        payroll.append({"label": "调基建议", "url": reverse("payroll:base_proposals")})
    if user.kind in ("staff", "client_hr"):
        payroll.append({"label": "个税计算器", "url": reverse("payroll:iit_calculator")})
    if payroll:
        items.append({"label": "薪酬", "url": "/payroll/", "children": payroll})
    items.extend(_app_sections(user))
    from hragency.core.imports.base import importable_kinds

    if importable_kinds(user):
        items.append({"label": "批量导入", "url": reverse("core:imports")})
    if user.kind == "employee":
        items.append(
            {"label": "我的信息", "url": reverse("employees:detail", args=[user.insured_person_id])}
        )
        items.append({"label": "我的工资条", "url": reverse("payroll:payslips")})
        items.append({"label": "我的专项附加扣除", "url": reverse("payroll:my_deductions")})
    if user.has_perm("core.view_auditlog"):
        items.append({"label": "审计日志", "url": reverse("core:audit")})
    if user.is_staff:
        items.append({"label": "系统管理", "url": reverse("admin:index")})
    # The most specific entry wins: /clients/blacklist/ lights 失信客户名单, not 客户. A menu
    # is lit when one of its entries is.
    entries = [c for i in items for c in i.get("children", [i])]
    matching = [i for i in entries if request.path.startswith(i["url"]) and i["url"] != "/"]
    best = max(matching, key=lambda i: len(i["url"]), default=None)
    for item in items:
        item["active"] = item is best or any(c is best for c in item.get("children", []))
        for child in item.get("children", []):
            child["active"] = child is best
    groups = list(user.groups.values_list("name", flat=True))
    role_label = "、".join(groups) or ("超级管理员" if user.is_superuser else "")
    return {
        "nav_items": items,
        "user_role_label": role_label or dict(ROLE_LABELS).get(user.kind, ""),
        "calendar_warnings": calendar_warnings() if user.is_administrator else [],
    }


def _app_sections(user: Any) -> list[dict[str, Any]]:
    import importlib

    sections = []
    for label, url, modules in MENU_SECTIONS:
        children = [e for m in modules for e in importlib.import_module(m).entries(user)]
        if children:
            sections.append({"label": label, "url": url, "children": children})
    return sections


def _service_desk_menu(user: Any) -> list[dict[str, Any]]:
    """服务台 (tickets, care, knowledge base, visits) for staff; the portal's part for HR."""
    if user.kind == "client_hr":
        portal = []
        if user.has_perm("servicedesk.view_ticket"):
            portal.append({"label": "我的工单", "url": reverse("servicedesk:portal")})
        portal.append({"label": "常见问题", "url": reverse("knowledge:faq")})
        if user.has_perm("visits.add_surveyresponse"):
            portal.append({"label": "满意度调查", "url": reverse("visits:survey")})
        return [{"label": "服务中心", "url": "/desk/portal/", "children": portal}]
    if user.kind == "employee":
        return [{"label": "常见问题", "url": reverse("knowledge:faq")}]
    if user.kind != "staff":
        return []
    desk: list[dict[str, Any]] = []
    if user.has_perm("servicedesk.view_ticket"):
        desk.append({"label": "工单台", "url": reverse("servicedesk:queue")})
    if user.has_perm("servicedesk.add_ticket"):
        desk.append({"label": "新建工单", "url": reverse("servicedesk:new")})
    if user.has_perm("knowledge.view_article"):
        desk.append({"label": "知识库", "url": reverse("knowledge:search")})
    if user.has_perm("knowledge.add_article"):
        desk.append({"label": "我的知识草稿", "url": reverse("knowledge:drafts")})
    if user.has_perm("knowledge.publish_article"):
        desk.append({"label": "知识审核", "url": reverse("knowledge:review")})
    if user.has_perm("knowledge.view_searchlog"):
        desk.append({"label": "无结果搜索", "url": reverse("knowledge:zero_results")})
    if user.has_perm("servicedesk.view_ticket"):
        desk.append({"label": "投诉建议", "url": reverse("desk_care:complaints")})
        desk.append({"label": "不满意跟进", "url": reverse("desk_care:followups")})
        desk.append({"label": "改进案例库", "url": reverse("desk_care:cases")})
    if user.has_perm("servicedesk.score_quality"):
        desk.append({"label": "质检抽检", "url": reverse("desk_care:quality")})
        desk.append({"label": "月度质检复盘", "url": reverse("desk_care:monthly")})
    if user.has_perm("visits.view_visittask"):
        desk.append({"label": "回访任务", "url": reverse("visits:list")})
        desk.append({"label": "满意度调查", "url": reverse("visits:responses")})
    if user.has_perm("visits.view_satisfaction_report"):
        desk.append({"label": "满意度分析报告", "url": reverse("visits:report")})
    if user.has_perm("visits.manage_rules"):
        desk.append({"label": "回访规则", "url": reverse("visits:rules")})
    return [{"label": "服务台", "url": "/desk/", "children": desk}] if desk else []
