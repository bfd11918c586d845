"""Which roles get this app's permissions; merged into accounts.roles.ROLE_PERMISSIONS."""

from __future__ import annotations

VIEW = "reports.view_servicereport"
MANAGE = "reports.manage_servicereport"
DAILY = "reports.view_daily_report"

# role value (accounts.roles.Role) -> ["reports.codename", ...]
ROLE_GRANTS: dict[str, list[str]] = {
    "cs_rep": [VIEW],
    "cs_supervisor": [VIEW, MANAGE, DAILY],
    "cs_director": [VIEW, MANAGE, DAILY],
    "general_manager": [VIEW, DAILY],
    "si_specialist": [VIEW],
    "payroll_specialist": [VIEW],
    "administrator": [VIEW, MANAGE, DAILY],
    # Client HR: only their own company's published reports (enforced in queries).
    "client_hr": [VIEW],
}
