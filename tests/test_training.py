"""Training programmes for clients (R-SVC-2): needs → resources → sessions → evaluation, bulk
enrolment, attendance and the programme summary, and scoping."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hragency.core.errors import InvalidFields, ServiceError
from hragency.core.models import AuditLog, Notification
from hragency.training import roster, services
from hragency.training.models import Enrolment, Session, TrainingProgramme
from hragency.training.queries import summary_of
from tests.conftest import Cast
from tests.sweep_training import programme, session, trainer


def test_it_takes_a_training_need_from_the_portal(cast: Cast, as_user: Any) -> None:
    user = trainer(cast)
    http = as_user(cast.hr_a)
    response = http.post(
        "/training/",
        {
            "title": "安全生产培训",
            "needs": "车间新员工安全意识薄弱",
            "audience": "车间员工",
            "format": "onsite",
        },
    )
    prog = TrainingProgramme.objects.get(title="安全生产培训")
    assert response.status_code == 302 and response["Location"] == f"/training/{prog.pk}/"
    assert prog.number.startswith("PX")
    assert (prog.client, prog.owner, prog.requested_by, prog.status) == (
        cast.client_a,
        user,
        cast.hr_a,
        "needs",
    )
    assert Notification.objects.filter(recipient=user, title__contains=prog.number).exists()
    # Missing fields come back on the form.
    response = http.post("/training/", {"title": "", "needs": ""})
    assert response.status_code == 400 and "必填" in response.content.decode()
    # HR B cannot request for client A through the API.
    response = as_user(cast.hr_b).post(
        "/api/training/programmes",
        data={"client_id": cast.client_a.pk, "title": "x", "needs": "y"},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_it_keeps_the_steps_in_order(cast: Cast) -> None:
    user = trainer(cast)
    prog = programme(cast, resources=False)
    start = timezone.now() + dt.timedelta(days=2)
    with pytest.raises(ServiceError, match="请先配置培训资源"):
        services.schedule_session(
            actor=user,
            programme=prog,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            capacity=10,
            place="A",
        )
    with pytest.raises(InvalidFields) as refused:
        services.plan_resources(actor=user, programme=prog, venue="A")
    assert "trainer_id" in refused.value.by_field()
    services.plan_resources(
        actor=user, programme=prog, external_trainer="李律师（外聘）", budget="¥2,500.50"
    )
    prog.refresh_from_db()
    assert prog.status == "resources" and prog.budget == Decimal("2500.50")
    assert prog.trainer_label == "李律师（外聘）（外部）"
    with pytest.raises(ServiceError, match="培训实施"):
        services.evaluate_programme(actor=user, programme=prog, reaction="a", learning="b")
    with pytest.raises(InvalidFields) as refused:
        services.schedule_session(
            actor=user, programme=prog, starts_at=start, ends_at=start, capacity=0
        )
    assert set(refused.value.by_field()) == {"ends_at", "capacity", "place"}
    future = services.schedule_session(
        actor=user,
        programme=prog,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        capacity=10,
        place="A",
    )
    with pytest.raises(ServiceError, match="尚未开始"):
        roster.mark_attendance(actor=user, session=future, attended_ids=[])
    with pytest.raises(ServiceError, match="请先登记出勤"):
        roster.record_results(actor=user, session=future, results={})
    # Only trainers manage; the client's HR may not plan resources.
    with pytest.raises(PermissionDenied):
        services.plan_resources(actor=cast.hr_a, programme=prog, external_trainer="x")


def test_it_tells_the_client_hr_of_a_scheduled_session(cast: Cast) -> None:
    prog = programme(cast)
    start = dt.datetime(2026, 12, 15, 14, 0, tzinfo=timezone.get_current_timezone())
    sess = session(cast, prog, starts_at=start)
    prog.refresh_from_db()
    assert prog.status == "scheduled"
    note = Notification.objects.get(recipient=cast.hr_a, title__startswith="培训排课")
    assert note.title == "培训排课：新员工劳动法规培训 2026-12-15 14:00"
    assert note.link == f"/training/sessions/{sess.pk}/"
    assert not Notification.objects.filter(
        recipient=cast.hr_b, title__startswith="培训排课"
    ).exists()


def test_it_enrols_in_bulk_within_the_capacity(cast: Cast) -> None:
    user = trainer(cast)
    prog = programme(cast)
    sess = session(cast, prog, capacity=5)
    roster.enrol(actor=user, session=sess, names=["旁听"])  # warms the permission caches
    with CaptureQueriesContext(connection) as one:
        roster.enrol(actor=user, session=sess, person_ids=[cast.person_a.pk])
    with CaptureQueriesContext(connection) as many:
        created = roster.enrol(
            actor=user,
            session=sess,
            person_ids=[cast.person_a.pk, cast.person_a2.pk],
            names=["外聘顾问王某"],
        )
    # Set-based: the same number of queries for one person or several.
    assert len(many) == len(one)
    assert sorted(e.participant_name for e in created) == sorted(
        [cast.person_a2.name, "外聘顾问王某"]
    )
    assert sess.enrolments.count() == 4  # person A was skipped the second time
    with pytest.raises(InvalidFields, match="只能报名本客户"):
        roster.enrol(actor=user, session=sess, person_ids=[cast.person_b.pk])
    with pytest.raises(ServiceError, match="超出人数上限：已报名 4 人，本次 2 人，上限 5 人"):
        roster.enrol(actor=user, session=sess, names=["甲", "乙"])
    # The client's HR may enrol its own people; HR B may not touch it.
    roster.enrol(actor=cast.hr_a, session=sess, names=["丙"])
    with pytest.raises(PermissionDenied):
        roster.enrol(actor=cast.hr_b, session=sess, names=["丁"])


def test_it_computes_attendance_and_the_programme_summary(cast: Cast, as_user: Any) -> None:
    user = trainer(cast)
    prog = programme(cast)
    first = session(cast, prog)
    roster.enrol(
        actor=user,
        session=first,
        person_ids=[cast.person_a.pk, cast.person_a2.pk],
        names=["学员甲", "学员乙"],
    )
    second = session(cast, prog, starts_at=timezone.now() - dt.timedelta(hours=1))
    roster.enrol(actor=user, session=second, names=["学员丙", "学员丁"])
    rows = {e.participant_name: e for e in Enrolment.objects.filter(session=first)}
    roster.mark_attendance(
        actor=user,
        session=first,
        attended_ids=[rows[cast.person_a.name].pk, rows[cast.person_a2.name].pk, rows["学员甲"].pk],
    )
    prog.refresh_from_db()
    assert prog.status == "scheduled"  # the second session is still waiting
    # Absentees get no scores.
    with pytest.raises(InvalidFields, match="缺勤"):
        roster.record_results(
            actor=user, session=first, results={rows["学员乙"].pk: {"satisfaction": 5}}
        )
    roster.record_results(
        actor=user,
        session=first,
        results={
            rows[cast.person_a.name].pk: {"satisfaction": "5", "score": "90"},
            rows[cast.person_a2.name].pk: {"satisfaction": "4", "score": "59"},
            rows["学员甲"].pk: {"satisfaction": "3", "score": "60", "comment": "案例再多些"},
        },
    )
    summary = summary_of(prog)
    assert (summary.enrolled, summary.marked, summary.attended) == (4, 4, 3)
    assert summary.attendance_rate == Decimal("75.0")  # 3 of 4
    assert summary.average_satisfaction == Decimal("4.00")  # (5 + 4 + 3) ÷ 3
    assert (summary.scored, summary.passed) == (3, 2)  # 90 and 60 pass at 60; 59 fails
    assert summary.pass_rate == Decimal("66.7")

    second_rows = {e.participant_name: e for e in Enrolment.objects.filter(session=second)}
    roster.mark_attendance(actor=user, session=second, attended_ids=[second_rows["学员丙"].pk])
    prog.refresh_from_db()
    assert prog.status == "delivered"
    summary = summary_of(prog)
    assert summary.attendance_rate == Decimal("66.7")  # 4 of 6
    assert summary.average_satisfaction == Decimal("4.00")  # 学员丙 not rated yet
    services.evaluate_programme(
        actor=user,
        programme=prog,
        reaction="平均满意度 4.00",
        learning="通过率 66.7%",
        behaviour="",
        results="",
    )
    prog.refresh_from_db()
    assert prog.status == "evaluated"
    page = as_user(cast.hr_a).get(f"/training/{prog.pk}/").content.decode()
    assert "75.0" not in page and "66.7%（4/6）" in page and "4.00 / 5（3 人评分）" in page
    data = as_user(cast.hr_a).get(f"/api/training/programmes/{prog.pk}").json()
    assert data["summary"]["attendance_rate"] == "66.7" and data["summary"]["pass_rate"] == "66.7"
    assert AuditLog.objects.filter(action="training.attendance", client=cast.client_a).count() == 2


def test_it_lets_client_b_hr_see_nothing_of_client_a(cast: Cast, as_user: Any) -> None:
    prog = programme(cast)
    sess = session(cast, prog)
    roster.enrol(actor=trainer(cast), session=sess, person_ids=[cast.person_a.pk])
    http = as_user(cast.hr_b)
    assert http.get(f"/training/{prog.pk}/").status_code == 404
    assert http.get(f"/training/sessions/{sess.pk}/").status_code == 404
    assert http.get("/api/training/programmes").json()["items"] == []
    assert http.get(f"/api/training/sessions/{sess.pk}").status_code == 404
    assert prog.number not in http.get("/training/").content.decode()
    assert as_user(cast.rep_b).get(f"/api/training/programmes/{prog.pk}").status_code == 404
    assert as_user(cast.employee_a).get("/training/").status_code == 403
    # HR A sees the roster but may not take attendance.
    assert (
        cast.person_a.name
        in as_user(cast.hr_a).get(f"/training/sessions/{sess.pk}/").content.decode()
    )
    response = as_user(cast.hr_a).post(
        f"/training/sessions/{sess.pk}/attendance/", {"attended": []}
    )
    assert response.status_code == 403


def test_it_walks_a_programme_through_the_api_and_the_session_page(
    cast: Cast, as_user: Any
) -> None:
    user = trainer(cast)
    api = as_user(user)

    def post(path: str, payload: dict[str, Any], who: Any = api) -> Any:
        response = who.post(f"/api/training/{path}", data=payload, content_type="application/json")
        assert response.status_code in (200, 201), response.content
        return response.json()

    created = post(
        "programmes",
        {"client_id": cast.client_a.pk, "title": "沟通技巧", "needs": "客服投诉多"},
        as_user(cast.hr_a),
    )
    pid = created["id"]
    post(f"programmes/{pid}/resources", {"trainer_id": user.pk, "venue": "线上", "budget": "1200"})
    start = timezone.localtime(timezone.now() - dt.timedelta(hours=2))
    data = post(
        f"programmes/{pid}/sessions",
        {
            "starts_at": f"{start:%Y-%m-%d %H:%M}",
            "ends_at": f"{start + dt.timedelta(hours=1):%Y-%m-%d %H:%M}",
            "capacity": 20,
            "online_link": "https://meeting.example.cn/123",
        },
    )
    sid = data["sessions"][0]["id"]
    # The client's HR enrols its people on the session page (bulk select).
    response = as_user(cast.hr_a).post(
        f"/training/sessions/{sid}/enrol/",
        {"person_ids": [cast.person_a.pk, cast.person_a2.pk], "names": "外部学员"},
    )
    assert response.status_code == 302
    roster = api.get(f"/api/training/sessions/{sid}").json()["enrolments"]
    assert len(roster) == 3
    ids = [e["id"] for e in roster]
    data = post(f"sessions/{sid}/attendance", {"attended": ids[:2]})
    assert [e["attended"] for e in data["enrolments"]] == [True, True, False]
    data = post(
        f"sessions/{sid}/results",
        {
            "results": [
                {"enrolment_id": ids[0], "satisfaction": 5, "score": 80},
                {"enrolment_id": ids[1], "satisfaction": 4, "score": 40},
            ]
        },
    )
    detail = api.get(f"/api/training/programmes/{pid}").json()
    assert detail["status"] == "delivered"
    assert detail["summary"]["attendance_rate"] == "66.7"
    assert detail["summary"]["average_satisfaction"] == "4.50"
    assert detail["summary"]["pass_rate"] == "50.0"
    post(f"programmes/{pid}/evaluate", {"reaction": "满意", "learning": "一半通过"})
    bad = api.post(
        f"/api/training/programmes/{pid}/cancel",
        data={"reason": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "已评估" in bad.json()["detail"]


def test_it_checks_uploaded_materials(cast: Cast, as_user: Any) -> None:
    user = trainer(cast)
    prog = programme(cast)
    with pytest.raises(InvalidFields, match="文件内容与扩展名"):
        services.add_material(
            actor=user,
            programme=prog,
            file=SimpleUploadedFile("a.pdf", b"<html>", content_type="application/pdf"),
        )
    material = services.add_material(
        actor=user,
        programme=prog,
        file=SimpleUploadedFile("课件.pdf", b"%PDF-1.7 x", content_type="application/pdf"),
    )
    assert material.file.name.startswith(f"private/training/{cast.client_a.pk}/")
    response = as_user(cast.hr_a).get(f"/training/materials/{material.pk}/")
    assert response.status_code == 200 and response.content == b"%PDF-1.7 x"
    assert as_user(cast.hr_b).get(f"/training/materials/{material.pk}/").status_code == 404


def test_it_cancels_a_programme_and_its_waiting_sessions(cast: Cast) -> None:
    prog = programme(cast)
    sess = session(cast, prog, starts_at=timezone.now() + dt.timedelta(days=3))
    services.cancel_programme(actor=cast.hr_a, programme=prog, reason="预算取消")
    sess.refresh_from_db()
    assert sess.status == Session.Status.CANCELLED
    with pytest.raises(ServiceError, match="已取消"):
        roster.enrol(actor=trainer(cast), session=sess, names=["甲"])
