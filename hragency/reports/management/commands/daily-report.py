"""`hragency daily-report …`: the spelling in the docs; the command is daily_report.py."""

from hragency.reports.management.commands.daily_report import Command

__all__ = ["Command"]
