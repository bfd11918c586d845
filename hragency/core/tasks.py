from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from hragency.core.deadlines import DriveResult, drive_deadlines


@db_periodic_task(crontab(minute="*"))
@lock_task("drive-deadlines")
def drive_deadlines_every_minute() -> DriveResult:
    return drive_deadlines()
