"""`hragency annuity-contributions …`: the spelling in the docs; the command lives in
annuity_contributions.py."""

from hragency.annuity.management.commands.annuity_contributions import Command

__all__ = ["Command"]
