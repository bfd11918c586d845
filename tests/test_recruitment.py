"""Recruitment outsourcing (R-SVC-1): the 2 h contact and 24 h shortlist deadlines, the stage
order, the client's side and its scoping, the evaluation figures."""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hragency.core.errors import InvalidFields, ServiceError
from hragency.core.models import AuditLog, Deadline, Notification
from hragency.recruitment import pipeline, services
from hragency.recruitment.models import Application, Requisition
from hragency.recruitment.report import recruitment_report, requisition_figures
from tests.conftest import Cast
from tests.sweep_recruitment import candidate, recruiter, requisition

BJ = ZoneInfo("Asia/Shanghai")


def _deadline(req: Requisition, kind: str) -> Deadline:
    return Deadline.objects.get(
        subject_type="recruitment.requisition", subject_id=str(req.pk), kind=kind
    )


def test_it_opens_the_contact_and_shortlist_deadlines_round_the_clock(cast: Cast) -> None:
    user = recruiter(cast)
    # Friday 2026-12-04 17:30 Beijing time, just before the office closes.
    asked = dt.datetime(2026, 12, 4, 17, 30, tzinfo=BJ)
    req = requisition(cast, requested_at=asked, to_screening=False)
    assert req.number.startswith("ZP20261204")
    assert req.recruiter == user
    contact = _deadline(req, "recruitment.contact")
    shortlist = _deadline(req, "recruitment.shortlist")
    # 004: 2 hours and 24 hours, counted round the clock (not working hours).
    assert timezone.localtime(contact.due_at) == dt.datetime(2026, 12, 4, 19, 30, tzinfo=BJ)
    assert timezone.localtime(contact.warn_at) == dt.datetime(2026, 12, 4, 19, 0, tzinfo=BJ)
    assert timezone.localtime(shortlist.due_at) == dt.datetime(2026, 12, 5, 17, 30, tzinfo=BJ)
    assert contact.owner == user and shortlist.owner == user
    assert contact.client_id == cast.client_a.pk
    assert Notification.objects.filter(recipient=user, title__contains=req.number).exists()

    services.record_contact(
        actor=user,
        requisition=req,
        note="已电话确认",
        at=dt.datetime(2026, 12, 4, 18, 10, tzinfo=BJ),
    )
    contact.refresh_from_db()
    assert contact.status == Deadline.Status.MET
    services.save_jd(actor=user, requisition=req, jd="岗位职责……")
    services.save_plan(
        actor=user,
        requisition=req,
        plan_start="2026-12-05",
        plan_end="2026-12-20",
        plan_note="网站",
    )
    services.add_channel(actor=user, requisition=req, name="招聘网站", cost="0")
    app = candidate(cast, req)
    shortlist.refresh_from_db()
    assert shortlist.status == Deadline.Status.OPEN  # a candidate in screening is not a shortlist
    pipeline.shortlist(actor=user, application=app, note="匹配")
    shortlist.refresh_from_db()
    # Sent now (2026-12-07 or later): after the 24 h, so late.
    assert shortlist.status == Deadline.Status.LATE
    req.refresh_from_db()
    assert req.shortlist_sent_at is not None
    # The client's HR is told about the shortlist.
    assert Notification.objects.filter(recipient=cast.hr_a, title__startswith="推荐人选").exists()


def test_it_closes_the_shortlist_deadline_as_met_within_24_hours(cast: Cast) -> None:
    req = requisition(cast)
    app = candidate(cast, req)
    pipeline.shortlist(actor=recruiter(cast), application=app, note="匹配")
    assert _deadline(req, "recruitment.shortlist").status == Deadline.Status.MET
    assert _deadline(req, "recruitment.contact").status == Deadline.Status.MET


def test_it_enforces_the_requisition_stage_order(cast: Cast) -> None:
    user = recruiter(cast)
    req = requisition(cast, to_screening=False)
    with pytest.raises(ServiceError, match="请先联系客户"):
        services.save_jd(actor=user, requisition=req, jd="……")
    services.record_contact(actor=user, requisition=req, note="已确认")
    with pytest.raises(ServiceError, match="请先编写岗位说明书"):
        services.save_plan(
            actor=user,
            requisition=req,
            plan_start="2026-12-01",
            plan_end="2026-12-02",
            plan_note="x",
        )
    services.save_jd(actor=user, requisition=req, jd="……")
    with pytest.raises(ServiceError, match="请先制定招聘计划"):
        services.add_channel(actor=user, requisition=req, name="网站", cost="0")
    with pytest.raises(ServiceError, match="请先发布招聘渠道"):
        candidate(cast, req)
    with pytest.raises(ServiceError, match="已记录过联系客户"):
        services.record_contact(actor=user, requisition=req, note="again")
    req.refresh_from_db()
    assert req.stage == Requisition.Stage.PLAN


def test_it_enforces_the_candidate_stage_order_and_reasons(cast: Cast) -> None:
    user = recruiter(cast)
    req = requisition(cast)
    app = candidate(cast, req)
    # Cannot hire, offer or take feedback before the client's interview.
    with pytest.raises(ServiceError, match="须先经客户面试"):
        pipeline.confirm_hire(actor=cast.hr_a, application=app, hire_date="2026-12-10")
    with pytest.raises(ServiceError, match="客户面试通过的候选人"):
        pipeline.make_offer(actor=cast.hr_a, application=app)
    with pytest.raises(ServiceError, match="只有已推荐的候选人"):
        pipeline.schedule_interview(
            actor=user, application=app, at="2026-12-09 10:00", place="会议室", interviewer="王经理"
        )
    # A rejection needs a reason.
    with pytest.raises(InvalidFields) as refused:
        pipeline.reject(actor=user, application=app, reason="  ")
    assert refused.value.by_field() == {"reason": "必填"}
    pipeline.shortlist(actor=user, application=app, note="匹配")
    pipeline.schedule_interview(
        actor=cast.hr_a,
        application=app,
        at="2026-12-09T10:00",
        place="会议室",
        interviewer="王经理",
    )
    with pytest.raises(ServiceError, match="客户面试通过后才能录用"):
        pipeline.make_offer(actor=cast.hr_a, application=app)
    # Failing the interview needs the comment, which becomes the reason.
    with pytest.raises(InvalidFields) as refused:
        pipeline.record_feedback(actor=cast.hr_a, application=app, result="fail", comment="")
    assert "comment" in refused.value.by_field()
    pipeline.record_feedback(
        actor=cast.hr_a, application=app, result="fail", comment="沟通能力不足"
    )
    app.refresh_from_db()
    assert app.stage == Application.Stage.REJECTED
    assert app.reason == "客户面试未通过：沟通能力不足"
    with pytest.raises(ServiceError, match="未通过，不能再变更"):
        pipeline.reject(actor=user, application=app, reason="x")


def test_it_walks_a_hire_to_the_filled_requisition_and_the_person_record(cast: Cast) -> None:
    from hragency.domain.idcard import make_id_number
    from hragency.employees.models import InsuredPerson

    user = recruiter(cast)
    req = requisition(cast)
    app = candidate(cast, req, name="赵录用")
    pipeline.shortlist(actor=user, application=app, note="匹配")
    pipeline.schedule_interview(
        actor=user, application=app, at="2026-12-09 10:00", place="会议室", interviewer="王经理"
    )
    pipeline.record_feedback(actor=cast.hr_a, application=app, result="pass", comment="很好")
    pipeline.make_offer(actor=cast.hr_a, application=app)
    pipeline.confirm_hire(actor=cast.hr_a, application=app, hire_date="2026-12-15")
    req.refresh_from_db()
    assert req.status == Requisition.Status.FILLED
    assert req.stage == Requisition.Stage.EVALUATION
    assert req.filled_at is not None
    # The recruiter cannot create the archive record (no employees permission); the HR can.
    id_number = make_id_number(
        region_code="310115", birth_date=dt.date(1995, 6, 1), sequence=21, gender="M"
    )
    with pytest.raises(PermissionDenied):
        pipeline.create_person_for_hire(actor=user, application=app, id_number=id_number)
    pipeline.create_person_for_hire(actor=cast.hr_a, application=app, id_number=id_number)
    app.refresh_from_db()
    person = InsuredPerson.objects.get(pk=app.person_id)
    assert (person.name, person.client_id, person.status) == (
        "赵录用",
        cast.client_a.pk,
        "onboarding",
    )
    assert person.position == "行政专员" and person.hire_date == dt.date(2026, 12, 15)
    assert person.phone == "13912345678"
    with pytest.raises(ServiceError, match="已为该人员建立"):
        pipeline.create_person_for_hire(actor=cast.hr_a, application=app, id_number=id_number)


def _hire(cast: Cast, req: Requisition, name: str, phone: str, probation: str) -> Application:
    user = recruiter(cast)
    app = candidate(cast, req, name=name, phone=phone)
    pipeline.shortlist(actor=user, application=app, note="匹配")
    pipeline.schedule_interview(
        actor=user, application=app, at="2026-12-09 10:00", place="会议室", interviewer="王经理"
    )
    pipeline.record_feedback(actor=cast.hr_a, application=app, result="pass", comment="")
    pipeline.make_offer(actor=cast.hr_a, application=app)
    pipeline.confirm_hire(actor=cast.hr_a, application=app, hire_date="2026-12-15")
    pipeline.record_probation(actor=cast.hr_a, application=app, result=probation)
    return app


def test_it_computes_the_evaluation_figures(cast: Cast) -> None:
    user = recruiter(cast)
    asked = timezone.now() - dt.timedelta(days=10)
    req = requisition(
        cast,
        headcount=3,
        requested_at=asked,
        cost="1200.00",
        contact_at=asked + dt.timedelta(minutes=90),
    )
    services.add_channel(actor=user, requisition=req, name="现场招聘会", cost="800.50")
    for i, result in enumerate(["pass", "pass", "fail"]):
        _hire(cast, req, f"录用{i}", f"1390000000{i}", result)
    req.refresh_from_db()
    assert req.status == Requisition.Status.FILLED
    with pytest.raises(InvalidFields):
        services.evaluate_requisition(actor=cast.hr_a, requisition=req, satisfaction=6)
    services.evaluate_requisition(actor=cast.hr_a, requisition=req, satisfaction=4, note="满意")
    figures = requisition_figures(req)
    assert figures.time_to_fill == 10
    assert figures.hires == 3
    assert figures.channel_cost == Decimal("2000.50")
    assert figures.cost_per_hire == Decimal("666.83")  # 2000.50 ÷ 3 = 666.8333…
    assert figures.probation_pass_rate == Decimal("66.7")  # 2 of 3
    assert figures.satisfaction == 4
    # Contact 90 min after the request (met); the shortlist 10 days after it (late).
    assert figures.contact_on_time is True and figures.shortlist_on_time is False

    # A second requisition of the same recruiter, still open, with one hire, not filled.
    other = requisition(cast, headcount=2, cost="300.00")
    _hire(cast, other, "录用X", "13900000009", "pass")
    report = recruitment_report(
        cast.admin, timezone.localdate() - dt.timedelta(days=30), timezone.localdate()
    )
    total = report.total
    assert (total.requested, total.filled, total.hires) == (2, 1, 4)
    assert total.channel_cost == Decimal("2300.50")
    assert total.cost_per_hire == Decimal("575.13")  # 2300.50 ÷ 4 = 575.125 → half-up
    assert total.avg_time_to_fill == Decimal("10.0")
    assert total.avg_satisfaction == Decimal("4.00")
    assert total.probation_pass_rate == Decimal("75.0")  # 3 of 4
    assert total.contact_rate == Decimal("100.0")
    assert total.shortlist_rate == Decimal("50.0")
    assert [g.label for g in report.by_recruiter] == [str(user)]
    assert [g.label for g in report.by_client] == [cast.client_a.name]
    # rep B sees nothing of client A.
    assert (
        recruitment_report(cast.rep_b, dt.date(2026, 1, 1), dt.date(2027, 1, 1)).total.requested
        == 0
    )


def test_it_lets_client_b_hr_see_nothing_of_client_a(cast: Cast, as_user: Any) -> None:
    req = requisition(cast)
    app = candidate(cast, req)
    pipeline.shortlist(actor=recruiter(cast), application=app, note="匹配")
    http = as_user(cast.hr_b)
    assert http.get(f"/recruitment/portal/{req.pk}/").status_code == 404
    assert http.get("/api/recruitment/requisitions").json()["items"] == []
    assert http.get(f"/api/recruitment/requisitions/{req.pk}").status_code == 404
    assert http.get(f"/api/recruitment/applications/{app.pk}").status_code == 404
    response = http.post(
        f"/api/recruitment/applications/{app.pk}/feedback",
        data={"result": "pass", "comment": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404
    body = http.get("/recruitment/portal/").content.decode()
    assert req.number not in body
    # HR B cannot raise a requisition for client A either.
    response = http.post(
        "/api/recruitment/requisitions",
        data={
            "client_id": cast.client_a.pk,
            "position": "x",
            "headcount": 1,
            "salary_min": "1",
            "salary_max": "2",
        },
        content_type="application/json",
    )
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        services.submit_requisition(
            actor=cast.hr_b,
            client=cast.client_a,
            position="x",
            headcount=1,
            salary_min=1,
            salary_max=2,
        )


def test_it_shows_the_client_only_the_shortlist_with_masked_phones(
    cast: Cast, as_user: Any
) -> None:
    req = requisition(cast)
    sent = candidate(cast, req, name="孙推荐", phone="13912345678")
    candidate(cast, req, name="钱初筛", phone="13800001111")
    pipeline.shortlist(actor=recruiter(cast), application=sent, note="三年行政经验")
    http = as_user(cast.hr_a)
    body = http.get(f"/recruitment/portal/{req.pk}/").content.decode()
    assert "孙推荐" in body and "139****5678" in body
    assert "13912345678" not in body
    assert "钱初筛" not in body  # still in screening: internal
    data = http.get(f"/api/recruitment/requisitions/{req.pk}").json()
    assert [(a["candidate"], a["phone_masked"]) for a in data["applications"]] == [
        ("孙推荐", "139****5678")
    ]
    assert "13912345678" not in str(data)
    # The staff pages are not for the client.
    assert http.get(f"/recruitment/{req.pk}/").status_code == 403
    assert http.get(f"/recruitment/candidates/{sent.candidate_id}/").status_code == 403
    # The recruiter sees both, phones masked too.
    body = as_user(recruiter(cast)).get(f"/recruitment/{req.pk}/").content.decode()
    assert "钱初筛" in body and "138****1111" in body and "13800001111" not in body


def test_it_takes_a_requisition_from_the_portal(cast: Cast, as_user: Any) -> None:
    user = recruiter(cast)
    http = as_user(cast.hr_a)
    response = http.post(
        "/recruitment/portal/",
        {
            "position": "会计",
            "headcount": "2",
            "salary_min": "¥8,000",
            "salary_max": "12000",
            "location": "上海浦东",
            "requirements": "中级会计师",
            "urgency": "urgent",
        },
    )
    req = Requisition.objects.get(position="会计")
    assert response.status_code == 302 and response["Location"] == f"/recruitment/portal/{req.pk}/"
    assert (req.client, req.headcount, req.salary_min, req.salary_max) == (
        cast.client_a,
        2,
        Decimal("8000.00"),
        Decimal("12000.00"),
    )
    assert req.requested_by == cast.hr_a and req.recruiter == user
    assert AuditLog.objects.filter(
        action="recruitment.requisition_submit", client=cast.client_a
    ).exists()
    # Errors come back beside the fields.
    response = http.post(
        "/recruitment/portal/",
        {"position": "", "headcount": "0", "salary_min": "9", "salary_max": "1"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "必填" in body and "不能低于薪资下限" in body


def test_it_cancels_a_requisition_and_its_deadlines(cast: Cast) -> None:
    req = requisition(cast, to_screening=False)
    with pytest.raises(InvalidFields):
        services.cancel_requisition(actor=cast.hr_a, requisition=req, reason="")
    services.cancel_requisition(actor=cast.hr_a, requisition=req, reason="岗位取消")
    assert _deadline(req, "recruitment.contact").status == Deadline.Status.CANCELLED
    assert _deadline(req, "recruitment.shortlist").status == Deadline.Status.CANCELLED
    with pytest.raises(ServiceError, match="已取消"):
        services.record_contact(actor=recruiter(cast), requisition=req, note="x")


def test_it_refuses_a_blacklisted_client(cast: Cast) -> None:
    req = requisition(cast)
    cast.client_a.status = "blacklisted"
    cast.client_a.blacklist_reason = "伪造材料"
    cast.client_a.save()
    with pytest.raises(ServiceError, match="失信"):
        candidate(cast, req)


def test_it_walks_the_pipeline_through_the_api(cast: Cast, as_user: Any) -> None:
    user = recruiter(cast)
    hr = as_user(cast.hr_a)
    created = hr.post(
        "/api/recruitment/requisitions",
        data={
            "client_id": cast.client_a.pk,
            "position": "出纳",
            "headcount": 1,
            "salary_min": "5000",
            "salary_max": "6000",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    rid = created.json()["id"]
    api = as_user(user)

    def post(path: str, payload: dict[str, Any], who: Any = api) -> Any:
        response = who.post(
            f"/api/recruitment/{path}", data=payload, content_type="application/json"
        )
        assert response.status_code in (200, 201), response.content
        return response.json()

    assert (
        hr.post(
            f"/api/recruitment/requisitions/{rid}/contact",
            data={"note": "x"},
            content_type="application/json",
        ).status_code
        == 403
    )
    post(f"requisitions/{rid}/contact", {"note": "已确认"})
    post(f"requisitions/{rid}/jd", {"jd": "出纳职责"})
    post(
        f"requisitions/{rid}/plan",
        {"plan_start": "2026-12-08", "plan_end": "2026-12-20", "plan_note": "网站"},
    )
    data = post(f"requisitions/{rid}/channels", {"name": "招聘网站", "cost": "500"})
    assert data["stage"] == "screening"
    app = post(
        f"requisitions/{rid}/candidates",
        {"name": "吴出纳", "phone": "13700001234", "source": "招聘网站"},
    )
    assert app["phone_masked"] == "137****1234"
    aid = app["id"]
    bad = api.post(
        f"/api/recruitment/applications/{aid}/hire",
        data={"hire_date": "2026-12-20"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "客户面试" in bad.json()["detail"]
    post(f"applications/{aid}/shortlist", {"note": "匹配"})
    post(
        f"applications/{aid}/interview",
        {"at": "2026-12-10 14:00", "place": "客户会议室", "interviewer": "李总"},
        hr,
    )
    post(f"applications/{aid}/feedback", {"result": "pass", "comment": "可以"}, hr)
    post(f"applications/{aid}/offer", {}, hr)
    data = post(f"applications/{aid}/hire", {"hire_date": "2026-12-20"}, hr)
    assert data["stage"] == "hired"
    detail = hr.get(f"/api/recruitment/requisitions/{rid}").json()
    assert detail["status"] == "filled" and detail["figures"]["hires"] == 1
    assert detail["figures"]["cost_per_hire"] == "500.00"
    post(f"requisitions/{rid}/evaluate", {"satisfaction": 5, "note": "很快"}, hr)
    assert as_user(cast.hr_a).get("/api/recruitment/report").status_code == 403
    report = api.get("/api/recruitment/report").json()
    assert report["total"]["hires"] == 1 and report["total"]["avg_satisfaction"] == "5.00"


def test_it_exports_the_report_to_excel(cast: Cast, as_user: Any) -> None:
    from openpyxl import load_workbook

    req = requisition(cast)
    _hire(cast, req, "钱录用", "13900000001", "pass")
    response = as_user(cast.admin).get("/recruitment/report/excel/")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["按招聘专员", "按客户", "说明"]
    rows = list(book["按客户"].iter_rows(values_only=True))
    assert rows[1][0] == cast.client_a.name and rows[1][4] == 1  # hires
    assert rows[1][7] == 800  # cost per hire: 800.00 ÷ 1
    page = as_user(cast.admin).get("/recruitment/report/").content.decode()
    assert cast.client_a.name in page and "800.00" in page


def test_it_keeps_resumes_private_and_logs_downloads(cast: Cast, as_user: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    req = requisition(cast)
    bad = SimpleUploadedFile("cv.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(InvalidFields) as refused:
        pipeline.add_candidate(
            actor=recruiter(cast), requisition=req, name="甲", source="网站", resume=bad
        )
    assert "resume" in refused.value.by_field()
    good = SimpleUploadedFile("简历.pdf", b"%PDF-1.4 resume", content_type="application/pdf")
    app = pipeline.add_candidate(
        actor=recruiter(cast), requisition=req, name="乙", source="网站", resume=good
    )
    cand = app.candidate
    assert cand.resume.name.startswith(f"private/recruitment/{cast.client_a.pk}/")
    response = as_user(recruiter(cast)).get(f"/recruitment/candidates/{cand.pk}/resume/")
    assert response.status_code == 200 and response.content == b"%PDF-1.4 resume"
    assert AuditLog.objects.filter(action="reveal.resume").count() == 1
    assert as_user(cast.rep_b).get(f"/recruitment/candidates/{cand.pk}/resume/").status_code == 404
    assert as_user(cast.hr_a).get(f"/recruitment/candidates/{cand.pk}/resume/").status_code == 403


def test_it_seeds_the_demo(cast: Cast) -> None:
    from hragency.accounts.roles import Role
    from hragency.accounts.services import create_user
    from hragency.recruitment.demo import seed_demo
    from hragency.training.demo import seed_demo as seed_training
    from hragency.training.models import TrainingProgramme
    from hragency.training.queries import summary_of

    users = {
        "recruiter": create_user(username="recruiter", password="x" * 12, roles=[Role.RECRUITER]),
        "trainer": create_user(username="trainer", password="x" * 12, roles=[Role.TRAINER]),
        "hr_a": cast.hr_a,
    }
    seed_demo(
        clients=[cast.client_a, cast.client_b],
        users=users,
        rng=random.Random(1),
        today=timezone.localdate(),
    )
    seed_training(
        clients=[cast.client_a, cast.client_b],
        users=users,
        rng=random.Random(1),
        today=timezone.localdate(),
    )
    open_req, done = Requisition.objects.order_by("-requested_at")
    assert open_req.stage == "interview" and open_req.applications.count() == 3
    assert done.status == "filled" and done.satisfaction == 5
    figures = requisition_figures(done)
    assert figures.cost_per_hire == Decimal("1250.50")  # (800.00 + 450.50) ÷ 1
    assert figures.time_to_fill == 40
    evaluated = TrainingProgramme.objects.get(status="evaluated")
    summary = summary_of(evaluated)
    assert (summary.enrolled, summary.attended) == (
        3,
        2,
    )  # the cast's client A has two people + one named
