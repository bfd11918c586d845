"""`hragency service-reports …`: the spelling in the docs; the command is service_reports.py."""

from hragency.reports.management.commands.service_reports import Command

__all__ = ["Command"]
