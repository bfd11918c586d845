"""Labour disputes (R-SVC-3): the arbitration limitation (hand-checked dates), the hearing's
preparation deadline, stages and legal support, the outcome closing the case, documents,
the client HR's consultation and read-only view, statistics, scoping and the API."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from hragency.accounts.roles import Role
from hragency.accounts.services import assign_client, create_user
from hragency.clients.timeline import client_visible_actions
from hragency.core.errors import InvalidFields, ServiceError
from hragency.core.models import AuditLog, Deadline
from hragency.disputes import documents, hearings, services
from hragency.disputes.limitation import add_years, limitation_ends, previous_working_day
from hragency.disputes.models import DisputeCase
from hragency.disputes.queries import cases_for, statistics
from tests.conftest import PASSWORD

TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TZ = timezone.get_current_timezone()


def _weekdays(day: dt.date) -> bool:
    return day.weekday() < 5


# ---- the limitation, pure ------------------------------------------------------------------


def test_it_ends_the_limitation_one_year_after_the_day_known():
    # 2025-03-10 known → 2026-03-10, a Tuesday.
    assert limitation_ends(dt.date(2025, 3, 10), is_working_day=_weekdays) == dt.date(2026, 3, 10)
    # 29 February has no corresponding day: the last day of February.
    assert limitation_ends(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
    # 2026-11-08 is a Sunday: the period ends on Monday 2026-11-09.
    assert limitation_ends(dt.date(2025, 11, 8), is_working_day=_weekdays) == dt.date(2026, 11, 9)


def test_it_runs_no_limitation_for_unpaid_wages_while_employed():
    assert limitation_ends(dt.date(2024, 1, 5), unpaid_wages_during_employment=True) is None
    # Once the employment ended (2026-06-30, a Tuesday), a year from the end.
    assert limitation_ends(
        dt.date(2024, 1, 5),
        unpaid_wages_during_employment=True,
        employment_ended_on=dt.date(2026, 6, 30),
    ) == dt.date(2027, 6, 30)


def test_it_finds_the_working_day_before_a_hearing():
    # Monday 2027-03-15 → Friday 2027-03-12.
    assert previous_working_day(dt.date(2027, 3, 15), _weekdays) == dt.date(2027, 3, 12)
    assert previous_working_day(dt.date(2027, 3, 17), _weekdays) == dt.date(2027, 3, 16)


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)))
def test_it_never_ends_the_limitation_before_a_year_or_on_a_rest_day(known):
    ends = limitation_ends(known, is_working_day=_weekdays)
    assert ends is not None
    assert ends >= add_years(known, 1)
    assert (ends - add_years(known, 1)).days <= 2
    assert _weekdays(ends)
    assert 365 <= (add_years(known, 1) - known).days <= 366


# ---- services ------------------------------------------------------------------------------


@pytest.fixture
def team(cast):
    relations = create_user(
        username="relations",
        password=PASSWORD,
        display_name="周劳动",
        roles=[Role.LABOUR_RELATIONS],
    )
    legal = create_user(
        username="legal", password=PASSWORD, display_name="钱法务", roles=[Role.LEGAL]
    )
    assign_client(client_id=cast.client_a.pk, user=relations)
    return relations, legal


def _case(cast, relations, **kw):
    values = {
        "actor": relations,
        "client": cast.client_a,
        "person": cast.person_a,
        "category": "dismissal",
        "title": "违法解除劳动合同",
        "description": "员工主张公司违法解除劳动合同，要求赔偿。",
        "demands": "违法解除赔偿金 24000\n未休年假工资 3000.50",
        "known_on": "2025-10-01",
    }
    values.update(kw)
    return services.open_case(**values)


@pytest.mark.django_db
def test_it_opens_a_case_with_demands_and_the_limitation_deadline(cast, team):
    relations, _legal = team
    case = _case(cast, relations)
    assert case.number.startswith("LD")
    assert case.owner == relations  # the labour-relations specialist serving client A
    assert case.claimant == cast.person_a.name
    assert case.demands == [
        {"item": "违法解除赔偿金", "amount": "24000.00"},
        {"item": "未休年假工资", "amount": "3000.50"},
    ]
    assert case.claimed_total == Decimal("27000.50")
    # 2025-10-01 + 1 year = 2026-10-01, inside the National Day holiday (1–7 October 2026):
    # the period ends on the first working day after it, 2026-10-08. That day has passed, so
    # no deadline is opened (the page shows 已届满).
    assert case.limitation_ends_on == dt.date(2026, 10, 8)
    assert case.limitation_deadline_id is None
    # Known 2026-08-20 → last day Friday 2027-08-20, due 23:59, warned 30 days before.
    recent = _case(cast, relations, known_on="2026-08-20")
    assert recent.limitation_ends_on == dt.date(2027, 8, 20)
    deadline = Deadline.objects.get(pk=recent.limitation_deadline_id)
    assert deadline.kind == "disputes.limitation"
    assert deadline.owner == relations
    assert timezone.localtime(deadline.due_at) == dt.datetime(2027, 8, 20, 23, 59, tzinfo=TZ)
    assert deadline.due_at - deadline.warn_at == dt.timedelta(days=30)
    assert AuditLog.objects.filter(action="disputes.case_open", client=cast.client_a).count() == 2


@pytest.mark.django_db
def test_it_refuses_bad_input_field_by_field(cast, team):
    relations, _legal = team
    with pytest.raises(InvalidFields) as caught:
        _case(cast, relations, category="x", title="", demands="赔偿金 12.345", known_on="2099-1-1")
    fields = caught.value.by_field()
    assert set(fields) >= {"category", "title", "demands", "known_on"}
    with pytest.raises(InvalidFields) as caught:
        _case(cast, relations, person=cast.person_b)
    assert "person" in caught.value.by_field()


@pytest.mark.django_db
def test_it_needs_legal_support_before_arbitration_and_schedules_hearing_preparation(cast, team):
    relations, legal = team
    case = _case(cast, relations, known_on="2026-08-20")
    with pytest.raises(ServiceError, match="先指派法务"):
        services.change_stage(actor=relations, case=case, stage="arbitration")
    services.assign_legal(actor=relations, case=case, legal=legal)
    case = services.change_stage(actor=relations, case=case, stage="arbitration")
    assert case.stage == "arbitration"
    # Applying for arbitration meets the limitation deadline.
    assert Deadline.objects.get(pk=case.limitation_deadline_id).status == Deadline.Status.MET
    with pytest.raises(ServiceError, match="不能退回"):
        services.change_stage(actor=relations, case=case, stage="mediation")
    # Hearing on Monday 2027-03-15 09:30: preparation due Friday 2027-03-12 18:00, for legal.
    hearing = hearings.add_hearing(
        actor=relations,
        case=case,
        kind="arbitration",
        at=dt.datetime(2027, 3, 15, 9, 30, tzinfo=TZ),
        place="区劳动人事争议仲裁院第三庭",
    )
    deadline = hearing.deadline
    assert deadline.kind == "disputes.hearing"
    assert deadline.owner == legal
    assert timezone.localtime(deadline.due_at) == dt.datetime(2027, 3, 12, 18, 0, tzinfo=TZ)
    hearings.confirm_hearing_ready(actor=legal, hearing=hearing)
    deadline.refresh_from_db()
    assert deadline.status == Deadline.Status.MET


@pytest.mark.django_db
def test_it_refuses_a_hearing_in_the_past(cast, team):
    relations, _legal = team
    case = _case(cast, relations)
    with pytest.raises(InvalidFields) as caught:
        hearings.add_hearing(
            actor=relations,
            case=case,
            kind="mediation",
            at=timezone.now() - dt.timedelta(hours=1),
        )
    assert "at" in caught.value.by_field()


@pytest.mark.django_db
def test_it_closes_the_case_with_its_outcome(cast, team):
    relations, legal = team
    case = _case(cast, relations, known_on="2026-08-20")
    services.assign_legal(actor=relations, case=case, legal=legal)
    services.change_stage(actor=relations, case=case, stage="mediation")
    hearing = hearings.add_hearing(
        actor=relations,
        case=case,
        kind="mediation",
        at=dt.datetime(2027, 3, 15, 9, 30, tzinfo=TZ),
    )
    with pytest.raises(InvalidFields) as caught:
        services.record_outcome(actor=relations, case=case, outcome="award")
    assert "未进入仲裁" in caught.value.by_field()["outcome"]
    case = services.record_outcome(
        actor=relations,
        case=case,
        outcome="mediated",
        amount_awarded="15,000.00",
        amount_paid="15000",
        cost_to_client="¥2,500.50",
        lessons="解除前应完成书面通知和工会程序。",
    )
    assert case.stage == DisputeCase.Stage.CLOSED
    assert case.amount_awarded == Decimal("15000.00")
    assert case.cost_to_client == Decimal("2500.50")
    assert case.closed_at is not None
    # The hearing's preparation is no longer due; the limitation is settled (met).
    hearing.deadline.refresh_from_db()
    assert hearing.deadline.status == Deadline.Status.CANCELLED
    assert Deadline.objects.get(pk=case.limitation_deadline_id).status == Deadline.Status.MET
    with pytest.raises(ServiceError, match="已结案"):
        services.record_outcome(actor=relations, case=case, outcome="withdrawn")


@pytest.mark.django_db
def test_it_stores_evidence_privately_and_checks_the_file(cast, team):
    relations, _legal = team
    case = _case(cast, relations)
    document = documents.add_document(
        actor=relations,
        case=case,
        kind="evidence",
        file=ContentFile(TINY_PDF, name="解除通知书.pdf"),
    )
    assert document.file.name.startswith(f"private/disputes/{cast.client_a.pk}/{case.pk}/")
    assert "解除通知书" not in document.file.name
    with pytest.raises(InvalidFields) as caught:
        documents.add_document(
            actor=relations,
            case=case,
            kind="evidence",
            file=ContentFile(b"MZ not a pdf", name="evil.pdf"),
        )
    assert "不符" in caught.value.by_field()["file"]


@pytest.mark.django_db
def test_it_lets_client_hr_consult_and_read_only_their_own_cases(cast, team, as_user):
    relations, _legal = team
    case_b = services.open_case(
        actor=cast.admin,
        client=cast.client_b,
        category="wages",
        title="加班费争议",
        description="员工主张加班费。",
    )
    consultation = services.submit_consultation(
        actor=cast.hr_a,
        category="contract",
        title="试用期延长是否合法",
        description="我司想延长一名员工的试用期。",
    )
    assert consultation.client == cast.client_a
    assert consultation.owner == relations
    assert consultation.stage == "consultation"
    # HR A sees its own case only; HR B sees only B's; the employee sees none.
    assert list(cases_for(cast.hr_a)) == [consultation]
    assert list(cases_for(cast.hr_b)) == [case_b]
    assert not cases_for(cast.employee_a).exists()
    # Read-only: HR may not handle a case.
    with pytest.raises(PermissionDenied):
        documents.add_note(actor=cast.hr_a, case=consultation, text="我来补充")
    http = as_user(cast.hr_a)
    page = http.get(f"/disputes/{consultation.pk}/").content.decode()
    assert "试用期延长是否合法" in page
    assert "结案</button>" not in page
    assert http.get(f"/disputes/{case_b.pk}/").status_code == 404
    response = http.post(
        "/disputes/consult/",
        {"category": "dismissal", "title": "员工旷工三天", "description": "能否解除？"},
    )
    assert response.status_code == 302
    assert DisputeCase.objects.filter(title="员工旷工三天", client=cast.client_a).exists()
    # The client's timeline shows the consultation but not internal notes.
    visible = client_visible_actions()
    assert "disputes.consultation" in visible
    assert "disputes.note_add" not in visible


@pytest.mark.django_db
def test_it_hides_cases_of_other_clients_from_reps_and_hr(cast, team, as_user):
    relations, _legal = team
    case = _case(cast, relations)
    assert cases_for(cast.rep_a).filter(pk=case.pk).exists()
    assert not cases_for(cast.rep_b).filter(pk=case.pk).exists()
    assert as_user(cast.hr_b).get(f"/api/disputes/cases/{case.pk}").status_code == 404
    assert as_user(cast.rep_b).get(f"/disputes/{case.pk}/").status_code == 404
    # A rep may look but not handle.
    with pytest.raises(PermissionDenied):
        services.change_stage(actor=cast.rep_a, case=case, stage="mediation")


@pytest.mark.django_db
def test_it_counts_cases_by_category_and_outcome(cast, team):
    relations, _legal = team
    a = _case(cast, relations)
    b = _case(cast, relations, category="wages", demands="拖欠工资 8000", known_on="")
    _case(cast, relations, category="wages", demands="加班费 1200.25", known_on="")
    services.record_outcome(
        actor=relations, case=a, outcome="withdrawn", cost_to_client="0", amount_paid="0"
    )
    services.record_outcome(
        actor=relations, case=b, outcome="mediated", amount_awarded="6000", amount_paid="6000"
    )
    today = timezone.localdate()
    stats = statistics(relations, today, today)
    lines = {line["category"]: line for line in stats["lines"]}
    labels = [code for code, _ in stats["outcomes"]]
    assert lines["dismissal"]["n"] == 1
    assert lines["dismissal"]["counts"][labels.index("withdrawn")] == 1
    assert lines["wages"]["n"] == 2
    assert lines["wages"]["counts"][labels.index("")] == 1  # still open
    assert lines["wages"]["counts"][labels.index("mediated")] == 1
    assert lines["wages"]["claimed"] == Decimal("9200.25")
    assert lines["wages"]["paid"] == Decimal("6000")
    assert stats["totals"]["n"] == 3
    assert stats["totals"]["claimed"] == Decimal("36200.75")


@pytest.mark.django_db
def test_it_works_through_the_api(cast, team, as_user):
    relations, legal = team
    http = as_user(relations)
    response = http.post(
        "/api/disputes/cases",
        data=json.dumps(
            {
                "client_id": cast.client_a.pk,
                "category": "insurance_benefits",
                "title": "未足额缴纳社保",
                "description": "员工要求补缴。",
                "demands": [{"item": "补缴社保", "amount": "5200.00"}],
                "known_on": "2025-03-10",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["limitation_ends_on"] == "2026-03-10"
    assert body["claimed_total"] == "5200.00"
    case_id = body["id"]
    refused = http.post(
        f"/api/disputes/cases/{case_id}/stage",
        data=json.dumps({"stage": "arbitration"}),
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "法务" in refused.json()["detail"]
    ok = http.post(
        f"/api/disputes/cases/{case_id}/legal",
        data=json.dumps({"user_id": legal.pk}),
        content_type="application/json",
    )
    assert ok.status_code == 200
    assert ok.json()["legal"] == "钱法务"
    listed = http.get("/api/disputes/cases?stage=open").json()
    assert [c["id"] for c in listed["items"]] == [case_id]
    assert as_user(cast.hr_b).get("/api/disputes/cases").json()["items"] == []


@pytest.mark.django_db
def test_it_seeds_the_demo(cast, team):
    import random

    from hragency.disputes.demo import seed_demo

    relations, legal = team
    today = timezone.localdate()
    seed_demo(
        clients=[cast.client_a, cast.client_b],
        users={"admin": cast.admin, "relations": relations, "legal": legal},
        rng=random.Random(1),
        today=today,
    )
    arbitration = DisputeCase.objects.get(client=cast.client_a)
    assert arbitration.stage == "arbitration" and arbitration.legal == legal
    hearing = arbitration.hearings.get()
    assert 7 <= (timezone.localtime(hearing.at).date() - today).days <= 9
    assert DisputeCase.objects.get(client=cast.client_b).outcome == "mediated"


@pytest.mark.django_db
def test_it_lists_cases_in_a_bounded_number_of_queries(cast, team, as_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    relations, _legal = team
    http = as_user(relations)
    _case(cast, relations)
    with CaptureQueriesContext(connection) as few:
        assert http.get("/disputes/").status_code == 200
    for _ in range(5):
        _case(cast, relations, known_on="")
    with CaptureQueriesContext(connection) as many:
        page = http.get("/disputes/?stage=open").content.decode()
    assert page.count("违法解除劳动合同") == 6
    assert len(many) == len(few)
