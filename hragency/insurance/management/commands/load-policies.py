"""`hragency load-policies …`: the spelling in the docs; the command lives in load_policies.py."""

from hragency.insurance.management.commands.load_policies import Command

__all__ = ["Command"]
