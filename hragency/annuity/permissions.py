"""Which roles get this app's permissions; merged into accounts.roles.ROLE_PERMISSIONS."""

from __future__ import annotations

_VIEW = ["annuity.view_annuityplan"]
_MANAGE = [*_VIEW, "annuity.manage_annuity"]

# role value (accounts.roles.Role) -> ["annuity.codename", ...]
ROLE_GRANTS: dict[str, list[str]] = {
    "client_hr": _VIEW,
    "cs_rep": _VIEW,
    "cs_supervisor": _VIEW,
    "cs_director": _VIEW,
    "general_manager": _VIEW,
    "si_specialist": _MANAGE,
    "payroll_specialist": _MANAGE,
    "administrator": _MANAGE,
}
