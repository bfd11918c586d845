"""`hragency open-archive-month …`: the spelling in the docs; the command lives in
open_archive_month.py."""

from hragency.archives.management.commands.open_archive_month import Command

__all__ = ["Command"]
