"""Jobs of feedback, complaints and quality (Huey).

The periodic jobs run every hour and decide by local time (Asia/Shanghai) what is due, because
Huey evaluates crontabs in UTC by default: both jobs are idempotent, so running hourly also
catches up a run missed while no worker was up.
"""

from __future__ import annotations

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

SAMPLE_HOUR = 19  # the day's QA draw, after the day's work (R-DESK-9)
SUMMARY_WEEKDAY, SUMMARY_HOUR = 0, 9  # Monday 09:00: last week's suggestions (R-CMP-2)
RESULT_RETRIES, RESULT_RETRY_DELAY = 3, 300


@db_task(retries=RESULT_RETRIES, retry_delay=RESULT_RETRY_DELAY)
def email_result(ticket_id: int) -> int:
    """The result e-mail with the rating link; an SMTP failure raises and Huey retries."""
    from hragency.servicedesk.feedback import deliver_result_email

    return deliver_result_email(ticket_id)


@db_task(retries=RESULT_RETRIES, retry_delay=RESULT_RETRY_DELAY)
def sms_result(ticket_id: int) -> bool:
    from hragency.servicedesk.feedback import deliver_result_sms

    return deliver_result_sms(ticket_id)


def quality_days(now: dt.datetime) -> list[dt.date]:
    """Yesterday (tops up tickets finished after its draw) and, from 19:00, today."""
    from django.utils import timezone

    local = timezone.localtime(now)
    days = [local.date() - dt.timedelta(days=1)]
    if local.hour >= SAMPLE_HOUR:
        days.append(local.date())
    return days


def summary_due(now: dt.datetime) -> bool:
    """From Monday 09:00 on (local time); the summary itself sends each suggestion once."""
    from django.utils import timezone

    local = timezone.localtime(now)
    return local.weekday() > SUMMARY_WEEKDAY or local.hour >= SUMMARY_HOUR


@db_periodic_task(crontab(minute="5"))
@lock_task("desk-quality-sample")
def draw_quality_samples() -> int:
    from django.utils import timezone

    from hragency.servicedesk.quality import sample_day

    return sum(len(sample_day(day)) for day in quality_days(timezone.now()))


@db_periodic_task(crontab(minute="10"))
@lock_task("desk-suggestion-summary")
def weekly_suggestion_summary() -> int:
    from django.utils import timezone

    from hragency.servicedesk.complaints import send_weekly_summary

    now = timezone.now()
    if not summary_due(now):
        return 0
    return send_weekly_summary(now=now).suggestions
