from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from hragency.clients.services import expire_agreements


@db_periodic_task(crontab(minute="5", hour="0"))
@lock_task("expire-agreements")
def expire_agreements_daily() -> int:
    """Just after midnight: agreements whose end date has passed become expired."""
    return expire_agreements()
