"""Which roles get this app's permissions; merged into accounts.roles.ROLE_PERMISSIONS."""

from __future__ import annotations

# role value (accounts.roles.Role) -> ["disputes.codename", ...]
ROLE_GRANTS: dict[str, list[str]] = {}
