"""Roles from REQUIREMENTS "Who uses it", kept as Django groups with permissions.

Groups are named by their Chinese label (what an administrator sees); code refers to roles by
the ``Role`` value. ``sync_roles`` runs after every migrate, so a fresh database has them all.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Role(StrEnum):
    SALES = "sales"
    CS_REP = "cs_rep"
    CS_SUPERVISOR = "cs_supervisor"
    CS_DIRECTOR = "cs_director"
    SI_SPECIALIST = "si_specialist"
    PAYROLL_SPECIALIST = "payroll_specialist"
    EXCEPTION_TEAM = "exception_team"
    RECRUITER = "recruiter"
    TRAINER = "trainer"
    LABOUR_RELATIONS = "labour_relations"
    LEGAL = "legal"
    INFO_REVIEWER = "info_reviewer"
    GENERAL_MANAGER = "general_manager"
    KB_ADMIN = "kb_admin"
    CLIENT_HR = "client_hr"
    EMPLOYEE = "employee"
    ADMINISTRATOR = "administrator"


ROLE_LABELS: dict[str, str] = {
    Role.SALES: "销售顾问",
    Role.CS_REP: "客服专员",
    Role.CS_SUPERVISOR: "客服主管",
    Role.CS_DIRECTOR: "客服总监",
    Role.SI_SPECIALIST: "社保专员",
    Role.PAYROLL_SPECIALIST: "薪酬专员",
    Role.EXCEPTION_TEAM: "应急处理小组",
    Role.RECRUITER: "招聘专员",
    Role.TRAINER: "培训专员",
    Role.LABOUR_RELATIONS: "员工关系专员",
    Role.LEGAL: "法务专员",
    Role.INFO_REVIEWER: "信息审核员",
    Role.GENERAL_MANAGER: "总经理",
    Role.KB_ADMIN: "知识库管理员",
    Role.CLIENT_HR: "企业HR",
    Role.EMPLOYEE: "员工",
    Role.ADMINISTRATOR: "管理员",
}

_VIEW_CLIENTS = ["clients.view_client", "employees.view_insuredperson"]
_STAFF_BASE = [*_VIEW_CLIENTS, "core.view_deadline"]
_SERVICE_STAFF = [*_STAFF_BASE, "employees.change_insuredperson", "employees.add_insuredperson"]
_MANAGERS = [*_SERVICE_STAFF, "accounts.view_all_clients", "accounts.reveal_personal_data"]
_CONTACTS = ["clients.add_contact", "clients.change_contact", "clients.delete_contact"]
_INTAKE = ["clients.add_intake", "clients.change_intake"]
_HANDOVER = [
    "clients.add_handoveritem",
    "clients.change_handoveritem",
    "clients.delete_handoveritem",
]

# Social insurance and fees (issue 4). Reading orders, enrollments and statements goes with
# serving a client; processing orders and closing the month is the SI/payroll specialists'.
_SI_READ = [
    "insurance.view_order",
    "insurance.view_enrollment",
    "insurance.view_policyrule",
    "insurance.view_clientrate",
    "billing.view_statement",
    "insurance.view_incident",
]
_SI_SUBMIT = [*_SI_READ, "insurance.add_order", "insurance.add_incident"]
_SI_WORK = [
    *_SI_SUBMIT,
    "insurance.handle_order",
    "insurance.change_clientrate",
    "insurance.handle_incident",
    "billing.close_month",
]

# Client fund account and invoices (R-FEE-3/4): payroll specialists keep the ledger and issue
# invoices; directors read; a client's HR reads their own invoices and fund statement.
_FUNDS_READ = ["billing.view_fundentry", "billing.view_invoice"]
_FUNDS_WORK = [*_FUNDS_READ, "billing.add_fundentry", "billing.issue_invoice"]

# Payroll (R-PAY): payroll specialists prepare (items, salaries, attendance, calculation) and
# pay; the client's HR approves its own payroll (the client signs off what its people are paid);
# directors and managers read. An employee reads their own paid payslips without a permission.
_PAYROLL_READ = [
    "payroll.view_payrollrun",
    "payroll.view_payrollline",
    "payroll.view_salaryitem",
    "payroll.view_specialdeduction",
]
_PAYROLL_WORK = [*_PAYROLL_READ, "payroll.prepare_payroll", "payroll.pay_payroll"]
_PAYROLL_APPROVE = [*_PAYROLL_READ, "payroll.approve_payroll"]

# Service desk (R-DESK, R-CMP): reps take and handle tickets for their clients; specialists
# handle the tickets transferred to them; supervisors urge, supervise, review returns, reassign,
# score quality and handle complaints; a client's HR opens and follows its own tickets.
# Knowledge base (R-KB-2): staff read and draft; the KB admin reviews and publishes. Client
# users read the articles marked 客户可见 without a permission (the portal FAQ).
_KB_WRITE = ["knowledge.view_article", "knowledge.add_article"]
_KB_ADMIN = [
    *_KB_WRITE,
    "knowledge.change_article",
    "knowledge.publish_article",
    "knowledge.view_searchlog",
]
_DESK_HANDLE = ["servicedesk.view_ticket", "servicedesk.handle_ticket", *_KB_WRITE]
_DESK_REP = [*_DESK_HANDLE, "servicedesk.add_ticket"]
_DESK_SUPERVISE = [
    *_DESK_REP,
    "servicedesk.supervise_ticket",
    "servicedesk.triage_ticket",
    "servicedesk.score_quality",
    "servicedesk.manage_complaint",
]

# Return visits and satisfaction surveys (R-VISIT): reps visit their clients; supervisors read
# the quarterly report; the director sets the visit rules; a client's HR answers the survey.
_VISITS_WORK = [
    "visits.view_visittask",
    "visits.change_visittask",
    "visits.view_surveyresponse",
    "visits.add_surveyresponse",
]
_VISITS_REPORT = [*_VISITS_WORK, "visits.view_satisfaction_report"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.SALES: [
        *_STAFF_BASE,
        "clients.add_client",
        "clients.change_client",
        "clients.manage_agreement",
        *_CONTACTS,
        *_INTAKE,
    ],
    Role.CS_REP: [*_SERVICE_STAFF, *_CONTACTS, *_HANDOVER, *_SI_SUBMIT, *_DESK_REP, *_VISITS_WORK],
    Role.CS_SUPERVISOR: [
        *_SERVICE_STAFF,
        *_SI_SUBMIT,
        "accounts.reveal_personal_data",
        *_CONTACTS,
        *_HANDOVER,
        *_DESK_SUPERVISE,
        *_VISITS_REPORT,
    ],
    Role.CS_DIRECTOR: [
        *_MANAGERS,
        *_CONTACTS,
        *_HANDOVER,
        *_SI_READ,
        *_FUNDS_READ,
        *_PAYROLL_READ,
        *_DESK_SUPERVISE,
        *_VISITS_REPORT,
        "visits.manage_rules",
    ],
    Role.SI_SPECIALIST: [
        *_SERVICE_STAFF,
        "accounts.reveal_personal_data",
        *_SI_WORK,
        *_DESK_HANDLE,
    ],
    Role.PAYROLL_SPECIALIST: [
        *_SERVICE_STAFF,
        "accounts.reveal_personal_data",
        *_SI_WORK,
        *_FUNDS_WORK,
        *_PAYROLL_WORK,
        *_DESK_HANDLE,
    ],
    Role.EXCEPTION_TEAM: [
        *_SERVICE_STAFF,
        *_SI_SUBMIT,
        "insurance.handle_incident",
        *_DESK_HANDLE,
    ],
    Role.RECRUITER: [*_STAFF_BASE, *_DESK_HANDLE],
    Role.TRAINER: [*_STAFF_BASE, *_DESK_HANDLE],
    Role.LABOUR_RELATIONS: [*_STAFF_BASE, *_DESK_HANDLE],
    Role.LEGAL: [*_STAFF_BASE, *_DESK_HANDLE],
    # The info officer reviews every new client, so sees them all (002 §6).
    Role.INFO_REVIEWER: [
        *_STAFF_BASE,
        "clients.change_client",
        "clients.review_client_info",
        "accounts.view_all_clients",
    ],
    Role.GENERAL_MANAGER: [
        *_MANAGERS,
        "clients.change_client",
        "clients.approve_client_info",
        "clients.blacklist_client",
        "clients.manage_agreement",
        *_CONTACTS,
        *_INTAKE,
        *_HANDOVER,
        *_SI_READ,
        *_FUNDS_READ,
        *_PAYROLL_APPROVE,
        "servicedesk.view_ticket",
        "knowledge.view_article",
        "visits.view_visittask",
        "visits.view_surveyresponse",
        "visits.view_satisfaction_report",
    ],
    Role.KB_ADMIN: [*_STAFF_BASE, *_KB_ADMIN],
    Role.CLIENT_HR: [
        *_VIEW_CLIENTS,
        "employees.change_insuredperson",
        "employees.add_insuredperson",
        *_SI_SUBMIT,
        "billing.respond_statement",
        *_FUNDS_READ,
        *_PAYROLL_APPROVE,
        "servicedesk.view_ticket",
        "servicedesk.add_ticket",
        "visits.view_surveyresponse",
        "visits.add_surveyresponse",
    ],
    Role.EMPLOYEE: [],
    Role.ADMINISTRATOR: [
        *_MANAGERS,
        "clients.add_client",
        "clients.change_client",
        "clients.manage_agreement",
        *_CONTACTS,
        *_INTAKE,
        *_HANDOVER,
        "core.view_auditlog",
        "core.change_holidaycalendarday",
        "core.add_holidaycalendarday",
        "core.change_deadlinepolicy",
        *_SI_WORK,
        "insurance.add_policyrule",
        "insurance.change_policyrule",
        *_FUNDS_WORK,
        *_PAYROLL_WORK,
        "payroll.approve_payroll",
        *_DESK_SUPERVISE,
        "servicedesk.change_slapolicy",
        "servicedesk.change_routingrule",
        *_KB_ADMIN,
        *_VISITS_REPORT,
        "visits.manage_rules",
    ],
}

# Apps from issue 7 on say which roles get their permissions in their own permissions.py
# (ROLE_GRANTS, keyed by role value), so that a new app needs no edit here.
GRANT_MODULES = [
    "hragency.workforce.permissions",
    "hragency.agents.permissions",
    "hragency.claims.permissions",
    "hragency.annuity.permissions",
    "hragency.recruitment.permissions",
    "hragency.training.permissions",
    "hragency.disputes.permissions",
    "hragency.archives.permissions",
    "hragency.reports.permissions",
    "hragency.analytics.permissions",
]


def _merge_grants() -> None:
    import importlib

    for module in GRANT_MODULES:
        grants: dict[str, list[str]] = importlib.import_module(module).ROLE_GRANTS
        for role, perms in grants.items():
            ROLE_PERMISSIONS[Role(role)].extend(p for p in perms if p not in ROLE_PERMISSIONS[role])


_merge_grants()

STAFF_ROLES = [r for r in Role if r not in (Role.CLIENT_HR, Role.EMPLOYEE)]


def sync_roles(**kwargs: Any) -> None:
    """Create or update one group per role with exactly its permissions (idempotent)."""
    from django.contrib.auth.models import Group, Permission
    from django.core.exceptions import ImproperlyConfigured

    wanted = {perm for perms in ROLE_PERMISSIONS.values() for perm in perms}
    by_name: dict[str, Permission] = {}
    for perm in Permission.objects.select_related("content_type"):
        key = f"{perm.content_type.app_label}.{perm.codename}"
        if key in wanted:
            by_name[key] = perm
    if len(by_name) < len(wanted):
        # An earlier app's post_migrate: the last one has every permission. If even the last
        # lacks some, a role names a permission no model declares: say so, or every role
        # would silently stay empty.
        from django.apps import apps

        sender = kwargs.get("sender")
        last = [a for a in apps.get_app_configs() if a.models_module is not None][-1]
        if sender is not None and sender.label == last.label:
            missing = ", ".join(sorted(wanted - set(by_name)))
            raise ImproperlyConfigured(f"ROLE_PERMISSIONS names unknown permissions: {missing}")
        return
    for role, label in ROLE_LABELS.items():
        group, _created = Group.objects.get_or_create(name=label)
        group.permissions.set([by_name[p] for p in ROLE_PERMISSIONS[role]])
