"""Which roles get this app's permissions; merged into accounts.roles.ROLE_PERMISSIONS.

Reps see their own published shifts and write/acknowledge hand-overs; supervisors, directors
and administrators manage the hotline workforce (volumes, forecast, templates, plans, warnings).
"""

from __future__ import annotations

_AGENT = [
    "workforce.view_shiftplan",
    "workforce.view_handoverrecord",
    "workforce.add_handoverrecord",
]
_MANAGER = [*_AGENT, "workforce.manage_workforce"]

# role value (accounts.roles.Role) -> ["workforce.codename", ...]
ROLE_GRANTS: dict[str, list[str]] = {
    "cs_rep": _AGENT,
    "cs_supervisor": _MANAGER,
    "cs_director": _MANAGER,
    "administrator": _MANAGER,
}
