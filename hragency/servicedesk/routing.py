"""Routing (R-DESK-2): where a ticket goes when the rep cannot answer it.

A `RoutingRule` maps a business module (and optionally a nature) to a department and a role.
The handler is the member of that department serving the client with the role
(`accounts.queries.serving`), else any active member of the department with the role, else the
department's head. Rules are configured in the admin; the demo seeds a set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hragency.servicedesk.models import RoutingRule, Ticket


@dataclass(frozen=True)
class Route:
    department: Any
    handler: Any
    rule: RoutingRule | None


def rule_for(module: str, nature: str) -> RoutingRule | None:
    rules = list(
        RoutingRule.objects.filter(active=True, module=module, nature__in=["", nature])
        .select_related("department__head")
        .order_by("-nature", "pk")
    )
    return rules[0] if rules else None


def handler_in(department: Any, role: str, client: Any) -> Any:
    from hragency.accounts.models import User
    from hragency.accounts.queries import role_holders, serving

    if role:
        if client is not None:
            found = serving(client, role).filter(department=department).first()
            if found is not None:
                return found
        found = role_holders(role).filter(department=department).first()
        if found is not None:
            return found
    head = department.head
    if head is not None and head.is_active and head.kind == User.Kind.STAFF:
        return head
    return None


def route(ticket: Ticket) -> Route | None:
    """The department and handler the rules give for the ticket, or None without a rule."""
    rule = rule_for(ticket.module, ticket.nature)
    if rule is None:
        return None
    return Route(rule.department, handler_in(rule.department, rule.role, ticket.client), rule)


# Demo / first-install rules by department name: module → (department, role).
DEFAULT_RULES: list[tuple[str, str, str, str]] = [
    ("payroll_si", "", "社保服务组", "si_specialist"),
    ("hr_agency", "", "社保服务组", "si_specialist"),
    ("recruitment", "", "招聘部", "recruiter"),
    ("training", "", "培训部", "trainer"),
    ("dispatch", "", "员工关系部", "labour_relations"),
    ("labour_dispute", "", "法务部", "legal"),
    ("labour_dispute", "emergency", "应急处理小组", "exception_team"),
]


def seed_default_rules(department_model: Any = None, rule_model: Any = None) -> int:
    """Create the default rules for the departments that exist by name; returns how many."""
    if department_model is None:
        from hragency.accounts.models import Department as department_model
    rule_model = rule_model or RoutingRule
    by_name = {d.name: d for d in department_model.objects.all()}
    created = 0
    for module, nature, department, role in DEFAULT_RULES:
        dept = by_name.get(department)
        if dept is None:
            continue
        _, made = rule_model.objects.get_or_create(
            module=module, nature=nature, defaults={"department": dept, "role": role}
        )
        created += int(made)
    return created
