"""Hotline workforce (R-WFM-1): volume import, forecast and staffing, the Erlang API, shift
plans, publication and peak warnings, hand-overs, and who sees what."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hragency.core.errors import ServiceError
from hragency.core.imports import pipeline
from hragency.core.models import AuditLog, Notification
from hragency.workforce.models import (
    ContactVolume,
    HandoverRecord,
    PeakWarning,
    ShiftAssignment,
    ShiftPlan,
    ShiftTemplate,
    StaffingRequirement,
)
from hragency.workforce.planning import build_shift_plan, publish_plan
from hragency.workforce.staffing import forecast_staffing
from hragency.workforce.targets import local_midnight
from tests.conftest import Cast
from tests.test_workforce_support import MONDAY, csv, flat_history, hotline, three_shifts


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _import(cast: Cast, data: bytes, user: Any = None, name: str = "话务.csv") -> Any:
    batch = pipeline.start_import(
        kind="contact_volumes", actor=user or cast.supervisor, data=data, filename=name, run=False
    )
    return pipeline.validate_batch(batch.pk)


def _commit(batch: Any, actor: Any) -> Any:
    pipeline.request_commit(batch=batch, actor=actor, run=False)
    return pipeline.commit_batch(batch.pk)


# --- import ------------------------------------------------------------------------------------


def test_it_imports_volumes_and_upserts_on_channel_and_start(cast: Cast) -> None:
    data = csv(
        [
            "电话,2026-12-07 08:00,30,120,112,8,105,236",
            "在线客服,2026-12-07 08:00,30,40,40,0,39,300",
            "phone,2026/12/7 8:30,30,90,88,2,80,240",
        ],
        encoding="gb18030",
    )
    batch = _commit(_import(cast, data), cast.supervisor)
    assert batch.status == "committed", batch.errors
    first = ContactVolume.objects.get(
        channel="phone", interval_start=local_midnight(MONDAY) + dt.timedelta(hours=8)
    )
    assert (first.offered, first.answered, first.abandoned, first.answered_in_target) == (
        120,
        112,
        8,
        105,
    )
    assert first.aht_seconds == 236
    assert ContactVolume.objects.count() == 3
    # The same interval again replaces its figures (no duplicate).
    again = _commit(
        _import(cast, csv(["电话,2026-12-07 08:00,30,130,125,5,120,230"])), cast.supervisor
    )
    assert again.status == "committed", again.errors
    assert ContactVolume.objects.count() == 3
    first.refresh_from_db()
    assert (first.offered, first.answered) == (130, 125)


def test_it_names_row_column_and_reason_of_bad_rows(cast: Cast) -> None:
    batch = _import(
        cast,
        csv(
            [
                "电话,2026-12-07 08:00,30,120,112,8,105,236",
                "传真,2026-12-07 08:00,30,1,1,0,1,100",
                "电话,2026-12-07 08:10,30,10,10,0,10,100",
                "电话,2026-12-07 09:00,30,10,12,0,10,100",
                "电话,2026-12-07 08:00,30,5,5,0,5,100",
                "电话,明天早上,20,x,1,0,1,100",
            ]
        ),
    )
    reasons = {(e["row"], e["column"]): e["reason"] for e in batch.errors}
    assert reasons[(3, "渠道")].startswith("应为以下之一")
    assert "对齐到 30 分钟" in reasons[(4, "时段开始")]
    assert reasons[(5, "接通量")] == "接通量与放弃量之和不能超过呼入量"
    assert reasons[(6, "时段开始")] == "与第 2 行的渠道、时段相同"
    assert reasons[(7, "时长(分钟)")] == "应为 15 或 30"
    assert "日期时间" in reasons[(7, "时段开始")]
    assert reasons[(7, "呼入量")] == "应为整数：x"
    with pytest.raises(ServiceError):
        _commit(batch, cast.supervisor)
    assert ContactVolume.objects.count() == 0


def test_it_lets_only_workforce_managers_import(cast: Cast) -> None:
    from django.core.exceptions import PermissionDenied

    for user in (cast.rep_a, cast.hr_a):
        with pytest.raises(PermissionDenied):
            _import(cast, csv(["电话,2026-12-07 08:00,30,1,1,0,1,100"]), user=user)


def test_it_imports_from_the_command_line(cast: Cast, tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "volumes.csv"
    path.write_bytes(csv(["电话,2026-12-07 08:15,15,30,29,1,28,200"]))
    call_command("import_file", "contact_volumes", str(path), "--user", "supervisor", "--commit")
    assert "导入完成" in capsys.readouterr().out
    volume = ContactVolume.objects.get()
    assert volume.interval_minutes == 15


# --- forecast and staffing ---------------------------------------------------------------------


def test_it_staffs_each_slot_by_erlang_c_for_the_phone_target(cast: Cast) -> None:
    # 6 weeks of 100 calls per 30 min at AHT 180 s: forecast 100 → 10 Erlangs. Phone: 95 % in
    # 15 s with 85 % occupancy cap → 16 agents (15 give 93.6 %); ⌈16 / 0.7⌉ = 23 scheduled.
    flat_history("phone", 6, 100)
    result = forecast_staffing(actor=cast.supervisor, channel="phone", start=MONDAY, days=1)
    assert len(result.rows) == 48
    assert result.aht_seconds == 180
    row = StaffingRequirement.objects.get(channel="phone", interval_start=local_midnight(MONDAY))
    assert row.forecast_volume == 100
    assert (row.agents, row.scheduled) == (16, 23)
    assert float(row.service_level) == pytest.approx(96.5, abs=0.1)
    assert AuditLog.objects.filter(action="workforce.staffing_compute").count() == 1
    # Again: replaced, not duplicated.
    forecast_staffing(actor=cast.supervisor, channel="phone", start=MONDAY, days=1)
    assert StaffingRequirement.objects.count() == 48


def test_it_refuses_a_forecast_without_history_or_rights(cast: Cast) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(ServiceError, match="请先导入"):
        forecast_staffing(actor=cast.supervisor, channel="phone", start=MONDAY, days=1)
    with pytest.raises(PermissionDenied):
        forecast_staffing(actor=cast.rep_a, channel="phone", start=MONDAY, days=1)


def test_it_prints_staffing_from_the_command_line(cast: Cast, capsys: Any) -> None:
    flat_history("phone", 6, 100)
    call_command("forecast_staffing", "--channel", "phone", "--from", "2026-12-07", "--days", "1")
    out = capsys.readouterr().out
    assert "2026-12-07  08:00   100.0        16        23" in out
    assert "峰值" in out
    with pytest.raises(CommandError, match="请先导入"):
        call_command("forecast_staffing", "--channel", "chat", "--from", "2026-12-07")


# --- the Erlang API ----------------------------------------------------------------------------


def test_it_answers_the_erlang_calculator_by_hand(cast: Cast, as_user: Any) -> None:
    body = {
        "calls_per_interval": 100,
        "interval_minutes": 30,
        "aht_seconds": 180,
        "target_service_level": 80,
        "target_seconds": 20,
        "shrinkage": 30,
    }
    response = as_user(None).post(
        "/api/calc/erlang", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200
    # Textbook: 10 Erlangs → 14 agents, SL 88.8 %, occupancy 71.4 %, ⌈14/0.7⌉ = 20.
    assert response.json() == {
        "traffic_erlangs": 10.0,
        "agents": 14,
        "scheduled_agents": 20,
        "service_level": 88.84,
        "occupancy": 71.43,
        "asa_seconds": 7.8,
        "probability_wait": 17.41,
    }


@pytest.mark.parametrize(
    "change, field",
    [
        ({"calls_per_interval": 0}, "calls_per_interval"),
        ({"aht_seconds": 0}, "aht_seconds"),
        ({"aht_seconds": -30}, "aht_seconds"),
        ({"target_service_level": 100}, "target_service_level"),
        ({"calls_per_interval": 1e12}, "calls_per_interval"),
        ({"calls_per_interval": 900000, "aht_seconds": 80000}, "calls_per_interval"),
        ({"shrinkage": 100}, "shrinkage"),
    ],
)
def test_it_refuses_bad_calculator_input_with_400(
    cast: Cast, as_user: Any, change: dict[str, float], field: str
) -> None:
    body = {
        "calls_per_interval": 100,
        "aht_seconds": 180,
        "target_service_level": 80,
        "target_seconds": 20,
        **change,
    }
    response = as_user(None).post(
        "/api/calc/erlang", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["detail"])
    missing = as_user(None).post("/api/calc/erlang", "{}", content_type="application/json")
    assert missing.status_code in (400, 422)


# --- plans ---------------------------------------------------------------------------------------


def test_it_builds_a_week_plan_covering_every_slot_and_publishes_it(cast: Cast) -> None:
    # Flat 3 calls/30 min on phone → 2 agents (min) → ⌈2/0.7⌉ = 3 scheduled in every slot.
    flat_history("phone", 6, 3)
    three_shifts()
    agents = hotline(cast, 12)
    plan = build_shift_plan(actor=cast.supervisor, week_start=MONDAY, channels=["phone"])
    # 3 agents × 3 shifts × 7 days = 63 shifts of 8 h = 504 paid hours: the optimum.
    assert plan.shifts == 63
    assert plan.paid_minutes == 63 * 480
    # 12 + 2 reps = 14 agents × 5 shifts = 70 ≥ 63: everyone named, nobody over 5 shifts.
    assert plan.unfilled == 0
    assert plan.short_intervals == 0
    per_agent: dict[int, int] = {}
    for a in ShiftAssignment.objects.filter(plan=plan):
        per_agent[a.agent_id] = per_agent.get(a.agent_id, 0) + 1
    assert max(per_agent.values()) <= 5
    # Rest ≥ 11 h between one agent's shifts.
    for agent in agents:
        shifts = list(ShiftAssignment.objects.filter(agent=agent).order_by("starts_at"))
        for before, after in itertools.pairwise(shifts):
            assert after.starts_at - before.ends_at >= dt.timedelta(hours=11)
    assert plan.status == ShiftPlan.Status.DRAFT
    publish_plan(actor=cast.supervisor, plan=plan)
    plan.refresh_from_db()
    assert plan.status == ShiftPlan.Status.PUBLISHED
    assert Notification.objects.filter(recipient=agents[0], title__contains="排班已发布").exists()
    # Fully staffed: no understaffed warning.
    assert not PeakWarning.objects.filter(kind="understaffed").exists()
    with pytest.raises(ServiceError, match="已发布"):
        build_shift_plan(actor=cast.supervisor, week_start=MONDAY, channels=["phone"])


def test_it_warns_supervisors_when_a_published_plan_is_short(cast: Cast) -> None:
    flat_history("phone", 6, 3)
    three_shifts()
    hotline(cast, 2)  # 2 + rep_a + rep_b = 4 agents × 5 = 20 shifts for 63 needed
    plan = build_shift_plan(actor=cast.supervisor, week_start=MONDAY, channels=["phone"])
    assert plan.unfilled == 43
    publish_plan(actor=cast.supervisor, plan=plan)
    warnings = PeakWarning.objects.filter(kind="understaffed")
    assert warnings.count() == plan.short_intervals > 0
    first = warnings.order_by("interval_start").first()
    assert first.required == 3 and first.scheduled < 3
    note = Notification.objects.get(recipient=cast.supervisor, title__startswith="高峰预警")
    assert f"{warnings.count()} 个时段" in note.title
    # Checking again adds nothing and tells nobody twice.
    from hragency.workforce.alerts import check_understaffed

    start = local_midnight(MONDAY)
    assert check_understaffed(actor=None, start=start, end=start + dt.timedelta(days=7)) == []
    assert Notification.objects.filter(title__startswith="高峰预警").count() == 1


def test_it_builds_and_publishes_from_the_command_line(cast: Cast, capsys: Any) -> None:
    flat_history("phone", 6, 3)
    three_shifts()
    hotline(cast, 12)
    call_command("build_shift_plan", "--week", "2026-12-07", "--publish")
    out = capsys.readouterr().out
    assert "已发布" in out and "63 个班次" in out and "504.0 小时" in out
    with pytest.raises(CommandError, match="不是周一"):
        call_command("build_shift_plan", "--week", "2026-12-08")


def test_it_warns_on_a_surge_over_the_forecast_at_import(cast: Cast) -> None:
    flat_history("phone", 6, 10)
    forecast_staffing(actor=cast.supervisor, channel="phone", start=MONDAY, days=1)
    # 13 > 10 × 1.2 and 3 more: a surge; 12 is exactly 20 % over: not one.
    batch = _commit(
        _import(
            cast,
            csv(
                [
                    "电话,2026-12-07 09:00,30,13,13,0,13,180",
                    "电话,2026-12-07 09:30,30,12,12,0,12,180",
                ]
            ),
        ),
        cast.supervisor,
    )
    assert batch.status == "committed"
    surge = PeakWarning.objects.get(kind="surge")
    assert surge.interval_start == local_midnight(MONDAY) + dt.timedelta(hours=9)
    assert (surge.forecast_volume, surge.actual_volume) == (10, 13)


# --- hand-overs --------------------------------------------------------------------------------


def test_it_lets_only_the_incoming_agent_acknowledge_a_handover(cast: Cast, as_user: Any) -> None:
    early, middle, _ = three_shifts()
    response = as_user(cast.rep_a).post(
        "/api/workforce/handovers",
        json.dumps(
            {
                "from_template_id": early.pk,
                "to_template_id": middle.pk,
                "incoming_id": cast.rep_b.pk,
                "pending_callbacks": 2,
                "notes": "系统 14:00 维护",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    record = response.json()
    assert record["open_tickets"] == 0 and record["pending_callbacks"] == 2
    assert Notification.objects.filter(
        recipient=cast.rep_b, title__startswith="交接班待确认"
    ).exists()
    url = f"/api/workforce/handovers/{record['id']}/acknowledge"
    # The outgoing agent and the supervisor may not confirm for the incoming one.
    for user in (cast.rep_a, cast.supervisor):
        refused = as_user(user).post(url, "{}", content_type="application/json")
        assert refused.status_code == 400
        assert refused.json()["detail"] == "只有接班人本人可以确认接班"
    done = as_user(cast.rep_b).post(
        url, json.dumps({"note": "已知悉"}), content_type="application/json"
    )
    assert done.status_code == 200
    assert done.json()["acknowledged_at"] is not None
    again = as_user(cast.rep_b).post(url, "{}", content_type="application/json")
    assert again.json()["detail"] == "该交接班记录已确认"


def test_it_snapshots_the_outgoing_agents_open_tickets(cast: Cast) -> None:
    from hragency.servicedesk.models import Ticket
    from hragency.workforce.services import create_handover

    early, middle, _ = three_shifts()
    now = dt.datetime.now(dt.UTC)
    Ticket.objects.create(
        number="GD202612070001",
        client=cast.client_a,
        handler=cast.rep_a,
        subject="社保咨询",
        created_at=now,
    )
    Ticket.objects.create(
        number="GD202612070002",
        client=cast.client_a,
        handler=cast.rep_a,
        created_at=now,
        subject="已办结",
        status="closed",
    )
    record = create_handover(
        actor=cast.rep_a, from_template=early, to_template=middle, incoming=cast.rep_b
    )
    assert record.open_tickets == 1
    assert record.tickets_snapshot == [{"number": "GD202612070001", "status": "待处理"}]


# --- who sees what -------------------------------------------------------------------------------


def test_it_shows_a_rep_only_their_own_published_shifts(cast: Cast, as_user: Any) -> None:
    flat_history("phone", 6, 3)
    three_shifts()
    hotline(cast, 12)
    plan = build_shift_plan(actor=cast.supervisor, week_start=MONDAY, channels=["phone"])
    # Draft: the rep sees nothing yet.
    assert as_user(cast.rep_a).get("/api/workforce/assignments").json()["count"] == 0
    publish_plan(actor=cast.supervisor, plan=plan)
    mine = as_user(cast.rep_a).get("/api/workforce/assignments").json()
    assert mine["count"] == ShiftAssignment.objects.filter(agent=cast.rep_a).count() > 0
    assert {row["agent_id"] for row in mine["items"]} == {cast.rep_a.pk}
    page = as_user(cast.rep_a).get("/workforce/my/")
    assert page.status_code == 200
    assert "早班" in page.content.decode() or "中班" in page.content.decode()
    # Plans, volumes and warnings are the managers'.
    for path in ("/api/workforce/plans", "/api/workforce/volumes", "/api/workforce/warnings"):
        assert as_user(cast.rep_a).get(path).status_code == 403
    assert as_user(cast.rep_a).get(f"/workforce/plans/{plan.pk}/").status_code == 403
    assert as_user(cast.supervisor).get(f"/workforce/plans/{plan.pk}/").status_code == 200
    # Client HR and employees see nothing of the hotline.
    for user in (cast.hr_a, cast.employee_a):
        assert as_user(user).get("/api/workforce/assignments").status_code == 403
        assert as_user(user).get("/workforce/my/").status_code == 403


def test_it_renders_every_screen_for_the_supervisor(cast: Cast, as_user: Any) -> None:
    flat_history("phone", 6, 3)
    three_shifts()
    hotline(cast, 3)
    plan = build_shift_plan(actor=cast.supervisor, week_start=MONDAY, channels=["phone"])
    http = as_user(cast.supervisor)
    for path in (
        "/workforce/volumes/?from=2026-11-01&to=2026-11-30",
        "/workforce/staffing/?channel=phone&start=2026-12-07&days=1",
        "/workforce/erlang/?calls_per_interval=100&interval_minutes=30&aht_seconds=180&target_service_level=80&target_seconds=20",
        "/workforce/templates/",
        "/workforce/plans/",
        f"/workforce/plans/{plan.pk}/",
        f"/workforce/plans/{plan.pk}/print/",
        "/workforce/handovers/",
        "/workforce/warnings/",
    ):
        response = http.get(path)
        assert response.status_code == 200, path
    assert "待补人员" in http.get(f"/workforce/plans/{plan.pk}/").content.decode()
    pdf = http.get(f"/workforce/plans/{plan.pk}/pdf/")
    if pdf.status_code == 200:  # Chromium installed
        assert pdf.content.startswith(b"%PDF")
    else:
        assert pdf.status_code == 302
    calc = http.get(
        "/workforce/erlang/?calls_per_interval=100&interval_minutes=30&aht_seconds=180&target_service_level=80&target_seconds=20"
    )
    assert "88.84%" in calc.content.decode()


def test_it_checks_the_next_24_hours_every_hour(cast: Cast) -> None:
    from django.utils import timezone

    from hragency.workforce.models import StaffingRequirement
    from hragency.workforce.tasks import check_next_24_hours

    soon = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=2)
    StaffingRequirement.objects.create(
        channel="phone",
        interval_start=soon,
        forecast_volume=5,
        aht_seconds=180,
        agents=2,
        scheduled=3,
        service_level=97,
    )
    assert check_next_24_hours.call_local() == "新增高峰预警 1 个"
    warning = PeakWarning.objects.get()
    assert (warning.required, warning.scheduled, warning.kind) == (3, 0, "understaffed")
    assert check_next_24_hours.call_local() == "新增高峰预警 0 个"


def test_it_works_through_the_screens(cast: Cast, as_user: Any) -> None:
    flat_history("phone", 6, 100)
    http = as_user(cast.supervisor)
    # Forecast from the staffing screen.
    response = http.post(
        "/workforce/staffing/", {"channel": "phone", "start": "2026-12-07", "days": "1"}
    )
    assert response.status_code == 302
    page = http.get(response["Location"]).content.decode()
    assert "已预测 1 天、48 个时段" in page and '<td class="text-end">23</td>' in page
    # A template with a misaligned start is refused beside the field; a good one is created.
    bad = http.post(
        "/workforce/templates/",
        {"name": "早班", "start_time": "07:15", "length_minutes": "480", "break_minutes": "0"},
    )
    assert bad.status_code == 400
    assert "须在整点或半点" in bad.content.decode()
    good = http.post(
        "/workforce/templates/",
        {"name": "早班", "start_time": "07:00", "length_minutes": "540", "break_minutes": "60"},
    )
    assert good.status_code == 302
    template = ShiftTemplate.objects.get(name="早班")
    assert (template.paid_minutes, template.end_label) == (480, "16:00")
    # A rep hands over through the form; the incoming rep confirms on the record's page.
    response = as_user(cast.rep_a).post(
        "/workforce/handovers/",
        {
            "from_template": template.pk,
            "to_template": template.pk,
            "incoming": cast.rep_b.pk,
            "pending_callbacks": "1",
            "notes": "留意 10 点后的来电高峰",
        },
    )
    assert response.status_code == 302
    record = HandoverRecord.objects.get()
    assert as_user(cast.rep_b).post(f"/workforce/handovers/{record.pk}/ack/").status_code == 302
    record.refresh_from_db()
    assert record.acknowledged_by == cast.rep_b
    # A warning is confirmed from the list.
    warning = PeakWarning.objects.create(
        kind="understaffed", interval_start=local_midnight(MONDAY), required=3, scheduled=1
    )
    http.post(f"/workforce/warnings/{warning.pk}/ack/", {"note": "已安排加班"})
    warning.refresh_from_db()
    assert (warning.status, warning.note) == ("acknowledged", "已安排加班")


def test_it_reads_lists_with_a_bounded_number_of_queries(
    cast: Cast, as_user: Any, django_assert_max_num_queries: Any
) -> None:
    flat_history("phone", 6, 3)
    three_shifts()
    hotline(cast, 12)
    plan = build_shift_plan(actor=cast.supervisor, week_start=MONDAY, channels=["phone"])
    publish_plan(actor=cast.supervisor, plan=plan)
    http = as_user(cast.supervisor)
    http.get("/workforce/plans/")  # warm the session and permission caches
    for path in (
        f"/workforce/plans/{plan.pk}/",
        "/workforce/warnings/?status=all",
        "/api/workforce/assignments?limit=100",
        "/workforce/volumes/?from=2026-11-01&to=2026-11-30",
    ):
        with django_assert_max_num_queries(25):
            assert http.get(path).status_code == 200, path
