"""`hragency import-file …`: the spelling in the docs; the command lives in import_file.py."""

from hragency.core.management.commands.import_file import Command

__all__ = ["Command"]
