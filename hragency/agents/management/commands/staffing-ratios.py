"""`hragency staffing-ratios`: the spelling in the docs; the command is in staffing_ratios.py."""

from hragency.agents.management.commands.staffing_ratios import Command

__all__ = ["Command"]
