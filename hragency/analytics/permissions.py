"""Which roles get this app's permissions; merged into accounts.roles.ROLE_PERMISSIONS."""

from __future__ import annotations

_BOTH = ["analytics.view_dashboard", "analytics.use_custom_query"]

# role value (accounts.roles.Role) -> ["analytics.codename", ...]. A client's HR user sees
# their own client's dashboard and queries only client-visible datasets (datasets.py).
ROLE_GRANTS: dict[str, list[str]] = {
    role: list(_BOTH)
    for role in (
        "cs_rep",
        "cs_supervisor",
        "cs_director",
        "general_manager",
        "si_specialist",
        "payroll_specialist",
        "administrator",
        "client_hr",
    )
}
