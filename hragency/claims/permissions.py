"""Which roles get this app's permissions; merged into accounts.roles.ROLE_PERMISSIONS."""

from __future__ import annotations

_VIEW = ["claims.view_claim"]
_REPORT = [*_VIEW, "claims.add_claim"]
_HANDLE = [*_REPORT, "claims.handle_claim"]

# role value (accounts.roles.Role) -> ["claims.codename", ...]
ROLE_GRANTS: dict[str, list[str]] = {
    "client_hr": _REPORT,
    "cs_rep": _REPORT,
    "cs_supervisor": _REPORT,
    "cs_director": _REPORT,
    "general_manager": _VIEW,
    "labour_relations": _VIEW,
    "si_specialist": _HANDLE,
    "payroll_specialist": _HANDLE,
    "administrator": _HANDLE,
}
