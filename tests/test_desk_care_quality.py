"""Quality assurance (R-DESK-9): 10 % of each rep's finished tickets drawn daily (rounded up,
reproducible, idempotent), scoring by someone other than the rep, and the monthly review."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from hragency.core.deadlines import close_deadline, open_deadline
from hragency.core.errors import InvalidFields, ServiceError
from hragency.core.models import Deadline
from hragency.servicedesk import feedback, quality
from hragency.servicedesk.models import QualityReview, QualitySample, Ticket
from tests.conftest import login_client
from tests.desk_care_support import local, open_ticket, resolve

DAY = local(2026, 11, 20).date()


def _finish(cast, owner, client, count, *, at):
    tickets = []
    for i in range(count):
        ticket = open_ticket(
            cast, owner=owner, client=client, subject=f"咨询 {i}", now=at, contact_phone=""
        )
        tickets.append(resolve(ticket, at=at))
    return tickets


@pytest.fixture
def finished(cast):
    a = _finish(cast, cast.rep_a, cast.client_a, 25, at=local(2026, 11, 20, 14, 0))
    b = _finish(cast, cast.rep_b, cast.client_b, 4, at=local(2026, 11, 20, 23, 30))
    # Not that day's: resolved the day before, and still in progress.
    _finish(cast, cast.rep_a, cast.client_a, 3, at=local(2026, 11, 19, 23, 59))
    open_ticket(cast, subject="处理中", now=local(2026, 11, 20, 10, 0))
    return a, b


def test_it_draws_10_percent_rounded_up_per_rep(cast, finished):
    a, _b = finished
    drawn = quality.sample_day(DAY)
    by_rep = {}
    for s in drawn:
        by_rep.setdefault(s.rep, []).append(s)
    assert len(by_rep[cast.rep_a]) == 3  # 25 tickets → 2.5 → 3
    assert len(by_rep[cast.rep_b]) == 1  # 4 tickets → 0.4 → 1
    assert {s.ticket_id for s in by_rep[cast.rep_a]} <= {t.pk for t in a}
    assert by_rep[cast.rep_b][0].client == cast.client_b
    assert all(s.sampled_on == DAY for s in drawn)


def test_it_draws_reproducibly_and_never_twice(cast, finished):
    first = sorted(s.ticket_id for s in quality.sample_day(DAY))
    assert quality.sample_day(DAY) == []  # a rerun adds none
    assert QualitySample.objects.count() == 4
    QualitySample.objects.all().delete()
    assert sorted(s.ticket_id for s in quality.sample_day(DAY)) == first  # same seed, same draw
    # A 26th ticket of rep A still needs 3 samples: nothing is added.
    _finish(cast, cast.rep_a, cast.client_a, 1, at=local(2026, 11, 20, 17, 0))
    assert quality.sample_day(DAY) == []
    # Six more make 31 → 4: exactly one more, never a ticket already sampled.
    _finish(cast, cast.rep_a, cast.client_a, 5, at=local(2026, 11, 20, 18, 0))
    [extra] = quality.sample_day(DAY)
    assert extra.rep == cast.rep_a and extra.ticket_id not in first


def test_it_scores_by_someone_other_than_the_rep(cast, finished):
    quality.sample_day(DAY)
    sample = QualitySample.objects.filter(rep=cast.rep_a).first()
    scores = {"conduct": 18, "resolution": 15, "communication": 20, "compliance": 12, "record": 16}
    with pytest.raises(PermissionDenied):
        quality.score_sample(actor=cast.rep_a, sample=sample, scores=scores)
    with pytest.raises(InvalidFields) as refused:
        quality.score_sample(
            actor=cast.supervisor, sample=sample, scores={**scores, "record": 21, "conduct": "x"}
        )
    assert refused.value.by_field() == {"conduct": "请填写 0–20 的整数", "record": "应在 0–20 之间"}
    scored = quality.score_sample(
        actor=cast.supervisor, sample=sample, scores=scores, comment="流程说明不完整"
    )
    assert (scored.total, scored.scorer) == (81, cast.supervisor)
    # A scorer's own ticket is scored by someone else.
    QualitySample.objects.filter(pk=sample.pk).update(rep=cast.supervisor)
    with pytest.raises(ServiceError, match="自己"):
        quality.score_sample(actor=cast.supervisor, sample=sample, scores=scores)


def test_it_computes_the_monthly_review(cast, finished):
    a, _b = finished
    quality.sample_day(DAY)
    one, two, three = QualitySample.objects.filter(rep=cast.rep_a).order_by("pk")
    quality.score_sample(
        actor=cast.supervisor,
        sample=one,
        scores={
            "conduct": 18,
            "resolution": 15,
            "communication": 20,
            "compliance": 12,
            "record": 16,
        },
    )  # 81
    quality.score_sample(
        actor=cast.admin,
        sample=two,
        scores={
            "conduct": 20,
            "resolution": 17,
            "communication": 19,
            "compliance": 10,
            "record": 18,
        },
    )  # 84
    # Ratings of rep A's tickets: 5 and 2 → 3.5.
    feedback.rate_ticket(token=a[0].feedback_token, score=5)
    feedback.rate_ticket(token=a[1].feedback_token, score=2)
    # Rep A's service-desk deadlines due in November: 2 met, 1 late → 66 %; another kind and
    # October are not counted.
    Deadline.objects.filter(owner=cast.rep_a).update(status=Deadline.Status.CANCELLED)
    for kind, due, done in (
        ("servicedesk.response", local(2026, 11, 3, 12, 0), local(2026, 11, 3, 11, 0)),
        ("servicedesk.resolution", local(2026, 11, 4, 12, 0), local(2026, 11, 4, 12, 0)),
        ("servicedesk.resolution", local(2026, 11, 5, 12, 0), local(2026, 11, 5, 13, 0)),
        ("servicedesk.resolution", local(2026, 10, 5, 12, 0), local(2026, 10, 5, 13, 0)),
        ("insurance.order", local(2026, 11, 5, 12, 0), local(2026, 11, 5, 13, 0)),
    ):
        d = open_deadline(
            kind=kind, title="t", owner=cast.rep_a, due_at=due, client_id=cast.client_a.pk
        )
        close_deadline(d, at=done)

    [row_a] = [
        r
        for r in quality.monthly_figures(
            "2026-11",
            samples=QualitySample.objects.all(),
            tickets=Ticket.objects.all(),
            deadlines=Deadline.objects.all(),
        )
        if r.rep == cast.rep_a
    ]
    assert (row_a.samples, row_a.scored, row_a.average) == (3, 2, Decimal("82.5"))
    assert row_a.item_averages["compliance"] == Decimal("11.0")
    assert row_a.lowest_items == ["流程合规", "问题解决"]  # 11.0 and 16.0
    assert (row_a.satisfaction, row_a.rated) == (Decimal("3.5"), 2)
    assert row_a.on_time == (2, 3) and row_a.on_time_percent == 66
    assert three.total is None

    api = login_client
    data = api(cast.supervisor).get("/api/desk/quality/monthly?month=2026-11").json()
    rep_a_json = next(r for r in data["reps"] if r["rep_id"] == cast.rep_a.pk)
    assert rep_a_json["average"] == "82.5" and rep_a_json["on_time_percent"] == 66
    assert api(cast.rep_a).get("/api/desk/quality/monthly?month=2026-11").status_code == 403


def test_it_records_the_monthly_review_meeting(cast, as_user):
    http = as_user(cast.supervisor)
    refused = http.post("/desk/care/quality/monthly/save/", {"month": "2026-11", "findings": ""})
    assert refused.status_code == 400
    saved = http.post(
        "/desk/care/quality/monthly/save/",
        {
            "month": "2026-11",
            "held_on": "2026-11-30",
            "findings": "流程合规偏弱",
            "actions": "培训",
        },
    )
    assert saved.status_code == 302
    quality.record_review(
        actor=cast.supervisor,
        month="2026-11",
        held_on=local(2026, 12, 1).date(),
        findings="流程合规偏弱；记录不完整",
        actions="每周抽查记录",
    )
    review = QualityReview.objects.get(month="2026-11")
    assert review.held_on == local(2026, 12, 1).date() and "记录不完整" in review.findings
    assert QualityReview.objects.count() == 1
    assert http.get("/desk/care/quality/monthly/?month=2026-11").status_code == 200


def test_it_shows_samples_to_scorers_in_scope_and_never_to_hr(cast, finished, as_user):
    quality.sample_day(DAY)
    sample = QualitySample.objects.filter(client=cast.client_a).first()
    url = f"/desk/care/quality/{sample.pk}/"
    page = as_user(cast.supervisor).get(url)
    assert page.status_code == 200
    assert sample.ticket.number in page.content.decode()
    assert as_user(cast.rep_a).get(url).status_code == 200  # their own result
    assert as_user(cast.rep_b).get(url).status_code == 404
    assert as_user(cast.hr_a).get(url).status_code == 403
    assert as_user(cast.hr_a).get(f"/api/desk/quality/samples/{sample.pk}").status_code == 403
    queue = as_user(cast.supervisor).get("/desk/care/quality/?day=2026-11-20")
    assert queue.content.decode().count("待评分") == 4
    posted = as_user(cast.supervisor).post(
        f"/desk/care/quality/{sample.pk}/score/",
        {
            "conduct": "20",
            "resolution": "20",
            "communication": "20",
            "compliance": "20",
            "record": "19",
            "comment": "好",
        },
    )
    assert posted.status_code == 302
    assert QualitySample.objects.get(pk=sample.pk).total == 99
