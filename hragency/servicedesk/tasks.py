"""Huey discovers `tasks` modules; the desk's periodic jobs live in two files by owner."""

from hragency.servicedesk.channels.tasks import *  # noqa: F403
from hragency.servicedesk.tasks_care import *  # noqa: F403
from hragency.servicedesk.tasks_tickets import *  # noqa: F403
