"""Archives (R-SVC-4): retention and the 15th deadline (hand-checked dates), opening the
month's filings set-based, filing refused while add/remove orders are missing, borrowing and
its overdue deadline, appraisal/approval/destruction rules, scoping, API and CLI."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from hragency.accounts.roles import Role
from hragency.accounts.services import assign_client, create_user
from hragency.archives import borrowing as lending
from hragency.archives import destruction, retention, services
from hragency.archives.models import ArchiveItem, Borrowing, DestructionRecord, MonthlyFiling
from hragency.archives.queries import filings_for, items_for
from hragency.clients.models import Client
from hragency.core.errors import InvalidFields, ServiceError
from hragency.core.models import AuditLog, Deadline
from hragency.insurance.models import Order
from tests.conftest import PASSWORD

TZ = timezone.get_current_timezone()
NOV = dt.date(2026, 11, 1)


# ---- retention, pure -----------------------------------------------------------------------


def test_it_derives_retention_and_the_filing_due_date():
    # 10 years from 1 January after the material's year: a 2015 letter until 2025-12-31.
    assert retention.destroy_after("correspondence", dt.date(2015, 3, 1)) == dt.date(2025, 12, 31)
    assert retention.destroy_after("client_materials", dt.date(2016, 12, 1)) == dt.date(
        2026, 12, 31
    )
    assert retention.destroy_after("si_changes", NOV) == dt.date(2056, 12, 31)
    assert retention.destroy_after("agreement", NOV) == dt.date(2056, 12, 31)
    assert retention.past_retention("correspondence", dt.date(2015, 3, 1), dt.date(2026, 1, 1))
    assert not retention.past_retention(
        "correspondence", dt.date(2015, 3, 1), dt.date(2025, 12, 31)
    )
    assert retention.filing_due(NOV) == dt.date(2026, 12, 15)
    assert retention.filing_due(dt.date(2026, 12, 1)) == dt.date(2027, 1, 15)
    assert retention.parse_month("2026-11") == NOV
    with pytest.raises(ValueError, match="月份"):
        retention.parse_month("2026/13")


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 1)))
def test_it_always_files_by_the_15th_of_the_next_month(day):
    month = day.replace(day=1)
    due = retention.filing_due(month)
    assert due.day == 15
    assert due > month
    assert (due.year * 12 + due.month) - (month.year * 12 + month.month) == 1
    for kind, years in retention.RETENTION_YEARS.items():
        assert retention.destroy_after(kind, month).year == month.year + years


# ---- fixtures ------------------------------------------------------------------------------


def _active(*clients):
    Client.objects.filter(pk__in=[c.pk for c in clients]).update(status=Client.Status.ACTIVE)
    for c in clients:
        c.refresh_from_db()


def _order(cast, number, kind="add", status=Order.Status.DONE, person=None, month=NOV):
    person = person or cast.person_a
    return Order.objects.create(
        number=number,
        client=person.client,
        person=person,
        kind=kind,
        city="上海",
        month=month,
        channel=Order.Channel.STAFF,
        status=status,
    )


@pytest.fixture
def archive_team(cast):
    si = create_user(
        username="si_a", password=PASSWORD, display_name="孙社保", roles=[Role.SI_SPECIALIST]
    )
    assign_client(client_id=cast.client_a.pk, user=si)
    gm = create_user(
        username="gm", password=PASSWORD, display_name="郑总", roles=[Role.GENERAL_MANAGER]
    )
    return si, gm


# ---- monthly filing ------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_opens_the_months_filings_with_the_15th_deadline(cast):
    _active(cast.client_a, cast.client_b)
    with CaptureQueriesContext(connection) as queries:
        result = services.open_month(month=NOV)
    assert (result.created, result.existing, result.no_owner) == (2, 0, 0)
    assert len(queries) <= 20
    filing = MonthlyFiling.objects.get(client=cast.client_a, month=NOV)
    assert filing.due_on == dt.date(2026, 12, 15)
    assert filing.owner == cast.rep_a
    deadline = services.filing_deadline(filing)
    assert deadline.kind == "archives.filing"
    assert deadline.owner == cast.rep_a
    assert timezone.localtime(deadline.due_at) == dt.datetime(2026, 12, 15, 23, 59, tzinfo=TZ)
    assert MonthlyFiling.objects.get(client=cast.client_b, month=NOV).owner == cast.rep_b
    # Idempotent.
    again = services.open_month(month=NOV)
    assert (again.created, again.existing) == (0, 2)
    assert AuditLog.objects.filter(action="archives.filing_open").count() == 2


@pytest.mark.django_db
def test_it_opens_the_month_from_the_command_line(cast):
    _active(cast.client_a)
    out = io.StringIO()
    call_command("open_archive_month", "--month", "2026-11", stdout=out)
    assert "新开归档 1 户" in out.getvalue()
    assert MonthlyFiling.objects.filter(client=cast.client_a, month=NOV).exists()


@pytest.mark.django_db
def test_it_refuses_filing_while_orders_are_missing_then_files(cast):
    _active(cast.client_a)
    services.open_month(month=NOV)
    filing = MonthlyFiling.objects.get(client=cast.client_a, month=NOV)
    _order(cast, "ZY202611020001")
    _order(cast, "ZY202611030002", kind="remove", person=cast.person_a2)
    _order(cast, "ZY202611030003", status=Order.Status.REJECTED)  # not a material to file
    _order(cast, "ZY202610030009", month=dt.date(2026, 10, 1))  # another month
    with pytest.raises(ServiceError) as caught:
        services.close_filing(actor=cast.rep_a, filing=filing)
    message = str(caught.value)
    assert "ZY202611020001" in message and "ZY202611030002" in message
    assert "ZY202611030003" not in message and "ZY202610030009" not in message
    assert "共 2 件" in message
    items = services.file_month_materials(
        actor=cast.rep_a, client=cast.client_a, month=NOV, box="2026-11-01"
    )
    assert sorted(i.source_ref for i in items) == ["ZY202611020001", "ZY202611030002"]
    item = ArchiveItem.objects.get(source_ref="ZY202611030002")
    assert item.kind == "si_changes"
    assert item.title == f"减员资料 ZY202611030002 {cast.person_a2.name}"
    assert item.retention_years == 30
    assert item.destroy_after == dt.date(2056, 12, 31)
    assert item.archive.title.endswith("综合档案")  # client A has no agreement
    # Filing again adds nothing.
    assert services.file_month_materials(actor=cast.rep_a, client=cast.client_a, month=NOV) == []
    filing = services.close_filing(actor=cast.rep_a, filing=filing)
    assert filing.status == MonthlyFiling.Status.FILED
    assert filing.item_count == 2
    assert services.filing_deadline(filing).status in (
        Deadline.Status.MET,
        Deadline.Status.LATE,
    )
    with pytest.raises(ServiceError, match="已归档"):
        services.close_filing(actor=cast.rep_a, filing=filing)


@pytest.mark.django_db
def test_it_refuses_filing_by_outsiders(cast):
    _active(cast.client_a)
    services.open_month(month=NOV)
    filing = MonthlyFiling.objects.get(client=cast.client_a, month=NOV)
    with pytest.raises(PermissionDenied):
        services.close_filing(actor=cast.rep_b, filing=filing)
    with pytest.raises(PermissionDenied):
        services.file_month_materials(actor=cast.hr_a, client=cast.client_a, month=NOV)


# ---- borrowing -----------------------------------------------------------------------------


def _letter(cast, month="2026-10", title="关于社保基数调整的函", client=None):
    return services.file_item(
        actor=cast.admin,
        client=client or cast.client_a,
        kind="correspondence",
        title=title,
        month=month,
        box="B-01",
    )


@pytest.mark.django_db
def test_it_lends_items_and_flags_them_overdue(cast, archive_team, as_user):
    si, _gm = archive_team
    letter = _letter(cast)
    b = lending.request_borrowing(
        actor=cast.rep_a, client=cast.client_a, item_ids=[letter.pk], purpose="核对减员日期"
    )
    assert b.borrower == cast.rep_a and b.status == Borrowing.Status.REQUESTED
    with pytest.raises(ServiceError, match="已有借阅申请"):
        lending.request_borrowing(
            actor=si, client=cast.client_a, item_ids=[letter.pk], purpose="再借"
        )
    with pytest.raises(ServiceError, match="不能审批自己"):
        lending.approve_borrowing(actor=cast.rep_a, borrowing=b)
    # Lent on 2026-11-20 for 7 days: due back 2026-11-27 at 18:00, now overdue.
    b = lending.approve_borrowing(actor=si, borrowing=b, today=dt.date(2026, 11, 20))
    assert b.due_back == dt.date(2026, 11, 27)
    deadline = Deadline.objects.get(pk=b.deadline_id)
    assert deadline.owner == cast.rep_a
    assert timezone.localtime(deadline.due_at) == dt.datetime(2026, 11, 27, 18, 0, tzinfo=TZ)
    letter.refresh_from_db()
    assert letter.status == ArchiveItem.Status.LENT
    assert lending.is_overdue(b, today=dt.date(2026, 11, 28))
    assert not lending.is_overdue(b, today=dt.date(2026, 11, 27))
    page = as_user(cast.rep_a).get("/archives/borrowings/?view=overdue").content.decode()
    assert b.number in page and 'data-overdue="1"' in page
    api = as_user(cast.rep_a).get("/api/archives/borrowings?overdue=true").json()
    assert [x["number"] for x in api["items"]] == [b.number]
    assert api["items"][0]["overdue"] is True
    b = lending.return_borrowing(actor=si, borrowing=b)
    letter.refresh_from_db()
    assert letter.status == ArchiveItem.Status.IN_STORE
    assert Deadline.objects.get(pk=b.deadline_id).status == Deadline.Status.LATE


@pytest.mark.django_db
def test_it_lets_only_those_serving_the_client_borrow(cast):
    letter = _letter(cast)
    with pytest.raises(PermissionDenied):
        lending.request_borrowing(
            actor=cast.rep_b, client=cast.client_a, item_ids=[letter.pk], purpose="看看"
        )
    with pytest.raises(PermissionDenied):
        lending.request_borrowing(
            actor=cast.hr_a, client=cast.client_a, item_ids=[letter.pk], purpose="看看"
        )
    # A rep may not register a client's borrowing (the keeper does), and a client borrower
    # must be named.
    with pytest.raises(InvalidFields) as caught:
        lending.request_borrowing(
            actor=cast.rep_a,
            client=cast.client_a,
            item_ids=[letter.pk],
            purpose="客户调阅",
            borrower_kind="client",
            days=45,
        )
    assert set(caught.value.by_field()) == {"borrower_name", "days"}


# ---- appraisal and destruction -------------------------------------------------------------


@pytest.mark.django_db
def test_it_destroys_only_approved_items_past_retention(cast, archive_team, as_user):
    si, gm = archive_team
    old = _letter(cast, month="2015-03", title="2015年往来函件")
    old_lent = _letter(cast, month="2014-06", title="2014年往来函件")
    young = _letter(cast, month="2020-01", title="2020年往来函件")  # until 2030-12-31
    b = lending.request_borrowing(
        actor=cast.rep_a, client=cast.client_a, item_ids=[old_lent.pk], purpose="查阅"
    )
    lending.approve_borrowing(actor=si, borrowing=b)
    with pytest.raises(ServiceError, match="未过保管期限：2020年往来函件"):
        destruction.propose_destruction(actor=cast.rep_a, client=cast.client_a, item_ids=[young.pk])
    with pytest.raises(ServiceError, match="借出未还：2014年往来函件"):
        destruction.propose_destruction(
            actor=cast.rep_a, client=cast.client_a, item_ids=[old_lent.pk]
        )
    record = destruction.propose_destruction(actor=cast.rep_a, client=cast.client_a)
    assert [i.title for i in record.items.all()] == ["2015年往来函件"]
    # Appraisal needs two people.
    with pytest.raises(InvalidFields) as caught:
        destruction.appraise(
            actor=cast.rep_a, record=record, appraisers=[cast.rep_a], opinion="可销毁"
        )
    assert "至少两人" in caught.value.by_field()["appraisers"]
    with pytest.raises(ServiceError, match="须先完成鉴定"):
        destruction.approve_destruction(actor=gm, record=record)
    destruction.appraise(
        actor=cast.rep_a,
        record=record,
        appraisers=[cast.rep_a, si],
        opinion="已过保管期限，无保存价值",
    )
    # Approval: not a rep (wrong role), not an appraiser, not the proposer.
    with pytest.raises(PermissionDenied):
        destruction.approve_destruction(actor=cast.rep_a, record=record)
    record = destruction.approve_destruction(actor=gm, record=record)
    assert record.approved_by == gm
    with pytest.raises(InvalidFields) as caught:
        destruction.execute_destruction(
            actor=cast.rep_a,
            record=record,
            destroyed_on="2026-12-01",
            method="shred",
            witnesses="孙社保",
        )
    assert "两名" in caught.value.by_field()["witnesses"]
    record = destruction.execute_destruction(
        actor=cast.rep_a,
        record=record,
        destroyed_on="2026-12-01",
        method="shred",
        witnesses="孙社保、郑总",
    )
    assert record.status == "executed" and record.witnesses == "孙社保、郑总"
    old.refresh_from_db()
    assert old.status == ArchiveItem.Status.DESTROYED
    assert (old.box, old.location, old.description) == ("", "", "")
    assert old.title == "2015年往来函件"  # kept as the register
    # A destroyed item cannot be lent or destroyed again.
    with pytest.raises(ServiceError):
        lending.request_borrowing(
            actor=cast.rep_a, client=cast.client_a, item_ids=[old.pk], purpose="x"
        )
    page = as_user(gm).get(f"/archives/destructions/{record.pk}/").content.decode()
    assert "已销毁" in page and "孙社保、郑总" in page


@pytest.mark.django_db
def test_it_refuses_approval_by_the_proposer(cast, archive_team):
    _si, gm = archive_team
    _letter(cast, month="2015-03", title="2015年往来函件")
    record = destruction.propose_destruction(actor=cast.admin, client=cast.client_a)
    destruction.appraise(
        actor=cast.admin, record=record, appraisers=[cast.rep_a, gm], opinion="可销毁"
    )
    with pytest.raises(ServiceError, match="提出销毁的人不能批准"):
        destruction.approve_destruction(actor=cast.admin, record=record)
    with pytest.raises(ServiceError, match="参加鉴定的人不能批准"):
        destruction.approve_destruction(actor=gm, record=record)


# ---- scoping, screens, API -----------------------------------------------------------------


@pytest.mark.django_db
def test_it_shows_each_user_only_their_clients_archives(cast, as_user):
    _active(cast.client_a, cast.client_b)
    services.open_month(month=NOV)
    _letter(cast)
    _letter(cast, client=cast.client_b, title="乙方往来函")
    filing_a = MonthlyFiling.objects.get(client=cast.client_a, month=NOV)
    assert [f.client for f in filings_for(cast.rep_a)] == [cast.client_a]
    assert not filings_for(cast.hr_a).exists()
    assert [i.title for i in items_for(cast.rep_b)] == ["乙方往来函"]
    assert as_user(cast.rep_b).get(f"/archives/filings/{filing_a.pk}/").status_code == 404
    assert as_user(cast.hr_a).get("/archives/").status_code == 403
    assert as_user(cast.hr_b).get("/api/archives/items").status_code == 403
    board = as_user(cast.rep_a).get("/archives/?month=2026-11").content.decode()
    assert cast.client_a.name in board and cast.client_b.name not in board


@pytest.mark.django_db
def test_it_files_through_the_api(cast, as_user):
    _active(cast.client_a)
    services.open_month(month=NOV)
    filing = MonthlyFiling.objects.get(client=cast.client_a, month=NOV)
    _order(cast, "ZY202611020001")
    http = as_user(cast.rep_a)
    missing = http.get(f"/api/archives/filings/{filing.pk}/missing").json()
    assert [m["source_ref"] for m in missing] == ["ZY202611020001"]
    refused = http.post(f"/api/archives/filings/{filing.pk}/close")
    assert refused.status_code == 400 and "ZY202611020001" in refused.json()["detail"]
    filed = http.post(
        f"/api/archives/filings/{filing.pk}/materials",
        data=json.dumps({"box": "A-1"}),
        content_type="application/json",
    )
    assert [i["source_ref"] for i in filed.json()] == ["ZY202611020001"]
    closed = http.post(f"/api/archives/filings/{filing.pk}/close").json()
    assert closed["status_label"] == "已归档"


@pytest.mark.django_db
def test_it_seeds_the_demo(cast):
    import random

    from hragency.archives.demo import seed_demo

    _active(cast.client_a, cast.client_b)
    today = timezone.localdate()
    seed_demo(
        clients=[cast.client_a, cast.client_b],
        users={"admin": cast.admin},
        rng=random.Random(1),
        today=today,
    )
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    assert MonthlyFiling.objects.get(client=cast.client_a, month=month).status == "filed"
    assert MonthlyFiling.objects.get(client=cast.client_b, month=month).status == "open"
    overdue = Borrowing.objects.get()
    assert lending.is_overdue(overdue)
    record = DestructionRecord.objects.get()
    assert record.items.count() == 3


@pytest.mark.django_db
def test_it_shows_the_board_in_a_bounded_number_of_queries(cast, as_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _active(cast.client_a)
    services.open_month(month=NOV)
    _order(cast, "ZY202611020001")
    http = as_user(cast.admin)
    with CaptureQueriesContext(connection) as one:
        assert http.get("/archives/?month=2026-11").status_code == 200
    extra = [
        Client.objects.create(number=f"KH9{i:04d}", name=f"测试客户{i}", status="active")
        for i in range(6)
    ]
    services.open_month(month=NOV)
    with CaptureQueriesContext(connection) as seven:
        page = http.get("/archives/?month=2026-11").content.decode()
    assert all(c.name in page for c in extra)
    assert len(seven) == len(one)
