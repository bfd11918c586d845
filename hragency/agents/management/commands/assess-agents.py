"""`hragency assess-agents …`: the spelling in the docs; the command lives in assess_agents.py."""

from hragency.agents.management.commands.assess_agents import Command

__all__ = ["Command"]
