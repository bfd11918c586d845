"""`hragency run-payroll …`: the spelling in the docs; the command lives in run_payroll.py."""

from hragency.payroll.management.commands.run_payroll import Command

__all__ = ["Command"]
