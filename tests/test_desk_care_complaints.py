"""Complaints and suggestions (R-CMP): registration from a 投诉建议 ticket, classes with their
round-the-clock due times (24 h / 48 h), named investigator, the major complaint's
rectification plan and director alert, malicious findings, the weekly suggestion summary
(once per week), and who sees what."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from hragency.accounts.models import Department
from hragency.accounts.roles import Role
from hragency.accounts.services import create_user
from hragency.core.errors import InvalidFields, ServiceError
from hragency.core.models import Deadline, Notification
from hragency.servicedesk import complaints
from hragency.servicedesk.models import Complaint, ImprovementCase, TicketEvent
from tests.conftest import PASSWORD
from tests.desk_care_support import local, open_ticket


def _complaint(cast, *, at=None, text="投诉：社保专员态度差，多次催办无人回复", **kw):
    at = at or local(2026, 11, 21, 22, 0)  # Saturday 22:00
    ticket = open_ticket(
        cast, subject=text[:20], description=text, nature="complaint", now=at, **kw
    )
    return complaints.register(ticket, actor=cast.rep_a, now=at)


@pytest.fixture
def director(cast):
    return create_user(
        username="director",
        password=PASSWORD,
        roles=[Role.CS_DIRECTOR],
        email="director@agency.example.cn",
    )


def test_it_registers_a_complaint_or_a_suggestion_from_the_text(cast):
    complaint = _complaint(cast)
    assert complaint.kind == Complaint.Kind.COMPLAINT
    assert complaint.client == cast.client_a
    assert complaint.created_at == local(2026, 11, 21, 22, 0)
    # A second registration of the same ticket (hook and caller) returns the same row.
    assert complaints.register(complaint.ticket, actor=None, now=local(2026, 11, 22)) == complaint
    suggestion = _complaint(cast, text="建议贵司能否在门户增加社保缴费明细下载功能")
    assert suggestion.kind == Complaint.Kind.SUGGESTION
    assert Notification.objects.filter(recipient=cast.supervisor, title__startswith="新投诉")


def test_it_gives_a_normal_complaint_24_hours_round_the_clock(cast):
    complaint = _complaint(cast)
    complaint = complaints.classify_complaint(
        actor=cast.supervisor,
        complaint=complaint,
        severity="normal",
        investigator=cast.rep_b,
        now=local(2026, 11, 22, 8, 0),
    )
    # Counted from receipt (Saturday 22:00), weekends included: Sunday 22:00.
    assert complaint.due_at == local(2026, 11, 22, 22, 0)
    deadline = Deadline.objects.get(kind=complaints.KIND)
    assert (deadline.owner, deadline.due_at) == (cast.rep_b, local(2026, 11, 22, 22, 0))
    assert deadline.starts_at == local(2026, 11, 21, 22, 0)
    complaint = complaints.conclude_complaint(
        actor=cast.rep_b,  # the named investigator may conclude
        complaint=complaint,
        findings="核实专员未及时回复，已批评教育",
        now=local(2026, 11, 23, 9, 0),  # Monday: late
    )
    assert complaint.status == Complaint.Status.CONCLUDED
    assert Deadline.objects.get(kind=complaints.KIND).status == Deadline.Status.LATE
    case = ImprovementCase.objects.get(ticket=complaint.ticket)
    assert case.source == "投诉" and "已批评教育" in case.problem


def test_it_gives_a_major_complaint_48_hours_and_requires_a_plan(cast, director):
    complaint = _complaint(cast, text="投诉：再出错就终止合作")
    with pytest.raises(InvalidFields) as refused:
        complaints.classify_complaint(
            actor=cast.supervisor, complaint=complaint, severity="major", investigator=None
        )
    assert refused.value.by_field() == {"investigator": "必须指定调查人"}
    assert not Deadline.objects.filter(kind=complaints.KIND).exists()
    dept = Department.objects.create(name="薪酬社保部")
    complaint = complaints.classify_complaint(
        actor=cast.supervisor,
        complaint=complaint,
        severity="major",
        investigator=cast.supervisor,
        target_department=dept,
    )
    assert complaint.due_at == local(2026, 11, 23, 22, 0)  # Saturday 22:00 + 48 h
    alert = Notification.objects.get(recipient=director)
    assert alert.title.startswith("重大投诉") and alert.level == "danger"
    with pytest.raises(InvalidFields) as refused:
        complaints.conclude_complaint(actor=cast.supervisor, complaint=complaint, findings="属实")
    assert refused.value.by_field() == {"rectification_plan": "重大投诉须出具整改方案"}
    complaints.conclude_complaint(
        actor=cast.supervisor,
        complaint=complaint,
        findings="属实：连续两月申报错误",
        rectification_plan="申报双人复核，12月起执行",
        now=local(2026, 11, 23, 10, 0),
    )
    assert Deadline.objects.get(kind=complaints.KIND).status == Deadline.Status.MET
    case = ImprovementCase.objects.get(ticket=complaint.ticket)
    assert case.improvement == "申报双人复核，12月起执行"


def test_it_concludes_a_malicious_complaint_only_with_reasons(cast):
    complaint = complaints.classify_complaint(
        actor=cast.supervisor,
        complaint=_complaint(cast),
        severity="malicious",
        investigator=cast.supervisor,
    )
    assert complaint.due_at == local(2026, 11, 22, 22, 0)
    with pytest.raises(InvalidFields, match="写明理由"):
        complaints.conclude_complaint(actor=cast.supervisor, complaint=complaint, findings="不实")
    complaints.conclude_complaint(
        actor=cast.supervisor,
        complaint=complaint,
        findings="通话录音显示专员按时答复，客户所述与事实不符",
    )
    assert not ImprovementCase.objects.exists()  # a malicious complaint is not upheld


def test_it_lets_the_rep_switch_the_kind_but_only_managers_classify(cast):
    complaint = _complaint(cast, text="希望增加周末值班")
    assert complaint.kind == Complaint.Kind.SUGGESTION
    complaint = complaints.change_kind(actor=cast.rep_a, complaint=complaint, kind="complaint")
    with pytest.raises(PermissionDenied):
        complaints.classify_complaint(
            actor=cast.rep_a, complaint=complaint, severity="normal", investigator=cast.rep_a
        )
    complaints.classify_complaint(
        actor=cast.supervisor, complaint=complaint, severity="normal", investigator=cast.rep_a
    )
    with pytest.raises(ServiceError, match="不能再修改类别"):
        complaints.change_kind(actor=cast.rep_a, complaint=complaint, kind="suggestion")
    with pytest.raises(PermissionDenied):
        complaints.change_kind(actor=cast.hr_a, complaint=complaint, kind="suggestion")


def test_it_summarises_last_weeks_suggestions_once(cast, django_capture_on_commit_callbacks):
    payroll = Department.objects.create(name="薪酬社保部", head=cast.supervisor)
    head_b = create_user(username="head_b", password=PASSWORD, roles=[Role.RECRUITER])
    recruiting = Department.objects.create(name="招聘部", head=head_b)
    rows = []
    for day, dept, text in (
        (16, payroll, "建议社保明细按月推送"),
        (20, payroll, "能否提供公积金缴存证明模板"),
        (22, recruiting, "希望招聘进度每周发邮件"),
        (23, recruiting, "建议增加面试反馈表"),  # this week: next summary
    ):
        s = _complaint(cast, at=local(2026, 11, day, 10, 0), text=text)
        rows.append(
            complaints.promise_reply(
                actor=cast.rep_a,
                complaint=s,
                reply_promised_on=local(2026, 11, 30).date(),
                target_department=dept,
            )
        )
    with django_capture_on_commit_callbacks(execute=True):
        result = complaints.send_weekly_summary(now=local(2026, 11, 23, 9, 0))
    assert (result.week, result.suggestions, result.groups) == ("2026-W47", 3, 2)
    to_payroll = Notification.objects.get(recipient=cast.supervisor, title__contains="周汇总")
    assert "薪酬社保部" in to_payroll.title and "2 条" in to_payroll.title
    assert "社保明细按月推送" in to_payroll.body and "承诺答复 2026-11-30" in to_payroll.body
    assert "【薪酬社保】" in to_payroll.body
    assert Notification.objects.filter(recipient=head_b, title__contains="1 条").exists()
    summarised = dict(Complaint.objects.values_list("pk", "summarised_in_week"))
    assert [summarised[r.pk] for r in rows] == ["2026-W47", "2026-W47", "2026-W47", ""]
    again = complaints.send_weekly_summary(now=local(2026, 11, 23, 10, 0))
    assert again.suggestions == 0
    assert Notification.objects.filter(title__contains="周汇总").count() == 2


def test_it_runs_the_summary_from_monday_9_and_the_draw_from_19(cast):
    from hragency.servicedesk.tasks_care import quality_days, summary_due

    assert not summary_due(local(2026, 11, 23, 8, 59))
    assert summary_due(local(2026, 11, 23, 9, 0))
    assert summary_due(local(2026, 11, 25, 3, 0))
    assert quality_days(local(2026, 11, 20, 18, 0)) == [local(2026, 11, 19).date()]
    assert quality_days(local(2026, 11, 20, 19, 0)) == [
        local(2026, 11, 19).date(),
        local(2026, 11, 20).date(),
    ]


def test_it_shows_complaints_to_staff_in_scope_only(cast, as_user):
    complaint = complaints.classify_complaint(
        actor=cast.supervisor,
        complaint=_complaint(cast),
        severity="normal",
        investigator=cast.supervisor,
    )
    complaints.conclude_complaint(
        actor=cast.supervisor, complaint=complaint, findings="调查笔记：专员漏接电话"
    )
    url = f"/desk/care/complaints/{complaint.pk}/"
    page = as_user(cast.rep_a).get(url)
    assert page.status_code == 200 and "调查笔记" in page.content.decode()
    assert as_user(cast.rep_b).get(url).status_code == 404
    assert as_user(cast.hr_a).get(url).status_code == 403
    assert as_user(cast.hr_a).get(f"/api/desk/complaints/{complaint.pk}").status_code == 403
    listing = as_user(cast.rep_b).get("/api/desk/complaints").json()
    assert listing["count"] == 0
    # The investigation notes are internal events: the client never sees them.
    notes = TicketEvent.objects.filter(ticket=complaint.ticket, body__contains="调查笔记")
    assert notes.exists() and not notes.filter(visible_to_client=True).exists()


def test_it_classifies_and_concludes_through_the_screens_and_api(cast, as_user):
    complaint = _complaint(cast)
    http = as_user(cast.supervisor)
    refused = http.post(f"/desk/care/complaints/{complaint.pk}/classify/", {"severity": "normal"})
    assert refused.status_code == 400 and "必须指定调查人" in refused.content.decode()
    done = http.post(
        f"/desk/care/complaints/{complaint.pk}/classify/",
        {"severity": "normal", "investigator": str(cast.supervisor.pk)},
    )
    assert done.status_code == 302
    api = http.post(
        f"/api/desk/complaints/{complaint.pk}/conclude",
        {"findings": "已核实并整改", "rectification_plan": "", "upheld": True},
        content_type="application/json",
    )
    assert api.status_code == 200 and api.json()["status"] == "concluded"
    weekly = http.get("/desk/care/complaints/weekly/?week=2026-W47")
    assert weekly.status_code == 200
    assert http.get("/api/desk/complaints/weekly?week=2026-W47").json()["week"] == "2026-W47"
