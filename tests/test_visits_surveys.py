"""Satisfaction surveys and the quarterly 《客户满意度分析报告》 (R-VISIT-2): score validation,
one response per client per quarter (a later one replaces it), the low-score follow-up, the
report's figures checked by hand, its Excel and PDF."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied

from hragency.clients.models import Client
from hragency.core.errors import InvalidFields, ServiceError
from hragency.core.models import AuditLog, Deadline
from hragency.visits import services, surveys
from hragency.visits.models import SurveyResponse, VisitTask
from hragency.visits.planning import plan_visits
from hragency.visits.quarters import Quarter, parse_quarter
from hragency.visits.report import figures, percent, satisfaction_report
from tests.conftest import CANARY_CLIENT_A, login_client
from tests.test_visits_support import SCORES_5, grant_visit_roles, in_service, local

pytestmark = pytest.mark.django_db

NOV_23 = dt.date(2026, 11, 23)
HAVE_PDF_TOOLS = Path("/usr/bin/chromium").exists() and shutil.which("pdftotext") is not None


@pytest.fixture(autouse=True)
def _roles(db):
    grant_visit_roles()


def _answer(actor, client, scores=None, today=NOV_23, **kw):
    values = {
        "actor": actor,
        "client": client,
        "respondent_name": "赵敏",
        "respondent_role": "人事经理",
        "channel": "phone",
        "scores": scores or SCORES_5,
        "today": today,
    }
    return surveys.record_response(**{**values, **kw})


def test_it_parses_quarters():
    assert parse_quarter("2026Q4") == Quarter(2026, 4)
    assert parse_quarter("2026q1").previous() == Quarter(2025, 4)
    assert Quarter(2026, 4).first_day == dt.date(2026, 10, 1)
    assert Quarter(2026, 1).last_day == dt.date(2026, 3, 31)
    assert Quarter.of(NOV_23) == Quarter(2026, 4)
    for bad in ("2026Q5", "Q4", "", "abcd"):
        with pytest.raises(ServiceError):
            parse_quarter(bad)


def test_it_validates_scores(cast):
    in_service(cast.client_a, dt.date(2026, 9, 1))
    scores = {"efficiency": 0, "expertise": 6, "communication": "x", "accuracy": None}
    with pytest.raises(InvalidFields) as refused:
        _answer(cast.rep_a, cast.client_a, scores=scores, respondent_name="")
    assert set(refused.value.by_field()) == {
        "efficiency",
        "expertise",
        "communication",
        "accuracy",
        "overall",
        "respondent_name",
    }
    assert not SurveyResponse.objects.exists()


def test_it_keeps_one_response_per_client_and_quarter(cast):
    in_service(cast.client_a, dt.date(2026, 9, 1))
    first = _answer(cast.rep_a, cast.client_a, comments="很好")
    assert first.survey.quarter == "2026Q4"
    again = _answer(
        cast.rep_a, cast.client_a, scores={**SCORES_5, "overall": 4}, comments="总体不错"
    )
    assert again.pk == first.pk and SurveyResponse.objects.count() == 1
    assert (again.overall, again.comments) == (4, "总体不错")
    assert AuditLog.objects.filter(action="visits.response_replace").count() == 1
    # A new quarter is a new response.
    _answer(cast.rep_a, cast.client_a, quarter="2027Q1", today=dt.date(2027, 1, 5))
    assert SurveyResponse.objects.count() == 2


def test_it_accepts_a_quarter_only_during_it_and_15_days_after(cast):
    in_service(cast.client_a, dt.date(2026, 9, 1))
    _answer(cast.rep_a, cast.client_a, quarter="2026Q3", today=dt.date(2026, 10, 15))
    with pytest.raises(ServiceError, match="不在填写期内"):
        _answer(cast.rep_a, cast.client_a, quarter="2026Q3", today=dt.date(2026, 10, 16))
    with pytest.raises(ServiceError, match="不在填写期内"):
        _answer(cast.rep_a, cast.client_a, quarter="2027Q1")


def test_it_lets_the_client_hr_answer_for_its_own_company_only(cast):
    in_service(cast.client_a, dt.date(2026, 9, 1))
    in_service(cast.client_b, dt.date(2026, 9, 1))
    response = _answer(cast.hr_a, cast.client_a, channel="phone", respondent_name="")
    assert response.channel == "portal" and response.respondent_name == str(cast.hr_a)
    with pytest.raises(PermissionDenied):
        _answer(cast.hr_a, cast.client_b)
    with pytest.raises(ServiceError, match="本季度"):
        _answer(cast.hr_a, cast.client_a, quarter="2026Q3", today=dt.date(2026, 10, 2))
    with pytest.raises(PermissionDenied):
        _answer(cast.employee_a, cast.client_a)


def test_it_closes_the_survey_task_and_opens_a_low_score_follow_up(cast):
    in_service(cast.client_a, dt.date(2026, 9, 1))
    plan_visits(today=NOV_23)
    task = VisitTask.objects.get(client=cast.client_a, kind="survey")
    _answer(cast.hr_a, cast.client_a, scores={**SCORES_5, "overall": 3}, comments="账单出错")
    task.refresh_from_db()
    assert task.status == "done" and task.method == "online"
    assert Deadline.objects.get(pk=task.deadline_id).status in ("met", "late")
    follow_up = VisitTask.objects.get(client=cast.client_a, kind="low_score")
    assert follow_up.owner == cast.supervisor and follow_up.status == "open"
    assert "总体满意度 3 分" in follow_up.reason
    assert follow_up.deadline is not None
    assert cast.supervisor.notifications.filter(title__contains="低分回访").exists()
    # A second low answer does not open a second follow-up.
    _answer(cast.rep_a, cast.client_a, scores={**SCORES_5, "overall": 2})
    assert VisitTask.objects.filter(client=cast.client_a, kind="low_score").count() == 1
    services.complete_visit(actor=cast.supervisor, task=follow_up, method="phone", summary="已致歉")


def test_it_rounds_percentages_exactly():
    assert percent(19, 20) == Decimal("95.00")
    assert percent(2, 3) == Decimal("66.67")
    assert percent(1, 6) == Decimal("16.67")
    assert percent(0, 0) is None


def _clients(n: int) -> list[Client]:
    return [
        Client.objects.create(
            number=f"KH9{i:04d}", name=f"满意度客户{i:02d}", status=Client.Status.ACTIVE
        )
        for i in range(1, n + 1)
    ]


@pytest.fixture
def quarter_data(cast):
    """20 answers in 2026Q4 (19 with 总体满意度 ≥ 4), 4 in 2026Q3 (3 ≥ 4), two visits due in
    Q4 (one on time, one late)."""
    clients = _clients(20)
    for index, client in enumerate(clients):
        scores = {"efficiency": 4, "expertise": 5, "communication": 4, "accuracy": 5}
        scores["overall"] = 5 if index < 10 else 4
        if index == 19:
            scores["overall"] = 2
            scores["communication"] = 2
        if index == 5:
            scores["expertise"] = 3
        _answer(cast.admin, client, scores=scores, comments=f"意见{index}")
    for index, client in enumerate(clients[:4]):
        overall = 3 if index == 0 else 4
        _answer(
            cast.admin,
            client,
            scores={**SCORES_5, "overall": overall},
            quarter="2026Q3",
            today=dt.date(2026, 9, 15),
        )
    in_service(cast.client_a, dt.date(2026, 1, 10))
    in_service(cast.client_b, dt.date(2026, 1, 10))
    plan_visits(today=dt.date(2026, 11, 1))  # both routine visits due 1 Nov
    for client, done in (
        (cast.client_a, local(2026, 10, 30, 16)),
        (cast.client_b, local(2026, 11, 5, 10)),
    ):
        task = VisitTask.objects.get(client=client, kind="routine", status="open")
        services.complete_visit(
            actor=cast.admin, task=task, method="phone", summary="回访", done_at=done
        )
    return clients


def test_it_computes_the_quarter_by_hand(cast, quarter_data):
    report = satisfaction_report(cast.admin, Quarter(2026, 4))
    c = report.current
    assert (c.responses, c.clients_surveyed, c.satisfied) == (20, 20, 19)
    assert c.rate == Decimal("95.00") and c.target_met is True
    averages = {d.field: d.average for d in c.dimensions}
    assert averages == {
        "efficiency": Decimal("4.00"),
        "expertise": Decimal("4.90"),  # 19 × 5 + 3 = 98 / 20
        "communication": Decimal("3.90"),  # 19 × 4 + 2 = 78 / 20
        "accuracy": Decimal("5.00"),
        "overall": Decimal("4.40"),  # 10 × 5 + 9 × 4 + 2 = 88 / 20
    }
    overall = next(d for d in c.dimensions if d.field == "overall")
    assert overall.distribution == [0, 1, 0, 9, 10]
    assert [x.client for x in c.low_scores] == ["满意度客户06", "满意度客户20"]
    assert c.low_scores[1].comments == "意见19"
    small = c.by_size[0]
    assert (small.clients, small.responses, small.satisfied, small.rate) == (
        20,
        20,
        19,
        Decimal("95.00"),
    )
    assert (c.visits_met, c.visits_counted, c.visits_on_time, c.visits_done) == (
        1,
        2,
        Decimal("50.00"),
        2,
    )
    p = report.previous
    assert (p.responses, p.satisfied, p.rate, p.target_met) == (4, 3, Decimal("75.00"), False)
    assert report.changes["rate"] == Decimal("20.00")
    assert p.average_overall == Decimal("3.75")  # (3 + 4 + 4 + 4) / 4
    assert report.changes["average_overall"] == Decimal("0.65")


def test_it_misses_the_target_at_18_of_20(cast, quarter_data):
    _answer(cast.admin, quarter_data[0], scores={**SCORES_5, "overall": 3})
    c = figures(cast.admin, Quarter(2026, 4))
    assert (c.satisfied, c.rate, c.target_met) == (18, Decimal("90.00"), False)


def test_it_scopes_the_report_and_needs_the_permission(cast, quarter_data):
    with pytest.raises(PermissionDenied):
        satisfaction_report(cast.rep_a, Quarter(2026, 4))
    # The supervisor sees the clients of the department only: none of the 20 answers.
    c = satisfaction_report(cast.supervisor, Quarter(2026, 4)).current
    assert (c.responses, c.visits_counted) == (0, 2)
    assert c.rate is None and c.target_met is None


def test_it_exports_the_report_to_excel(cast, quarter_data):
    response = login_client(cast.admin).get("/visits/report/excel/?quarter=2026Q4")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["概览", "各维度", "按客户规模", "低分客户"]
    rows = {row[0]: row[1:] for row in book["概览"].iter_rows(min_row=3, values_only=True)}
    assert rows["答卷数"][:2] == (20, 4)
    assert Decimal(str(rows["满意度（%）"][0])) == Decimal("95")
    assert Decimal(str(rows["满意度（%）"][2])) == Decimal("20")
    assert rows["目标 ≥ 95.00%"][:2] == ("达标", "未达标")
    dims = list(book["各维度"].iter_rows(min_row=2, values_only=True))
    assert dims[4][0] == "总体满意度" and Decimal(str(dims[4][1])) == Decimal("4.4")
    assert dims[4][2:7] == (0, 1, 0, 9, 10)
    low = list(book["低分客户"].iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in low] == ["满意度客户06", "满意度客户20"]


def _pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, timeout=60
    ).stdout.decode("utf-8")
    return re.sub(r"\s+", "", text)


@pytest.mark.skipif(not HAVE_PDF_TOOLS, reason="needs /usr/bin/chromium and pdftotext")
def test_it_prints_the_report_as_a_chinese_pdf(cast, quarter_data, tmp_path):
    response = login_client(cast.admin).get("/visits/report/pdf/?quarter=2026Q4")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content, tmp_path)
    assert "客户满意度分析报告" in text and "2026年第四季度" in text
    assert "满意度95.00%（目标≥95.00%：达标）" in text
    assert "满意度客户20" in text and "沟通体验2；" in text  # the low scorer and its low mark
    assert CANARY_CLIENT_A not in text
