"""`hragency build-shift-plan …`: the documented spelling of build_shift_plan.py."""

from hragency.workforce.management.commands.build_shift_plan import Command

__all__ = ["Command"]
