"""Which roles get this app's permissions; merged into accounts.roles.ROLE_PERMISSIONS."""

from __future__ import annotations

VIEW = "archives.view_archivefile"
MANAGE = "archives.manage_archive"
APPROVE = "archives.approve_destruction"

# role value (accounts.roles.Role) -> ["archives.codename", ...]
ROLE_GRANTS: dict[str, list[str]] = {
    "cs_rep": [VIEW, MANAGE],
    "cs_supervisor": [VIEW],
    "si_specialist": [VIEW, MANAGE],
    "cs_director": [VIEW, APPROVE],
    "general_manager": [VIEW, APPROVE],
    "administrator": [VIEW, MANAGE, APPROVE],
}
