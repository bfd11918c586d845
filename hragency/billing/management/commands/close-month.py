"""`hragency close-month …`: the spelling in the docs; the command lives in close_month.py."""

from hragency.billing.management.commands.close_month import Command

__all__ = ["Command"]
