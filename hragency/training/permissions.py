"""Which roles get this app's permissions; merged into accounts.roles.ROLE_PERMISSIONS."""

from __future__ import annotations

VIEW = "training.view_trainingprogramme"
REQUEST = "training.add_trainingprogramme"
MANAGE = "training.manage_training"

# role value (accounts.roles.Role) -> ["training.codename", ...]
ROLE_GRANTS: dict[str, list[str]] = {
    "trainer": [VIEW, REQUEST, MANAGE],
    "cs_rep": [VIEW, REQUEST],
    "cs_supervisor": [VIEW],
    "cs_director": [VIEW],
    "general_manager": [VIEW],
    "client_hr": [VIEW, REQUEST],
    "administrator": [VIEW, REQUEST, MANAGE],
}
