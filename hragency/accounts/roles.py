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

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.SALES: [
        *_STAFF_BASE,
        "clients.add_client",
        "clients.change_client",
        "clients.manage_agreement",
        *_CONTACTS,
        *_INTAKE,
    ],
    Role.CS_REP: [*_SERVICE_STAFF, *_CONTACTS, *_HANDOVER, *_SI_SUBMIT],
    Role.CS_SUPERVISOR: [
        *_SERVICE_STAFF,
        *_SI_SUBMIT,
        "accounts.reveal_personal_data",
        *_CONTACTS,
        *_HANDOVER,
    ],
    Role.CS_DIRECTOR: [
        *_MANAGERS,
        *_CONTACTS,
        *_HANDOVER,
        *_SI_READ,
        *_FUNDS_READ,
        *_PAYROLL_READ,
    ],
    Role.SI_SPECIALIST: [*_SERVICE_STAFF, "accounts.reveal_personal_data", *_SI_WORK],
    Role.PAYROLL_SPECIALIST: [
        *_SERVICE_STAFF,
        "accounts.reveal_personal_data",
        *_SI_WORK,
        *_FUNDS_WORK,
        *_PAYROLL_WORK,
    ],
    Role.EXCEPTION_TEAM: [*_SERVICE_STAFF, *_SI_SUBMIT, "insurance.handle_incident"],
    Role.RECRUITER: _STAFF_BASE,
    Role.TRAINER: _STAFF_BASE,
    Role.LABOUR_RELATIONS: _STAFF_BASE,
    Role.LEGAL: _STAFF_BASE,
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
    ],
    Role.KB_ADMIN: _STAFF_BASE,
    Role.CLIENT_HR: [
        *_VIEW_CLIENTS,
        "employees.change_insuredperson",
        "employees.add_insuredperson",
        *_SI_SUBMIT,
        "billing.respond_statement",
        *_FUNDS_READ,
        *_PAYROLL_APPROVE,
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
    ],
}

STAFF_ROLES = [r for r in Role if r not in (Role.CLIENT_HR, Role.EMPLOYEE)]


def sync_roles(**_: Any) -> None:
    """Create or update one group per role with exactly its permissions (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    wanted = {perm for perms in ROLE_PERMISSIONS.values() for perm in perms}
    by_name: dict[str, Permission] = {}
    for perm in Permission.objects.select_related("content_type"):
        key = f"{perm.content_type.app_label}.{perm.codename}"
        if key in wanted:
            by_name[key] = perm
    if len(by_name) < len(wanted):
        return  # an earlier app's post_migrate; the last one has every permission
    for role, label in ROLE_LABELS.items():
        group, _created = Group.objects.get_or_create(name=label)
        group.permissions.set([by_name[p] for p in ROLE_PERMISSIONS[role]])
