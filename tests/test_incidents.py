"""Social-insurance exceptions (R-SI-6): 1 h response and 24 h resolution clocks, the
《异常处理报告》 required to resolve, closure by the reporter, scoping."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from hragency.core.errors import InvalidFields, ServiceError
from hragency.core.models import Deadline
from hragency.insurance import incidents
from hragency.insurance.models import Incident
from tests.si_support import make_specialist

REPORT = {
    "cause": "客户账户余额不足，银行代扣失败",
    "handling": "通知客户补足余额后重新发起代扣",
    "result": "11月社保已于次日缴费成功",
    "prevention": "每月3日前提醒客户核对账户余额",
}


@pytest.fixture
def specialist(cast):
    return make_specialist(cast)


def _report(cast, **kw):
    values = {
        "actor": cast.hr_a,
        "client": cast.client_a,
        "person": cast.person_a,
        "kind": "payment_failure",
        "description": "11月社保扣款失败",
    }
    return incidents.report_incident(**{**values, **kw})


def test_it_opens_the_1_hour_and_24_hour_clocks(cast, specialist):
    now = dt.datetime(2026, 11, 21, 20, 0, tzinfo=dt.UTC)  # a Saturday evening
    incident = incidents.report_incident(
        actor=cast.hr_a,
        client=cast.client_a,
        kind="payment_failure",
        description="扣款失败",
        now=now,
    )
    assert incident.number.startswith("YC")
    assert incident.handler == specialist  # no 应急处理小组 member: the client's SI specialist
    deadlines = {
        d.kind: d
        for d in Deadline.objects.filter(
            subject_type="insurance.incident", subject_id=str(incident.pk)
        )
    }
    # Counted round the clock, weekends included.
    assert deadlines[incidents.RESPONSE_KIND].due_at == now + dt.timedelta(hours=1)
    assert deadlines[incidents.RESOLUTION_KIND].due_at == now + dt.timedelta(hours=24)
    assert all(d.owner == specialist for d in deadlines.values())


def test_it_walks_report_respond_resolve_close(cast, specialist):
    incident = _report(cast)
    incident = incidents.respond_incident(
        actor=specialist, incident=incident, note="已联系客户核实"
    )
    assert incident.status == Incident.Status.RESPONDED
    response = Deadline.objects.get(kind=incidents.RESPONSE_KIND, subject_id=str(incident.pk))
    assert response.status == Deadline.Status.MET
    incident = incidents.resolve_incident(actor=specialist, incident=incident, **REPORT)
    assert incident.status == Incident.Status.RESOLVED
    resolution = Deadline.objects.get(kind=incidents.RESOLUTION_KIND, subject_id=str(incident.pk))
    assert resolution.status == Deadline.Status.MET
    incident = incidents.close_incident(actor=cast.hr_a, incident=incident)
    assert incident.status == Incident.Status.CLOSED
    stats = incidents.incident_stats(Incident.objects.all())
    assert stats["closure_rate"] == 100
    assert stats["response_on_time"] == (1, 1)


def test_it_requires_the_whole_report_to_resolve(cast, specialist):
    incident = _report(cast)
    with pytest.raises(InvalidFields) as caught:
        incidents.resolve_incident(
            actor=specialist, incident=incident, **{**REPORT, "prevention": " "}
        )
    assert [e.field for e in caught.value.errors] == ["prevention"]
    incident.refresh_from_db()
    assert incident.status == Incident.Status.OPEN


def test_it_refuses_what_the_actor_may_not_do(cast, specialist):
    incident = _report(cast)
    with pytest.raises(PermissionDenied):
        incidents.respond_incident(actor=cast.hr_a, incident=incident, note="x")
    with pytest.raises(ServiceError, match="先填写"):
        incidents.close_incident(actor=cast.hr_a, incident=incident)
    with pytest.raises(PermissionDenied):
        _report(cast, actor=cast.hr_b)  # client B's HR cannot report for client A
    with pytest.raises(InvalidFields):
        _report(cast, person=cast.person_b)  # a person of another client


def test_it_shows_the_report_only_within_scope(cast, specialist, as_user):
    incident = _report(cast)
    incidents.resolve_incident(actor=specialist, incident=incident, **REPORT)
    page = as_user(cast.hr_a).get(f"/insurance/incidents/{incident.pk}/report/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "异常处理报告" in text and REPORT["prevention"] in text
    assert as_user(cast.hr_b).get(f"/insurance/incidents/{incident.pk}/report/").status_code == 404


def test_it_works_through_the_screens(cast, specialist, as_user):
    hr = as_user(cast.hr_a)
    response = hr.post(
        "/insurance/incidents/new/",
        {"client": cast.client_a.pk, "kind": "benefit_claim", "description": ""},
    )
    assert response.status_code == 200 and "必填" in response.content.decode()
    assert not Incident.objects.exists()
    response = hr.post(
        "/insurance/incidents/new/",
        {"client": cast.client_a.pk, "kind": "benefit_claim", "description": "生育津贴未到账"},
    )
    incident = Incident.objects.get()
    assert response.status_code == 302
    staff = as_user(specialist)
    staff.post(f"/insurance/incidents/{incident.pk}/respond/", {"note": "正在与社保局核实"})
    staff.post(f"/insurance/incidents/{incident.pk}/resolve/", REPORT)
    hr.post(f"/insurance/incidents/{incident.pk}/close/")
    incident.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED
    listing = staff.get("/insurance/incidents/").content.decode()
    assert incident.number in listing and "闭环率 100%" in listing


def test_it_works_through_the_api(cast, specialist, as_user):
    import json

    hr = as_user(cast.hr_a)
    response = hr.post(
        "/api/incidents/",
        json.dumps({"client_id": cast.client_a.pk, "kind": "nonsense", "description": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "kind"
    response = hr.post(
        "/api/incidents/",
        json.dumps(
            {"client_id": cast.client_a.pk, "kind": "declaration", "description": "申报被退回"}
        ),
        content_type="application/json",
    )
    assert response.status_code == 201
    incident_id = response.json()["id"]
    assert as_user(cast.hr_b).get(f"/api/incidents/{incident_id}").status_code == 404
    response = as_user(specialist).post(
        f"/api/incidents/{incident_id}/resolve", json.dumps(REPORT), content_type="application/json"
    )
    assert response.json()["status"] == "resolved"
