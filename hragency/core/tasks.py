from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from hragency.core.deadlines import DriveResult, drive_deadlines
from hragency.core.imports import pipeline


@db_periodic_task(crontab(minute="*"))
@lock_task("drive-deadlines")
def drive_deadlines_every_minute() -> DriveResult:
    return drive_deadlines()


@db_task()
def validate_import(batch_id: int) -> str:
    return str(pipeline.validate_batch(batch_id).status)


@db_task()
def commit_import(batch_id: int) -> str:
    return str(pipeline.commit_batch(batch_id).status)
