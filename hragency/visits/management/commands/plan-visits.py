"""`hragency plan-visits …`: the spelling in the docs; the command lives in plan_visits.py."""

from hragency.visits.management.commands.plan_visits import Command

__all__ = ["Command"]
