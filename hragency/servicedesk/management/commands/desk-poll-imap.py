"""`hragency desk-poll-imap …`: the spelling in the docs; the command lives in
desk_poll_imap.py."""

from hragency.servicedesk.management.commands.desk_poll_imap import Command

__all__ = ["Command"]
