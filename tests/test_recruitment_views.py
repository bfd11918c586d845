"""The recruitment pages cost a bounded number of queries whatever their size."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from hragency.recruitment import pipeline
from tests.conftest import Cast
from tests.sweep_recruitment import candidate, recruiter, requisition


def _count(http: Any, path: str) -> int:
    http.get(path)  # warm caches (permissions, scope)
    with CaptureQueriesContext(connection) as ctx:
        response = http.get(path)
    assert response.status_code == 200, path
    return len(ctx)


def test_it_keeps_the_board_and_the_requisition_page_bounded(cast: Cast, as_user: Any) -> None:
    http = as_user(recruiter(cast))
    req = requisition(cast)
    first = candidate(cast, req, name="候选1", phone="13900000001")
    pipeline.shortlist(actor=recruiter(cast), application=first, note="x")
    board_small = _count(http, "/recruitment/")
    detail_small = _count(http, f"/recruitment/{req.pk}/")
    portal_small = _count(as_user(cast.hr_a), f"/recruitment/portal/{req.pk}/")
    for i in range(2, 6):
        app = candidate(cast, req, name=f"候选{i}", phone=f"1390000000{i}")
        pipeline.shortlist(actor=recruiter(cast), application=app, note="x")
        pipeline.schedule_interview(
            actor=recruiter(cast),
            application=app,
            at="2026-12-20 10:00",
            place="A",
            interviewer="B",
        )
        requisition(cast)
    assert _count(http, "/recruitment/") == board_small
    assert _count(http, f"/recruitment/{req.pk}/") == detail_small
    assert _count(as_user(cast.hr_a), f"/recruitment/portal/{req.pk}/") == portal_small
    assert _count(http, "/recruitment/report/") <= 25
