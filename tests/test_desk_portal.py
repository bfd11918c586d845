"""Staff screens and the client portal: scoping (HR B never sees A's tickets by id or number,
HR never sees internal notes), the actions by form, and bounded list queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hragency.servicedesk import services
from hragency.servicedesk.intake import open_ticket
from hragency.servicedesk.models import Ticket
from tests.conftest import CANARY_CLIENT_A, Cast

pytestmark = pytest.mark.django_db


def _ticket(cast: Cast, **kw: Any) -> Ticket:
    values = {
        "channel": "phone",
        "subject": "公积金基数咨询",
        "description": "今年公积金基数什么时候调整？",
        "module": "payroll_si",
        "nature": "inquiry",
        "urgency": "normal",
    }
    values.update(kw)
    return open_ticket(actor=cast.rep_a, client=cast.client_a, **values)


def test_it_lets_hr_submit_and_follow_a_ticket(cast: Cast, as_user: Any) -> None:
    http = as_user(cast.hr_a)
    response = http.post(
        "/desk/portal/new/",
        {
            "subject": "社保增员",
            "description": "下月增员3人，请问要准备什么材料？",
            "urgency": "normal",
        },
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.channel == "portal" and ticket.client == cast.client_a
    assert ticket.first_owner == cast.rep_a and ticket.module == "payroll_si"
    page = http.get(f"/desk/portal/tickets/{ticket.pk}/").content.decode()
    assert ticket.number in page and "已提交" in page
    http.post(f"/desk/portal/tickets/{ticket.pk}/urge/")
    http.post(f"/desk/portal/tickets/{ticket.pk}/reply/", {"body": "补充：3人均为上海户籍"})
    ticket.refresh_from_db()
    assert ticket.urge_count == 1
    assert ticket.events.filter(kind="message_in").count() == 1
    assert as_user(cast.hr_a).post("/desk/portal/new/", {"subject": ""}).status_code == 400


def test_it_hides_internal_notes_and_other_clients(cast: Cast, as_user: Any) -> None:
    ticket = _ticket(cast)
    services.add_note(actor=cast.rep_a, ticket=ticket, body="内部：NOTESECRET")
    services.reply_to_client(actor=cast.rep_a, ticket=ticket, body="每年7月调整")
    hr_a = as_user(cast.hr_a)
    page = hr_a.get(f"/desk/portal/tickets/{ticket.pk}/").content.decode()
    assert "每年7月调整" in page and "NOTESECRET" not in page
    api = hr_a.get(f"/api/desk/tickets/{ticket.pk}").json()
    assert "NOTESECRET" not in str(api) and any(e["kind"] == "reply" for e in api["events"])
    hr_b = as_user(cast.hr_b)
    assert hr_b.get(f"/desk/portal/tickets/{ticket.pk}/").status_code == 404
    assert hr_b.post(f"/desk/portal/tickets/{ticket.pk}/urge/").status_code == 404
    assert hr_b.get(f"/api/desk/tickets/{ticket.pk}").status_code == 404
    page = hr_b.get(f"/desk/portal/lookup/?number={ticket.number}", follow=True).content.decode()
    assert "未找到该工单" in page and CANARY_CLIENT_A not in page
    assert hr_b.get(f"/api/desk/tickets/lookup?number={ticket.number}").status_code == 404
    found = hr_a.get(f"/desk/portal/lookup/?number={ticket.number.lower()}")
    assert found.status_code == 302 and found["Location"] == f"/desk/portal/tickets/{ticket.pk}/"
    # Staff screens are not for client HR; the portal is not for staff.
    assert hr_a.get(f"/desk/tickets/{ticket.pk}/").status_code == 403
    assert as_user(cast.rep_a).get("/desk/portal/").status_code == 403
    assert as_user(cast.rep_b).get(f"/desk/tickets/{ticket.pk}/").status_code == 404


def test_it_works_a_ticket_through_the_staff_screens(cast: Cast, as_user: Any) -> None:
    http = as_user(cast.rep_a)
    response = http.post(
        "/desk/new/",
        {
            "client": cast.client_a.pk,
            "channel": "phone",
            "subject": "员工工伤事故",
            "description": "员工在车间受伤，需要申报工伤",
            "contact_name": "王经理",
        },
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.module, ticket.nature) == ("labour_dispute", "emergency")
    page = http.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert "首问责任人" in page and "受理" in page and "劳动争议" in page
    assert 'hx-get="/kb/suggest/?q=' in page  # the knowledge base's suggested answers
    base = f"/desk/tickets/{ticket.pk}"
    http.post(f"{base}/accept/")
    http.post(f"{base}/note/", {"body": "已联系法务"})
    http.post(f"{base}/reply/", {"body": "已安排专人跟进"})
    http.post(f"{base}/wait/", {"message": "请提供受伤员工信息"})
    http.post(f"{base}/resume/")
    http.post(f"{base}/resolve/", {"solution": "已协助提交工伤申报"})
    http.post(f"{base}/close/")
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    kinds = list(ticket.events.exclude(kind="feedback_sent").values_list("kind", flat=True))
    assert kinds == [
        "created",
        "accept",
        "note",
        "reply",
        "reply",
        "wait",
        "resume",
        "resolve",
        "close",
    ]
    # A refused action is a message, not an error page.
    response = http.post(f"{base}/accept/", follow=True)
    assert "不能受理" in response.content.decode()


def test_it_suggests_a_classification_while_typing(cast: Cast, as_user: Any) -> None:
    page = as_user(cast.rep_a).get("/desk/suggest/?subject=员工申请劳动仲裁").content.decode()
    assert "劳动争议" in page and "仲裁" in page


def test_it_answers_from_the_knowledge_base_at_intake(cast: Cast, as_user: Any) -> None:
    from tests.test_desk_tickets import kb_article

    article, rep = kb_article(cast)
    refused = as_user(rep).post(
        "/desk/new/",
        {
            "client": cast.client_a.pk,
            "channel": "phone",
            "subject": "生育津贴材料",
            "description": "请问生育津贴申领要哪些材料？",
            "kb_article_id": str(article.pk + 99),
        },
    )
    assert refused.status_code == 400 and "文章不存在或未发布" in refused.content.decode()
    assert not Ticket.objects.exists()
    as_user(rep).post(
        "/desk/new/",
        {
            "client": cast.client_a.pk,
            "channel": "phone",
            "subject": "生育津贴材料",
            "description": "请问生育津贴申领要哪些材料？",
            "kb_article_id": str(article.pk),
            "kb_answer": "见知识库：生育津贴申领材料清单",
        },
    )
    ticket = Ticket.objects.get()
    assert ticket.status == "resolved" and ticket.answered_from_kb
    assert ticket.kb_article_id == article.pk


def test_it_lists_the_queue_tabs(cast: Cast, as_user: Any) -> None:
    from hragency.accounts.models import Department
    from hragency.accounts.roles import Role
    from hragency.accounts.services import create_user

    dept = Department.objects.create(name="社保服务组")
    si = create_user(username="si", password="x", roles=[Role.SI_SPECIALIST], department=dept)
    ticket = _ticket(cast)
    services.transfer_ticket(actor=cast.rep_a, ticket=ticket, to_user=si)
    http = as_user(cast.rep_a)
    assert ticket.number in http.get("/desk/?tab=first").content.decode()
    assert ticket.number in http.get("/desk/?tab=mine").content.decode()
    assert ticket.number in as_user(si).get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert ticket.number not in as_user(cast.rep_b).get("/desk/?tab=all").content.decode()
    open_ticket(actor=None, channel="email", client=None, subject="未知来件", description="x")
    assert "未知来件" in as_user(cast.supervisor).get("/desk/?tab=triage").content.decode()
    assert "未知来件" not in http.get("/desk/?tab=all").content.decode()


def test_it_bounds_the_list_queries(cast: Cast, as_user: Any) -> None:
    http = as_user(cast.rep_a)

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert http.get(url).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        _ticket(cast)
    few = count("/desk/?tab=all"), count("/api/desk/tickets")
    for _ in range(12):
        _ticket(cast)
    many = count("/desk/?tab=all"), count("/api/desk/tickets")
    assert many == few
    hr = as_user(cast.hr_a)
    with CaptureQueriesContext(connection) as ctx:
        hr.get("/desk/portal/")
    assert len(ctx.captured_queries) < 20
