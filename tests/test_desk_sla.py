"""Service levels (R-DESK-4/5): policy matching, due times hand-checked on the office calendar
(09:00–18:00, Chinese holidays) and round the clock, pause/resume, warnings and escalation."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from hragency.core.deadlines import drive_deadlines
from hragency.core.models import Deadline, Notification
from hragency.servicedesk import services, sla
from hragency.servicedesk.intake import open_ticket, record_client_message
from hragency.servicedesk.models import SlaPolicy, Ticket
from tests.conftest import Cast

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=TZ)


def _open(cast: Cast, now: dt.datetime, **kw: Any) -> Ticket:
    values = {
        "channel": "phone",
        "subject": "问题",
        "description": "描述",
        "module": "payroll_si",
        "nature": "operation",
        "urgency": "normal",
    }
    values.update(kw)
    return open_ticket(actor=cast.rep_a, client=cast.client_a, now=now, **values)


def test_it_seeds_the_policies() -> None:
    names = set(SlaPolicy.objects.values_list("name", flat=True))
    assert {"默认（整体响应≤2小时）", "邮件首次答复", "信息咨询", "在线客服", "劳动争议"} <= names
    chat = SlaPolicy.objects.get(name="在线客服")
    assert chat.response_minutes == 1  # 30 s cannot be expressed in minutes


def test_it_picks_the_most_specific_policy() -> None:
    def pick(**kw: str) -> str:
        values = {
            "nature": "operation",
            "urgency": "normal",
            "module": "payroll_si",
            "channel": "phone",
        }
        values.update(kw)
        policy = sla.match_policy(**values)
        assert policy is not None
        return policy.name

    assert pick() == "默认（整体响应≤2小时）"
    assert pick(nature="inquiry") == "信息咨询"
    # inquiry by e-mail: both match one criterion; the shorter response wins.
    assert pick(nature="inquiry", channel="email") == "邮件首次答复"
    assert pick(nature="complaint") == "投诉（一般）"
    assert pick(nature="complaint", urgency="critical") == "投诉（特急/重大）"
    SlaPolicy.objects.create(
        name="邮件咨询（薪酬社保）",
        nature="inquiry",
        channel="email",
        module="payroll_si",
        response_minutes=240,
        resolution_minutes=1440,
    )
    assert pick(nature="inquiry", channel="email") == "邮件咨询（薪酬社保）"
    SlaPolicy.objects.filter(name="邮件咨询（薪酬社保）").update(active=False)
    assert pick(nature="inquiry", channel="email") == "邮件首次答复"


def test_it_counts_an_email_over_the_weekend(cast: Cast) -> None:
    # Friday 2026-11-20 17:00 + 2 working hours (09:00–18:00) → Monday 2026-11-23 10:00.
    ticket = _open(cast, at(20, 17), channel="email")
    assert ticket.sla_policy.name == "邮件首次答复"
    assert ticket.response_due_at == at(23, 10)
    # 24 working hours = 2 days 6 hours of 9-hour days: Fri 1 h, Mon 9, Tue 9, Wed 5 → Wed 14:00.
    assert ticket.resolution_due_at == at(25, 14)
    deadline = Deadline.objects.get(kind="servicedesk.response")
    assert deadline.owner == cast.rep_a and deadline.due_at == at(23, 10)
    assert deadline.warn_at == at(23, 9, 30)  # the policy's 30 minutes


def test_it_skips_the_national_holiday(cast: Cast) -> None:
    # 2026-09-30 (Wed) 17:00 + 12 working hours: 1 h on the 30th, National Day 1–7 Oct off,
    # 10 Oct (Sat) is a make-up working day in 2026 → check against the calendar itself.
    from hragency.core.worktime import office_calendar

    ticket = _open(cast, at(30, 17, month=9), nature="inquiry")
    expected = office_calendar().add_working_hours(at(30, 17, month=9), 12)
    assert ticket.response_due_at == expected
    assert ticket.response_due_at.astimezone(TZ).date() >= dt.date(2026, 10, 8)


def test_it_counts_emergencies_round_the_clock(cast: Cast) -> None:
    ticket = _open(cast, at(21, 23), module="labour_dispute", nature="emergency", urgency="urgent")
    assert ticket.sla_policy.calendar == "hotline"
    assert ticket.response_due_at == at(22, 0)  # Saturday 23:00 + 1 h
    assert ticket.resolution_due_at == at(22, 23)


def test_it_pauses_and_moves_the_resolution_due_time(cast: Cast) -> None:
    ticket = _open(cast, at(23, 9))  # default policy: resolution 24 working hours
    assert ticket.resolution_due_at == at(25, 15)  # Mon 9 h + Tue 9 h + Wed 6 h
    services.accept_ticket(actor=cast.rep_a, ticket=ticket, now=at(23, 9, 10))
    services.wait_for_client(actor=cast.rep_a, ticket=ticket, now=at(23, 10))
    assert Deadline.objects.get(kind="servicedesk.resolution").status == "cancelled"
    # The client answers Tuesday 11:00: paused Mon 10–18 (8 h) + Tue 9–11 (2 h) = 10 h.
    record_client_message(
        ticket=ticket, body="材料已补充", channel="portal", actor=cast.hr_a, now=at(24, 11)
    )
    ticket.refresh_from_db()
    assert ticket.status == "in_progress" and ticket.paused_at is None
    # Wed 15:00 + 10 working hours → Wed 3 h + Thu 7 h → Thu 16:00.
    assert ticket.resolution_due_at == at(26, 16)
    opened = Deadline.objects.get(kind="servicedesk.resolution", status="open")
    assert opened.due_at == at(26, 16)
    # Resolved Tue 12:00: 3 working hours since 09:00, of which 1 h before the wait and 1 h
    # after it → handling time 120 minutes.
    ticket = services.resolve_ticket(
        actor=cast.rep_a, ticket=ticket, solution="已办理", now=at(24, 12)
    )
    assert ticket.handling_minutes == 120


def test_it_resumes_by_the_handler(cast: Cast) -> None:
    ticket = _open(cast, at(23, 9))
    services.accept_ticket(actor=cast.rep_a, ticket=ticket, now=at(23, 9))
    services.wait_for_client(actor=cast.rep_a, ticket=ticket, now=at(23, 16))
    with pytest.raises(Exception, match="不能设置等待"):
        services.wait_for_client(actor=cast.rep_a, ticket=ticket, now=at(23, 16))
    ticket = services.resume_ticket(actor=cast.rep_a, ticket=ticket, now=at(23, 17))
    assert ticket.resolution_due_at == at(25, 16)


def test_it_warns_and_escalates_to_the_supervisor(cast: Cast) -> None:
    ticket = _open(cast, at(23, 9))  # response due 11:00, warned 10:30
    drive_deadlines(now=at(23, 10, 31))
    assert Notification.objects.filter(recipient=cast.rep_a, title__startswith="即将到期").exists()
    drive_deadlines(now=at(23, 11, 1))
    assert Notification.objects.filter(recipient=cast.rep_a, title__startswith="已超时").exists()
    assert Notification.objects.filter(
        recipient=cast.supervisor, title__startswith="超时升级", title__contains=ticket.number
    ).exists()
    assert Deadline.objects.get(kind="servicedesk.response").breached


def test_it_closes_the_response_clock_late(cast: Cast) -> None:
    ticket = _open(cast, at(23, 9))
    services.reply_to_client(actor=cast.rep_a, ticket=ticket, body="已收到", now=at(23, 12))
    assert Deadline.objects.get(kind="servicedesk.response").status == "late"


def test_it_moves_the_clocks_to_the_new_handler(cast: Cast) -> None:
    ticket = _open(cast, at(23, 9))
    services.reassign_ticket(actor=cast.supervisor, ticket=ticket, to_user=cast.rep_b)
    owners = set(Deadline.objects.filter(status="open").values_list("owner", flat=True))
    assert owners == {cast.rep_b.pk}


def test_it_shows_remaining_time() -> None:
    now = at(23, 9)
    assert sla.remaining(at(23, 11, 5), now) == "剩余 2小时5分"
    assert sla.remaining(at(23, 8, 45), now) == "已超时 15分"


def test_it_lists_tickets_falling_due_and_overdue(cast: Cast) -> None:
    from hragency.servicedesk.queries import is_overdue, queue

    ticket = _open(cast, at(23, 9))  # response due 11:00
    assert list(queue(cast.rep_a, "soon", now=at(23, 10, 30))) == [ticket]
    assert list(queue(cast.rep_a, "overdue", now=at(23, 10, 30))) == []
    assert list(queue(cast.rep_a, "overdue", now=at(23, 11, 1))) == [ticket]
    assert is_overdue(ticket, at(23, 11, 1))
    services.reply_to_client(actor=cast.rep_a, ticket=ticket, body="收到", now=at(23, 11, 30))
    ticket.refresh_from_db()
    assert not is_overdue(ticket, at(23, 12))  # resolution due Wed 15:00
    assert list(queue(cast.rep_a, "overdue", now=at(23, 12))) == []
    services.wait_for_client(actor=cast.rep_a, ticket=ticket, now=at(23, 12))
    ticket.refresh_from_db()
    assert not is_overdue(ticket, at(30, 12))  # paused: no resolution clock while waiting
