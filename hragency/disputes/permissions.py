"""Which roles get this app's permissions; merged into accounts.roles.ROLE_PERMISSIONS."""

from __future__ import annotations

VIEW = "disputes.view_disputecase"
HANDLE = "disputes.handle_dispute"

# role value (accounts.roles.Role) -> ["disputes.codename", ...]
ROLE_GRANTS: dict[str, list[str]] = {
    "labour_relations": [VIEW, HANDLE],
    "legal": [VIEW, HANDLE],
    "cs_rep": [VIEW],
    "cs_supervisor": [VIEW],
    "cs_director": [VIEW],
    "general_manager": [VIEW],
    "client_hr": [VIEW],
    "administrator": [VIEW, HANDLE],
}
