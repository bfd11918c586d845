"""Which roles get this app's permissions; merged into accounts.roles.ROLE_PERMISSIONS.

* Every CS role may open the assessments (``view_monthlyassessment``); a rep sees only their own
  (scoping in ``agents.queries``).
* ``manage_assessment`` (compute, enter figures, confirm, events, training, profiles, scheme,
  ratio limits): 客服主管, 客服总监, 管理员.
* ``apply_assessment`` (write the coefficient into payroll): 薪酬专员 and 管理员. Payroll's own
  service also checks its rights (``payroll.prepare_payroll``) and the client scope, so the
  right sits with those who already prepare the agency's own payroll; a director who needs it
  is given the payroll role as well.
* ``view_all_agents``: 客服总监, 总经理 (and 管理员); ``view_staffing`` (the ratio monitor):
  客服主管, 客服总监, 总经理, 管理员.
"""

from __future__ import annotations

_VIEW = ["agents.view_monthlyassessment"]
_MANAGE = [
    *_VIEW,
    "agents.manage_assessment",
    "agents.view_staffing",
]

# role value (accounts.roles.Role) -> ["agents.codename", ...]
ROLE_GRANTS: dict[str, list[str]] = {
    "cs_rep": _VIEW,
    "cs_supervisor": _MANAGE,
    "cs_director": [*_MANAGE, "agents.view_all_agents"],
    "general_manager": [*_VIEW, "agents.view_all_agents", "agents.view_staffing"],
    "payroll_specialist": [*_VIEW, "agents.apply_assessment"],
    "administrator": [
        *_MANAGE,
        "agents.view_all_agents",
        "agents.apply_assessment",
        "agents.view_agentprofile",
        "agents.change_agentprofile",
    ],
}
