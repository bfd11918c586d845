"""`hragency desk-gateway …`: the spelling in the docs; the command lives in desk_gateway.py."""

from hragency.servicedesk.management.commands.desk_gateway import Command

__all__ = ["Command"]
