"""Background jobs of the reports app (Huey): the job runner, the monthly and annual service
reports and the daily operations report. Tasks take ids and call services."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task


@db_task()
def run_job(job_id: int) -> str:
    """Run one queued ``Job`` (reports.jobs.start_job)."""
    from hragency.reports.jobs import run_job as execute

    job = execute(job_id)
    return job.get_status_display() if job is not None else "任务不存在"


@db_periodic_task(crontab(minute="0", hour="2", day="5"))
@lock_task("reports-monthly")
def monthly_service_reports() -> str:
    """On the 5th at 02:00 (Beijing): last month's reports of every client in service."""
    from hragency.reports.generation import scheduled_monthly

    return scheduled_monthly()


@db_periodic_task(crontab(minute="0", hour="3", day="10", month="1"))
@lock_task("reports-annual")
def annual_service_reports() -> str:
    """On 10 January at 03:00: last year's annual reports of every client in service."""
    from hragency.reports.generation import scheduled_annual

    return scheduled_annual()


@db_periodic_task(crontab(minute="0", hour="8"))
@lock_task("reports-daily")
def mail_daily_report() -> str:
    """Every day at 08:00: yesterday's 运营日报 to the CS directors and general managers."""
    from hragency.reports.daily import mail_daily_report as send

    return send()
