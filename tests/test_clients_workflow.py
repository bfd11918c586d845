"""Client services, second part: the hand-over checklist, derived tags, the timeline and the
demo data — through the real services and database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from hragency.clients import services
from hragency.clients.models import Agreement, Client, Contact, HandoverItem, InfoReview, Intake
from hragency.clients.queries import clients_for
from hragency.clients.tags import tags_for
from hragency.clients.timeline import timeline_page
from hragency.core.errors import InvalidFields, ServiceError
from hragency.core.models import AuditLog, Deadline
from tests.conftest import Cast
from tests.test_clients_support import (
    Staff,
    make_staff,
    signed_agreement,
)


@pytest.fixture
def staff(cast: Cast) -> Staff:
    return make_staff(cast)


# ---- 资料交接清单 ----


def _complete_all(agreement: Agreement, actor: Any) -> None:
    for item in agreement.handover_items.all():
        services.update_handover_item(item=item, data={"received": True}, actor=actor)
        services.update_handover_item(item=item, data={"check_result": "ok"}, actor=actor)


@pytest.mark.django_db
def test_it_closes_the_handover_deadline_met_when_every_item_is_checked(
    cast: Cast, staff: Staff
) -> None:
    agreement = signed_agreement(cast.client_a, staff)
    items = list(agreement.handover_items.all())
    with pytest.raises(InvalidFields, match="须先登记收到资料"):
        services.update_handover_item(item=items[0], data={"check_result": "ok"}, actor=cast.rep_a)
    with pytest.raises(InvalidFields, match="须写明问题"):
        services.update_handover_item(
            item=items[0], data={"received": True, "check_result": "problem"}, actor=cast.rep_a
        )
    services.update_handover_item(item=items[0], data={"received": "是"}, actor=cast.rep_a)
    items[0].refresh_from_db()
    assert (items[0].received_by, items[0].received_at is not None) == (cast.rep_a, True)
    extra = services.add_handover_item(agreement=agreement, name="社保账户密码函", actor=cast.rep_a)
    services.remove_handover_item(item=extra, actor=cast.rep_a)
    with pytest.raises(ServiceError, match="已收到的资料不能"):
        services.remove_handover_item(item=items[0], actor=cast.rep_a)
    _complete_all(agreement, cast.rep_a)
    agreement.handover_deadline.refresh_from_db()
    assert agreement.handover_deadline.status == Deadline.Status.MET
    assert AuditLog.objects.filter(action="clients.handover_complete").count() == 1
    done = HandoverItem.objects.filter(agreement=agreement)
    assert all(i.checked_by == cast.rep_a and i.checked_at for i in done)


@pytest.mark.django_db
def test_it_records_a_late_handover_and_tags_it_overdue(cast: Cast, staff: Staff) -> None:
    agreement = signed_agreement(cast.client_a, staff)
    Deadline.objects.filter(pk=agreement.handover_deadline_id).update(
        due_at=timezone.now() - dt.timedelta(hours=1)
    )
    labels = [t.label for t in tags_for([cast.client_a])[cast.client_a.pk]]
    assert "资料交接逾期" in labels
    _complete_all(agreement, cast.rep_a)
    agreement.handover_deadline.refresh_from_db()
    assert agreement.handover_deadline.status == Deadline.Status.LATE
    assert "资料交接逾期" not in [t.label for t in tags_for([cast.client_a])[cast.client_a.pk]]


# ---- tags and timeline ----


@pytest.mark.django_db
def test_it_derives_tags_set_based(
    cast: Cast, staff: Staff, django_assert_max_num_queries: Any
) -> None:
    Client.objects.filter(pk=cast.client_b.pk).update(grade="vip", status="active")
    clients = list(clients_for(cast.admin))
    with django_assert_max_num_queries(1):
        tags = tags_for(clients)
    assert [t.label for t in tags[cast.client_a.pk]] == ["新客户", "待审核"]
    assert [t.label for t in tags[cast.client_b.pk]] == ["VIP", "新客户"]
    Client.objects.filter(pk=cast.client_a.pk).update(
        created_at=timezone.now() - dt.timedelta(days=120)
    )
    assert [t.label for t in tags_for(list(clients_for(cast.admin)))[cast.client_a.pk]] == [
        "待审核"
    ]


@pytest.mark.django_db
def test_it_tags_a_large_client(cast: Cast) -> None:
    from hragency.clients.tags import Tag, tag_provider

    client = Client.objects.get(pk=cast.client_a.pk)
    client.headcount = 300  # type: ignore[attr-defined]
    assert "大型企业" in [t.label for t in tags_for([client])[client.pk]]
    client.headcount = 299  # type: ignore[attr-defined]
    assert "大型企业" not in [t.label for t in tags_for([client])[client.pk]]

    from hragency.clients import tags as module

    @tag_provider
    def consulting(clients: Any, today: Any) -> Any:
        return {c.pk: [Tag("si_questions", "高频咨询社保", "info")] for c in clients}

    try:
        assert "高频咨询社保" in [t.label for t in tags_for([client])[client.pk]]
    finally:
        module._PROVIDERS.remove(consulting)


@pytest.mark.django_db
def test_it_builds_one_timeline_and_hides_internal_rows_from_client_hr(
    cast: Cast, staff: Staff
) -> None:
    services.add_contact(
        client=cast.client_a, data={"name": "王经理", "phone": "13900001111"}, actor=staff.sales
    )
    agreement = signed_agreement(cast.client_a, staff)
    Deadline.objects.filter(pk=agreement.handover_deadline_id).update(
        due_at=timezone.now() - dt.timedelta(minutes=1), breached=True
    )
    _, staff_events = timeline_page(staff.gm, cast.client_a)
    actions = [e.action for e in staff_events]
    for expected in (
        "clients.contact_add",
        "clients.review_first",
        "clients.review_decide",
        "clients.agreement_sign",
        "deadline.open",
        "deadline.breached",
        "clients.activate",
    ):
        assert expected in actions, expected
    times = [e.at for e in staff_events]
    assert times == sorted(times, reverse=True)
    first_review = next(e for e in staff_events if e.action == "clients.review_first")
    assert "国家企业信用信息公示系统：信息一致" in first_review.detail
    assert first_review.actor == str(staff.reviewer)

    _, hr_events = timeline_page(cast.hr_a, cast.client_a)
    hr_actions = {e.action for e in hr_events}
    assert "clients.agreement_sign" in hr_actions and "clients.contact_add" in hr_actions
    assert not hr_actions & {"clients.review_first", "deadline.open", "deadline.breached"}
    assert all(e.detail == "" for e in hr_events)
    page, events = timeline_page(cast.rep_b, cast.client_a)
    assert events == [] and page.paginator.count == 0


@pytest.mark.django_db
def test_it_seeds_demo_data_through_the_services() -> None:
    from django.core.management import call_command

    from hragency.accounts.models import User

    # The demo command calls clients.demo.seed_demo after creating its five clients.
    call_command("demo", people=2)
    forged = Client.objects.get(status=Client.Status.BLACKLISTED)
    assert "伪造" in forged.blacklist_reason
    clients = list(Client.objects.exclude(pk=forged.pk).order_by("number"))
    assert len(clients) == 5
    users = {u.username: u for u in User.objects.all()}
    tags = tags_for(list(clients_for(users["admin"])))
    assert "协议即将到期" in [t.label for t in tags[clients[0].pk]]
    assert Agreement.objects.filter(status="active").count() == len(clients) - 1
    assert InfoReview.objects.filter(status="approved").count() == len(clients) - 1
    half = HandoverItem.objects.filter(client=clients[1])
    assert 0 < sum(i.done for i in half) < half.count()
    assert Intake.objects.filter(status="draft", client=clients[-1]).exists()
    assert Deadline.objects.filter(kind="clients.intake", status="late").count() == 1
    assert Contact.objects.filter(client=clients[0]).count() == 2
