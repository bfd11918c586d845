"""`hragency forecast-staffing …`: the documented spelling of forecast_staffing.py."""

from hragency.workforce.management.commands.forecast_staffing import Command

__all__ = ["Command"]
