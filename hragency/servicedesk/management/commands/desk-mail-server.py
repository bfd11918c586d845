"""`hragency desk-mail-server …`: the spelling in the docs; the command lives in
desk_mail_server.py."""

from hragency.servicedesk.management.commands.desk_mail_server import Command

__all__ = ["Command"]
