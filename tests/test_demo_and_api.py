from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from hragency.accounts.models import User
from hragency.accounts.roles import ROLE_LABELS
from hragency.clients.models import Client
from hragency.core.models import Deadline
from hragency.domain.idcard import parse_id_number
from hragency.domain.uscc import parse_credit_code
from hragency.employees.models import InsuredPerson
from tests.conftest import Cast, login_client


@pytest.mark.django_db
def test_it_builds_a_realistic_demo_agency_once(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo", people=4)
    out = capsys.readouterr().out
    assert "演示数据已创建" in out and "Demo@2026" in out
    # One user per role, each in the role's group.
    for label in ROLE_LABELS.values():
        assert User.objects.filter(groups__name=label).exists(), label
    # Five clients in service and one on the blacklist (forged licence).
    assert Client.objects.filter(status=Client.Status.ACTIVE).count() == 5
    assert Client.objects.filter(status=Client.Status.BLACKLISTED).count() == 1
    for code in Client.objects.values_list("credit_code", flat=True):
        parse_credit_code(code)
    # 4 per client, plus new hires being onboarded, a near-retirement man and a person
    # active at two clients, added by the archive seeding.
    people = list(InsuredPerson.objects.all())
    assert len(people) == 32
    assert {p.status for p in people} >= {"onboarding", "active", "offboarding"}
    for person in people:
        info = parse_id_number(person.id_number)
        assert (info.birth_date, info.gender) == (person.birth_date, person.gender)
    # The hand-over checklists of rep_a's two clients; tickets whose first response is overdue.
    mine = Deadline.objects.filter(owner__username="rep_a")
    kinds = set(mine.values_list("kind", flat=True))
    assert {"clients.handover", "servicedesk.response", "servicedesk.resolution"} <= kinds
    assert mine.filter(kind="clients.handover").count() == 2
    overdue = mine.filter(status=Deadline.Status.OPEN, due_at__lt=timezone.now())
    assert overdue.filter(kind="servicedesk.response").exists()
    # The desk: tickets in every state (one unmatched e-mail), a published knowledge base and
    # return visits with survey answers.
    from hragency.knowledge.models import Article
    from hragency.servicedesk.models import Ticket
    from hragency.visits.models import SurveyResponse, VisitTask

    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert statuses == {"pending", "in_progress", "waiting", "resolved", "closed"}
    assert Ticket.objects.filter(client=None).count() == 1
    assert Article.objects.filter(status="published").count() >= 20
    assert VisitTask.objects.exists() and SurveyResponse.objects.exists()
    call_command("demo")
    assert "演示数据已存在" in capsys.readouterr().out
    assert InsuredPerson.objects.count() == 32


@pytest.mark.django_db
def test_it_answers_bad_api_calls_with_4xx_and_a_message(cast: Cast) -> None:
    http = login_client(cast.rep_a)
    response = http.get("/api/clients/not-a-number")
    assert response.status_code == 422
    response = http.get(f"/api/clients/{cast.client_b.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "对象不存在或无权查看"}
    response = http.get("/api/people/?limit=abc")
    assert response.status_code == 422
    assert response.json()["detail"] == "请求参数无效：「query.limit」应为整数"
    assert login_client(None).get("/api/clients/").status_code == 401


@pytest.mark.django_db
def test_it_serves_the_openapi_docs(cast: Cast) -> None:
    http = login_client(cast.rep_a)
    assert http.get("/api/docs").status_code == 200
    schema = http.get("/api/openapi.json").json()
    assert "/api/people/{person_id}/reveal/{field}" in schema["paths"]


@pytest.mark.django_db
def test_it_lists_clients_for_a_rep_with_a_bounded_number_of_queries(
    cast: Cast, django_assert_max_num_queries
) -> None:
    http = login_client(cast.rep_a)
    http.get("/clients/")  # warm the session
    with django_assert_max_num_queries(12):
        page = http.get("/clients/").content.decode()
    assert cast.client_a.name in page and cast.client_b.name not in page
