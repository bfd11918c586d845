"""Which roles get this app's permissions; merged into accounts.roles.ROLE_PERMISSIONS."""

from __future__ import annotations

VIEW = "recruitment.view_requisition"
ADD = "recruitment.add_requisition"
HANDLE = "recruitment.handle_requisition"

# role value (accounts.roles.Role) -> ["recruitment.codename", ...]
ROLE_GRANTS: dict[str, list[str]] = {
    "recruiter": [VIEW, ADD, HANDLE],
    "cs_rep": [VIEW, ADD],
    "cs_supervisor": [VIEW],
    "cs_director": [VIEW],
    "general_manager": [VIEW],
    "client_hr": [VIEW, ADD],
    "administrator": [VIEW, ADD, HANDLE],
}
