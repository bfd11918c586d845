"""Result feedback and satisfaction (R-DESK-7): the result with the rating link by inbox,
e-mail and SMS; one rating 1–5; 4–5 closes; ≤ 3 opens the supervisor's follow-up with its
24-hour and 3-working-day deadlines and an improvement case."""

from __future__ import annotations

import logging

import pytest
from django.http import Http404

from hragency.core.errors import InvalidFields, ServiceError
from hragency.core.models import Deadline, Notification
from hragency.servicedesk import feedback, followups
from hragency.servicedesk.models import FollowUp, ImprovementCase, Ticket, TicketEvent
from tests.desk_care_support import huey_now, local, open_ticket, resolve, resolved_ticket


def test_it_sends_the_result_with_the_rating_link(
    cast,
    settings,
    smtp_server,
    django_capture_on_commit_callbacks,
    caplog,
):
    settings.SITE_URL = "https://desk.example.cn/"
    cast.hr_a.email = "hr@client-a.example.cn"
    cast.hr_a.save()
    ticket = open_ticket(cast)
    caplog.set_level(logging.INFO, logger="hragency.servicedesk.feedback")
    with huey_now(), django_capture_on_commit_callbacks(execute=True):
        resolve(ticket, at=local(2026, 11, 20, 15, 5))  # resolving sends the result

    ticket.refresh_from_db()
    assert ticket.feedback_sent_at == local(2026, 11, 20, 15, 5)
    link = f"https://desk.example.cn/desk/care/rate/{ticket.feedback_token}/"
    event = TicketEvent.objects.get(ticket=ticket, kind=TicketEvent.Kind.FEEDBACK_SENT)
    assert event.visible_to_client and link in event.body and "已按新基数重新核定" in event.body
    results = [m for m in smtp_server.messages if "服务结果反馈" in m["Subject"]]
    assert sorted(m["To"] for m in results) == [
        "hr@client-a.example.cn",
        "zhao@client-a.example.cn",
    ]
    message = results[0]
    assert ticket.number in message["Subject"]
    assert link in message.get_content()
    inbox = Notification.objects.get(recipient=cast.hr_a, title__contains="请评价")
    assert inbox.link == f"/desk/care/rate/{ticket.feedback_token}/"
    assert any("13900001111" in r.getMessage() and link in r.getMessage() for r in caplog.records)


def test_it_retries_a_failed_mail_by_raising(cast, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    settings.EMAIL_TIMEOUT = 2
    ticket = resolved_ticket(cast)
    with pytest.raises(OSError):
        feedback.deliver_result_email(ticket.pk)  # Huey retries the task on this exception


def test_it_rates_once_and_a_good_score_closes_the_ticket(cast):
    ticket = resolved_ticket(cast)
    rated = feedback.rate_ticket(
        token=ticket.feedback_token, score="5", comment="很及时", now=local(2026, 11, 20, 16, 0)
    )
    assert (rated.satisfaction, rated.satisfaction_comment) == (5, "很及时")
    assert rated.status == Ticket.Status.CLOSED
    assert rated.closed_at == local(2026, 11, 20, 16, 0)
    kinds = list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert kinds[-2:] == [TicketEvent.Kind.RATED, TicketEvent.Kind.CLOSE]
    assert not FollowUp.objects.exists()
    with pytest.raises(ServiceError, match="已评价"):
        feedback.rate_ticket(token=ticket.feedback_token, score=1)
    assert Ticket.objects.get(pk=ticket.pk).satisfaction == 5


@pytest.mark.parametrize("score", ["0", "6", "abc", "", None, "3.5"])
def test_it_refuses_a_score_outside_1_to_5(cast, score):
    ticket = resolved_ticket(cast)
    with pytest.raises(InvalidFields) as refused:
        feedback.rate_ticket(token=ticket.feedback_token, score=score)
    assert refused.value.by_field() == {"score": "请选择 1–5 分"}
    assert Ticket.objects.get(pk=ticket.pk).rated_at is None


def test_it_refuses_an_unknown_token_and_an_unresolved_ticket(cast):
    from tests.desk_care_support import open_ticket

    with pytest.raises(Http404):
        feedback.rate_ticket(token="no-such-token", score=5)
    with pytest.raises(Http404):
        feedback.rate_ticket(token="", score=5)
    pending = open_ticket(cast)
    with pytest.raises(ServiceError, match="尚未处理完毕"):
        feedback.rate_ticket(token=pending.feedback_token, score=5)


def test_it_follows_up_a_score_of_3_or_lower(cast):
    ticket = resolved_ticket(cast)
    # Friday 2026-11-20 16:00 in Shanghai.
    feedback.rate_ticket(
        token=ticket.feedback_token, score=2, comment="答复太慢", now=local(2026, 11, 20, 16, 0)
    )
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED  # closed only after the second visit
    follow_up = FollowUp.objects.get(ticket=ticket)
    assert follow_up.owner == cast.supervisor  # head of the rep's department
    assert follow_up.client == cast.client_a
    assert follow_up.reason == "满意度 2 分：答复太慢"
    deadlines = {d.kind: d for d in Deadline.objects.filter(subject_type="servicedesk.followup")}
    # 24 h round the clock: Saturday 16:00; 3 working days: Mon, Tue, Wed → Wednesday 16:00.
    assert deadlines[followups.PLAN_KIND].due_at == local(2026, 11, 21, 16, 0)
    assert deadlines[followups.VISIT_KIND].due_at == local(2026, 11, 25, 16, 0)
    assert {d.owner for d in deadlines.values()} == {cast.supervisor}
    case = ImprovementCase.objects.get(ticket=ticket)
    assert case.source == "低分评价" and "答复太慢" in case.problem
    assert Notification.objects.filter(recipient=cast.supervisor, title__contains="客户不满意")

    with pytest.raises(ServiceError, match="请先记录调整方案"):
        followups.record_second_visit(
            actor=cast.supervisor, follow_up=follow_up, notes="x", score=4
        )
    with pytest.raises(InvalidFields):
        followups.record_follow_up_plan(actor=cast.supervisor, follow_up=follow_up, plan=" ")
    follow_up = followups.record_follow_up_plan(
        actor=cast.supervisor,
        follow_up=follow_up,
        plan="由社保专员上门重新核对基数，周一前书面答复",
        now=local(2026, 11, 21, 10, 0),
    )
    assert follow_up.status == FollowUp.Status.PLANNED
    assert Ticket.objects.get(pk=ticket.pk).follow_up_plan.startswith("由社保专员上门")
    plan_deadline = Deadline.objects.get(kind=followups.PLAN_KIND)
    assert plan_deadline.status == Deadline.Status.MET

    with pytest.raises(InvalidFields) as refused:
        followups.record_second_visit(actor=cast.supervisor, follow_up=follow_up, notes="", score=9)
    assert set(refused.value.by_field()) == {"notes", "score"}
    follow_up = followups.record_second_visit(
        actor=cast.supervisor,
        follow_up=follow_up,
        notes="客户认可新的核定结果",
        score="4",
        now=local(2026, 11, 26, 10, 0),  # Thursday: a day late
    )
    assert (follow_up.status, follow_up.visit_score) == (FollowUp.Status.DONE, 4)
    assert Deadline.objects.get(kind=followups.VISIT_KIND).status == Deadline.Status.LATE
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED
    assert ticket.satisfaction == 2  # the client's rating stays


def test_it_lets_only_the_owner_or_a_supervisor_record_the_follow_up(cast):
    from django.core.exceptions import PermissionDenied

    ticket = resolved_ticket(cast)
    feedback.rate_ticket(token=ticket.feedback_token, score=1)
    follow_up = FollowUp.objects.get(ticket=ticket)
    with pytest.raises(PermissionDenied):
        followups.record_follow_up_plan(actor=cast.rep_a, follow_up=follow_up, plan="改进")


def test_it_owns_the_follow_up_by_a_supervisor_role_holder_without_a_department_head(cast):
    from hragency.accounts.roles import Role
    from hragency.accounts.services import create_user

    cast.department.head = None
    cast.department.save()
    other = create_user(username="sup2", password="Cast@2026pass", roles=[Role.CS_SUPERVISOR])
    ticket = resolved_ticket(cast)
    feedback.rate_ticket(token=ticket.feedback_token, score=3)
    owner = FollowUp.objects.get(ticket=ticket).owner
    assert owner in (cast.supervisor, other)
    assert owner == cast.supervisor  # the oldest 客服主管 account


def test_it_rates_on_the_anonymous_page(cast, as_user):
    ticket = resolved_ticket(cast)
    url = f"/desk/care/rate/{ticket.feedback_token}/"
    anonymous = as_user(None)
    page = anonymous.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert ticket.number in body and ticket.subject in body and "已按新基数重新核定" in body
    assert cast.client_a.name not in body
    bad = anonymous.post(url, {"score": "9"})
    assert bad.status_code == 400 and "请选择 1–5 分" in bad.content.decode()
    done = anonymous.post(url, {"score": "2", "comment": "等了三天"})
    assert done.status_code == 302
    assert "您已评价：2 分" in anonymous.get(url).content.decode()
    again = anonymous.post(url, {"score": "5"})
    assert again.status_code == 400 and "已评价" in again.content.decode()
    assert anonymous.get("/desk/care/rate/unknown-token/").status_code == 404
    # Another company's HR cannot use the link; the ticket's own HR can open it.
    assert as_user(cast.hr_b).get(url).status_code == 404
    assert as_user(cast.hr_a).get(url).status_code == 200
    assert FollowUp.objects.filter(ticket=ticket).exists()


def test_it_rates_through_the_api_without_a_session(cast, as_user):
    ticket = resolved_ticket(cast)
    url = f"/api/desk/care/rate/{ticket.feedback_token}"
    http = as_user(None)
    bad = http.post(url, {"score": 0}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "score"
    ok = http.post(url, {"score": 4, "comment": "好"}, content_type="application/json")
    assert ok.json() == {
        "number": ticket.number,
        "satisfaction": 4,
        "status": "closed",
        "follow_up": False,
    }
    assert http.post(url, {"score": 4}, content_type="application/json").status_code == 400
    missing = http.post("/api/desk/care/rate/nope", {"score": 4}, content_type="application/json")
    assert missing.status_code == 404


def test_it_records_the_follow_up_on_the_screens(cast, as_user):
    ticket = resolved_ticket(cast)
    feedback.rate_ticket(token=ticket.feedback_token, score=1, comment="没解决")
    follow_up = FollowUp.objects.get(ticket=ticket)
    http = as_user(cast.supervisor)
    listing = http.get("/desk/care/followups/")
    assert ticket.number in listing.content.decode()
    detail = http.get(f"/desk/care/followups/{follow_up.pk}/")
    assert detail.status_code == 200 and "制定调整方案" in detail.content.decode()
    assert http.post(f"/desk/care/followups/{follow_up.pk}/plan/", {"plan": ""}).status_code == 400
    assert (
        http.post(
            f"/desk/care/followups/{follow_up.pk}/plan/", {"plan": "重新核定并书面答复"}
        ).status_code
        == 302
    )
    visit = http.post(
        f"/desk/care/followups/{follow_up.pk}/visit/", {"notes": "客户满意", "score": "5"}
    )
    assert visit.status_code == 302
    assert FollowUp.objects.get(pk=follow_up.pk).status == FollowUp.Status.DONE
    # Out of scope or outside the agency: nothing.
    assert as_user(cast.rep_b).get(f"/desk/care/followups/{follow_up.pk}/").status_code == 404
    assert as_user(cast.hr_a).get("/desk/care/followups/").status_code == 403
    assert as_user(cast.rep_b).get("/api/desk/care/followups").json()["count"] == 0
    assert as_user(cast.rep_a).get("/api/desk/care/followups").json()["count"] == 1


def test_it_searches_and_edits_the_improvement_library(cast, as_user):
    ticket = resolved_ticket(cast)
    feedback.rate_ticket(token=ticket.feedback_token, score=3, comment="流程太繁琐")
    case = ImprovementCase.objects.get(ticket=ticket)
    http = as_user(cast.supervisor)
    assert ticket.number in http.get("/desk/care/cases/?q=繁琐").content.decode()
    assert ticket.number not in http.get("/desk/care/cases/?q=不存在的词").content.decode()
    saved = http.post(
        f"/desk/care/cases/{case.pk}/", {"title": case.title, "improvement": "精简材料清单"}
    )
    assert saved.status_code == 302
    assert ImprovementCase.objects.get(pk=case.pk).improvement == "精简材料清单"
    rep = as_user(cast.rep_a)
    assert rep.post(f"/desk/care/cases/{case.pk}/", {"title": "x"}).status_code == 403
    api = http.post(
        f"/api/desk/care/cases/{case.pk}",
        {"title": "基数核定流程繁琐", "improvement": "一次告知"},
        content_type="application/json",
    )
    assert api.status_code == 200 and api.json()["improvement"] == "一次告知"
    assert as_user(cast.hr_a).get("/api/desk/care/cases").status_code == 403
