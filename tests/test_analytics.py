"""The dashboard (R-RPT-3): each chart endpoint's figures hand-checked on a small data set made
through the service desk's own services, scoping per member of the cast, bounded queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import CANARY_CLIENT_B
from tests.desk_care_support import local, open_ticket, resolve

pytestmark = pytest.mark.django_db

RANGE = "start=2026-11-16&end=2026-11-17"


def _desk(cast: Any) -> dict[str, Any]:
    """Three tickets of client A and one of client B, 16–17 Nov 2026 (Mon–Tue):

    T1 A phone  薪酬社保/咨询 16 Nov 09:00, accepted 09:05 (response met), resolved 15:00 (met),
       rated 5 on 16 Nov.
    T2 A email  薪酬社保/操作 17 Nov 10:00, accepted 20 Nov 10:00 (response late), still open.
    T3 A portal 人事代理/咨询 17 Nov 11:00, accepted 11:10 (met), resolved 16:00 (met), rated 2.
    T4 B phone  薪酬社保/咨询 16 Nov 09:30 (client B: never in rep A's figures).
    """
    from hragency.servicedesk import feedback
    from hragency.servicedesk.services import accept_ticket

    t1 = open_ticket(
        cast,
        subject="社保缴费基数调整",
        description="询问社保缴费基数",
        now=local(2026, 11, 16, 9, 0),
    )
    accept_ticket(actor=cast.rep_a, ticket=t1, now=local(2026, 11, 16, 9, 5))
    t1 = resolve(t1.__class__.objects.get(pk=t1.pk), at=local(2026, 11, 16, 15, 0))
    feedback.rate_ticket(token=t1.feedback_token, score=5, now=local(2026, 11, 16, 16, 0))

    t2 = open_ticket(
        cast,
        channel="email",
        nature="operation",
        subject="增员办理进度",
        description="新员工增员什么时候办好",
        now=local(2026, 11, 17, 10, 0),
    )
    accept_ticket(actor=cast.rep_a, ticket=t2, now=local(2026, 11, 20, 10, 0))

    t3 = open_ticket(
        cast,
        channel="portal",
        module="hr_agency",
        subject="社保缴费基数何时调整",
        description="缴费基数调整时间",
        now=local(2026, 11, 17, 11, 0),
    )
    accept_ticket(actor=cast.rep_a, ticket=t3, now=local(2026, 11, 17, 11, 10))
    t3 = resolve(t3.__class__.objects.get(pk=t3.pk), at=local(2026, 11, 17, 16, 0))
    feedback.rate_ticket(token=t3.feedback_token, score=2, now=local(2026, 11, 17, 17, 0))

    t4 = open_ticket(
        cast,
        owner=cast.rep_b,
        client=cast.client_b,
        subject="公积金提取",
        description="公积金提取材料",
        now=local(2026, 11, 16, 9, 30),
    )
    return {"t1": t1, "t2": t2, "t3": t3, "t4": t4}


def _get(as_user: Any, user: Any, path: str) -> Any:
    return as_user(user).get(path)


def test_it_counts_volumes_by_channel_and_by_module_and_nature(cast, as_user):
    _desk(cast)
    data = _get(as_user, cast.rep_a, f"/api/analytics/volumes?{RANGE}").json()
    assert data["buckets"] == ["2026-11-16", "2026-11-17"]
    assert {c["name"]: c["data"] for c in data["channels"]} == {
        "电话热线": [1, 0],
        "客户门户": [0, 1],
        "邮件": [0, 1],
    }
    assert data["total"] == 3
    assert data["modules"] == ["人事代理", "薪酬社保"]
    natures = {n["name"]: n["data"] for n in data["natures"]}
    assert natures["信息咨询"] == [1, 1]
    assert natures["操作请求"] == [0, 1]
    # The supervisor heads the department serving both clients: client B's phone ticket too.
    sup = _get(as_user, cast.supervisor, f"/api/analytics/volumes?{RANGE}").json()
    assert sup["total"] == 4
    assert {c["name"]: c["data"] for c in sup["channels"]}["电话热线"] == [2, 0]
    # By week: both days fall in the week of Monday 16 Nov.
    week = _get(as_user, cast.rep_a, f"/api/analytics/volumes?{RANGE}&granularity=week").json()
    assert week["buckets"] == ["2026-11-16"]
    assert {c["name"]: c["data"] for c in week["channels"]}["邮件"] == [1]


def test_it_computes_on_time_rates_from_the_deadlines(cast, as_user):
    _desk(cast)
    data = _get(as_user, cast.rep_a, f"/api/analytics/service-levels?{RANGE}").json()
    series = {s["kind"]: s["data"] for s in data["series"]}
    # Response: 16 Nov T1 met (1/1); 17 Nov T2 late, T3 met (1/2).
    assert series["servicedesk.response"] == ["100.0", "50.0"]
    # Resolution: T1 and T3 resolved within the day; T2's clock is open and not breached.
    assert series["servicedesk.resolution"] == ["100.0", "100.0"]
    kinds = {k["kind"]: k for k in data["kinds"]}
    assert (kinds["servicedesk.response"]["met"], kinds["servicedesk.response"]["late"]) == (2, 1)
    assert kinds["servicedesk.response"]["rate"] == "66.7"  # 2 / 3
    assert kinds["insurance.order_cutoff"]["rate"] is None


def test_it_averages_ratings_and_counts_the_distribution(cast, as_user):
    _desk(cast)
    data = _get(as_user, cast.rep_a, f"/api/analytics/satisfaction?{RANGE}").json()
    assert data["average"] == ["5.00", "2.00"]
    dist = {d["score"]: d["data"] for d in data["distribution"]}
    assert dist[5] == [1, 0] and dist[2] == [0, 1] and dist[1] == [0, 0]
    assert (data["rated"], data["overall"], data["satisfied_rate"]) == (2, "3.50", "50.0")


def test_it_averages_the_survey_dimensions(cast, as_user):
    from hragency.visits.surveys import record_response

    record_response(
        actor=cast.rep_a,
        client=cast.client_a,
        respondent_name="赵敏",
        channel="phone",
        scores={"efficiency": 5, "expertise": 4, "communication": 4, "accuracy": 3, "overall": 5},
    )
    record_response(
        actor=cast.rep_b,
        client=cast.client_b,
        respondent_name="钱多",
        channel="phone",
        scores={"efficiency": 1, "expertise": 1, "communication": 1, "accuracy": 1, "overall": 1},
    )
    data = _get(as_user, cast.rep_a, "/api/analytics/satisfaction").json()
    survey = {d["code"]: d["average"] for d in data["survey"]["dimensions"]}
    assert data["survey"]["responses"] == 1
    assert survey == {
        "efficiency": "5.00",
        "expertise": "4.00",
        "communication": "4.00",
        "accuracy": "3.00",
        "overall": "5.00",
    }
    director = _admin_like(cast)
    both = _get(as_user, director, "/api/analytics/satisfaction").json()["survey"]
    assert both["responses"] == 2
    # (5 + 1) / 2 = 3.00; (3 + 1) / 2 = 2.00
    assert {d["code"]: d["average"] for d in both["dimensions"]}["accuracy"] == "2.00"
    assert {d["code"]: d["average"] for d in both["dimensions"]}["efficiency"] == "3.00"


def _admin_like(cast: Any) -> Any:
    from hragency.accounts.roles import Role
    from hragency.accounts.services import create_user

    return create_user(username="director_x", password="Cast@2026pass", roles=[Role.CS_DIRECTOR])


def test_it_shows_the_workload_per_handler(cast, as_user):
    _desk(cast)
    data = _get(as_user, cast.rep_a, f"/api/analytics/workload?{RANGE}").json()
    # Open: T2 only (accepted, not resolved); its resolution was due in November → overdue.
    assert data["open_tickets"] == [{"name": "陈晓", "open": 1, "overdue": 1}]
    assert data["closed"] == [{"name": "陈晓", "data": [1, 1], "total": 2}]
    mine = [r for r in data["deadlines"] if r["name"] == "陈晓"]
    assert mine == [{"name": "陈晓", "open": 1, "overdue": 1}]  # T2's resolution clock


def test_it_finds_the_hotspot_terms(cast, as_user):
    _desk(cast)
    data = _get(as_user, cast.rep_a, f"/api/analytics/hotspots?{RANGE}").json()
    counts = {t["term"]: t["count"] for t in data["terms"]}
    # T1 and T3 both speak of 缴费基数 and 调整 (T1's 社保 twice counts once); T4 is client B's.
    assert counts["缴费基数"] == 2
    assert counts["调整"] == 2
    assert counts["社保"] == 2
    assert counts["增员"] == 1
    assert "公积金" not in counts
    assert "询问" not in counts  # a stop word
    assert data["terms"][0]["count"] == 2
    assert data["kb_missing"] is None  # reps do not read the search log


def test_it_lists_rising_terms_week_over_week(cast, as_user):
    # Week before (9–15 Nov): 个税 once; last week (16–22 Nov): 个税 three times, 社保 twice.
    for day, subject in [
        (10, "个税申报"),
        (16, "个税申报"),
        (17, "个税扣除"),
        (18, "个税汇算"),
        (18, "社保转移"),
        (19, "社保转移"),
    ]:
        open_ticket(cast, subject=subject, description=subject, now=local(2026, 11, day, 10, 0))
    data = _get(as_user, cast.rep_a, "/api/analytics/hotspots?start=2026-11-01&end=2026-11-22")
    rising = data.json()["rising"]
    assert rising[:2] == [
        {"term": "个税", "current": 3, "previous": 1, "change": 2},
        {"term": "社保", "current": 2, "previous": 0, "change": 2},
    ]


def test_it_shows_insured_and_fee_trends(cast, as_user):
    from hragency.billing.models import CloseRun, Statement
    from tests.si_support import enroll

    enroll(cast.person_a, "8000.00", month=dt.date(2026, 9, 1), end_month=dt.date(2026, 10, 1))
    enroll(cast.person_a2, "8000.00", month=dt.date(2026, 10, 1))
    enroll(cast.person_b, "8000.00", month=dt.date(2026, 1, 1))
    run = CloseRun.objects.create(period=dt.date(2026, 10, 1), status=CloseRun.Status.DONE)
    for client, number, total in [(cast.client_a, "FYA", 123_456), (cast.client_b, "FYB", 9_999)]:
        Statement.objects.create(
            number=number,
            client=client,
            period=dt.date(2026, 10, 1),
            run=run,
            headcount=1,
            wages_fen=800_000,
            si_employer_fen=0,
            si_employee_fen=0,
            hf_employer_fen=0,
            hf_employee_fen=0,
            service_fee_fen=8_000,
            total_fen=total,
            computed_at=timezone.now(),
        )
    data = _get(as_user, cast.rep_a, "/api/analytics/trends?end=2026-11-30").json()
    assert data["months"][-4:] == ["2026-08", "2026-09", "2026-10", "2026-11"]
    # Person A Sep–Oct, A2 from Oct: Aug 0, Sep 1, Oct 2, Nov 1. Client B's person not counted.
    assert data["insured"][-4:] == [0, 1, 2, 1]
    fees = {r["month"]: r for r in data["fees"]}
    assert fees["2026-10"]["total_fen"] == 123_456
    assert fees["2026-10"]["service_fee_fen"] == 8_000
    assert fees["2026-11"]["total_fen"] == 0
    hr_b = _get(as_user, cast.hr_b, "/api/analytics/trends?end=2026-11-30").json()
    assert hr_b["insured"][-4:] == [1, 1, 1, 1]
    assert {r["month"]: r for r in hr_b["fees"]}["2026-10"]["total_fen"] == 9_999


def test_it_scopes_every_figure(cast, as_user):
    _desk(cast)
    # Client B's HR sees only B's ticket; never client A's.
    hr_b = _get(as_user, cast.hr_b, f"/api/analytics/volumes?{RANGE}").json()
    assert hr_b["total"] == 1
    # A client filter outside the scope is refused with a reason, not answered.
    other = _get(as_user, cast.rep_a, f"/api/analytics/volumes?{RANGE}&client={cast.client_b.pk}")
    assert other.status_code == 400
    assert "客户不存在或无权查看" in other.json()["detail"]
    # Client HR: a client filter is ignored (always their own client).
    forced = _get(
        as_user, cast.hr_a, f"/api/analytics/volumes?{RANGE}&client={cast.client_b.pk}"
    ).json()
    assert forced["total"] == 3
    # Staff-only sections and the employee.
    assert _get(as_user, cast.hr_a, "/api/analytics/workload").status_code == 403
    assert _get(as_user, cast.hr_a, "/api/analytics/hotspots").status_code == 403
    assert _get(as_user, cast.employee_a, "/api/analytics/volumes").status_code == 403
    assert as_user(cast.employee_a).get("/analytics/").status_code == 403
    assert as_user(None).get("/api/analytics/volumes").status_code in (401, 403)


def test_it_refuses_bad_filters_with_a_reason(cast, as_user):
    http = as_user(cast.rep_a)
    bad = http.get("/api/analytics/volumes?start=2026-13-01")
    assert bad.status_code == 400 and "开始日期" in bad.json()["detail"]
    assert http.get("/api/analytics/volumes?start=2026-11-20&end=2026-11-01").status_code == 400
    assert http.get("/api/analytics/volumes?granularity=hour").status_code == 400
    assert http.get("/api/analytics/volumes?start=2025-01-01&end=2026-11-01").status_code == 400
    assert http.get("/api/analytics/volumes?client=abc").status_code == 400


def test_it_renders_the_page_with_the_figures(cast, as_user):
    _desk(cast)
    page = as_user(cast.rep_a).get(f"/analytics/?{RANGE}")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="kpi-tickets">3<' in html
    assert 'data-testid="kpi-servicedesk.response">66.7%<' in html
    assert 'data-testid="kpi-rating">3.50<' in html
    assert "vendor/echarts/echarts.min.js" in html
    assert CANARY_CLIENT_B not in html
    client_page = as_user(cast.hr_a).get(f"/analytics/?{RANGE}").content.decode()
    assert 'data-testid="kpi-tickets">3<' in client_page
    assert "table-workload" not in client_page and "chart-hotspots" not in client_page


def test_it_uses_a_bounded_number_of_queries(cast, as_user, django_assert_max_num_queries):
    from hragency.analytics.terms import refresh_terms

    http = as_user(cast.supervisor)

    def run_all() -> None:
        for section in ("volumes", "service-levels", "satisfaction", "trends", "workload"):
            assert http.get(f"/api/analytics/{section}?{RANGE}").status_code == 200
        assert http.get(f"/api/analytics/hotspots?{RANGE}").status_code == 200

    _desk(cast)
    refresh_terms()
    with django_assert_max_num_queries(60) as few:
        run_all()
    for i in range(12):
        open_ticket(
            cast,
            channel=["phone", "email", "portal"][i % 3],
            subject=f"工资条第{i}号问题",
            description="工资条发放",
            now=local(2026, 11, 16 + i % 2, 10, i),
        )
    refresh_terms()
    with django_assert_max_num_queries(len(few.captured_queries)):
        run_all()


def test_it_shows_the_call_centre_panel_to_managers_only(cast, as_user):
    workforce = pytest.importorskip("hragency.workforce.models")
    volume = workforce.ContactVolume
    for hour, offered, answered, in_target in [(9, 100, 90, 80), (10, 50, 45, 45)]:
        volume.objects.create(
            channel="phone",
            interval_start=local(2026, 11, 16, hour, 0),
            interval_minutes=30,
            offered=offered,
            answered=answered,
            abandoned=offered - answered,
            answered_in_target=in_target,
            aht_seconds=180,
        )
    director = _admin_like(cast)
    data = _get(as_user, director, f"/api/analytics/call-centre?{RANGE}").json()
    assert data["offered"] == [150, 0]
    assert data["abandoned"] == [15, 0]
    assert data["service_level"] == ["83.3", None]  # 125 / 150
    assert (data["overall_level"], data["answer_rate"]) == ("83.3", "90.0")
    assert _get(as_user, cast.rep_a, "/api/analytics/call-centre").status_code == 403
    assert _get(as_user, cast.hr_a, "/api/analytics/call-centre").status_code == 403
