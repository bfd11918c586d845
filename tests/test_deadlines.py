"""The deadlines engine driven through its periodic pass, with the cast's department chain:
rep A's department 客服部 is headed by the supervisor, whose parent 运营中心 is headed by a
director."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from hragency.accounts.models import Department
from hragency.accounts.roles import Role
from hragency.accounts.services import create_user
from hragency.core.deadlines import close_deadline, drive_deadlines, on_time_rate, open_deadline
from hragency.core.models import Deadline, DeadlinePolicy, Notification
from hragency.core.tasks import drive_deadlines_every_minute
from hragency.core.worktime import due_after
from tests.conftest import PASSWORD, Cast, login_client

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def director(cast: Cast):
    ops = Department.objects.create(name="运营中心")
    boss = create_user(
        username="director",
        password=PASSWORD,
        roles=[Role.CS_DIRECTOR],
        department=ops,
        email="director@example.cn",
    )
    ops.head = boss
    ops.save()
    cast.department.parent = ops
    cast.department.save()
    cast.supervisor.email = "supervisor@example.cn"
    cast.supervisor.save()
    return boss


def _titles(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


@pytest.mark.django_db
def test_it_warns_then_breaches_then_escalates_to_supervisor_and_director(
    cast: Cast, director, django_capture_on_commit_callbacks
) -> None:
    start = dt.datetime(2026, 11, 23, 9, 0, tzinfo=SH)
    due = due_after(start, hours=4)
    assert due == dt.datetime(2026, 11, 23, 13, 0, tzinfo=SH)
    deadline = open_deadline(
        kind="ticket.resolve",
        title="工单 GD202611230001 解决",
        owner=cast.rep_a,
        client_id=cast.client_a.pk,
        due_at=due,
        starts_at=start,
    )
    assert drive_deadlines(start + dt.timedelta(hours=1)).warned == 0
    result = drive_deadlines(
        dt.datetime(2026, 11, 23, 12, 5, tzinfo=SH)
    )  # within the 60 min warning
    assert result.warned == 1
    assert _titles(cast.rep_a) == ["即将到期：工单 GD202611230001 解决"]
    # Running the same pass again tells nobody twice.
    assert drive_deadlines(dt.datetime(2026, 11, 23, 12, 6, tzinfo=SH)).warned == 0

    with django_capture_on_commit_callbacks(execute=True):
        result = drive_deadlines(dt.datetime(2026, 11, 23, 13, 1, tzinfo=SH))
    assert (result.breached, result.escalated) == (1, 1)
    assert "已超时：工单 GD202611230001 解决" in _titles(cast.rep_a)
    assert _titles(cast.supervisor) == ["超时升级：工单 GD202611230001 解决"]
    assert _titles(director) == []
    assert [m.to for m in mail.outbox] == [["supervisor@example.cn"]]

    assert drive_deadlines(dt.datetime(2026, 11, 23, 16, 59, tzinfo=SH)).escalated == 0
    assert drive_deadlines(dt.datetime(2026, 11, 23, 17, 0, tzinfo=SH)).escalated == 1
    assert _titles(director) == ["超时升级：工单 GD202611230001 解决"]
    assert drive_deadlines(dt.datetime(2026, 11, 24, 9, 0, tzinfo=SH)).escalated == 0  # chain done
    deadline.refresh_from_db()
    assert (
        deadline.breached and deadline.escalation_level == 2 and deadline.next_escalation_at is None
    )


@pytest.mark.django_db
def test_it_records_met_and_late(cast: Cast) -> None:
    start = dt.datetime(2026, 11, 23, 9, 0, tzinfo=SH)
    on_time = open_deadline(
        kind="x", title="按时", owner=cast.rep_a, due_at=start + dt.timedelta(hours=2)
    )
    late = open_deadline(
        kind="x", title="超时", owner=cast.rep_a, due_at=start + dt.timedelta(hours=2)
    )
    still_open = open_deadline(
        kind="x", title="未完", owner=cast.rep_a, due_at=start + dt.timedelta(hours=2)
    )
    close_deadline(deadline=on_time, at=start + dt.timedelta(hours=1))
    close_deadline(deadline=late, at=start + dt.timedelta(hours=3))
    drive_deadlines(start + dt.timedelta(hours=5))
    on_time.refresh_from_db()
    late.refresh_from_db()
    still_open.refresh_from_db()
    assert on_time.status == Deadline.Status.MET and not on_time.breached
    assert late.status == Deadline.Status.LATE and late.breached
    assert still_open.status == Deadline.Status.OPEN and still_open.breached
    # Closed deadlines are no longer escalated.
    assert late.next_escalation_at is None
    assert on_time_rate(Deadline.objects.filter(kind="x")) == (1, 3)


@pytest.mark.django_db
def test_it_uses_the_configured_policy_for_a_kind(cast: Cast) -> None:
    DeadlinePolicy.objects.create(
        kind="si.exception",
        name="社保异常响应",
        warn_before_minutes=15,
        escalation=[{"after_minutes": 30, "to": f"user:{cast.rep_b.pk}"}],
    )
    due = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SH)
    deadline = open_deadline(kind="si.exception", title="缴费失败", owner=cast.rep_a, due_at=due)
    assert deadline.warn_at == due - dt.timedelta(minutes=15)
    assert drive_deadlines(due + dt.timedelta(minutes=29)).escalated == 0
    assert drive_deadlines(due + dt.timedelta(minutes=30)).escalated == 1
    assert _titles(cast.rep_b) == ["超时升级：缴费失败"]


@pytest.mark.django_db
def test_it_shows_the_owner_their_deadlines_and_inbox(cast: Cast) -> None:
    due = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SH)
    open_deadline(
        kind="x", title="资料交接清单", owner=cast.rep_a, client_id=cast.client_a.pk, due_at=due
    )
    drive_deadlines(due + dt.timedelta(minutes=1))
    page = login_client(cast.rep_a).get("/todo/").content.decode()
    assert "资料交接清单" in page and "已超时" in page
    assert "已超时：资料交接清单" in page
    supervisor_page = login_client(cast.supervisor).get("/todo/").content.decode()
    assert "升级给我的超时事项" in supervisor_page
    assert "资料交接清单" not in login_client(cast.rep_b).get("/todo/").content.decode()


@pytest.mark.django_db
def test_it_marks_the_inbox_read(cast: Cast) -> None:
    open_deadline(
        kind="x", title="事项", owner=cast.rep_a, due_at=dt.datetime(2026, 1, 5, 10, tzinfo=SH)
    )
    drive_deadlines(dt.datetime(2026, 1, 5, 11, tzinfo=SH))
    http = login_client(cast.rep_a)
    assert Notification.objects.filter(recipient=cast.rep_a, read_at__isnull=True).exists()
    response = http.post("/todo/read/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'id="inbox"' in response.content.decode()
    assert not Notification.objects.filter(recipient=cast.rep_a, read_at__isnull=True).exists()


@pytest.mark.django_db
def test_it_runs_as_the_periodic_huey_task(cast: Cast) -> None:
    open_deadline(
        kind="x", title="过期事项", owner=cast.rep_a, due_at=dt.datetime(2026, 1, 5, 10, tzinfo=SH)
    )
    result = drive_deadlines_every_minute.call_local()
    assert result.breached == 1


@pytest.mark.django_db
def test_it_emails_the_escalation_over_smtp(
    cast: Cast, director, smtp_server, django_capture_on_commit_callbacks
) -> None:
    due = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SH)
    open_deadline(kind="x", title="社保缴费失败处理", owner=cast.rep_a, due_at=due)
    with django_capture_on_commit_callbacks(execute=True):
        drive_deadlines(due + dt.timedelta(minutes=1))
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "supervisor@example.cn"
    assert str(message["Subject"]) == "超时升级：社保缴费失败处理"
    assert "责任人 陈晓" in message.get_content()


@pytest.mark.django_db
def test_it_drives_many_deadlines_in_a_fixed_number_of_queries(
    cast: Cast, director, django_assert_max_num_queries
) -> None:
    due = dt.datetime(2026, 11, 5, 18, 0, tzinfo=SH)
    for index in range(40):
        owner = cast.rep_a if index % 2 else cast.rep_b
        open_deadline(kind="si.cutoff", title=f"增减员截止 {index}", owner=owner, due_at=due)
    with django_assert_max_num_queries(12):
        result = drive_deadlines(due - dt.timedelta(minutes=30))
    assert result.warned == 40
    with django_assert_max_num_queries(16):
        result = drive_deadlines(due + dt.timedelta(minutes=1))
    assert (result.breached, result.escalated) == (40, 40)
    assert Notification.objects.filter(recipient=cast.supervisor).count() == 40
    assert (
        Notification.objects.filter(recipient=cast.rep_a).count() == 40
    )  # 20 warned + 20 breached
