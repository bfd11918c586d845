"""The ticket workflow (R-DESK-3/6): every transition, its refusals, first-contact ownership,
routing and classification."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from hragency.accounts.models import Department
from hragency.accounts.roles import Role
from hragency.accounts.services import assign_client, create_user
from hragency.core.errors import InvalidFields, ServiceError
from hragency.core.models import AuditLog, Deadline, Notification
from hragency.servicedesk import classify, routing, services
from hragency.servicedesk.intake import open_ticket, record_client_message
from hragency.servicedesk.models import RoutingRule, Ticket, TicketEvent
from tests.conftest import Cast

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
MON_10 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=TZ)


def _ticket(cast: Cast, *, actor: Any = None, now: dt.datetime = MON_10, **kw: Any) -> Ticket:
    values = {
        "channel": "phone",
        "subject": "咨询本月社保增员截止日期",
        "description": "请问本月社保增员最晚哪天提交？",
        "module": "payroll_si",
        "nature": "inquiry",
        "urgency": "normal",
    }
    values.update(kw)
    return open_ticket(actor=actor or cast.rep_a, client=cast.client_a, now=now, **values)


def _specialist(cast: Cast, name: str = "si_a", dept: Department | None = None) -> Any:
    dept = dept or Department.objects.create(name="社保服务组")
    user = create_user(username=name, password="x", roles=[Role.SI_SPECIALIST], department=dept)
    assign_client(client_id=cast.client_a.pk, user=user)
    return user


def _kinds(ticket: Ticket) -> list[str]:
    return list(ticket.events.values_list("kind", flat=True))


def test_it_accepts_and_records_the_first_response(cast: Cast) -> None:
    ticket = _ticket(cast)
    assert ticket.first_owner == cast.rep_a and ticket.handler == cast.rep_a
    assert Deadline.objects.filter(kind="servicedesk.response", status="open").count() == 1
    at = MON_10 + dt.timedelta(minutes=20)
    ticket = services.accept_ticket(actor=cast.rep_a, ticket=ticket, now=at)
    assert ticket.status == "in_progress" and ticket.first_response_at == at
    assert Deadline.objects.get(kind="servicedesk.response").status == "met"
    with pytest.raises(ServiceError, match="处理中，不能受理"):
        services.accept_ticket(actor=cast.rep_a, ticket=ticket)
    assert AuditLog.objects.filter(action="servicedesk.accept").count() == 1


def test_it_refuses_a_rep_who_cannot_see_the_ticket(cast: Cast) -> None:
    ticket = _ticket(cast)
    with pytest.raises(PermissionDenied):
        services.accept_ticket(actor=cast.rep_b, ticket=ticket)
    with pytest.raises(PermissionDenied):
        services.add_note(actor=cast.hr_a, ticket=ticket, body="x")


def test_it_replies_to_the_client_once_committed(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    ticket = _ticket(cast)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        event = services.reply_to_client(
            actor=cast.rep_a, ticket=ticket, body="本月5日18:00前提交。", now=MON_10
        )
    assert event.visible_to_client and event.kind == "reply"
    assert len(callbacks) == 1
    ticket.refresh_from_db()
    assert ticket.status == "in_progress" and ticket.first_response_at == MON_10
    with pytest.raises(InvalidFields):
        services.reply_to_client(actor=cast.rep_a, ticket=ticket, body="  ")


def test_it_keeps_notes_internal(cast: Cast) -> None:
    from hragency.servicedesk.queries import events_for

    ticket = _ticket(cast)
    services.add_note(actor=cast.rep_a, ticket=ticket, body="内部：客户上月欠费")
    assert not events_for(cast.hr_a, ticket).filter(kind="note").exists()
    assert events_for(cast.rep_a, ticket).filter(kind="note").exists()


def test_it_transfers_by_routing_and_keeps_the_first_owner(cast: Cast) -> None:
    dept = Department.objects.create(name="社保服务组")
    other = create_user(username="si_x", password="x", roles=[Role.SI_SPECIALIST], department=dept)
    serving_specialist = _specialist(cast, "si_a", dept)
    RoutingRule.objects.create(module="payroll_si", department=dept, role=Role.SI_SPECIALIST)
    ticket = _ticket(cast)
    services.accept_ticket(actor=cast.rep_a, ticket=ticket)
    ticket = services.transfer_ticket(actor=cast.rep_a, ticket=ticket, reason="需社保专员核实")
    assert ticket.handler == serving_specialist != other
    assert ticket.first_owner == cast.rep_a and ticket.department == dept
    assert ticket.status == "pending"
    assert Deadline.objects.get(kind="servicedesk.resolution").owner == serving_specialist
    # The specialist sees it (handler), the first owner is still told of each step.
    services.add_note(actor=serving_specialist, ticket=ticket, body="已核实")
    assert Notification.objects.filter(recipient=cast.rep_a, title__contains="内部备注").exists()
    assert _kinds(ticket)[-2:] == ["transfer", "note"]


def test_it_routes_to_the_department_head_without_a_role_holder(cast: Cast) -> None:
    head = create_user(username="head", password="x", roles=[Role.LEGAL])
    dept = Department.objects.create(name="法务部", head=head)
    RoutingRule.objects.create(module="labour_dispute", department=dept, role=Role.LEGAL)
    ticket = _ticket(cast, module="labour_dispute", nature="inquiry")
    found = routing.route(ticket)
    assert found is not None and found.handler == head


def test_it_refuses_a_transfer_without_a_rule(cast: Cast) -> None:
    ticket = _ticket(cast)
    with pytest.raises(ServiceError, match="没有适用的分派规则"):
        services.transfer_ticket(actor=cast.rep_a, ticket=ticket)


def test_it_reviews_a_return(cast: Cast) -> None:
    specialist = _specialist(cast)
    ticket = _ticket(cast)
    ticket = services.transfer_ticket(actor=cast.rep_a, ticket=ticket, to_user=specialist)
    with pytest.raises(PermissionDenied, match="只有当前处理人"):
        services.request_return(actor=cast.rep_a, ticket=ticket, reason="x")
    with pytest.raises(InvalidFields):
        services.request_return(actor=specialist, ticket=ticket, reason="")
    services.request_return(actor=specialist, ticket=ticket, reason="属于薪酬问题")
    with pytest.raises(ServiceError, match="等待主管审核"):
        services.request_return(actor=specialist, ticket=ticket, reason="再次")
    with pytest.raises(PermissionDenied):
        services.review_return(actor=cast.rep_a, ticket=ticket, approve=True)
    with pytest.raises(InvalidFields):
        services.review_return(actor=cast.supervisor, ticket=ticket, approve=False)
    ticket = services.review_return(
        actor=cast.supervisor, ticket=ticket, approve=False, reason="仍属社保"
    )
    assert ticket.handler == specialist
    services.request_return(actor=specialist, ticket=ticket, reason="确实不属于我")
    ticket = services.review_return(actor=cast.supervisor, ticket=ticket, approve=True)
    assert ticket.handler == cast.rep_a and ticket.status == "pending"
    assert Deadline.objects.get(kind="servicedesk.resolution").owner == cast.rep_a
    with pytest.raises(ServiceError, match="没有待审核"):
        services.review_return(actor=cast.supervisor, ticket=ticket, approve=True)


def test_it_refuses_a_return_by_the_first_owner(cast: Cast) -> None:
    ticket = _ticket(cast)
    with pytest.raises(ServiceError, match="首问责任人"):
        services.request_return(actor=cast.rep_a, ticket=ticket, reason="x")


def test_it_reassigns_only_for_a_supervisor(cast: Cast) -> None:
    ticket = _ticket(cast)
    with pytest.raises(PermissionDenied):
        services.reassign_ticket(actor=cast.rep_a, ticket=ticket, to_user=cast.rep_b)
    ticket = services.reassign_ticket(actor=cast.supervisor, ticket=ticket, to_user=cast.rep_b)
    assert ticket.handler == cast.rep_b and ticket.first_owner == cast.rep_a
    with pytest.raises(InvalidFields):
        services.reassign_ticket(actor=cast.supervisor, ticket=ticket, to_user=cast.hr_a)


def test_it_urges_and_supervises(cast: Cast) -> None:
    specialist = _specialist(cast)
    ticket = _ticket(cast)
    services.transfer_ticket(actor=cast.rep_a, ticket=ticket, to_user=specialist)
    services.urge_ticket(actor=cast.hr_a, ticket=ticket)
    services.urge_ticket(actor=cast.rep_a, ticket=ticket, note="客户很急")
    ticket.refresh_from_db()
    assert ticket.urge_count == 2
    assert Notification.objects.filter(recipient=specialist, title__contains="催办").count() == 2
    with pytest.raises(PermissionDenied):
        services.urge_ticket(actor=cast.hr_b, ticket=ticket)
    with pytest.raises(PermissionDenied):
        services.supervise_ticket(actor=cast.rep_a, ticket=ticket)
    services.supervise_ticket(actor=cast.supervisor, ticket=ticket, note="今天办结")
    ticket.refresh_from_db()
    assert ticket.supervised
    assert Notification.objects.filter(recipient=specialist, title__contains="督办").exists()


def test_it_resolves_closes_and_reopens(cast: Cast) -> None:
    ticket = _ticket(cast)
    services.accept_ticket(actor=cast.rep_a, ticket=ticket, now=MON_10)
    with pytest.raises(InvalidFields):
        services.resolve_ticket(actor=cast.rep_a, ticket=ticket, solution="")
    ticket = services.resolve_ticket(
        actor=cast.rep_a, ticket=ticket, solution="已告知截止日", now=MON_10 + dt.timedelta(hours=2)
    )
    assert ticket.status == "resolved" and ticket.handling_minutes == 120
    assert Deadline.objects.get(kind="servicedesk.resolution").status == "met"
    record_client_message(
        ticket=ticket,
        body="还是不清楚",
        channel="portal",
        actor=cast.hr_a,
        now=MON_10 + dt.timedelta(hours=3),
    )
    ticket.refresh_from_db()
    assert ticket.status == "in_progress" and "reopen" in _kinds(ticket)
    services.resolve_ticket(actor=cast.rep_a, ticket=ticket, solution="电话解释清楚")
    with pytest.raises(PermissionDenied):
        services.close_ticket(actor=cast.rep_b, ticket=ticket)
    ticket = services.close_ticket(actor=cast.rep_a, ticket=ticket)
    assert ticket.status == "closed"
    with pytest.raises(ServiceError, match="已关闭，不能关闭"):
        services.close_ticket(actor=cast.supervisor, ticket=ticket)


def test_it_closes_automatically_after_three_days(cast: Cast) -> None:
    ticket = _ticket(cast)
    services.resolve_ticket(actor=cast.rep_a, ticket=ticket, solution="ok", now=MON_10)
    assert services.auto_close_due(now=MON_10 + dt.timedelta(days=2)) == 0
    assert services.auto_close_due(now=MON_10 + dt.timedelta(days=3)) == 1
    ticket.refresh_from_db()
    assert ticket.status == "closed"


def test_it_leaves_a_ticket_under_follow_up_open(cast: Cast) -> None:
    from hragency.servicedesk.feedback import rate_ticket
    from hragency.servicedesk.models import FollowUp

    rated, plain = _ticket(cast), _ticket(cast)
    for ticket in (rated, plain):
        services.resolve_ticket(actor=cast.rep_a, ticket=ticket, solution="ok", now=MON_10)
    rated.refresh_from_db()
    rate_ticket(token=rated.feedback_token, score=2, now=MON_10 + dt.timedelta(hours=1))
    assert FollowUp.objects.filter(ticket=rated, status="open").exists()
    assert services.auto_close_due(now=MON_10 + dt.timedelta(days=4)) == 1
    rated.refresh_from_db()
    plain.refresh_from_db()
    assert (rated.status, plain.status) == ("resolved", "closed")


def kb_article(cast: Cast) -> tuple[Any, Any]:
    """A published knowledge-base article and rep A allowed to read it (until roles.py grants
    knowledge.view_article to the reps)."""
    from django.contrib.auth.models import Permission

    from hragency.accounts.models import User
    from hragency.knowledge.models import Article

    if not cast.rep_a.has_perm("knowledge.view_article"):
        cast.rep_a.user_permissions.add(
            Permission.objects.get(codename="view_article", content_type__app_label="knowledge")
        )
    article = Article.objects.create(
        title="生育津贴申领材料",
        body="需提供出生医学证明、身份证和银行卡。",
        author=cast.supervisor,
        status=Article.Status.PUBLISHED,
    )
    return article, User.objects.get(pk=cast.rep_a.pk)


def test_it_answers_from_the_knowledge_base(cast: Cast) -> None:
    article, rep = kb_article(cast)
    ticket = _ticket(cast)
    with pytest.raises(InvalidFields):
        services.answer_from_kb(actor=rep, ticket=ticket, article_id=article.pk + 99)
    ticket = services.answer_from_kb(actor=rep, ticket=ticket, article_id=article.pk)
    assert ticket.answered_from_kb and ticket.kb_article_id == article.pk
    assert ticket.status == "resolved" and "出生医学证明" in ticket.solution
    article.refresh_from_db()
    assert article.use_count == 1


def test_it_triages_an_unmatched_email(cast: Cast) -> None:
    ticket = open_ticket(
        actor=None,
        channel="email",
        client=None,
        subject="社保问题",
        description="请回电",
        now=MON_10,
    )
    assert ticket.handler is None and not Deadline.objects.exists()
    with pytest.raises(PermissionDenied):
        services.triage_ticket(actor=cast.rep_a, ticket=ticket, client=cast.client_a)
    ticket = services.triage_ticket(actor=cast.admin, ticket=ticket, client=cast.client_a)
    assert ticket.client == cast.client_a and ticket.handler == cast.rep_a
    assert Deadline.objects.filter(owner=cast.rep_a, kind="servicedesk.response").exists()
    assert not TicketEvent.objects.filter(ticket=ticket, client__isnull=True).exists()
    with pytest.raises(ServiceError, match="已归属"):
        services.triage_ticket(actor=cast.admin, ticket=ticket, client=cast.client_a)


def test_it_shows_my_and_first_owned_tickets(cast: Cast) -> None:
    from hragency.servicedesk.queries import queue

    specialist = _specialist(cast)
    ticket = _ticket(cast)
    services.transfer_ticket(actor=cast.rep_a, ticket=ticket, to_user=specialist)
    assert list(queue(cast.rep_a, "mine")) == [ticket]
    assert list(queue(cast.rep_a, "first")) == [ticket]
    assert list(queue(specialist, "mine")) == [ticket]
    assert list(queue(specialist, "first")) == []


def test_it_suggests_a_classification() -> None:
    s = classify.suggest("员工发生工伤事故，家属要申请仲裁")
    assert (s.module, s.nature, s.urgency) == ("labour_dispute", "emergency", "urgent")
    assert any("仲裁" in r for r in s.reasons)
    assert classify.suggest("集体罢工").urgency == "critical"
    assert classify.suggest("对服务很不满，要投诉").nature == "complaint"
    assert classify.suggest("下月增员3人").module == "payroll_si"
    assert classify.suggest("面试安排").module == "recruitment"
    assert classify.suggest("调档手续").module == "hr_agency"
    assert classify.suggest("你好").reasons == ("未识别到关键词，按默认分类，请人工确认",)


def test_it_registers_a_complaint_ticket_and_alerts_on_emergencies(cast: Cast) -> None:
    ticket = _ticket(cast, nature="emergency", urgency="critical", subject="员工重伤")
    assert Notification.objects.filter(
        recipient=cast.supervisor, title__contains=ticket.number
    ).exists()


def test_it_seeds_demo_tickets(cast: Cast) -> None:
    import random

    from hragency.servicedesk.demo import seed_demo

    assign_client(client_id=cast.client_b.pk, user=cast.rep_a)
    users = {
        "rep_a": cast.rep_a,
        "rep_b": cast.rep_b,
        "supervisor": cast.supervisor,
        "hr_a": cast.hr_a,
        "hr_b": cast.hr_b,
    }
    clients = [cast.client_a, cast.client_b, cast.client_b, cast.client_b]
    tickets = seed_demo(clients=clients, users=users, rng=random.Random(1))
    assert len(tickets) == 13
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert {"pending", "in_progress", "waiting", "resolved", "closed"} <= statuses
    assert Ticket.objects.filter(client__isnull=True).count() == 1
    from hragency.servicedesk.queries import queue

    assert queue(cast.rep_b, "overdue").exists()
